package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.ir.interp.BoundBuffer;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Corrupt images get a typed {@link VmImageException} with a Fix, never another exception or a hang; a mutated
 * image that still verifies is a valid image and runs to an outcome within its budget.
 */
class VmVerifierFuzzTest {

    /** Decodes, and runs what decodes; fails on anything but a VmImageException. */
    private static boolean decodeAndRun(int[] words, SplittableRandom rnd) {
        VmImage image;
        try {
            image = VmImage.decode(words);
        } catch (VmImageException e) {
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            return false;
        }
        for (VmBufferDecl d : image.buffers()) {
            if (Integer.toUnsignedLong(d.count()) > 1 << 16) {
                return true; // valid, but too large to allocate in a unit test
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> segments = new ArrayList<>();
            for (VmBufferDecl d : image.buffers()) {
                long count = Math.max(Integer.toUnsignedLong(d.count()), 1 + rnd.nextInt(8));
                segments.add(d.workgroup() ? null : arena.allocate(count * d.type().byteSize(), 4));
            }
            BoundBuffer[] bound = VmInterpreter.bind(image, segments);
            VmResult r = VmInterpreter.run(image, bound, 1 + rnd.nextInt(2), 1, 1, 2_000);
            assertTrue(r.steps() <= 2_000);
        }
        return true;
    }

    private static int[] validImage(SplittableRandom rnd) {
        return VmLowering.lower(Rewrite.singleInvocation(RandomPrograms.generate(rnd))).words();
    }

    @Test
    void randomWordsAreRefused() {
        Props.forAll("random words", 2_000, (i, rnd) -> {
            int[] w = new int[rnd.nextInt(40)];
            for (int j = 0; j < w.length; j++) {
                w[j] = rnd.nextInt();
            }
            if (w.length > VmImageLayout.HEADER_WORDS && rnd.nextBoolean()) {
                w[VmImageLayout.MAGIC] = VmImageLayout.MAGIC_VALUE;
                w[VmImageLayout.VERSION] = VmImageLayout.VERSION_VALUE;
            }
            decodeAndRun(w, rnd);
        });
    }

    @Test
    void mutatedImagesAreRefusedOrRunWithinTheirBudget() {
        int[] verified = new int[1];
        Props.forAll("mutated images", 1_500, (i, rnd) -> {
            int[] w = validImage(rnd);
            int mutations = 1 + rnd.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int at = rnd.nextInt(w.length);
                switch (rnd.nextInt(4)) {
                    case 0 -> w[at] ^= 1 << rnd.nextInt(32);
                    case 1 -> w[at] = rnd.nextInt();
                    case 2 -> w[at] += rnd.nextBoolean() ? 1 : -1;
                    default -> w[at] = (w[at] & ~0xFF) | rnd.nextInt(256); // another opcode or low byte
                }
            }
            if (rnd.nextInt(10) == 0) {
                w = java.util.Arrays.copyOf(w, Math.max(0, w.length + rnd.nextInt(5) - 3));
            }
            if (decodeAndRun(w, rnd)) {
                verified[0]++;
            }
        });
        assertTrue(verified[0] > 50, "mutations that still verify (and ran): " + verified[0]);
    }

    @Test
    void specificCorruptionsNameTheirProblem() {
        VmImage.Builder b = new VmImage.Builder(2, 4, 1, 1)
                .buffer(new VmBufferDecl(ScalarType.U32, BufferAccess.READ_ONLY, 0));
        b.emit(VmOp.CONST, 0, 0, 0, 1);
        b.emit(VmOp.STORE, 0, 0, 0, 0);
        b.emit(VmOp.RET, 0, 0, 0, 0);
        assertMessage(b.words(), "writes slot 0, a READ_ONLY buffer");

        VmImage.Builder readsUnwritten = new VmImage.Builder(2, 1, 1, 1);
        readsUnwritten.emit(VmOp.MOV, 0, 1, 0, 0);
        readsUnwritten.emit(VmOp.RET, 0, 0, 0, 0);
        assertMessage(readsUnwritten.words(), "reads r1 as a, which is not written on every path");

        VmImage.Builder backwardBranch = new VmImage.Builder(1, 1, 1, 1);
        backwardBranch.emit(VmOp.CONST, 0, 0, 0, 0);
        backwardBranch.emit(VmOp.BRZ, 0, 0, 0, 0);
        backwardBranch.emit(VmOp.RET, 0, 0, 0, 0);
        assertMessage(backwardBranch.words(), "BRZ jumps forward only");

        VmImage.Builder fallsOff = new VmImage.Builder(1, 1, 1, 1);
        fallsOff.emit(VmOp.CONST, 0, 0, 0, 0);
        assertMessage(fallsOff.words(), "must be RET or JMP");

        VmImage.Builder barrier = new VmImage.Builder(1, 33, 1, 1);
        barrier.emit(VmOp.BARRIER, 0, 0, 0, 0);
        barrier.emit(VmOp.RET, 0, 0, 0, 0);
        assertMessage(barrier.words(), "BARRIER in an image of 33 invocations");

        VmImage.Builder register = new VmImage.Builder(1, 1, 1, 1);
        register.emit(VmOp.CONST, 1, 0, 0, 0);
        register.emit(VmOp.RET, 0, 0, 0, 0);
        assertMessage(register.words(), "names register r1 as dst but the image has 1 registers");

        for (VmOp op : VmOp.values()) {
            if (!op.transcendental()) {
                continue;
            }
            VmImage.Builder selector = new VmImage.Builder(2, 1, 1, 1);
            selector.emit(VmOp.CONST, 0, 0, 0, 0x3F80_0000);
            selector.emit(op, 1, 0, 0, 1);
            selector.emit(VmOp.RET, 0, 0, 0, 0);
            assertMessage(selector.words(), "(" + op + ") has imm 0x1 that must be 0");
            VmImage.Builder third = new VmImage.Builder(2, 1, 1, 1);
            third.emit(VmOp.CONST, 0, 0, 0, 0x3F80_0000);
            third.emit(op, 1, 0, 1, 0);
            third.emit(VmOp.RET, 0, 0, 0, 0);
            assertMessage(third.words(), "(" + op + ") has b = 1 in a field it does not use");
        }

        VmImage.Builder ok = new VmImage.Builder(1, 1, 1, 1);
        ok.emit(VmOp.RET, 0, 0, 0, 0);
        int[] words = ok.words();
        words[VmImageLayout.VERSION] = 2;
        assertMessage(words, "this VM reads version 1");
        assertEquals(1, VmImage.decode(ok.words()).instructionCount());
    }

    private static void assertMessage(int[] words, String part) {
        VmImageException e = assertThrows(VmImageException.class, () -> VmImage.decode(words));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains("Fix: "), e.getMessage());
    }
}
