package dev.vyre.runtime.cuda;

import dev.vyre.cuda.ptx.PtxKernel;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.cuda.ir.MegakernelProgram;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.runtime.Tenants;
import java.lang.foreign.Arena;
import dev.vyre.runtime.automata.DfaDeviceLayout;
import dev.vyre.runtime.automata.DfaStepUnit;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A backend that runs the generated megakernel PTX in {@link PtxSim} instead of on a GPU: the launch is the one
 * {@link CudaBackend} makes (same parameters, grid and block), each device thread that survives its prologue gets
 * a Java thread, and the host side talks to it through shared memory exactly as to the GPU. User handlers are
 * fused as on the GPU (the simulator runs the integer subset of the handler lowering). It tests the kernel's
 * logic and protocol on machines without a GPU; it does not model the GPU's memory system.
 */
final class SimBackend implements Backend {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final WorkerShape shape;
    /** Whether it runs the IR-built kernel instead of the hand-written one. */
    private final boolean irKernel;
    /** The IR kernel's out-of-bounds counters ("device memory"), or null. */
    private MemorySegment outOfBounds;
    /** {@link #outOfBoundsCounts()} when the backend closed. */
    private int[] closedCounts;
    private final int defaultWorkers;
    /** Doorbell pollers of the generated kernel (0: none). */
    private final int doorbellPollers;
    /** The claim words of a kernel with doorbell pollers ("device memory"), else null. */
    private MemorySegment claimWords;
    /** Applied to the generated PTX before it runs. */
    private final UnaryOperator<String> edit;
    /** The doorbell line while a kernel with pollers runs, else null. */
    private MemorySegment doorbell;
    private final Arena arena = Arena.ofShared();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Every shared allocation, mapped into the simulator at start and (after it) as it is made. */
    private final List<MemorySegment> shared = new ArrayList<>();
    private PtxSim sim;
    private RingBuffers buffers;
    private int workers;
    private boolean closed;
    /** The VM tables ({@link #enableVm}), or null; {@link #REGISTRY} for the megakernel's VM registry's. */
    private MemorySegment vmTables;
    /** Marks "the registry's tables" in {@link #vmTables}. */
    private static final MemorySegment REGISTRY = MemorySegment.ofArray(new byte[0]);

    /** Cursor words ({@link MegakernelPtx.Param#CURSORS}) in shared memory, or null. */
    private MemorySegment cursors;

    SimBackend(WorkerShape shape, int defaultWorkers) {
        this(shape, defaultWorkers, 0);
    }

    /** A simulated backend that runs the IR-built kernel ({@link IrKernel}), as {@code Settings.withIrKernel()}. */
    static SimBackend irKernel(int defaultWorkers) {
        return irKernel(defaultWorkers, UnaryOperator.identity());
    }

    /** As {@link #irKernel(int)}, running {@code edit} of the IR kernel's PTX (deliberately broken kernels). */
    static SimBackend irKernel(int defaultWorkers, UnaryOperator<String> edit) {
        return irKernel(defaultWorkers, 0, edit);
    }

    /**
     * The IR-built kernel with {@code doorbellPollers} doorbell pollers (as {@code Settings.withIrKernel()} on
     * settings with that many), running {@code edit} of its PTX.
     */
    static SimBackend irKernel(int defaultWorkers, int doorbellPollers, UnaryOperator<String> edit) {
        return new SimBackend(WorkerShape.THREAD, defaultWorkers, doorbellPollers, edit, true);
    }

    /** A simulated backend whose kernel has {@code doorbellPollers} doorbell pollers besides its workers. */
    SimBackend(WorkerShape shape, int defaultWorkers, int doorbellPollers) {
        this(shape, defaultWorkers, doorbellPollers, UnaryOperator.identity());
    }

    /**
     * A simulated backend that runs {@code edit} of the generated PTX: deliberately broken kernels, to show that a
     * test catches what it is meant to.
     */
    SimBackend(WorkerShape shape, int defaultWorkers, int doorbellPollers, UnaryOperator<String> edit) {
        this(shape, defaultWorkers, doorbellPollers, edit, false);
    }

    private SimBackend(WorkerShape shape, int defaultWorkers, int doorbellPollers, UnaryOperator<String> edit,
                       boolean irKernel) {
        this.irKernel = irKernel;
        this.shape = shape;
        this.defaultWorkers = defaultWorkers;
        this.doorbellPollers = doorbellPollers;
        this.edit = edit;
    }

    @Override
    public synchronized MemorySegment doorbell() {
        return doorbell;
    }

    /** Before start: the kernel starts each worker at, and keeps, its word of {@code words} (shared memory). */
    synchronized void useCursors(MemorySegment words) {
        this.cursors = words;
    }

    @Override
    public String name() {
        return "ptx-sim";
    }

    @Override
    public synchronized MemorySegment allocateShared(long bytes, long alignment) {
        MemorySegment s = arena.allocate(bytes, Math.max(alignment, CudaBackend.VECTOR_ALIGNMENT));
        s.fill((byte) 0);
        shared.add(s);
        if (sim != null) {
            sim.map(s);
        }
        return s;
    }

    /** As {@link CudaBackend#enableVm}: the kernel runs VM_EXEC over {@code tables} (from allocateShared). */
    synchronized void enableVm(MemorySegment tables) {
        this.vmTables = tables;
    }

    /** As {@link CudaBackend#enableVm()}: the kernel runs VM_EXEC over the megakernel's VM registry. */
    synchronized void enableVm() {
        this.vmTables = REGISTRY;
    }

    @Override
    public synchronized void start(RingBuffers b, MegakernelConfig config) {
        if (irKernel) {
            startIr(b, config);
            return;
        }
        if (vmTables == REGISTRY) {
            vmTables = b.vm().tables();
        }
        int slots = b.ring().slotCount();
        int w = config.workers() == 0 ? CudaBackend.defaultWorkers(slots, defaultWorkers) : config.workers();
        CudaBackend.checkScheduler(config);
        HandlerTable handlers = HandlerTable.of(config.userHandlers());
        TenantSpec.Regions[] regions = Tenants.regions(config);
        boolean confined = TenantWindows.any(regions);
        DfaStepUnit dfa = b.dfaStep();
        WorkerShape shape = vmTables != null ? WorkerShape.WARP : WorkerShape.forHandlers(this.shape, handlers);
        int doorbellPollers = vmTables != null || cursors != null ? 0
                : DoorbellPtx.usablePollers(this.doorbellPollers, slots, handlers);
        String ptx = MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, shape,
                CudaBackend.DEFAULT_BACKOFF_MIN_NANOS, CudaBackend.DEFAULT_BACKOFF_MAX_NANOS).withHandlers(handlers)
                .withDfaStep(dfa != null).withCursors(cursors != null).withVm(vmTables != null)
                .withDoorbell(doorbellPollers).withConfined(confined));
        sim = new PtxSim(edit.apply(ptx));
        shared.forEach(sim::map);
        // the automata blob, "device memory" like the DeviceBuffer CudaBackend uploads
        MemorySegment blob = MemorySegment.NULL;
        if (dfa != null) {
            int[] words = DfaDeviceLayout.blob(dfa.automata());
            blob = arena.allocate((long) words.length * Integer.BYTES, CudaBackend.VECTOR_ALIGNMENT);
            MemorySegment.copy(words, 0, blob, ValueLayout.JAVA_INT, 0, words.length);
            sim.map(blob);
        }
        // the handlers' argument scratch, "device memory" like the DeviceBuffer CudaBackend allocates
        MemorySegment scratch = arena.allocate((long) (w + doorbellPollers) * MegakernelPtx.SCRATCH_BYTES_PER_WORKER,
                CudaBackend.VECTOR_ALIGNMENT);
        sim.map(scratch);
        // the interpreter's scratch, "device memory" like the DeviceBuffer CudaBackend allocates
        MemorySegment vmScratch = MemorySegment.NULL;
        if (vmTables != null) {
            vmScratch = arena.allocate((long) w * VmScratchLayout.WARP_BYTES, 128);
            sim.map(vmScratch);
        }
        // the doorbell line (shared memory) and the claim words ("device memory", zeroed), as CudaBackend makes them
        MemorySegment bell = MemorySegment.NULL;
        MemorySegment claims = MemorySegment.NULL;
        if (doorbellPollers > 0) {
            bell = allocateShared(dev.vyre.runtime.Doorbell.bytes(doorbellPollers),
                    dev.vyre.runtime.Doorbell.ALIGNMENT);
            dev.vyre.runtime.Doorbell.clear(bell);
            claims = arena.allocate(DoorbellPtx.claimBytes(slots), CudaBackend.VECTOR_ALIGNMENT);
            claims.fill((byte) 0);
            sim.map(claims);
        }
        MemorySegment data = b.data();
        // the tenant window table, "device memory" like the DeviceBuffer CudaBackend uploads
        MemorySegment windows = confined ? windowTable(regions, b) : MemorySegment.NULL;
        long[] params = new long[MegakernelPtx.Param.values().length];
        for (MegakernelPtx.Param p : MegakernelPtx.Param.values()) {
            params[p.ordinal()] = switch (p) {
                case CONTROL -> b.control().segment().address();
                case CONTROL_WORDS -> b.control().wordCount();
                case RING -> b.ring().segment().address();
                case SLOT_COUNT -> slots;
                case DEBUG -> b.debug().segment().address();
                case DEBUG_CAPACITY -> b.debug().capacity();
                case WORKERS -> w;
                case SCRATCH -> scratch.address();
                case STEP_BUDGET -> config.handlerStepBudget();
                case DATA -> data.address();
                case DATA_BYTES -> data.byteSize();
                case DFA_BLOB -> blob.address();
                case DFA_COUNT -> dfa == null ? 0 : dfa.automata().size();
                case DFA_TABLES -> dfa == null ? 0 : dfa.tables().address();
                case CURSORS -> cursors == null ? 0 : cursors.address();
                case VM_TABLES -> vmTables == null ? 0 : vmTables.address();
                case VM_SCRATCH -> vmScratch.address();
                case DOORBELL -> bell.address();
                case CLAIMS -> claims.address();
                case WINDOWS -> windows.address();
            };
        }
        launch(shape.blocks(w) + doorbellPollers, WorkerShape.BLOCK_THREADS, params, b);
        workers = w;
        doorbell = doorbellPollers > 0 ? bell : null;
        claimWords = claims;
        threads.forEach(Thread::start);
    }

    /** The tenant window table, "device memory" like the DeviceBuffer CudaBackend uploads. */
    private MemorySegment windowTable(TenantSpec.Regions[] regions, RingBuffers b) {
        int[] words = TenantWindows.table(regions, b.control().wordCount(), b.data().byteSize());
        MemorySegment windows = arena.allocate((long) words.length * Integer.BYTES, CudaBackend.VECTOR_ALIGNMENT);
        MemorySegment.copy(words, 0, windows, ValueLayout.JAVA_INT, 0, words.length);
        sim.map(windows);
        return windows;
    }

    /**
     * The IR-built kernel ({@link IrKernel}) as {@link CudaBackend} launches it with {@code Settings.withIrKernel}:
     * its buffers, element counts and out-of-bounds counters ("device memory", zeroed) as parameters.
     */
    private void startIr(RingBuffers b, MegakernelConfig config) {
        CudaBackend.checkIrKernel(config, b);
        int slots = b.ring().slotCount();
        int w = config.workers() == 0 ? CudaBackend.defaultWorkers(slots, defaultWorkers) : config.workers();
        int bells = DoorbellPtx.usablePollers(doorbellPollers, slots, HandlerTable.of(config.userHandlers()));
        MegakernelProgram.Options options = new MegakernelProgram.Options(w, CudaBackend.DEFAULT_BACKOFF_MIN_NANOS,
                bells == 0 ? CudaBackend.CLASSIC_BACKOFF_MAX_NANOS : CudaBackend.DEFAULT_BACKOFF_MAX_NANOS, bells)
                .withHandlers(HandlerTable.of(config.userHandlers()), config.handlerStepBudget())
                .withConfinement(TenantWindows.any(Tenants.regions(config)));
        IrKernel kernel = IrKernel.emit(options, SmTarget.SM_90);
        sim = new PtxSim(edit.apply(kernel.ptx()));
        shared.forEach(sim::map);
        outOfBounds = arena.allocate(PtxKernel.OOB_COUNTER_BYTES, CudaBackend.VECTOR_ALIGNMENT);
        outOfBounds.fill((byte) 0);
        sim.map(outOfBounds);
        Map<String, MemorySegment> segments = new java.util.HashMap<>(Map.of(MegakernelProgram.CONTROL,
                b.control().segment(), MegakernelProgram.RING, b.ring().segment(), MegakernelProgram.DEBUG,
                b.debug().segment(), MegakernelProgram.DATA, b.data()));
        if (options.confined()) {
            segments.put(MegakernelProgram.WINDOWS_MEMORY, windowTable(Tenants.regions(config), b));
        }
        MemorySegment bell = null;
        if (bells > 0) {
            // the doorbell line (shared memory) and the claim words ("device memory", zeroed), as CudaBackend makes them
            bell = allocateShared(dev.vyre.runtime.Doorbell.bytes(bells), dev.vyre.runtime.Doorbell.ALIGNMENT);
            dev.vyre.runtime.Doorbell.clear(bell);
            claimWords = arena.allocate(DoorbellPtx.claimBytes(slots), CudaBackend.VECTOR_ALIGNMENT);
            claimWords.fill((byte) 0);
            sim.map(claimWords);
            segments.put(MegakernelProgram.DOORBELL_MEMORY, bell);
            segments.put(MegakernelProgram.CLAIMS_MEMORY, claimWords);
        }
        List<Object> args = kernel.arguments(name -> segments.get(name).address(), b, outOfBounds.address());
        long[] params = args.stream().mapToLong(a -> ((Number) a).longValue()).toArray();
        launch(MegakernelProgram.workgroups(options), MegakernelProgram.WORKGROUP, params, b);
        workers = w;
        doorbell = bell;
        threads.forEach(Thread::start);
    }

    /**
     * The out-of-bounds counters of the IR kernel (loads, stores), as they are now or were when the backend closed;
     * null for the hand-written kernel.
     */
    synchronized int[] outOfBoundsCounts() {
        if (outOfBounds == null || closed) {
            return closedCounts;
        }
        return new int[] {outOfBounds.get(ValueLayout.JAVA_INT, 0),
                outOfBounds.get(ValueLayout.JAVA_INT, Integer.BYTES)};
    }

    /** Runs every thread's prologue; each thread that survives it gets a Java thread (started by the caller). */
    private void launch(int blocks, int blockThreads, long[] params, RingBuffers b) {
        buffers = b;
        for (int block = 0; block < blocks; block++) {
            for (int t = 0; t < blockThreads; t++) {
                PtxSim.Thread device = sim.new Thread(block, blockThreads, t, params);
                device.run(true);
                if (!device.exited()) {
                    threads.add(Thread.ofPlatform().daemon().name("ptx-sim-" + threads.size()).unstarted(() -> {
                        try {
                            device.run(false);
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            b.control().requestShutdown();
                        }
                    }));
                }
            }
        }
    }

    /** Claim word {@code slot} of a kernel with doorbell pollers. */
    synchronized int claimWord(int slot) {
        return claimWords.getAtIndex(ValueLayout.JAVA_INT, slot);
    }

    /** Device threads that outlived their prologue: the workers. */
    synchronized int liveThreads() {
        return threads.size();
    }

    /** The first error a simulated thread hit (an illegal address, an unsupported instruction), or null. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public synchronized int workers() {
        return workers;
    }

    @Override
    public boolean awaitExit(Duration timeout) {
        List<Thread> ts;
        synchronized (this) {
            ts = List.copyOf(threads);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Thread t : ts) {
                if (t.isAlive() && !t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        if (!awaitExit(Duration.ZERO)) {
            buffers.control().requestShutdown();
            if (!awaitExit(CLOSE_WAIT)) {
                throw new IllegalStateException("simulated workers still run " + CLOSE_WAIT + " after SHUTDOWN");
            }
        }
        synchronized (this) {
            closedCounts = outOfBoundsCounts();
            closed = true;
            arena.close();
        }
    }
}
