/**
 * Engines and scanners: one-shot and streaming scans, the sequential, blocking-lane and non-blocking worklist
 * modes of DFA engines, the NFA worklist and the literal engines.
 */
package dev.vyre.automata.scan;
