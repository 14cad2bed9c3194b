package dev.vyre.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Random protocol values for property tests, and an independent little-endian word encoder. */
final class Gen {
    private Gen() {
    }

    static int word(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MIN_VALUE;
            case 3 -> rnd.nextInt(16);
            default -> rnd.nextInt();
        };
    }

    static Slot slot(SplittableRandom rnd) {
        int[] args = new int[12];
        for (int i = 0; i < args.length; i++) {
            args[i] = word(rnd);
        }
        return new Slot(SlotState.values()[rnd.nextInt(SlotState.values().length)], word(rnd), word(rnd),
                Priority.values()[rnd.nextInt(Priority.values().length)], args);
    }

    static Task task(SplittableRandom rnd) {
        return new Task(TaskState.values()[rnd.nextInt(TaskState.values().length)], word(rnd), word(rnd),
                Priority.values()[rnd.nextInt(Priority.values().length)], word(rnd), word(rnd), word(rnd),
                word(rnd), word(rnd), word(rnd), word(rnd), word(rnd), word(rnd), word(rnd), word(rnd), word(rnd));
    }

    /** Little-endian bytes of {@code words}, written with ByteBuffer (independent of the code under test). */
    static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    /** Words of little-endian {@code bytes}, read with ByteBuffer. */
    static int[] words(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] w = new int[bytes.length / 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = b.getInt();
        }
        return w;
    }
}
