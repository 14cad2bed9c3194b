package dev.vyre.automata.scan;

/** An engine stream that counts its state visits (bytes stepped, warm-ups and fix-ups included). */
interface VisitCounter {
    /** State visits so far. */
    long visits();
}
