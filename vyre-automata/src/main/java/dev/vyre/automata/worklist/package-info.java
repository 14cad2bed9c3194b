/**
 * The automata worklist policy of AUTOMATA.md (modes, thresholds, u32 budget, recommendation) and its evidence
 * records, plus a benchmark that measures both lane modes.
 */
package dev.vyre.automata.worklist;
