package dev.vyre.automata.regex;

/**
 * An immutable set of byte values {@code 0..255}, held as four 64-bit words ({@code w0} holds bytes 0..63).
 *
 * @param w0 bytes 0..63
 * @param w1 bytes 64..127
 * @param w2 bytes 128..191
 * @param w3 bytes 192..255
 */
public record ByteSet(long w0, long w1, long w2, long w3) {
    /** No byte. */
    public static final ByteSet EMPTY = new ByteSet(0, 0, 0, 0);
    /** Every byte. */
    public static final ByteSet ALL = new ByteSet(-1L, -1L, -1L, -1L);
    /** {@code \d}: ASCII digits. */
    public static final ByteSet DIGIT = range('0', '9');
    /** {@code \w}: ASCII letters, digits and underscore. */
    public static final ByteSet WORD = range('a', 'z').union(range('A', 'Z')).union(DIGIT).union(of('_'));
    /** {@code \s}: space, tab, newline, vertical tab, form feed, carriage return. */
    public static final ByteSet SPACE = of(' ').union(range('\t', '\r'));
    /** The newline byte {@code \n}. */
    public static final ByteSet NEWLINE = of('\n');

    private static final long UPPER_BITS = 0x7FF_FFFEL;

    /** The set holding only {@code b} ({@code 0..255}). */
    public static ByteSet of(int b) {
        return range(b, b);
    }

    /** The set of bytes {@code lo..hi} inclusive; empty when {@code lo > hi}. */
    public static ByteSet range(int lo, int hi) {
        long[] w = new long[4];
        for (int b = Math.max(lo, 0); b <= Math.min(hi, 255); b++) {
            w[b >>> 6] |= 1L << (b & 63);
        }
        return new ByteSet(w[0], w[1], w[2], w[3]);
    }

    /** Whether {@code b} (taken as unsigned) is in the set. */
    public boolean contains(int b) {
        int u = b & 0xFF;
        return (word(u >>> 6) >>> (u & 63) & 1L) != 0;
    }

    /** Bytes in either set. */
    public ByteSet union(ByteSet o) {
        return new ByteSet(w0 | o.w0, w1 | o.w1, w2 | o.w2, w3 | o.w3);
    }

    /** Bytes in both sets. */
    public ByteSet intersect(ByteSet o) {
        return new ByteSet(w0 & o.w0, w1 & o.w1, w2 & o.w2, w3 & o.w3);
    }

    /** Bytes not in this set. */
    public ByteSet complement() {
        return new ByteSet(~w0, ~w1, ~w2, ~w3);
    }

    /** Whether the set has no byte. */
    public boolean isEmpty() {
        return (w0 | w1 | w2 | w3) == 0;
    }

    /** Number of bytes in the set. */
    public int size() {
        return Long.bitCount(w0) + Long.bitCount(w1) + Long.bitCount(w2) + Long.bitCount(w3);
    }

    /** The smallest byte {@code >= from} in the set, or -1. */
    public int next(int from) {
        for (int b = Math.max(from, 0); b < 256; b++) {
            long w = word(b >>> 6) >>> (b & 63);
            if (w == 0) {
                b = (b | 63);
                continue;
            }
            return b + Long.numberOfTrailingZeros(w);
        }
        return -1;
    }

    /** This set with the other ASCII case of every letter in it added. */
    public ByteSet caseFolded() {
        // Letters live in w1 (bytes 64..127): 'A'..'Z' are bits 1..26, 'a'..'z' bits 33..58.
        long upper = w1 & UPPER_BITS;
        long lower = w1 & (UPPER_BITS << 32);
        return new ByteSet(w0, w1 | upper << 32 | lower >>> 32, w2, w3);
    }

    /** {@code b} with ASCII upper-case letters mapped to lower case; other bytes unchanged. */
    public static int fold(int b) {
        int u = b & 0xFF;
        return u >= 'A' && u <= 'Z' ? u + 32 : u;
    }

    private long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int b = next(0); b >= 0; b = next(b + 1)) {
            int e = b;
            while (e < 255 && contains(e + 1)) {
                e++;
            }
            sb.append(show(b));
            if (e > b) {
                sb.append('-').append(show(e));
            }
            b = e;
        }
        return sb.append(']').toString();
    }

    private static String show(int b) {
        return b > 32 && b < 127 && "\\]-^[".indexOf(b) < 0 ? String.valueOf((char) b) : String.format("\\x%02X", b);
    }
}
