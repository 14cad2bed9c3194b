package dev.vyre.ir.interp;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;

/**
 * A compiled expression: names resolved to frame slots and buffer indices, types fixed, evaluating to a raw
 * 32-bit value of {@link #type} (see {@link Ops}). Every evaluation counts one step.
 */
abstract class CExpr {
    /** The type of the value this expression produces. */
    final ScalarType type;

    CExpr(ScalarType type) {
        this.type = type;
    }

    abstract int eval(Invocation inv);

    /** Reads a buffer element, counting an out-of-bounds read (which gives 0). */
    static int load(Invocation inv, BoundBuffer b, long index) {
        if (index < 0 || index >= b.length) {
            inv.outOfBoundsLoads++;
            return 0;
        }
        return b.get(index);
    }

    /** A Load/Store/Atomic index as an element number; negative I32 indices stay negative (out of bounds). */
    static long index(int raw, boolean signed) {
        return signed ? raw : Integer.toUnsignedLong(raw);
    }

    static final class Literal extends CExpr {
        private final int value;

        Literal(ScalarType type, int value) {
            super(type);
            this.value = value;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return value;
        }
    }

    static final class Variable extends CExpr {
        private final int slot;

        Variable(ScalarType type, int slot) {
            super(type);
            this.slot = slot;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return inv.frame[slot];
        }
    }

    static final class Load extends CExpr {
        private final int buffer;
        private final CExpr index;
        private final boolean signedIndex;

        Load(ScalarType type, int buffer, CExpr index) {
            super(type);
            this.buffer = buffer;
            this.index = index;
            this.signedIndex = index.type == ScalarType.I32;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            int i = index.eval(inv);
            return load(inv, inv.buffers[buffer], index(i, signedIndex));
        }
    }

    static final class BufLen extends CExpr {
        private final int buffer;

        BufLen(int buffer) {
            super(ScalarType.U32);
            this.buffer = buffer;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return (int) inv.buffers[buffer].length;
        }
    }

    /** InvocationId, WorkgroupId or LocalId on one axis. */
    static final class Id extends CExpr {
        enum Kind { INVOCATION, WORKGROUP, LOCAL }

        private final Kind kind;
        private final int axis;

        Id(Kind kind, int axis) {
            super(ScalarType.U32);
            this.kind = kind;
            this.axis = axis;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return switch (kind) {
                case INVOCATION -> inv.invocationId(axis);
                case WORKGROUP -> inv.workgroupId(axis);
                case LOCAL -> inv.localId(axis);
            };
        }
    }

    static final class Binary extends CExpr {
        private final BinaryOp op;
        private final ScalarType operandType;
        private final CExpr left;
        private final CExpr right;

        Binary(ScalarType type, BinaryOp op, CExpr left, CExpr right) {
            super(type);
            this.op = op;
            this.operandType = left.type;
            this.left = left;
            this.right = right;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            int l = left.eval(inv);
            int r = right.eval(inv);
            return Ops.binary(op, operandType, l, r);
        }
    }

    /** A wave collective (Shuffle, Ballot, WaveReduce, WaveBroadcast); also a rendezvous site. */
    static final class WaveOp extends CExpr {
        final BinaryOp op;
        final ScalarType operandType;
        /** Where it is in the program, for divergence messages (rendered by toString). */
        final Object where;
        private final CExpr left;
        private final CExpr right;

        WaveOp(ScalarType type, BinaryOp op, CExpr left, CExpr right, Object where) {
            super(type);
            this.op = op;
            this.operandType = left.type;
            this.left = left;
            this.right = right;
            this.where = where;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            int l = left.eval(inv);
            int r = right.eval(inv);
            return inv.sync.waveOp(this, inv, l, r);
        }
    }

    static final class Unary extends CExpr {
        private final UnaryOp op;
        private final ScalarType operandType;
        private final CExpr operand;

        Unary(ScalarType type, UnaryOp op, CExpr operand) {
            super(type);
            this.op = op;
            this.operandType = operand.type;
            this.operand = operand;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return Ops.unary(op, operandType, operand.eval(inv));
        }
    }

    static final class Select extends CExpr {
        private final CExpr cond;
        private final CExpr ifTrue;
        private final CExpr ifFalse;

        Select(CExpr cond, CExpr ifTrue, CExpr ifFalse) {
            super(ifTrue.type);
            this.cond = cond;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            int c = cond.eval(inv);
            int a = ifTrue.eval(inv);
            int b = ifFalse.eval(inv);
            return c != 0 ? a : b;
        }
    }

    static final class Cast extends CExpr {
        private final CExpr value;

        Cast(ScalarType type, CExpr value) {
            super(type);
            this.value = value;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            return Ops.cast(value.type, type, value.eval(inv));
        }
    }

    static final class Fma extends CExpr {
        private final CExpr a;
        private final CExpr b;
        private final CExpr c;

        Fma(CExpr a, CExpr b, CExpr c) {
            super(ScalarType.F32);
            this.a = a;
            this.b = b;
            this.c = c;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            int x = a.eval(inv);
            int y = b.eval(inv);
            int z = c.eval(inv);
            return Ops.fma(x, y, z);
        }
    }

    static final class Atomic extends CExpr {
        private final AtomicOp op;
        private final int buffer;
        private final CExpr index;
        private final boolean signedIndex;
        private final CExpr expected;
        private final CExpr value;

        /** {@code expected} is null except for the compare-exchange forms. */
        Atomic(ScalarType type, AtomicOp op, int buffer, CExpr index, CExpr expected, CExpr value) {
            super(type);
            this.op = op;
            this.buffer = buffer;
            this.index = index;
            this.signedIndex = index.type == ScalarType.I32;
            this.expected = expected;
            this.value = value;
        }

        @Override
        int eval(Invocation inv) {
            inv.step();
            long i = index(index.eval(inv), signedIndex);
            int e = expected == null ? 0 : expected.eval(inv);
            int v = value.eval(inv);
            BoundBuffer b = inv.buffers[buffer];
            if (i < 0 || i >= b.length) {
                inv.outOfBoundsStores++;
                return 0;
            }
            return b.atomic(op, i, e, v);
        }
    }
}
