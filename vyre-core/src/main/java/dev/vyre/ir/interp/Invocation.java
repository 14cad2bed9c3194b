package dev.vyre.ir.interp;

/**
 * The state of one running invocation: its ids, variable frame and counters. In a sequential run one instance
 * is reused for every invocation; in a concurrent run each invocation thread owns one.
 */
final class Invocation {
    /** Steps counted locally before they are charged to the shared budget. */
    private static final int FLUSH_STEPS = 1024;

    final Execution execution;
    final BoundBuffer[] buffers;
    final WorkgroupSync sync;
    final int[] frame;
    private final int[] size;
    private final int[] workgroup = new int[3];
    private final int[] local = new int[3];
    /** Index of this invocation's wave in the workgroup, and its lane in the wave. */
    int wave;
    int lane;
    long outOfBoundsLoads;
    long outOfBoundsStores;
    private int pendingSteps;
    /** Steps charged so far by this invocation (counted with per-invocation budgets only). */
    long chargedSteps;

    Invocation(Execution execution, BoundBuffer[] buffers, WorkgroupSync sync, int frameSize, int[] size) {
        this.execution = execution;
        this.buffers = buffers;
        this.sync = sync;
        this.frame = new int[frameSize];
        this.size = size;
    }

    void setWorkgroup(int x, int y, int z) {
        workgroup[0] = x;
        workgroup[1] = y;
        workgroup[2] = z;
    }

    /** Sets the local id from the local linear index {@code x + y*wx + z*wx*wy}. */
    void setLocal(int linear) {
        local[0] = linear % size[0];
        local[1] = linear / size[0] % size[1];
        local[2] = linear / (size[0] * size[1]);
        wave = linear / Ops.WAVE_SIZE;
        lane = linear % Ops.WAVE_SIZE;
    }

    int workgroupId(int axis) {
        return workgroup[axis];
    }

    int localId(int axis) {
        return local[axis];
    }

    int invocationId(int axis) {
        return workgroup[axis] * size[axis] + local[axis];
    }

    /** Counts one node or expression evaluation. */
    void step() {
        if (++pendingSteps >= FLUSH_STEPS) {
            flushSteps();
        }
    }

    /**
     * Charges the locally counted steps to the budget; unwinds if another invocation of the run failed (not in a run
     * of independent lanes, whose invocations stop only at their next collective).
     */
    void flushSteps() {
        int n = pendingSteps;
        pendingSteps = 0;
        execution.charge(n, this);
        if (sync != null && sync.aborted() && !sync.independentLanes()) {
            throw Abort.INSTANCE;
        }
    }

    /** Names this invocation for messages, e.g. {@code invocation (65, 0, 0) [workgroup (1, 0, 0), local (1, 0, 0)]}. */
    String describe() {
        return "invocation " + triple(invocationId(0), invocationId(1), invocationId(2))
                + " [workgroup " + triple(workgroup[0], workgroup[1], workgroup[2])
                + ", local " + triple(local[0], local[1], local[2]) + "]";
    }

    static String triple(int x, int y, int z) {
        return "(" + Integer.toUnsignedString(x) + ", " + Integer.toUnsignedString(y) + ", "
                + Integer.toUnsignedString(z) + ")";
    }
}
