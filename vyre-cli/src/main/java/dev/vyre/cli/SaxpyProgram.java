package dev.vyre.cli;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.List;

/**
 * The example program of {@code vyre demo} and {@code vyre vir0 example}: saxpy, {@code y[i] = a * x[i] + y[i]}
 * over {@code n} f32 elements, one invocation per element, rounded once (Fma).
 */
public final class SaxpyProgram {
    private SaxpyProgram() {
    }

    /** Input buffer (ReadOnly F32, binding 0). */
    public static final String X = "x";
    /** Input and output buffer (ReadWrite F32, binding 1). */
    public static final String Y = "y";
    /** Invocations per workgroup (x axis). */
    public static final int WORKGROUP_SIZE = 256;

    /**
     * {@code let i = InvocationId(0); if i < BufLen(y) { y[i] = fma(a, x[i], y[i]) }} with both buffers declaring
     * {@code n} elements.
     */
    public static Program build(int n, float a) {
        if (n < 1) {
            throw new CliException("saxpy needs at least one element, got n = " + n, "give n >= 1");
        }
        Expr i = Expr.var("i");
        Node body = new Node.If(Expr.lt(i, new Expr.BufLen(Y)),
                List.of(new Node.Store(Y, i, new Expr.Fma(Expr.f32(a), Expr.load(X, i), Expr.load(Y, i)))),
                List.of());
        return Program.of(Program.WorkgroupSize.of(WORKGROUP_SIZE),
                List.of(BufferDecl.of(X, 0, BufferAccess.READ_ONLY, ScalarType.F32, n, false),
                        BufferDecl.of(Y, 1, BufferAccess.READ_WRITE, ScalarType.F32, n, true)),
                List.of(new Node.Let("i", Expr.gid(0)), body));
    }

    /** Workgroups needed for {@code n} elements. */
    public static int workgroups(int n) {
        return (int) ((n + (long) WORKGROUP_SIZE - 1) / WORKGROUP_SIZE);
    }

    /** What the program computes, in plain Java: {@code Math.fma(a, x[i], y[i])}. */
    public static float[] expected(float a, float[] x, float[] y) {
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Math.fma(a, x[i], y[i]);
        }
        return out;
    }

    /** One line saying what the program computes. */
    static String describe(int n, float a) {
        return "saxpy y = " + a + " * x + y over " + n + " f32 elements";
    }
}
