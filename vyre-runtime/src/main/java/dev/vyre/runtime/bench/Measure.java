package dev.vyre.runtime.bench;

/** What one row of {@code vyre bench dispatch} measures, with the method written to the JSON evidence. */
public enum Measure {
    /** Round trip of one tiny task through the megakernel. */
    MEGAKERNEL_CALL("megakernel call(NOP) round trip", "Megakernel.call(NOP) on the calling thread, one at a time:"
            + " publish the slot (fill, release fence, STATUS=PUBLISHED), spin on its STATUS until the worker wrote"
            + " DONE, read and recycle it; System.nanoTime() before and after each call, after warm-up calls"),
    /** Throughput of untracked NOP slots through the megakernel. */
    MEGAKERNEL_SUBMIT("megakernel batched NOP slots", "Megakernel.submit(NOP, count) from one thread in runs of"
            + " 256 slots (each slot's words, a release fence, its STATUS; the publisher recycles finished slots it"
            + " wraps onto), then awaitDone(end): System.nanoTime() from the first submit to awaitDone's return, after a warm-up"
            + " batch; checks DONE_COUNT and that no slot faulted"),
    /** A kernel launch per task, waited for each time. */
    LAUNCH_SYNC("launch + synchronize", "CudaFunction.launch of a one-thread kernel that stores one word into"
            + " pinned mapped host memory (cuLaunchKernel on a non-blocking stream), then CudaStream.synchronize"
            + " (cuStreamSynchronize); the word is checked after each task"),
    /** A replayed CUDA graph of the same launch per task, waited for each time. */
    GRAPH_SYNC("graph launch + synchronize", "the same one-thread store kernel captured once into a CUDA graph"
            + " (CudaStream.capture), then per task CudaGraph.launch (cuGraphLaunch) and CudaStream.synchronize;"
            + " the word is checked after each task"),
    /** Launches enqueued back to back, one wait at the end. */
    LAUNCH_STREAM("launches back to back, one synchronize", "N launches of the store kernel enqueued on one"
            + " stream, then one synchronize: time from the first launch to the synchronize's return"),
    /** Graph replays enqueued back to back, one wait at the end. */
    GRAPH_STREAM("graph launches back to back, one synchronize", "N replays of the captured graph enqueued on one"
            + " stream, then one synchronize"),
    /** The physical floor of a ring round trip over mapped memory. */
    PING_PONG_FLOOR("mapped-memory ping-pong floor", "a persistent one-thread kernel polls a request word in"
            + " pinned mapped host memory (ld.relaxed.sys, no sleep) and echoes each new value into a response word"
            + " on another cache line (st.relaxed.sys); the host writes sequence i and spins until the response"
            + " reads i: the least any ring round trip can cost on this host");

    private final String label;
    private final String method;

    Measure(String label, String method) {
        this.label = label;
        this.method = method;
    }

    /** A short name for the table. */
    public String label() {
        return label;
    }

    /** How it is measured. */
    public String method() {
        return method;
    }
}
