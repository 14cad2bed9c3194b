package dev.vyre.automata.scan;

/**
 * One matcher of a compiled pattern set; a set may be split over several engines (see
 * {@link dev.vyre.automata.RegexCompiler}), whose reports a {@link ScanStream} merges.
 */
public sealed interface Engine permits DfaEngine, NfaEngine, LiteralEngine, PrefilterEngine,
        LineEngine {
    /** What an engine runs. */
    enum Kind {
        /** A dense DFA table over the whole input. */
        DFA,
        /** An NFA run as a worklist of (state, index) pairs, for patterns whose DFA passes the state cap. */
        NFA,
        /** Plain literals, reported straight from a multi-literal (Aho-Corasick) matcher. */
        LITERAL,
        /** A multi-literal prefilter over required factors; a DFA confirms only around factor hits. */
        PREFILTER,
        /** Line-confined patterns in group DFAs that run only over lines holding one of their factors. */
        LINE
    }

    /** The engine's kind. */
    Kind kind();

    /** The distinct pattern ids this engine reports, sorted. */
    int[] patternIds();

    /** A fresh stream at offset 0. */
    EngineStream open(ScanOptions options);
}
