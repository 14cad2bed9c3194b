package dev.vyre.runtime.cuda;

/**
 * How the megakernel's workers map to device threads. Worker {@code w} is global thread
 * {@code w * lanesPerWorker}; the other lanes of its group exit at once. Blocks are {@link #BLOCK_THREADS} threads.
 */
public enum WorkerShape {
    /** One worker per thread: 32 workers share a warp and diverge freely (sm_70+ schedules threads independently). */
    THREAD(1),
    /**
     * One worker per warp (lane 0): no two workers share an instruction stream. With cooperative handlers the other
     * 31 lanes stay and run those handlers with lane 0.
     */
    WARP(32);

    /** Threads per block: 4 such blocks fill the 512 threads one SM keeps resident at the 128-register cap. */
    public static final int BLOCK_THREADS = 128;
    /** Threads one SM keeps resident with the kernel's register cap ({@link MegakernelPtx#MAX_REGISTERS}). */
    public static final int RESIDENT_THREADS_PER_SM = 65_536 / MegakernelPtx.MAX_REGISTERS;

    private final int lanesPerWorker;

    WorkerShape(int lanesPerWorker) {
        this.lanesPerWorker = lanesPerWorker;
    }

    /**
     * The shape a megakernel with {@code handlers} runs in: {@link #WARP} when any handler is cooperative (its 32
     * lanes run on the worker's warp), else {@code requested}.
     */
    public static WorkerShape forHandlers(WorkerShape requested, dev.vyre.runtime.HandlerTable handlers) {
        return handlers.anyCooperative() ? WARP : requested;
    }

    /** Threads per worker: 1 or 32. */
    public int lanesPerWorker() {
        return lanesPerWorker;
    }

    /** {@code log2(lanesPerWorker)}: the shift from a global thread id to its worker. */
    int laneBits() {
        return Integer.numberOfTrailingZeros(lanesPerWorker);
    }

    /** Blocks that hold {@code workers} workers. */
    int blocks(int workers) {
        long threads = (long) workers * lanesPerWorker;
        return (int) ((threads + BLOCK_THREADS - 1) / BLOCK_THREADS);
    }

    /** Most workers a device of {@code multiprocessors} SMs keeps resident at once (all must be, to make progress). */
    int maxResidentWorkers(int multiprocessors) {
        return (int) Math.min(Integer.MAX_VALUE, (long) multiprocessors * RESIDENT_THREADS_PER_SM / lanesPerWorker);
    }
}
