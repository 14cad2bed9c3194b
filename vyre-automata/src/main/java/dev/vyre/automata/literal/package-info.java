/**
 * Literal analysis (exact languages, required factors) and the Aho-Corasick matcher behind the literal engines.
 */
package dev.vyre.automata.literal;
