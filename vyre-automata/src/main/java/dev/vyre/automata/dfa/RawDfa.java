package dev.vyre.automata.dfa;

/**
 * A DFA as subset construction or minimisation leaves it, before {@link Dfa#of(RawDfa)} renumbers and packs it.
 *
 * @param stateCount number of states
 * @param classCount number of byte classes
 * @param classMap class of each byte (unsigned)
 * @param transitions {@code transitions[s * classCount + c]}
 * @param accepts {@code accepts[s][lookahead]}: sorted distinct pattern ids
 * @param startStates the state to begin in for each lookbehind context
 */
public record RawDfa(int stateCount, int classCount, byte[] classMap, int[] transitions, int[][][] accepts,
        int[] startStates) {
}
