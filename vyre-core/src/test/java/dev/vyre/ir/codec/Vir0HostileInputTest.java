package dev.vyre.ir.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.testing.Props;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance point 5: on hostile bytes the decoder ends in {@link Vir0FormatException} (naming an offset inside
 * the input) or returns a program that re-encodes to exactly those bytes; never another exception, a hang, deep
 * recursion or an allocation sized by an unchecked length.
 */
class Vir0HostileInputTest {
    private static final Duration BATCH_LIMIT = Duration.ofSeconds(60);
    private static final long SLOWEST_DECODE_NANOS = 1_000_000_000L;
    private static final int NODES = Wire.nodeTreeOffset(13);
    private static final int ENTRY0 = NODES + 4 + 10 + 4;

    /** Tallies of what the decoder did with a batch, so a test can check it reached both outcomes. */
    private static final class Outcomes {
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicLong slowest = new AtomicLong();
        private volatile byte[] slowestInput = new byte[0];

        /**
         * The slowest input of the batch, decoded again alone: the least of three timings, so that a GC pause or a
         * loaded machine during the batch does not fail the test, while a decoder that is super-linear on some
         * input (the hang this guards against) still does.
         */
        long slowestAlone() {
            long best = Long.MAX_VALUE;
            for (int k = 0; k < 3; k++) {
                long start = System.nanoTime();
                try {
                    Vir0Decoder.decode(slowestInput);
                } catch (Vir0FormatException expected) {
                    // timing only
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            return best;
        }

        void decode(byte[] input) {
            long start = System.nanoTime();
            Program p;
            try {
                p = Vir0Decoder.decode(input);
            } catch (Vir0FormatException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= input.length, e::getMessage);
                assertTrue(e.getMessage().contains(". Fix: "), e::getMessage);
                rejected.incrementAndGet();
                return;
            } finally {
                long took = System.nanoTime() - start;
                if (took > slowest.get()) {
                    slowest.set(took);
                    slowestInput = input;
                }
            }
            assertArrayEquals(input, Vir0Encoder.encode(p), "an accepted input must be canonical");
            accepted.incrementAndGet();
        }
    }

    private static List<byte[]> seedEncodings(int n) {
        List<byte[]> seeds = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(Props.baseSeed());
        for (int i = 0; i < n; i++) {
            Program p = i % 2 == 0 ? RandomPrograms.generate(rnd) : RandomPrograms.generateAnyShape(rnd);
            seeds.add(Vir0Encoder.encode(p));
        }
        return seeds;
    }

    @Test
    void randomByteStrings() {
        Outcomes out = new Outcomes();
        assertTimeoutPreemptively(BATCH_LIMIT, () -> Props.forAll("random bytes", 30_000, (i, rnd) -> {
            SplittableRandom r = rnd.split();
            byte[] b = new byte[r.nextInt(96)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) r.nextInt(256);
            }
            if (i % 2 == 0 && b.length >= 11) {
                // A plausible header so that the metadata and node parsers see the random tail.
                System.arraycopy(new byte[] {'V', 'I', 'R', '0', 1}, 0, b, 0, 5);
                int metadataLength = r.nextInt(b.length - 10);
                b[7] = (byte) metadataLength;
                b[8] = b[9] = b[10] = 0;
                b[11 < b.length ? 11 : 10] = 0x01;
            }
            out.decode(b);
        }));
        long alone = out.slowestAlone();
        assertTrue(alone < SLOWEST_DECODE_NANOS, "slowest input decodes in " + alone + " ns (" + out.slowest.get()
                + " ns in the batch)");
        assertEquals(30_000, out.rejected.get() + out.accepted.get());
    }

    @Test
    void mutatedEncodings() {
        List<byte[]> seeds = seedEncodings(400);
        Outcomes out = new Outcomes();
        assertTimeoutPreemptively(BATCH_LIMIT, () -> Props.forAll("mutations", 90_000, (i, rnd) -> {
            SplittableRandom r = rnd.split();
            byte[] b = seeds.get(r.nextInt(seeds.size()));
            for (int m = 1 + r.nextInt(3); m > 0; m--) {
                b = mutate(b, r);
            }
            out.decode(b);
        }));
        long alone = out.slowestAlone();
        assertTrue(alone < SLOWEST_DECODE_NANOS, "slowest input decodes in " + alone + " ns (" + out.slowest.get()
                + " ns in the batch)");
        assertTrue(out.rejected.get() > 45_000, "most mutations must be rejected: " + out.rejected.get());
        assertTrue(out.accepted.get() > 100, "some mutations (payload bytes, literals) stay valid: " + out.accepted.get());
    }

    @Test
    void unmutatedSeedsDecode() {
        Outcomes out = new Outcomes();
        seedEncodings(400).forEach(out::decode);
        assertEquals(400, out.accepted.get());
    }

    private static byte[] mutate(byte[] in, SplittableRandom r) {
        if (in.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        byte[] b = in.clone();
        int at = r.nextInt(b.length);
        switch (r.nextInt(7)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[at] = (byte) r.nextInt(256);
            case 2 -> b = Arrays.copyOf(b, at);
            case 3 -> {
                byte[] extra = new byte[1 + r.nextInt(8)];
                for (int k = 0; k < extra.length; k++) {
                    extra[k] = (byte) r.nextInt(256);
                }
                b = splice(b, at, extra, 0);
            }
            case 4 -> b = splice(b, at, new byte[0], Math.min(b.length - at, 1 + r.nextInt(8)));
            case 5 -> {
                if (b.length >= 4) {
                    int pos = r.nextInt(b.length - 3);
                    long[] lengths = {0, 1, 2, 0xFF, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, b.length, b.length - pos,
                            r.nextInt(64)};
                    long v = lengths[r.nextInt(lengths.length)];
                    for (int k = 0; k < 4; k++) {
                        b[pos + k] = (byte) (v >>> (8 * k));
                    }
                }
            }
            default -> {
                int len = Math.min(b.length - at, 1 + r.nextInt(16));
                b = splice(b, r.nextInt(b.length + 1), Arrays.copyOfRange(b, at, at + len), 0);
            }
        }
        return b;
    }

    /** {@code b} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
    private static byte[] splice(byte[] b, int at, byte[] inserted, int removed) {
        byte[] out = new byte[b.length - removed + inserted.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(b, at + removed, out, at + inserted.length, b.length - at - removed);
        return out;
    }

    // ---- huge declared lengths ------------------------------------------------------------------------------------

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void failsFastWithoutAllocating(byte[] input, long offset, String fragment) {
        Vir0Decoder.decode(Wire.minimal());
        long before = allocatedBytes();
        long start = System.nanoTime();
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Decoder.decode(input));
        long nanos = System.nanoTime() - start;
        long allocated = allocatedBytes() - before;
        assertEquals(offset, e.offset(), e::getMessage);
        assertTrue(e.getMessage().contains(fragment), e::getMessage);
        assertTrue(allocated < 256 * 1024, "decoding allocated " + allocated + " bytes: " + e.getMessage());
        assertTrue(nanos < 100_000_000L, "took " + nanos + " ns");
    }

    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
        byte[] pad = new byte[64];
        failsFastWithoutAllocating(Wire.of().hex("56495230 01 0000 ffffff7f").bytes(pad).bytes(), 7,
                "metadata_len is 2147483647");
        failsFastWithoutAllocating(Wire.of().hex("56495230 01 0000 ffffffff").bytes(pad).bytes(), 7,
                "metadata_len is 4294967295");
        failsFastWithoutAllocating(Wire.program(0, Wire.of().u8(0x00).u32(0xFFFFFFFFL).bytes(pad), Wire.of(),
                Wire.of()), 12, "entry op id length is 4294967295");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1).u8(0x80).u32(0x7FFFFFFF).bytes(pad),
                Wire.of(), Wire.of()), NODES + 1, "extension field payload length is 2147483647");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(0x7FFFFFFF).bytes(pad),
                Wire.of()), NODES, "top-level node count is 2147483647");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1),
                Wire.of().u32(1).u8(0x06).u32(0xFFFFFFFFL).bytes(pad), Wire.of()), NODES + 5,
                "Block body node count is 4294967295");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(0),
                Wire.of().u32(0x7FFFFFFF).bytes(pad)), NODES + 4, "expression arena count is 2147483647");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(1).u8(0).ident("x").u32(0),
                Wire.of().u32(1).u8(0x0C).ident("f").u32(0x7FFFFFFF).bytes(pad)), ENTRY0 + 6, "Call argc is 2147483647");
        failsFastWithoutAllocating(Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(1).u8(0).ident("x").u32(0),
                Wire.of().u32(1).u8(0x80).u32(1).u32(0xFFFFFFFFL).bytes(pad)), ENTRY0 + 5,
                "Opaque expression payload length is 4294967295");
    }

    // ---- deep nesting ---------------------------------------------------------------------------------------------

    @Test
    void deepNodeNestingIsATypedError() {
        Wire nodes = Wire.of().u32(1);
        for (int i = 0; i < 100_000; i++) {
            nodes.u8(0x06).u32(1);
        }
        nodes.u8(0x07);
        byte[] input = Wire.program(0, Wire.workgroup(1, 1, 1), nodes, Wire.of().u32(0));
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Decoder.decode(input));
        assertEquals(NODES + 4 + 5L * Vir0Format.MAX_DEPTH, e.offset(), e::getMessage);
        assertTrue(e.getMessage().contains("nodes nest deeper than 256 levels"), e::getMessage);
    }

    @Test
    void deepExpressionNestingIsATypedError() {
        int n = 100_000;
        Wire arena = Wire.of().u32(n).hex("03 01");
        for (int i = 1; i < n; i++) {
            arena.u8(0x0B, 0x03).u32(i - 1);
        }
        byte[] input = Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(1).u8(0).ident("x").u32(n - 1), arena);
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Decoder.decode(input));
        assertEquals(ENTRY0 + 2 + 6L * (Vir0Format.MAX_DEPTH - 1), e.offset(), e::getMessage);
        assertTrue(e.getMessage().contains("arena entry 256 is the root of an expression more than 256 levels deep"),
                e::getMessage);
    }

    @Test
    void deepTypeNestingIsATypedError() {
        Wire meta = Wire.workgroup(1, 1, 1).u8(0x02).ident("b").u32(0).u8(1);
        for (int i = 0; i < 100_000; i++) {
            meta.u8(0x0B).u32(1);
        }
        meta.u8(0x00).u32(1).u8(0).u8(0).u32(0);
        byte[] input = Wire.program(0, meta, Wire.of().u32(0), Wire.of().u32(0));
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Decoder.decode(input));
        assertEquals(NODES + 11 + 5L * Vir0Format.MAX_DEPTH, e.offset(), e::getMessage);
        assertTrue(e.getMessage().contains("Array types nest deeper than 256 levels"), e::getMessage);
    }
}
