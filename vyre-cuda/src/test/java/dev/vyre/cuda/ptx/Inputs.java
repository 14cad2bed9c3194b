package dev.vyre.cuda.ptx;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic random contents for the bound buffers of a corpus case (conventions in {@link ProgramCorpus}),
 * rich in the values where backends tend to differ: zeros of both signs, NaNs with payloads, infinities,
 * subnormals, rounding ties, integer extremes, float-to-integer boundaries. WriteOnly buffers start zeroed, as
 * the reference interpreter requires.
 */
final class Inputs {
    static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int[] SPECIAL_INTS = {0, 1, 2, 3, 7, 15, 16, 31, 32, 33, 63, -1, -2, -31, -32,
        Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0x8000_0001,
        0x7FFF_FFFE, 0xAAAA_AAAA, 0x5555_5555};
    private static final int[] SPECIAL_FLOAT_BITS = {0x0000_0000, 0x8000_0000, 0x3F80_0000, 0xBF80_0000,
        0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7FA0_0001, 0xFF80_0001, 0x7FFF_FFFF, 0x0000_0001,
        0x8000_0001, 0x007F_FFFF, 0x807F_FFFF, 0x0040_0000, 0x0080_0000, 0x8080_0000, 0x7F7F_FFFF, 0xFF7F_FFFF,
        Float.floatToRawIntBits(0.5f), Float.floatToRawIntBits(-0.5f), Float.floatToRawIntBits(1.5f),
        Float.floatToRawIntBits(2.5f), Float.floatToRawIntBits(-2.5f), Float.floatToRawIntBits(4194304.5f),
        Float.floatToRawIntBits(8388608.0f), Float.floatToRawIntBits(16777217.0f),
        Float.floatToRawIntBits(2147483520.0f), Float.floatToRawIntBits(2147483648.0f),
        Float.floatToRawIntBits(4294967040.0f), Float.floatToRawIntBits(4294967296.0f),
        Float.floatToRawIntBits(-2147483648.0f), Float.floatToRawIntBits(-2147483904.0f),
        Float.floatToRawIntBits(-0.99f), Float.floatToRawIntBits(0.99f), Float.floatToRawIntBits(3.0f),
        Float.floatToRawIntBits(0.1f), Float.floatToRawIntBits(1e30f), Float.floatToRawIntBits(-7.0f)};

    private Inputs() {
    }

    /** The number of elements {@code b} is bound with in a case whose count-0 buffers hold {@code elements}. */
    static int elements(BufferDecl b, int elements) {
        return b.count() != 0 ? b.count() : elements;
    }

    /** Fresh, filled memory for every non-Workgroup buffer of {@code p}, in declaration order. */
    static Map<String, MemorySegment> create(Arena arena, Program p, int elements, SplittableRandom rnd) {
        Map<String, MemorySegment> buffers = new LinkedHashMap<>();
        for (BufferDecl b : p.buffers()) {
            if (b.access() == BufferAccess.WORKGROUP) {
                continue;
            }
            int n = elements(b, elements);
            MemorySegment seg = arena.allocate((long) n * ((ScalarType) b.elementType()).byteSize(), 4);
            fill(b, seg, n, rnd);
            buffers.put(b.name(), seg);
        }
        return buffers;
    }

    /** Fills {@code seg}, {@code n} elements of {@code b}. */
    static void fill(BufferDecl b, MemorySegment seg, int n, SplittableRandom rnd) {
        if (b.access() == BufferAccess.WRITE_ONLY) {
            seg.fill((byte) 0);
            return;
        }
        ScalarType t = (ScalarType) b.elementType();
        for (int k = 0; k < n; k++) {
            if (t == ScalarType.BYTES) {
                seg.set(ValueLayout.JAVA_BYTE, k, (byte) (rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? 0 : 0xFF)
                        : rnd.nextInt(256)));
                continue;
            }
            int word;
            if (b.name().startsWith("kill")) {
                word = rnd.nextInt(4) == 0 ? 1 : 0;
            } else if (b.name().startsWith("idx")) {
                word = rnd.nextInt(-8, n + 8);
            } else {
                word = switch (t) {
                    case F32 -> floatBits(rnd);
                    case BOOL -> switch (rnd.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> 1;
                        case 2 -> rnd.nextInt();
                        default -> 0x8000_0000;
                    };
                    default -> intBits(rnd);
                };
            }
            seg.set(WORD, 4L * k, word);
        }
    }

    private static int intBits(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)];
            case 2 -> rnd.nextInt(-70, 70);
            default -> rnd.nextInt();
        };
    }

    private static int floatBits(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> SPECIAL_FLOAT_BITS[rnd.nextInt(SPECIAL_FLOAT_BITS.length)];
            case 2 -> Float.floatToRawIntBits((float) rnd.nextDouble(-100, 100));
            case 3 -> Float.floatToRawIntBits((float) rnd.nextInt(-40, 40) * 0.5f);
            default -> rnd.nextInt();
        };
    }
}
