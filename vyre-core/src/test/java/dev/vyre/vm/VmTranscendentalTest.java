package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.testing.F32Samples;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The 13 transcendental opcodes (docs/VM-BYTECODE.md, {@code COS_F32 .. EXP2_F32}): each VIR0 operator lowers to
 * its own opcode, and the VM computes the reference's {@code (float) StrictMath.f((double) x)} bit for bit on the
 * edge cases of {@link F32Samples} (NaNs, infinities, subnormals, huge arguments, near multiples of pi/2) and
 * random bit patterns.
 */
class VmTranscendentalTest {
    private static final UnaryOp[] OPS = {UnaryOp.COS, UnaryOp.SIN, UnaryOp.TAN, UnaryOp.ACOS, UnaryOp.ASIN,
        UnaryOp.ATAN, UnaryOp.TANH, UnaryOp.SINH, UnaryOp.COSH, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG2,
        UnaryOp.EXP2};
    private static final int GROUP = 64;

    /** {@code out[i] = op(in[i])}. */
    private static Program program(UnaryOp op) {
        return Program.of(Program.WorkgroupSize.of(GROUP), List.of(
                BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.F32, 0, false),
                BufferDecl.of("out", 1, BufferAccess.WRITE_ONLY, ScalarType.F32, 0, true)), List.of(
                new Node.Store("out", Expr.gid(0), Expr.un(op, Expr.load("in", Expr.gid(0))))));
    }

    @Test
    void eachOperatorLowersToItsOwnOpcode() {
        Set<VmOp> seen = EnumSet.noneOf(VmOp.class);
        for (UnaryOp op : OPS) {
            VmImage image = VmLowering.lower(program(op));
            List<VmOp> transcendental = new ArrayList<>();
            for (int pc = 0; pc < image.instructionCount(); pc++) {
                if (image.op(pc).transcendental()) {
                    transcendental.add(image.op(pc));
                }
            }
            assertEquals(List.of(VmOp.valueOf(op + "_F32")), transcendental, image.disassemble());
            seen.addAll(transcendental);
        }
        assertEquals(OPS.length, seen.size());
        for (VmOp op : VmOp.values()) {
            assertEquals(op.transcendental(), seen.contains(op), op.toString());
            if (op.transcendental()) {
                assertEquals(VmOp.Format.D_A, op.format(), op.toString());
            }
        }
    }

    @Test
    void theVmComputesTheReferencesResultBitForBit() {
        int[] samples = F32Samples.edgeCasesAndRandom(0x7A11, 4_000);
        int n = (samples.length + GROUP - 1) / GROUP * GROUP;
        int[] inputs = java.util.Arrays.copyOf(samples, n);
        for (UnaryOp op : OPS) {
            Program p = program(op);
            VmImage image = VmLowering.lower(p);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocate(4L * n, 4);
                MemorySegment.copy(inputs, 0, in, ValueLayout.JAVA_INT, 0, n);
                MemorySegment refOut = arena.allocate(4L * n, 4);
                MemorySegment vmIn = arena.allocate(4L * n, 4).copyFrom(in);
                MemorySegment vmOut = arena.allocate(4L * n, 4);
                new ReferenceInterpreter(100_000_000L).run(p, new Dispatch(n / GROUP, 1, 1),
                        Map.of("in", in, "out", refOut));
                VmResult r = VmInterpreter.run(image, VmInterpreter.bind(image, List.of(vmIn, vmOut)), n / GROUP, 1,
                        1, 100_000_000L);
                assertEquals(VmResult.Status.DONE, r.status(), r.toString());
                for (int i = 0; i < n; i++) {
                    int x = inputs[i];
                    int expected = refOut.getAtIndex(ValueLayout.JAVA_INT, i);
                    int got = vmOut.getAtIndex(ValueLayout.JAVA_INT, i);
                    int strict = Float.floatToRawIntBits(strict(op, Float.intBitsToFloat(x)));
                    assertTrue(expected == got && (expected == strict || Float.isNaN(Float.intBitsToFloat(strict))
                            && Float.isNaN(Float.intBitsToFloat(got))), () -> op + "(0x" + Integer.toHexString(x)
                            + "): reference 0x" + Integer.toHexString(expected) + ", VM 0x" + Integer.toHexString(got)
                            + ", StrictMath 0x" + Integer.toHexString(strict));
                }
            }
        }
    }

    /** The reference's definition, spelled out here independently of its code. */
    private static float strict(UnaryOp op, float x) {
        double v = x;
        return (float) switch (op) {
            case COS -> StrictMath.cos(v);
            case SIN -> StrictMath.sin(v);
            case TAN -> StrictMath.tan(v);
            case ACOS -> StrictMath.acos(v);
            case ASIN -> StrictMath.asin(v);
            case ATAN -> StrictMath.atan(v);
            case TANH -> StrictMath.tanh(v);
            case SINH -> StrictMath.sinh(v);
            case COSH -> StrictMath.cosh(v);
            case EXP -> StrictMath.exp(v);
            case LOG -> StrictMath.log(v);
            case LOG2 -> StrictMath.log(v) / StrictMath.log(2.0);
            case EXP2 -> StrictMath.pow(2.0, v);
            default -> throw new IllegalArgumentException(op.toString());
        };
    }
}
