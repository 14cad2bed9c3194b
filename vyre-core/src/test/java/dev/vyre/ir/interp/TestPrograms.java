package dev.vyre.ir.interp;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds tiny programs and runs them on the reference interpreter, with buffers as int arrays. */
final class TestPrograms {
    static final ValueLayout.OfInt LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ReferenceInterpreter INTERPRETER = new ReferenceInterpreter();
    /** Workgroup size of the element-wise programs. */
    static final int GROUP = 64;

    private TestPrograms() {
    }

    /** A fresh little-endian segment holding {@code values} as 32-bit words. */
    static MemorySegment words(int... values) {
        MemorySegment s = Arena.ofAuto().allocate(values.length * 4L, 4);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(LE, i, values[i]);
        }
        return s;
    }

    static int[] read(MemorySegment s) {
        int[] out = new int[(int) (s.byteSize() / 4)];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.getAtIndex(LE, i);
        }
        return out;
    }

    static BufferDecl input(String name, int binding, DataType type) {
        return BufferDecl.of(name, binding, BufferAccess.READ_ONLY, type, 0, false);
    }

    static BufferDecl output(String name, int binding, DataType type) {
        return BufferDecl.of(name, binding, BufferAccess.READ_WRITE, type, 0, true);
    }

    static BufferDecl scratch(String name, int binding, DataType type, int count) {
        return BufferDecl.of(name, binding, BufferAccess.WORKGROUP, type, count, false);
    }

    static Program program(int groupSize, List<BufferDecl> buffers, Node... body) {
        return Program.of(Program.WorkgroupSize.of(groupSize), buffers, List.of(body));
    }

    static Map<String, MemorySegment> bind(Object... nameThenSegment) {
        Map<String, MemorySegment> m = new HashMap<>();
        for (int i = 0; i < nameThenSegment.length; i += 2) {
            m.put((String) nameThenSegment[i], (MemorySegment) nameThenSegment[i + 1]);
        }
        return m;
    }

    /** Runs an element-wise program over {@code n} invocations: {@code out[i] = value(i)} guarded by i < n. */
    static int[] elementwise(int n, List<BufferDecl> inputs, Map<String, MemorySegment> bound, ScalarType outType,
                             Expr value) {
        List<BufferDecl> decls = new java.util.ArrayList<>(inputs);
        decls.add(output("out", decls.size(), outType));
        Program p = program(GROUP, decls,
                new Node.Let("i", Expr.gid(0)),
                new Node.If(Expr.lt(Expr.var("i"), new Expr.BufLen("out")),
                        List.of(new Node.Store("out", Expr.var("i"), value)), List.of()));
        MemorySegment out = words(new int[n]);
        Map<String, MemorySegment> all = new HashMap<>(bound);
        all.put("out", out);
        INTERPRETER.run(p, Dispatch.of((n + GROUP - 1) / GROUP), all);
        return read(out);
    }

    /** {@code out[i] = a[i] op b[i]} through a whole program. */
    static int[] binary(dev.vyre.ir.BinaryOp op, ScalarType lt, ScalarType rt, ScalarType outType, int[] a, int[] b) {
        return elementwise(a.length, List.of(input("a", 0, lt), input("b", 1, rt)), bind("a", words(a), "b", words(b)),
                outType, Expr.bin(op, Expr.load("a", Expr.var("i")), Expr.load("b", Expr.var("i"))));
    }

    /** {@code out[i] = op a[i]} through a whole program. */
    static int[] unary(dev.vyre.ir.UnaryOp op, ScalarType t, ScalarType outType, int[] a) {
        return elementwise(a.length, List.of(input("a", 0, t)), bind("a", words(a)), outType,
                Expr.un(op, Expr.load("a", Expr.var("i"))));
    }

    /** {@code out[i] = Cast(to, a[i])} through a whole program. */
    static int[] cast(ScalarType from, ScalarType to, int[] a) {
        return elementwise(a.length, List.of(input("a", 0, from)), bind("a", words(a)), to,
                new Expr.Cast(to, Expr.load("a", Expr.var("i"))));
    }
}
