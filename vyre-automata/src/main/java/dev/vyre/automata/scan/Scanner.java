package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.MatchSink;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans inputs with a compiled pattern set. A one-shot scan treats the given range as the whole input: offset 0
 * is its first byte ({@code ^} holds there) and its end is the end of input ({@code $} holds there); reported end
 * offsets are relative to the range's start. For inputs that arrive in pieces use {@link #stream()}.
 */
public final class Scanner {
    private final CompiledAutomaton automaton;
    private final ScanOptions options;

    /** A scanner with {@link ScanOptions#defaults()}. */
    public Scanner(CompiledAutomaton automaton) {
        this(automaton, ScanOptions.defaults());
    }

    public Scanner(CompiledAutomaton automaton, ScanOptions options) {
        if (automaton == null || options == null) {
            throw new AutomataException("scanner: automaton and options must not be null",
                    "compile patterns with RegexCompiler and pass ScanOptions.defaults()");
        }
        this.automaton = automaton;
        this.options = options;
    }

    /** A new stream at offset 0. */
    public ScanStream stream() {
        return new ScanStream(automaton.engines(), options);
    }

    /** Scans {@code input[offset, offset + length)} as a whole input. */
    public void scan(byte[] input, int offset, int length, MatchSink sink) {
        ScanStream s = stream();
        s.feed(input, offset, length, sink);
        s.finish(sink);
    }

    /** Scans {@code length} bytes of {@code input} from {@code offset} as a whole input. */
    public void scan(MemorySegment input, long offset, long length, MatchSink sink) {
        if (input == null || offset < 0 || length < 0 || offset > input.byteSize() - length) {
            throw new AutomataException("scan: range [" + offset + ", " + offset + "+" + length + ") is not inside "
                    + "the " + (input == null ? "missing" : input.byteSize() + "-byte") + " segment",
                    "pass an offset and length inside the segment");
        }
        ScanStream s = stream();
        s.feed(input.asSlice(offset, length), sink);
        s.finish(sink);
    }

    /** Scans all of {@code input} and returns the matches in report order. */
    public List<Match> scan(byte[] input) {
        if (input == null) {
            throw new AutomataException("scan: no input array", "pass a byte array (empty for no input)");
        }
        List<Match> out = new ArrayList<>();
        scan(input, 0, input.length, (id, end) -> out.add(new Match(id, end)));
        return out;
    }
}
