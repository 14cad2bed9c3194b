package dev.vyre.runtime.cuda;

import java.util.HashMap;
import java.util.Map;

/**
 * The warp-synchronous instructions of one simulated warp ({@code shfl.sync.idx}, {@code vote.sync.ballot},
 * {@code redux.sync}, {@code bar.warp.sync}), as the PTX ISA defines them for sm_70 and newer: a lane waits until
 * every non-exited lane of the member mask has executed an instruction with the same qualifiers and the same mask,
 * from wherever in the program; then each gets its result. A lane outside the mask, or a wait of more than
 * {@link #DEADLOCK_MILLIS}, is an error (on the GPU: undefined behaviour or a hang).
 */
final class SimWarp {
    /** How long a lane may wait at one instruction before the simulator calls it a deadlock. */
    static final long DEADLOCK_MILLIS = 30_000;

    private final Object lock = new Object();
    private final Map<String, Round> open = new HashMap<>();
    private int exited;

    /** One meeting: the lanes that arrived, their operands, the results once complete. */
    private static final class Round {
        final String[] op;
        final int mask;
        final long[] values = new long[PtxSim.WARP_LANES];
        final int[] sources = new int[PtxSim.WARP_LANES];
        final long[] results = new long[PtxSim.WARP_LANES];
        int arrived;
        boolean done;

        Round(String[] op, int mask) {
            this.op = op;
            this.mask = mask;
        }
    }

    /**
     * Lane {@code lane} executes {@code op} (the instruction's opcode parts) with member mask {@code mask}, operand
     * {@code value} and, for a shuffle, source lane {@code source}; returns its result once all have arrived.
     */
    long arrive(String[] op, int lane, int mask, long value, int source) {
        if ((mask >>> lane & 1) == 0) {
            throw new IllegalStateException("lane " + lane + " executes " + String.join(".", op)
                    + " with a member mask 0x" + Integer.toHexString(mask) + " that does not name it");
        }
        String key = String.join(".", op) + "/" + mask;
        synchronized (lock) {
            Round r = open.computeIfAbsent(key, k -> new Round(op, mask));
            r.values[lane] = value;
            r.sources[lane] = source;
            r.arrived |= 1 << lane;
            completeIfReady(key, r);
            long deadline = System.currentTimeMillis() + DEADLOCK_MILLIS;
            while (!r.done) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException("warp deadlock: lane " + lane + " waited " + DEADLOCK_MILLIS
                            + " ms at " + key + " (arrived 0x" + Integer.toHexString(r.arrived) + ", exited 0x"
                            + Integer.toHexString(exited) + ")");
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted at " + key, e);
                }
            }
            return r.results[lane];
        }
    }

    /** Lane {@code lane} exited: it no longer holds up any meeting. */
    void exit(int lane) {
        synchronized (lock) {
            exited |= 1 << lane;
            for (Map.Entry<String, Round> e : Map.copyOf(open).entrySet()) {
                completeIfReady(e.getKey(), e.getValue());
            }
        }
    }

    private void completeIfReady(String key, Round r) {
        int needed = r.mask & ~exited;
        if ((r.arrived & needed) != needed) {
            return;
        }
        compute(r);
        r.done = true;
        open.remove(key);
        lock.notifyAll();
    }

    private static void compute(Round r) {
        String kind = r.op[0];
        int lanes = r.arrived;
        switch (kind) {
            case "shfl" -> {
                for (int l = 0; l < PtxSim.WARP_LANES; l++) {
                    int src = r.sources[l] & (PtxSim.WARP_LANES - 1);
                    r.results[l] = (lanes >>> src & 1) != 0 ? r.values[src] : 0;
                }
            }
            case "vote" -> {
                int ballot = 0;
                for (int l = 0; l < PtxSim.WARP_LANES; l++) {
                    if ((lanes >>> l & 1) != 0 && r.values[l] != 0) {
                        ballot |= 1 << l;
                    }
                }
                java.util.Arrays.fill(r.results, Integer.toUnsignedLong(ballot));
            }
            case "redux" -> java.util.Arrays.fill(r.results, Integer.toUnsignedLong(reduce(r.op, lanes, r.values)));
            case "bar" -> {
            }
            default -> throw new IllegalStateException("no warp semantics for " + String.join(".", r.op));
        }
    }

    private static int reduce(String[] op, int lanes, long[] values) {
        String how = op[2];
        boolean signed = op[3].equals("s32");
        Integer acc = null;
        for (int l = 0; l < PtxSim.WARP_LANES; l++) {
            if ((lanes >>> l & 1) == 0) {
                continue;
            }
            int v = (int) values[l];
            acc = acc == null ? v : switch (how) {
                case "add" -> acc + v;
                case "and" -> acc & v;
                case "or" -> acc | v;
                case "xor" -> acc ^ v;
                case "min" -> signed ? Math.min(acc, v) : (Integer.compareUnsigned(acc, v) <= 0 ? acc : v);
                case "max" -> signed ? Math.max(acc, v) : (Integer.compareUnsigned(acc, v) >= 0 ? acc : v);
                default -> throw new IllegalStateException("redux." + how + " is not simulated");
            };
        }
        return acc == null ? 0 : acc;
    }
}
