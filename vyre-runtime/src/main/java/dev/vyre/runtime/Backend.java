package dev.vyre.runtime;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * What executes the ring: JVM worker threads ({@code CpuBackend}) or one persistent CUDA kernel. The host side of
 * the protocol (publish, complete, recycle, shutdown) lives in {@link Megakernel} and is shared by every backend;
 * a backend only allocates the shared memory and runs the executors, with the semantics of docs/MEGAKERNEL.md.
 *
 * <p>A backend is used once: {@link #start} at most once, then {@link #awaitExit}, then {@link #close}.
 */
public interface Backend extends AutoCloseable {

    /** A short name for reports: "cpu" or "cuda". */
    String name();

    /**
     * Allocates zeroed memory that both the host and this backend's workers see: plain off-heap memory on the
     * CPU, pinned device-mapped host memory on CUDA. Freed by {@link #close()}.
     */
    MemorySegment allocateShared(long bytes, long alignment);

    /**
     * The address at which this backend's workers see {@code segment}: its host address on the CPU; on CUDA the
     * device address of pinned memory from {@link #allocateShared} (anything else is refused with a typed
     * exception). Descriptor tables that the workers read (DFA_STEP's inputs and match buffers) hold it.
     */
    default long deviceAddress(MemorySegment segment) {
        return segment.address();
    }

    /**
     * Starts the workers over {@code buffers}; returns once they run. Called once, after {@link Megakernel} checked
     * {@code config} and wrote the tenant masks. Workers claim only the slots they own ({@code slot % workers}),
     * execute them and exit after {@code control[SHUTDOWN]} is set and their next slot is not published.
     */
    void start(RingBuffers buffers, MegakernelConfig config);

    /**
     * An observer that must see every slot the host publishes (after {@link #start}), or null (the default). The
     * isolated backend keeps each slot's published words with it, to give a slot that a dying child left half-run
     * its arguments back before it runs again. {@link Megakernel} adds it beside the replay log's.
     */
    default SlotObserver publishObserver() {
        return null;
    }

    /**
     * The doorbell line ({@link Doorbell}) that the running kernel polls besides the ring, or null (the default)
     * when it has none. {@link Megakernel} names each slot it publishes one at a time there, after the ring.
     */
    default MemorySegment doorbell() {
        return null;
    }

    /** Executors that own slots, after {@link #start}; 0 before. */
    int workers();

    /** Waits up to {@code timeout} (zero: just looks) for every worker to exit; true when they all did. */
    boolean awaitExit(Duration timeout);

    /**
     * Workers this backend found dead or stalled and rebuilt, in order (docs/TENANTS.md, Recovery). A backend
     * without recovery returns an empty list: its dead workers end the megakernel ({@link #awaitExit} turns true).
     */
    default List<WorkerRecovery> recoveries() {
        return List.of();
    }

    /** Frees everything this backend allocated or loaded; idempotent. */
    @Override
    void close();
}
