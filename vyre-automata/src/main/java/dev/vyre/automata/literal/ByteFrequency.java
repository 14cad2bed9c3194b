package dev.vyre.automata.literal;

import dev.vyre.automata.regex.ByteSet;

/**
 * A prior on how rare each byte is in text and source code: {@code round(-4 log2 p)} (capped at 91) of the byte
 * frequencies of a sample of the Linux kernel tree and syslog files. Used only to pick which part of a literal to
 * search for; any table gives the same matches.
 */
public final class ByteFrequency {
    private static final int[] COST = {
        91, 91, 91, 91, 91, 91, 91, 91, 91, 19, 19, 91, 91, 73, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91,
        91, 91, 91, 91, 91, 13, 43, 31, 34, 51, 42, 36, 45, 26, 26, 26, 41, 25, 28, 30, 30, 25, 29, 29, 32, 33, 34,
        35, 37, 34, 37, 35, 26, 37, 28, 30, 54, 45, 27, 33, 28, 29, 26, 31, 32, 34, 28, 51, 36, 29, 29, 29, 29, 29,
        42, 27, 27, 27, 33, 34, 38, 34, 39, 46, 39, 41, 39, 59, 18, 50, 20, 28, 21, 22, 17, 24, 27, 26, 19, 46, 31,
        23, 24, 20, 21, 24, 36, 19, 20, 18, 23, 27, 31, 29, 31, 40, 34, 41, 34, 51, 91, 61, 56, 58, 59, 64, 67, 66,
        73, 66, 67, 69, 64, 64, 69, 73, 66, 68, 67, 73, 67, 70, 70, 71, 68, 72, 67, 64, 71, 68, 73, 72, 68, 72, 67,
        69, 71, 68, 68, 69, 67, 65, 71, 65, 66, 74, 69, 63, 64, 67, 68, 79, 71, 71, 78, 68, 67, 64, 71, 66, 66, 65,
        68, 72, 69, 91, 91, 72, 75, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91,
        91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 73, 52, 61, 57, 59, 59, 61, 66, 91, 91, 91, 91, 91, 69, 91, 91, 91,
        91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91, 91,
    };

    private ByteFrequency() {
    }

    /** How rare byte {@code b} is: larger is rarer. */
    public static int rarity(int b) {
        return COST[b & 0xFF];
    }

    /** How rare a position matching {@code set} is: the rarity of its most common byte. */
    public static int rarity(ByteSet set) {
        int r = Integer.MAX_VALUE;
        for (int b = set.next(0); b >= 0; b = b == 255 ? -1 : set.next(b + 1)) {
            r = Math.min(r, COST[b]);
        }
        return r == Integer.MAX_VALUE ? 0 : r;
    }
}
