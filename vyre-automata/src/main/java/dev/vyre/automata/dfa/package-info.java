/**
 * Search DFAs: subset construction under a state cap, Hopcroft minimisation, the packed table a device kernel
 * reads, and its flat word image.
 */
package dev.vyre.automata.dfa;
