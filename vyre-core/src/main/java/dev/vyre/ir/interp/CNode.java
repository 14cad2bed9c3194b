package dev.vyre.ir.interp;

import dev.vyre.ir.ScalarType;

/**
 * A compiled statement. {@link #exec} returns true when a {@code Return} ran, which ends the invocation. Every
 * execution counts one step, and so does every iteration of a {@code For} or {@code Loop} (an empty loop body
 * still uses up the budget).
 */
abstract class CNode {
    abstract boolean exec(Invocation inv);

    /** Runs {@code body} in order; true when it returned. */
    static boolean run(CNode[] body, Invocation inv) {
        for (CNode n : body) {
            if (n.exec(inv)) {
                return true;
            }
        }
        return false;
    }

    /** Let and Assign: writes a frame slot. */
    static final class SetVariable extends CNode {
        private final int slot;
        private final CExpr value;

        SetVariable(int slot, CExpr value) {
            this.slot = slot;
            this.value = value;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            inv.frame[slot] = value.eval(inv);
            return false;
        }
    }

    /** The system-memory pair load: two U32 elements in one 8-byte atomic read (both 0, counted, out of bounds). */
    static final class LoadPair extends CNode {
        private final int buffer;
        private final long index;
        private final int low;
        private final int high;

        LoadPair(int buffer, int index, int low, int high) {
            this.buffer = buffer;
            this.index = Integer.toUnsignedLong(index);
            this.low = low;
            this.high = high;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            BoundBuffer b = inv.buffers[buffer];
            long pair = 0;
            if (index + 1 >= b.length) {
                inv.outOfBoundsLoads++;
            } else {
                pair = b.getPair(index);
            }
            inv.frame[low] = (int) pair;
            inv.frame[high] = (int) (pair >>> Integer.SIZE);
            return false;
        }
    }

    static final class Store extends CNode {
        private final int buffer;
        private final CExpr index;
        private final boolean signedIndex;
        private final CExpr value;

        Store(int buffer, CExpr index, CExpr value) {
            this.buffer = buffer;
            this.index = index;
            this.signedIndex = index.type == ScalarType.I32;
            this.value = value;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            long i = CExpr.index(index.eval(inv), signedIndex);
            int v = value.eval(inv);
            BoundBuffer b = inv.buffers[buffer];
            if (i < 0 || i >= b.length) {
                inv.outOfBoundsStores++;
            } else {
                b.set(i, v);
            }
            return false;
        }
    }

    static final class If extends CNode {
        private final CExpr cond;
        private final CNode[] then;
        private final CNode[] otherwise;

        If(CExpr cond, CNode[] then, CNode[] otherwise) {
            this.cond = cond;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            return run(cond.eval(inv) != 0 ? then : otherwise, inv);
        }
    }

    /** {@code for v in start..end}: bounds evaluated once, v compared signed for I32 and unsigned for U32. */
    static final class For extends CNode {
        private final int slot;
        private final boolean signed;
        private final CExpr start;
        private final CExpr end;
        private final CNode[] body;

        For(int slot, CExpr start, CExpr end, CNode[] body) {
            this.slot = slot;
            this.signed = start.type == ScalarType.I32;
            this.start = start;
            this.end = end;
            this.body = body;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            int first = start.eval(inv);
            int last = end.eval(inv);
            long from = signed ? first : Integer.toUnsignedLong(first);
            long to = signed ? last : Integer.toUnsignedLong(last);
            for (long v = from; v < to; v++) {
                inv.step();
                inv.frame[slot] = (int) v;
                if (run(body, inv)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Loop extends CNode {
        private final CNode[] body;

        Loop(CNode[] body) {
            this.body = body;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            while (true) {
                inv.step();
                if (run(body, inv)) {
                    return true;
                }
            }
        }
    }

    static final class Block extends CNode {
        private final CNode[] body;

        Block(CNode[] body) {
            this.body = body;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            return run(body, inv);
        }
    }

    /** A workgroup barrier; also a rendezvous site. */
    static final class Barrier extends CNode {
        /** Where it is in the program, for divergence messages (rendered by toString). */
        final Object where;

        Barrier(Object where) {
            this.where = where;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            inv.sync.barrier(this, inv);
            return false;
        }
    }

    static final class Return extends CNode {
        @Override
        boolean exec(Invocation inv) {
            inv.step();
            return true;
        }
    }

    /** Records a follow-up grid read from three consecutive elements (out of range reads give 0). */
    static final class IndirectDispatch extends CNode {
        private final int buffer;
        private final long offset;

        IndirectDispatch(int buffer, int offset) {
            this.buffer = buffer;
            this.offset = Integer.toUnsignedLong(offset);
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            BoundBuffer b = inv.buffers[buffer];
            int x = CExpr.load(inv, b, offset);
            int y = CExpr.load(inv, b, offset + 1);
            int z = CExpr.load(inv, b, offset + 2);
            inv.execution.recordIndirect(new Dispatch(x, y, z));
            return false;
        }
    }

    /** AsyncLoad and AsyncWait: no-ops in the reference. */
    static final class NoOp extends CNode {
        @Override
        boolean exec(Invocation inv) {
            inv.step();
            return false;
        }
    }

    /** The system-memory profile's nodes: a fence (a full fence here) or a sleep (a spin-wait hint). */
    static final class Pause extends CNode {
        private final boolean fence;

        Pause(boolean fence) {
            this.fence = fence;
        }

        @Override
        boolean exec(Invocation inv) {
            inv.step();
            if (fence) {
                java.lang.invoke.VarHandle.fullFence();
            } else {
                Thread.onSpinWait();
            }
            return false;
        }
    }
}
