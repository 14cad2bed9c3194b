package dev.vyre.automata.scan;

/** How DFA engines advance over a chunk (see docs/AUTOMATA.md); every mode reports the same matches. */
public enum ScanMode {
    /** One pass, byte after byte. */
    SEQUENTIAL,
    /** Fixed lanes, each owning one span, then a sequential fix-up of lanes whose guessed start state was wrong. */
    BLOCKING,
    /** A shared worklist of (state, index) tasks that lanes pull and requeue, one quantum at a time. */
    NON_BLOCKING
}
