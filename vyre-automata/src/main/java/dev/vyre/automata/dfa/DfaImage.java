package dev.vyre.automata.dfa;

import dev.vyre.automata.AutomataException;
import java.util.Arrays;

/**
 * A {@link Dfa} as one flat array of 32-bit words, ready to copy to device memory (little-endian when written
 * through a {@code MemorySegment} with {@code JAVA_INT_UNALIGNED.withOrder(LITTLE_ENDIAN)} or any native-order
 * int array on x86/ARM). Layout, in words:
 * <pre>
 *   header (16 words): MAGIC, VERSION, stateCount, classCount, matchLimit, deadState (0xFFFFFFFF: none),
 *                      startStates[3], acceptIdCount, classMapOffset, transitionsOffset,
 *                      acceptOffsetsOffset, acceptIdsOffset, totalWords, 0
 *   classMap:       64 words; byte b's class is byte (b % 4) of word (b / 4), least significant byte first
 *   transitions:    stateCount * classCount words, row-major
 *   acceptOffsets:  matchLimit * 3 + 1 words (CSR over acceptIds, see {@link Dfa})
 *   acceptIds:      acceptIdCount words
 * </pre>
 */
public final class DfaImage {
    /** "VDFA" as a little-endian word. */
    public static final int MAGIC = 0x4146_4456;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Words of the header. */
    public static final int HEADER_WORDS = 16;
    /** Header word: {@link #MAGIC}. */
    public static final int W_MAGIC = 0;
    /** Header word: {@link #VERSION}. */
    public static final int W_VERSION = 1;
    /** Header word: number of states. */
    public static final int W_STATE_COUNT = 2;
    /** Header word: number of byte classes. */
    public static final int W_CLASS_COUNT = 3;
    /** Header word: states below this report matches. */
    public static final int W_MATCH_LIMIT = 4;
    /** Header word: the dead state, or {@code 0xFFFFFFFF}. */
    public static final int W_DEAD_STATE = 5;
    /** Header words: the three start states, by lookbehind context. */
    public static final int W_START_STATES = 6;
    /** Header word: number of accept ids. */
    public static final int W_ACCEPT_ID_COUNT = 9;
    /** Header word: word offset of the class map. */
    public static final int W_CLASS_MAP_OFFSET = 10;
    /** Header word: word offset of the transition table. */
    public static final int W_TRANSITIONS_OFFSET = 11;
    /** Header word: word offset of the accept offsets. */
    public static final int W_ACCEPT_OFFSETS_OFFSET = 12;
    /** Header word: word offset of the accept ids. */
    public static final int W_ACCEPT_IDS_OFFSET = 13;
    /** Header word: total words of the image. */
    public static final int W_TOTAL_WORDS = 14;
    /** Words of the class map. */
    public static final int CLASS_MAP_WORDS = 64;

    private DfaImage() {
    }

    /** The image of {@code dfa}. */
    public static int[] encode(Dfa dfa) {
        int n = dfa.stateCount();
        int k = dfa.classCount();
        int[] acceptOffsets = dfa.acceptOffsets();
        int[] acceptIds = dfa.acceptIds();
        int classMap = HEADER_WORDS;
        int transitions = classMap + CLASS_MAP_WORDS;
        int offsets = transitions + n * k;
        int ids = offsets + acceptOffsets.length;
        int total = ids + acceptIds.length;
        int[] w = new int[total];
        w[W_MAGIC] = MAGIC;
        w[W_VERSION] = VERSION;
        w[W_STATE_COUNT] = n;
        w[W_CLASS_COUNT] = k;
        w[W_MATCH_LIMIT] = dfa.matchLimit();
        w[W_DEAD_STATE] = dfa.deadState();
        System.arraycopy(dfa.startStates(), 0, w, W_START_STATES, Dfa.CONTEXTS);
        w[W_ACCEPT_ID_COUNT] = acceptIds.length;
        w[W_CLASS_MAP_OFFSET] = classMap;
        w[W_TRANSITIONS_OFFSET] = transitions;
        w[W_ACCEPT_OFFSETS_OFFSET] = offsets;
        w[W_ACCEPT_IDS_OFFSET] = ids;
        w[W_TOTAL_WORDS] = total;
        byte[] map = dfa.classMap();
        for (int b = 0; b < 256; b++) {
            w[classMap + b / 4] |= (map[b] & 0xFF) << (8 * (b % 4));
        }
        System.arraycopy(dfa.transitions(), 0, w, transitions, n * k);
        System.arraycopy(acceptOffsets, 0, w, offsets, acceptOffsets.length);
        System.arraycopy(acceptIds, 0, w, ids, acceptIds.length);
        return w;
    }

    /** Decodes and checks an image; refuses anything {@link #encode} could not have written. */
    public static Dfa decode(int[] w) {
        require(w != null && w.length >= HEADER_WORDS, "shorter than the " + HEADER_WORDS + "-word header");
        require(w[W_MAGIC] == MAGIC && w[W_VERSION] == VERSION, "bad magic or version");
        int n = w[W_STATE_COUNT];
        int k = w[W_CLASS_COUNT];
        int limit = w[W_MATCH_LIMIT];
        int idCount = w[W_ACCEPT_ID_COUNT];
        require(n >= 1 && k >= 1 && k <= 256 && limit >= 0 && limit <= n && idCount >= 0,
                "state count " + n + ", class count " + k + ", match limit " + limit + " or id count " + idCount
                        + " out of range");
        long transitions = HEADER_WORDS + (long) CLASS_MAP_WORDS;
        long offsets = transitions + (long) n * k;
        long ids = offsets + (long) limit * Dfa.LOOKAHEADS + 1;
        long total = ids + idCount;
        require(w[W_CLASS_MAP_OFFSET] == HEADER_WORDS && w[W_TRANSITIONS_OFFSET] == transitions
                && w[W_ACCEPT_OFFSETS_OFFSET] == offsets && w[W_ACCEPT_IDS_OFFSET] == ids
                && w[W_TOTAL_WORDS] == total && total == w.length && w[HEADER_WORDS - 1] == 0,
                "section offsets or total size do not match the counts");
        int dead = w[W_DEAD_STATE];
        require(dead == -1 || dead >= limit && dead < n, "dead state " + dead + " out of range");
        int[] starts = Arrays.copyOfRange(w, W_START_STATES, W_START_STATES + Dfa.CONTEXTS);
        for (int s : starts) {
            require(s >= 0 && s < n, "start state " + s + " out of range");
        }
        byte[] map = new byte[256];
        for (int b = 0; b < 256; b++) {
            int c = w[HEADER_WORDS + b / 4] >>> (8 * (b % 4)) & 0xFF;
            require(c < k, "byte " + b + " maps to class " + c + " of " + k);
            map[b] = (byte) c;
        }
        int[] trans = Arrays.copyOfRange(w, (int) transitions, (int) offsets);
        for (int t : trans) {
            require(t >= 0 && t < n, "transition to state " + t + " of " + n);
        }
        int[] acceptOffsets = Arrays.copyOfRange(w, (int) offsets, (int) ids);
        require(acceptOffsets[0] == 0 && acceptOffsets[acceptOffsets.length - 1] == idCount,
                "accept offsets do not span the ids");
        for (int i = 1; i < acceptOffsets.length; i++) {
            require(acceptOffsets[i] >= acceptOffsets[i - 1], "accept offsets decrease at " + i);
        }
        int[] acceptIds = Arrays.copyOfRange(w, (int) ids, (int) total);
        return new Dfa(n, k, map, trans, limit, acceptOffsets, acceptIds, starts, dead);
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new AutomataException("DFA image: " + problem, "pass an image written by DfaImage.encode");
        }
    }
}
