/**
 * Automata for scanning bytes: a regex compiler to NFA and DFA (byte classes, minimisation, state cap), the match
 * semantics of AUTOMATA.md ({@code (pattern_id, end_offset)} reported once each), a CPU scanner, and the worklist
 * policy with its evidence records.
 */
package dev.vyre.automata;
