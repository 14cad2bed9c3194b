/**
 * Automata for scanning bytes: a regex compiler to NFA and DFA (byte classes, minimisation, state cap), the match
 * semantics of AUTOMATA.md ({@code (pattern_id, end_offset)} reported once each), CPU scanners, and the worklist
 * policy with its evidence records. Start at {@link dev.vyre.automata.RegexCompiler} and
 * {@link dev.vyre.automata.scan.Scanner}; the design is in docs/AUTOMATA.md.
 */
package dev.vyre.automata;
