/**
 * Thompson NFAs over bytes and the byte classes that let tables use one column per class.
 */
package dev.vyre.automata.nfa;
