package dev.vyre.runtime.cuda;

import dev.vyre.cuda.CubinImage;
import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.runtime.Doorbell;
import dev.vyre.cuda.DevicePtr;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.PinnedBuffer;
import dev.vyre.protocol.ControlView;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BackendUnavailableException;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.runtime.Tenants;
import dev.vyre.runtime.automata.DfaDeviceLayout;
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.cache.CacheSettings;
import dev.vyre.runtime.cache.CachedCompiler;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.runtime.cache.PipelineCache;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.cuda.ir.MegakernelProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The persistent megakernel on an NVIDIA GPU (docs/MEGAKERNEL-CUDA.md). Shared buffers are pinned, device-mapped
 * host memory ({@code cuMemHostAlloc(PORTABLE | DEVICEMAP)}), so a slot the host publishes reaches the running
 * kernel with no copy and no launch. {@link #start} generates the kernel's PTX ({@link MegakernelPtx}) for the
 * device, with the configuration's user handlers fused into the dispatch, JIT-loads it and launches it once, on a
 * non-blocking stream, with one worker per thread or per warp ({@link WorkerShape}); it returns without waiting.
 * {@link #close()} asks a still running kernel to shut down, waits for it and frees the module, the stream, the
 * pinned buffers, the handler scratch and the context.
 *
 * <p>Threads: any thread may call any method; the context is made current on the calling thread.
 */
public final class CudaBackend implements Backend {
    /** Default idle backoff of a worker: first sleep. */
    public static final int DEFAULT_BACKOFF_MIN_NANOS = 1;
    /**
     * Default idle backoff of a worker: longest sleep. Long, because the default kernel has doorbell pollers
     * ({@link #DEFAULT_DOORBELL_POLLERS}): an idle worker's polls of its slot line would delay the pollers' completion
     * stores into that line; a worker that runs a slot resets its backoff, so batches run hot.
     */
    public static final int DEFAULT_BACKOFF_MAX_NANOS = 16_384;
    /**
     * Longest idle sleep of a kernel without doorbell pollers (cooperative handlers, the interpreter, cursor words, a
     * ring that is not a power of two) when the settings have the default backoff: there no poller needs the slot
     * lines quiet, and a long sleep only delays streams (on the H100, session 10: the warp checksum over 8 GiB fell
     * from 37 to 24 GB/s end to end with 1..16384 ns).
     */
    public static final int CLASSIC_BACKOFF_MAX_NANOS = 64;
    /**
     * Default doorbell pollers (docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"). On the H100 (session 10, one bench
     * run): 128 workers, 1..16384 ns backoff and 3 pollers gave a 2.88 us mean {@code call(NOP)} round trip and
     * 20.05 M batched NOP slots/s, where the previous default (no pollers, 1..64 ns) gave 4.04 and 3.80 us. Since each
     * poller has a doorbell line of its own (session 14) more pollers help: 4 gave 2.43 to 2.66 us (hand-written) and
     * 2.31 to 2.41 us (IR-built) where 3 gave 2.71 to 2.85 and 2.42 to 2.46.
     */
    public static final int DEFAULT_DOORBELL_POLLERS = 4;
    /**
     * Default bound of the worker count. On the H100 (docs/MEGAKERNEL-CUDA.md, "Measured"), 128 thread-workers
     * with a 1..64 ns backoff gave a 3.45 us mean round trip and 21.8 M batched NOP slots/s; 8 workers a 3.01 us
     * mean but 5 M slots/s, 32 workers 3.38 us and 19.6 M slots/s.
     */
    public static final int DEFAULT_MAX_WORKERS = 128;
    /** How long {@link #close()} waits for a kernel that still runs after it set SHUTDOWN. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Alignment every ring and debug-log buffer needs on the device (16-byte vector loads and stores). */
    static final long VECTOR_ALIGNMENT = 16;
    /** Largest alignment {@link #allocateShared} accepts. */
    static final long PAGE_ALIGNMENT = 4096;
    /** First pause of {@link #awaitExit} between stream queries. */
    private static final long MIN_POLL_NANOS = 10_000;
    /** Longest pause of {@link #awaitExit} between stream queries. */
    private static final long MAX_POLL_NANOS = 1_000_000;

    /**
     * How the backend runs.
     *
     * @param ordinal         the CUDA device
     * @param shape           how workers map to threads
     * @param backoffMinNanos first idle sleep of a worker
     * @param backoffMaxNanos longest idle sleep of a worker
     * @param maxDefaultWorkers bound of the default worker count (used when the config asks for 0 workers): the
     *                        largest divisor of the slot count that is at most this and the device's SM count
     * @param cache           the pipeline cache of the kernel's PTX and cubin (docs/PIPELINE-CACHE.md); on by
     *                        default ({@link CacheSettings#fromEnvironment()}: {@code VYRE_CACHE=off} disables it)
     * @param doorbellPollers doorbell pollers beside the ring's workers (docs/MEGAKERNEL-CUDA.md, "Doorbell fast
     *                        path"): 0 for none ({@link #defaults()} has {@link #DEFAULT_DOORBELL_POLLERS}); a ring
     *                        that is not a power of two, or cooperative handlers, run without them
     * @param kernel          which kernel {@link #start} launches ({@link KernelBuild}): the IR-built kernel
     *                        ({@link IrKernel}: the persistent ring loop built as a VIR0 program and lowered by the
     *                        PTX emitter; THREAD workers and the doorbell pollers asked for, single-invocation
     *                        handlers, confined tenants; no cooperative handlers, DFA_STEP or VM_EXEC), the
     *                        hand-written {@link MegakernelPtx}, or ({@link #defaults()}) the IR-built one where it
     *                        runs the configuration (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel")
     */
    public record Settings(int ordinal, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                           int maxDefaultWorkers, CacheSettings cache, int doorbellPollers, KernelBuild kernel) {
        public Settings {
            if (ordinal < 0 || shape == null || maxDefaultWorkers < 1 || cache == null || kernel == null) {
                throw new CudaBackendException("CUDA backend settings: ordinal " + ordinal + ", shape " + shape
                        + ", maxDefaultWorkers " + maxDefaultWorkers + ", cache " + cache + ", kernel " + kernel,
                        "pass a device ordinal >= 0, a WorkerShape, maxDefaultWorkers >= 1, cache settings and a"
                        + " KernelBuild");
            }
            MegakernelPtx.Options.checkBackoff(backoffMinNanos, backoffMaxNanos);
            MegakernelPtx.Options.checkDoorbell(doorbellPollers);
            if (kernel == KernelBuild.IR && shape != WorkerShape.THREAD) {
                throw new CudaBackendException("CUDA backend settings: the IR-built kernel with shape " + shape,
                        "the IR-built kernel runs THREAD workers: call withIrKernel() last, or leave it off");
            }
        }

        /** Settings with the hand-written kernel. */
        public Settings(int ordinal, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                        int maxDefaultWorkers, CacheSettings cache, int doorbellPollers) {
            this(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache, doorbellPollers,
                    KernelBuild.HAND_WRITTEN);
        }

        /** Settings without doorbell pollers. */
        public Settings(int ordinal, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                        int maxDefaultWorkers, CacheSettings cache) {
            this(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache, 0);
        }

        /** Settings with the pipeline cache of this process's environment ({@link CacheSettings#fromEnvironment()}). */
        public Settings(int ordinal, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                        int maxDefaultWorkers) {
            this(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, CacheSettings.fromEnvironment());
        }

        /**
         * Device 0, a thread per worker, 1..16384 ns idle backoff ({@link #CLASSIC_BACKOFF_MAX_NANOS} without doorbell
         * pollers), {@link #DEFAULT_DOORBELL_POLLERS} doorbell pollers, at most {@link #DEFAULT_MAX_WORKERS} default
         * workers, and the IR-built kernel where it runs the configuration ({@link KernelBuild#IR_WHERE_SUPPORTED};
         * docs/MEGAKERNEL-CUDA.md).
         */
        public static Settings defaults() {
            return new Settings(0, WorkerShape.THREAD, DEFAULT_BACKOFF_MIN_NANOS, DEFAULT_BACKOFF_MAX_NANOS,
                    DEFAULT_MAX_WORKERS).withDoorbell(DEFAULT_DOORBELL_POLLERS)
                    .withKernel(KernelBuild.IR_WHERE_SUPPORTED);
        }

        /** Whether these settings require the IR-built kernel ({@link KernelBuild#IR}, {@link #withIrKernel()}). */
        public boolean irKernel() {
            return kernel == KernelBuild.IR;
        }

        public Settings withShape(WorkerShape s) {
            return new Settings(ordinal, s, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache,
                    doorbellPollers, kernel);
        }

        /** These settings on CUDA device {@code device}. */
        public Settings withDevice(int device) {
            return new Settings(device, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache,
                    doorbellPollers, kernel);
        }

        public Settings withBackoff(int minNanos, int maxNanos) {
            return new Settings(ordinal, shape, minNanos, maxNanos, maxDefaultWorkers, cache, doorbellPollers,
                    kernel);
        }

        /** These settings with another pipeline cache ({@link CacheSettings#disabled()} for none). */
        public Settings withCache(CacheSettings c) {
            return new Settings(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, c,
                    doorbellPollers, kernel);
        }

        /** These settings with {@code pollers} doorbell pollers (0: none). */
        public Settings withDoorbell(int pollers) {
            return new Settings(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache, pollers,
                    kernel);
        }

        /**
         * These settings with the IR-built kernel ({@link IrKernel}): THREAD workers (the shape is set so) and these
         * settings' doorbell pollers, built as IR (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel").
         */
        public Settings withIrKernel() {
            return new Settings(ordinal, WorkerShape.THREAD, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers,
                    cache, doorbellPollers, KernelBuild.IR);
        }

        /**
         * These settings with kernel choice {@code k}; {@link KernelBuild#IR} sets THREAD workers as
         * {@link #withIrKernel()}.
         */
        public Settings withKernel(KernelBuild k) {
            if (k == KernelBuild.IR) {
                return withIrKernel();
            }
            return new Settings(ordinal, shape, backoffMinNanos, backoffMaxNanos, maxDefaultWorkers, cache,
                    doorbellPollers, k);
        }

    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(CudaBackend.class.getName());

    private final Settings settings;
    /** The kernel {@link #start} launched ({@link KernelBuild#HAND_WRITTEN} or {@link KernelBuild#IR}); null before. */
    private volatile KernelBuild running;
    private final CudaProbe.Device device;
    private final SmTarget target;
    private final CudaContext context;
    private final int driverVersion;
    private final List<PinnedBuffer> shared = new ArrayList<>();
    private ModuleLoad moduleLoad;
    /** The doorbell line while a kernel with doorbell pollers runs, else null. */
    private MemorySegment doorbell;
    private CudaStream stream;
    private ControlView control;
    private String ptx;
    private int workers;
    /** Per-worker cursor words in shared memory (the isolated backend's child), or null. */
    private MemorySegment cursors;
    /** Test-only fault injection opcode, or 0. */
    private int faultOpcode;
    private volatile boolean exited;
    private boolean closed;
    /** Whether the kernel runs VM_EXEC ({@link #enableVm}). */
    private boolean vmEnabled;
    /** Tables given to {@link #enableVm(MemorySegment)}, or null: the megakernel's own VM registry's. */
    private MemorySegment vmTables;

    private CudaBackend(Settings settings, CudaProbe.Device device, CudaContext context, int driverVersion) {
        this.settings = settings;
        this.device = device;
        this.driverVersion = driverVersion;
        this.target = SmTarget.forDevice(device.ccMajor(), device.ccMinor());
        this.context = context;
    }

    /** A backend on device 0 with {@link Settings#defaults()}. */
    public static CudaBackend open() {
        return open(Settings.defaults());
    }

    /**
     * A backend on the device {@code settings} name; it retains the device's primary context until closed.
     *
     * @throws BackendUnavailableException when there is no driver, no such device, or the device cannot map host
     *                                     memory or is older than sm_70
     */
    public static CudaBackend open(Settings settings) {
        if (settings == null) {
            throw new CudaBackendException("CUDA backend settings are null", "pass CudaBackend.Settings.defaults()");
        }
        CudaProbe probe = CudaProbe.run();
        if (!probe.available()) {
            throw new BackendUnavailableException("cuda backend not available: " + probe.reason(),
                    "use BackendKind.CPU on machines without an NVIDIA driver and GPU");
        }
        if (settings.ordinal() >= probe.devices().size()) {
            throw new BackendUnavailableException("cuda backend: device " + settings.ordinal() + " does not exist, "
                    + "the driver reports " + probe.devices().size(), "pick a device ordinal below "
                    + probe.devices().size() + " (CUDA_VISIBLE_DEVICES may hide some)");
        }
        CudaProbe.Device device = probe.devices().get(settings.ordinal());
        if (!device.canMapHostMemory()) {
            throw new BackendUnavailableException("cuda backend: device " + settings.ordinal() + " (" + device.name()
                    + ") cannot map host memory, which the ring needs", "use a GPU that supports mapped pinned "
                    + "memory, or BackendKind.CPU");
        }
        try {
            SmTarget.forDevice(device.ccMajor(), device.ccMinor());
        } catch (CudaBackendException e) {
            throw new BackendUnavailableException(e.problem(), e.fix(), e);
        }
        return new CudaBackend(settings, device, CudaContext.open(settings.ordinal()), probe.driverVersion());
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The device this backend runs on. */
    public CudaProbe.Device device() {
        return device;
    }

    /** The settings it was opened with. */
    public Settings settings() {
        return settings;
    }

    /** The PTX of the running kernel, or null before {@link #start}. */
    public synchronized String ptx() {
        return ptx;
    }

    /**
     * The kernel {@link #start} launched: {@link KernelBuild#IR} (the IR-built kernel) or
     * {@link KernelBuild#HAND_WRITTEN}; null before it. With {@link KernelBuild#IR_WHERE_SUPPORTED} this says which
     * one the configuration got.
     */
    public KernelBuild runningKernel() {
        return running;
    }

    /** How {@link #start} obtained the kernel module (cache hit or JIT, and the times), or null before it. */
    public synchronized ModuleLoad moduleLoad() {
        return moduleLoad;
    }

    /** The pipeline cache this backend uses, empty when {@link Settings#cache()} disables it. */
    public Optional<PipelineCache> pipelineCache() {
        return settings.cache().enabled() ? Optional.of(PipelineCache.shared(settings.cache())) : Optional.empty();
    }

    /**
     * Allocates {@code bytes} of zeroed pinned host memory mapped into the device ({@code PORTABLE | DEVICEMAP});
     * returns its host view. {@code cuMemHostAlloc} aligns small allocations to less than a page, so an
     * allocation is padded by {@code alignment - 1} bytes and the aligned part returned. Freed by {@link #close()}.
     *
     * @param alignment a power of two up to 4096
     */
    @Override
    public synchronized MemorySegment allocateShared(long bytes, long alignment) {
        requireOpen("allocate shared memory");
        if (bytes < 1 || alignment < 1 || Long.bitCount(alignment) != 1 || alignment > PAGE_ALIGNMENT
                || bytes > Long.MAX_VALUE - alignment) {
            throw new CudaBackendException("cuda backend: cannot allocate " + bytes + " shared bytes aligned to "
                    + alignment, "ask for at least 1 byte with a power-of-two alignment up to " + PAGE_ALIGNMENT);
        }
        PinnedBuffer buffer = context.allocatePinned(bytes + alignment - 1);
        shared.add(buffer);
        MemorySegment whole = buffer.host();
        long pad = -whole.address() & (alignment - 1);
        MemorySegment host = whole.asSlice(pad, bytes);
        host.fill((byte) 0);
        return host;
    }

    /**
     * Registers {@code memory}, host memory that another party owns (the isolated backend's shared file mapping),
     * with the driver in place ({@code cuMemHostRegister_v2}, PORTABLE | DEVICEMAP) and accepts it from then on as
     * this backend's shared memory: buffers in it may be passed to {@link #start}. Unregistered by {@link #close()};
     * the memory stays its owner's. Best page-aligned, a whole number of pages.
     */
    public synchronized void adoptShared(MemorySegment memory) {
        requireOpen("register shared memory");
        shared.add(context.registerHost(memory));
    }

    /**
     * Before {@link #start}: the workers start at, and keep, the cursor words in {@code words} (one u32 per worker,
     * in this backend's shared memory; see {@link MegakernelPtx.Param#CURSORS}). For the isolated backend's child,
     * which resumes a ring another process left half-run (docs/TENANTS.md).
     */
    public synchronized void useCursors(MemorySegment words) {
        requireOpen("use cursor words");
        this.cursors = words;
    }

    /**
     * Test-only, before {@link #start}: slots of user opcode {@code opcode} (a handler in the configuration) make the
     * kernel store to an illegal address, which kills the context (and this process's use of the GPU); 0 for none.
     * For the isolated backend's GPU recovery test.
     */
    public synchronized void injectFaultForTests(int opcode) {
        this.faultOpcode = opcode;
    }

    /**
     * Generates the megakernel for {@code buffers} and {@code config} (its user handlers fused into the dispatch,
     * each run on a per-worker scratch copy of the arguments in device memory with the configured step budget),
     * loads it and launches it once; returns without waiting for it. The buffers must come from
     * {@link #allocateShared}.
     *
     * @throws CudaBackendException for a worker count that does not divide the ring or cannot stay resident,
     *                              foreign or misaligned buffers, user handlers on a GPU older than sm_80 or a
     *                              handler the PTX emitter cannot lower exactly (IndirectDispatch; a Barrier or a
     *                              wave operator outside a cooperative handler). With cooperative handlers the
     *                              workers run as warps ({@link WorkerShape#forHandlers})
     * @throws dev.vyre.cuda.CudaException when the driver refuses the module or the launch (with the JIT log)
     */
    @Override
    public synchronized void start(RingBuffers buffers, MegakernelConfig config) {
        requireOpen("start");
        if (stream != null) {
            throw new CudaBackendException("cuda backend was already started", "use a fresh CudaBackend for every"
                    + " megakernel");
        }
        if (buffers == null || config == null) {
            throw new CudaBackendException("cuda backend: start needs buffers and a config", "pass both");
        }
        checkScheduler(config);
        if (settings.kernel() == KernelBuild.IR) {
            startIr(buffers, planIr(buffers, config));
            return;
        }
        if (settings.kernel() == KernelBuild.IR_WHERE_SUPPORTED) {
            IrPlan plan = null;
            try {
                plan = planIr(buffers, config);
            } catch (CudaBackendException e) {
                LOG.fine(() -> "cuda backend: the hand-written kernel runs this configuration: " + e.getMessage());
            }
            if (plan != null) {
                startIr(buffers, plan);
                return;
            }
        }
        this.running = KernelBuild.HAND_WRITTEN;
        HandlerTable handlers = HandlerTable.of(config.userHandlers());
        TenantSpec.Regions[] regions = Tenants.regions(config);
        boolean confined = TenantWindows.any(regions);
        MemorySegment tables = vmEnabled ? vmTables(buffers) : null;
        WorkerShape shape = tables != null ? WorkerShape.WARP : WorkerShape.forHandlers(settings.shape(), handlers);
        int slots = buffers.ring().slotCount();
        int w = resolveWorkers(config.workers(), slots, shape);
        DevicePtr controlPtr = devicePointer(buffers.control().segment(), "control", Integer.BYTES);
        DevicePtr ringPtr = devicePointer(buffers.ring().segment(), "ring", VECTOR_ALIGNMENT);
        DevicePtr debugPtr = devicePointer(buffers.debug().segment(), "debug log", VECTOR_ALIGNMENT);
        MemorySegment data = buffers.data();
        DevicePtr dataPtr = data.byteSize() == 0 ? DevicePtr.NULL : devicePointer(data, "data region", Integer.BYTES);
        DfaStepUnit dfa = buffers.dfaStep();
        DevicePtr dfaTables = dfa == null ? DevicePtr.NULL : devicePointer(dfa.tables(), "DFA_STEP tables",
                VECTOR_ALIGNMENT);
        DevicePtr cursorPtr = cursors == null ? DevicePtr.NULL : devicePointer(cursors, "cursor words", Integer.BYTES);
        if (cursors != null && cursors.byteSize() < (long) w * Integer.BYTES) {
            throw new CudaBackendException("cuda backend: " + cursors.byteSize() + " bytes of cursor words for " + w
                    + " workers", "pass one u32 cursor word per worker");
        }
        // no doorbell with the interpreter (warp runners) or cursor words (every slot run by its ring worker)
        int bells = tables != null || cursors != null ? 0
                : DoorbellPtx.usablePollers(settings.doorbellPollers(), slots, handlers);
        if ((long) w * shape.lanesPerWorker() + (long) bells * WorkerShape.BLOCK_THREADS
                > (long) device.multiprocessors() * WorkerShape.RESIDENT_THREADS_PER_SM) {
            throw new CudaBackendException("cuda backend: " + w + " workers and " + bells + " doorbell pollers do not"
                    + " all fit on " + device.name() + " at once", "use fewer workers or doorbell pollers");
        }
        boolean defaultBackoff = settings.backoffMinNanos() == DEFAULT_BACKOFF_MIN_NANOS
                && settings.backoffMaxNanos() == DEFAULT_BACKOFF_MAX_NANOS;
        int backoffMax = bells == 0 && defaultBackoff ? CLASSIC_BACKOFF_MAX_NANOS : settings.backoffMaxNanos();
        MegakernelPtx.Options options = new MegakernelPtx.Options(target, shape,
                settings.backoffMinNanos(), backoffMax, handlers, dfa != null, tables != null,
                cursors != null, faultOpcode, bells, confined);
        DevicePtr vmTablesPtr = tables == null ? DevicePtr.NULL : devicePointer(tables, "VM tables",
                VECTOR_ALIGNMENT);
        CachedCompiler.Loaded<CudaModule> loaded = loadModule(options);
        CudaModule module = loaded.module();
        String text = loaded.ptx();
        CudaFunction kernel = module.function(MegakernelPtx.ENTRY);
        // freed with the context; cuMemAlloc aligns it to far more than the 16 bytes the vector copies need
        DevicePtr scratch = handlers.size() == 0 ? DevicePtr.NULL
                : context.allocate((long) (w + bells) * MegakernelPtx.SCRATCH_BYTES_PER_WORKER).ptr();
        DoorbellMemory bell = doorbellMemory(bells, slots);
        DevicePtr dfaBlob = dfa == null ? DevicePtr.NULL : upload(DfaDeviceLayout.blob(dfa.automata()));
        // the interpreter's per-warp scratch (image cache, descriptors, Workgroup memory, register file)
        DevicePtr vmScratch = tables == null ? DevicePtr.NULL : zeroed((long) w * VmScratchLayout.WARP_BYTES);
        DevicePtr windows = !confined ? DevicePtr.NULL : upload(TenantWindows.table(regions,
                buffers.control().wordCount(), data.byteSize()));
        CudaStream s = context.createStream();
        kernel.launch(Dim3.of(shape.blocks(w) + bells), Dim3.of(WorkerShape.BLOCK_THREADS), 0, s,
                launchArguments(new Launch(controlPtr, buffers.control().wordCount(), ringPtr, slots, debugPtr,
                        buffers.debug().capacity(), w, scratch, (int) config.handlerStepBudget(), dataPtr,
                        (int) data.byteSize(), dfaBlob, dfa == null ? 0 : dfa.automata().size(), dfaTables,
                        cursorPtr, vmTablesPtr, vmScratch, bell.linePtr(), bell.claims(), windows)));
        this.doorbell = bell.line();
        this.stream = s;
        this.control = buffers.control();
        this.ptx = text;
        this.workers = w;
        this.moduleLoad = new ModuleLoad(loaded.source(), loaded.key() == null ? "" : loaded.key().hex(),
                loaded.jitNanos(), loaded.loadNanos(), loaded.savedNanos());
    }

    /**
     * What the IR-built kernel needs to start: its options (workers, pollers, confinement), the tenants' regions and
     * the lowered kernel.
     */
    private record IrPlan(MegakernelProgram.Options options, TenantSpec.Regions[] regions, IrKernel kernel) {
    }

    /**
     * Checks that the IR-built kernel runs this configuration and builds and lowers it, allocating nothing: a
     * refusal here leaves the backend as it was (so {@link KernelBuild#IR_WHERE_SUPPORTED} can start the
     * hand-written kernel instead).
     *
     * @throws CudaBackendException for what the IR-built kernel does not run (the message says what), or too many
     *                              workers for the device
     */
    private IrPlan planIr(RingBuffers buffers, MegakernelConfig config) {
        checkIrKernel(config, buffers);
        if (settings.shape() != WorkerShape.THREAD || vmEnabled || cursors != null || faultOpcode != 0) {
            throw new CudaBackendException("cuda backend: the IR-built megakernel does not run " + (vmEnabled
                    ? "VM_EXEC (enableVm)" : cursors != null ? "with cursor words (the isolated backend)"
                    : faultOpcode != 0 ? "injected faults" : settings.shape() + " workers"),
                    "use the hand-written kernel: settings without withIrKernel()");
        }
        int slots = buffers.ring().slotCount();
        int w = resolveWorkers(config.workers(), slots, WorkerShape.THREAD);
        HandlerTable handlers = HandlerTable.of(config.userHandlers());
        int bells = DoorbellPtx.usablePollers(settings.doorbellPollers(), slots, handlers);
        if ((long) w + (long) bells * WorkerShape.BLOCK_THREADS
                > (long) device.multiprocessors() * WorkerShape.RESIDENT_THREADS_PER_SM) {
            throw new CudaBackendException("cuda backend: " + w + " workers and " + bells + " doorbell pollers do not"
                    + " all fit on " + device.name() + " at once", "use fewer workers or doorbell pollers");
        }
        TenantSpec.Regions[] regions = Tenants.regions(config);
        boolean confined = TenantWindows.any(regions);
        boolean defaultBackoff = settings.backoffMinNanos() == DEFAULT_BACKOFF_MIN_NANOS
                && settings.backoffMaxNanos() == DEFAULT_BACKOFF_MAX_NANOS;
        MegakernelProgram.Options options = new MegakernelProgram.Options(w, settings.backoffMinNanos(),
                bells == 0 && defaultBackoff ? CLASSIC_BACKOFF_MAX_NANOS : settings.backoffMaxNanos(), bells)
                .withHandlers(handlers, config.handlerStepBudget())
                .withConfinement(confined);
        return new IrPlan(options, regions, IrKernel.emit(options, target));
    }

    /**
     * Starts the IR-built kernel ({@link IrKernel}) of {@code plan}: THREAD workers over the control block, ring and
     * debug log, with 8 bytes of zeroed device memory as the emitter's out-of-bounds counters; with doorbell pollers
     * (a ring of a power of two slots, as for the hand-written kernel) also the doorbell lines and the claim words;
     * with confined tenants the window table ({@link TenantWindows}, device memory).
     */
    private void startIr(RingBuffers buffers, IrPlan plan) {
        Map<String, DevicePtr> pointers = new java.util.HashMap<>(Map.of(
                MegakernelProgram.CONTROL, devicePointer(buffers.control().segment(), "control", Integer.BYTES),
                MegakernelProgram.RING, devicePointer(buffers.ring().segment(), "ring", VECTOR_ALIGNMENT),
                MegakernelProgram.DEBUG, devicePointer(buffers.debug().segment(), "debug log", VECTOR_ALIGNMENT),
                MegakernelProgram.DATA, buffers.data().byteSize() == 0 ? DevicePtr.NULL
                        : devicePointer(buffers.data(), "data region", Integer.BYTES)));
        if (plan.options().confined()) {
            // as the hand-written kernel's: the window table in device memory, written once before the launch
            pointers.put(MegakernelProgram.WINDOWS_MEMORY, upload(TenantWindows.table(plan.regions(),
                    buffers.control().wordCount(), buffers.data().byteSize())));
        }
        int pollers = plan.options().doorbellPollers();
        DoorbellMemory bell = doorbellMemory(pollers, buffers.ring().slotCount());
        if (pollers > 0) {
            pointers.put(MegakernelProgram.DOORBELL_MEMORY, bell.linePtr());
            pointers.put(MegakernelProgram.CLAIMS_MEMORY, bell.claims());
        }
        IrKernel ir = plan.kernel();
        CachedCompiler.Loaded<CudaModule> loaded = loadModule(ir::ptx, () -> MegakernelKey.ofIr(ir.program(),
                target.smName(), device.ccMajor(), device.ccMinor(), MegakernelKey.driverIdentity(driverVersion),
                MegakernelKey.emitterVersion()));
        CudaFunction kernel = loaded.module().function(IrKernel.ENTRY);
        DevicePtr counters = zeroed(dev.vyre.cuda.ptx.PtxKernel.OOB_COUNTER_BYTES);
        CudaStream s = context.createStream();
        kernel.launch(Dim3.of(MegakernelProgram.workgroups(plan.options())), Dim3.of(MegakernelProgram.WORKGROUP), 0,
                s, ir.arguments(pointers::get, buffers, counters).toArray());
        this.doorbell = bell.line();
        this.stream = s;
        this.control = buffers.control();
        this.ptx = loaded.ptx();
        this.workers = plan.options().workers();
        this.running = KernelBuild.IR;
        this.moduleLoad = new ModuleLoad(loaded.source(), loaded.key() == null ? "" : loaded.key().hex(),
                loaded.jitNanos(), loaded.loadNanos(), loaded.savedNanos());
    }

    /**
     * The doorbell's memory for {@code pollers} pollers over a ring of {@code slots} slots: the line in pinned memory
     * (TAG cleared to {@link Doorbell#NONE}) and the zeroed claim words in device memory (freed with the context);
     * none, with null pointers, without pollers. Both kernels take it so.
     */
    private DoorbellMemory doorbellMemory(int pollers, int slots) {
        if (pollers == 0) {
            return new DoorbellMemory(null, DevicePtr.NULL, DevicePtr.NULL);
        }
        MemorySegment line = allocateShared(Doorbell.bytes(pollers), Doorbell.ALIGNMENT);
        Doorbell.clear(line);
        DeviceBuffer words = context.allocate(DoorbellPtx.claimBytes(slots));
        words.memsetD32(0, 0, slots);
        return new DoorbellMemory(line, devicePointer(line, "doorbell", Doorbell.ALIGNMENT), words.ptr());
    }

    /** The doorbell line (host view, device address) and the claim words' device address. */
    private record DoorbellMemory(MemorySegment line, DevicePtr linePtr, DevicePtr claims) {
    }

    /**
     * Refuses what the IR-built kernel does not run, at start rather than as faults: DFA_STEP automata (and, as every
     * CUDA kernel, a scheduler look-ahead above 1); user handlers it cannot fuse are refused when its options are
     * made ({@code MegakernelProgram.Options}). Confined tenants it runs (docs/TENANTS.md, "Confinement on CUDA").
     */
    public static void checkIrKernel(MegakernelConfig config, RingBuffers buffers) {
        checkScheduler(config);
        if (buffers.dfaStep() != null) {
            throw new CudaBackendException("cuda backend: the IR-built megakernel does not run DFA_STEP automata (it "
                    + "has no DFA_STEP unit; docs/MEGAKERNEL-CUDA.md, \"The IR-built kernel\")",
                    "use the hand-written kernel (settings without withIrKernel()) for DFA_STEP automata");
        }
    }

    /**
     * The kernel module: through the pipeline cache when enabled (a cached cubin skips the PTX JIT; see
     * docs/PIPELINE-CACHE.md), else generated and JIT-loaded from PTX. Generating the PTX also checks the handlers,
     * so a refused handler fails here either way (a cached entry exists only for options that generated).
     */
    private CachedCompiler.Loaded<CudaModule> loadModule(MegakernelPtx.Options options) {
        return loadModule(() -> MegakernelPtx.generate(options), () -> MegakernelKey.of(options, device.ccMajor(),
                device.ccMinor(), MegakernelKey.driverIdentity(driverVersion), MegakernelKey.emitterVersion()));
    }

    /**
     * A seam for manual experiments only (test-scope probes such as {@code CompletionVariantsProbe}): when set, the
     * generated PTX of a backend whose cache is off is passed through it before the JIT, so that one JVM can measure
     * edited kernels beside the real one. Never set in production code; a backend with the cache on ignores it.
     */
    static volatile java.util.function.UnaryOperator<String> experimentPtxEdit;

    /** The module of the PTX {@code generate} makes, cached under {@code keyOf} when the cache is enabled. */
    private CachedCompiler.Loaded<CudaModule> loadModule(Supplier<String> generate, Supplier<Fingerprint> keyOf) {
        if (!settings.cache().enabled()) {
            java.util.function.UnaryOperator<String> edit = experimentPtxEdit;
            String text = edit == null ? generate.get() : edit.apply(generate.get());
            long start = System.nanoTime();
            CudaModule module = context.loadPtx(text);
            return new CachedCompiler.Loaded<>(module, text, null, CachedCompiler.Source.JIT,
                    System.nanoTime() - start, 0, 0);
        }
        return new CachedCompiler<CudaModule>(PipelineCache.shared(settings.cache()), "megakernel").load(keyOf.get(),
                generate::get, new CachedCompiler.Jit<>() {
                    @Override
                    public CachedCompiler.Compiled compile(String ptx) {
                        CubinImage image = context.compilePtx(ptx);
                        return new CachedCompiler.Compiled(image.cubin(), image.jitNanos());
                    }

                    @Override
                    public CudaModule load(byte[] cubin) {
                        return context.loadCubin(cubin);
                    }
                });
    }

    /**
     * Refuses scheduler settings the kernel does not implement: a look-ahead above 1 (priority scheduling runs on
     * the CPU backend only; the kernel's workers visit their slots in ring order), rather than ignoring it.
     */
    static void checkScheduler(MegakernelConfig config) {
        int lookahead = config.scheduler().lookahead();
        if (lookahead != 1) {
            throw new CudaBackendException("cuda backend: SchedulerConfig look-ahead " + lookahead + " (priority "
                    + "scheduling) is not implemented by the CUDA megakernel, whose workers run their slots in ring "
                    + "order", "use SchedulerConfig.withLookahead(1) on CUDA, or BackendKind.CPU for priority "
                    + "scheduling (docs/TENANTS.md)");
        }
    }

    /** New zeroed device memory (the interpreter's image-cache keys must start empty), freed with the context. */
    private DevicePtr zeroed(long bytes) {
        DeviceBuffer buffer = context.allocate(bytes);
        buffer.memsetD32(0, 0, bytes / Integer.BYTES);
        return buffer.ptr();
    }

    /**
     * Makes the kernel {@link #start} launches run VM_EXEC (the VIR0 bytecode interpreter, {@link VmPtx}) over the
     * megakernel's VM registry ({@code Megakernel.vm()}: its tables); the workers then run as warps. Call it before
     * {@link #start}. Without it VM_EXEC faults UNKNOWN_OPCODE on CUDA.
     *
     * @throws CudaBackendException after start, or on a GPU older than sm_80 (the interpreter's warp reductions)
     */
    public synchronized void enableVm() {
        requireOpen("enable the VM");
        if (stream != null) {
            throw new CudaBackendException("cuda backend: enableVm after start", "call enableVm before start");
        }
        if (target.major() < 8) {
            throw new CudaBackendException("cuda backend: the VIR0 interpreter needs sm_80 or newer, the device is "
                    + target.smName(), "run VM_EXEC on BackendKind.CPU on this GPU");
        }
        this.vmEnabled = true;
    }

    /**
     * As {@link #enableVm()}, over {@code tables} ({@code VmTableLayout.TABLE_BYTES} from {@link #allocateShared},
     * filled by the caller, e.g. with {@link VmTables}) instead of the registry's.
     */
    public synchronized void enableVm(MemorySegment tables) {
        if (tables == null || tables.byteSize() < dev.vyre.vm.VmTableLayout.TABLE_BYTES) {
            throw new CudaBackendException("cuda backend: VM tables of " + (tables == null ? "null" : tables.byteSize()
                    + " bytes") + " are smaller than VmTableLayout.TABLE_BYTES", "allocate the tables with "
                    + "allocateShared(VmTableLayout.TABLE_BYTES, 16)");
        }
        enableVm();
        devicePointer(tables, "VM tables", VECTOR_ALIGNMENT);
        this.vmTables = tables;
    }

    /** The tables the interpreter reads: those given to enableVm, else the registry's. */
    private MemorySegment vmTables(RingBuffers buffers) {
        if (vmTables != null) {
            return vmTables;
        }
        if (buffers.vm() == null) {
            throw new CudaBackendException("cuda backend: enableVm, but the megakernel's buffers have no VM "
                    + "registry", "bootstrap through Megakernel.bootstrap, which allocates one");
        }
        return buffers.vm().tables();
    }

    /**
     * Copies {@code words} (the automata blob) to new device memory, freed with the context at {@link #close()};
     * cuMemAlloc aligns it far beyond the 16 bytes the images need.
     */
    private DevicePtr upload(int[] words) {
        DeviceBuffer buffer = context.allocate((long) words.length * Integer.BYTES);
        try (Arena staging = Arena.ofConfined()) {
            MemorySegment host = staging.allocate((long) words.length * Integer.BYTES, Integer.BYTES);
            MemorySegment.copy(words, 0, host, ValueLayout.JAVA_INT, 0, words.length);
            buffer.copyFrom(host, 0);
        }
        return buffer.ptr();
    }

    /**
     * The device address of {@code segment}, which must lie in this backend's pinned memory
     * ({@link #allocateShared}).
     *
     * @throws CudaBackendException for memory the device cannot see (plain off-heap or heap memory)
     */
    @Override
    public synchronized long deviceAddress(MemorySegment segment) {
        requireOpen("translate an address");
        return devicePointer(segment, "DFA_STEP input or match", 1).address();
    }

    /** The values of the kernel parameters ({@link MegakernelPtx.Param}). */
    private record Launch(DevicePtr control, int controlWords, DevicePtr ring, int slots, DevicePtr debug,
                          int debugCapacity, int workers, DevicePtr scratch, int stepBudget, DevicePtr data,
                          int dataBytes, DevicePtr dfaBlob, int dfaCount, DevicePtr dfaTables, DevicePtr cursors,
                          DevicePtr vmTables, DevicePtr vmScratch, DevicePtr doorbell, DevicePtr claims,
                          DevicePtr windows) {
    }

    /** The kernel arguments in {@link MegakernelPtx.Param} order. */
    private static Object[] launchArguments(Launch l) {
        Object[] args = new Object[MegakernelPtx.Param.values().length];
        for (MegakernelPtx.Param p : MegakernelPtx.Param.values()) {
            args[p.ordinal()] = switch (p) {
                case CONTROL -> l.control();
                case CONTROL_WORDS -> l.controlWords();
                case RING -> l.ring();
                case SLOT_COUNT -> l.slots();
                case DEBUG -> l.debug();
                case DEBUG_CAPACITY -> l.debugCapacity();
                case WORKERS -> l.workers();
                case SCRATCH -> l.scratch();
                case STEP_BUDGET -> l.stepBudget();
                case DATA -> l.data();
                case DATA_BYTES -> l.dataBytes();
                case DFA_BLOB -> l.dfaBlob();
                case DFA_COUNT -> l.dfaCount();
                case DFA_TABLES -> l.dfaTables();
                case CURSORS -> l.cursors();
                case VM_TABLES -> l.vmTables();
                case VM_SCRATCH -> l.vmScratch();
                case DOORBELL -> l.doorbell();
                case CLAIMS -> l.claims();
                case WINDOWS -> l.windows();
            };
        }
        return args;
    }

    /** The worker count: {@code requested}, or the default for 0; it must divide the ring and stay resident. */
    private int resolveWorkers(int requested, int slots, WorkerShape shape) {
        int resident = shape.maxResidentWorkers(device.multiprocessors());
        int w = requested != 0 ? requested
                : defaultWorkers(slots, Math.min(settings.maxDefaultWorkers(), device.multiprocessors()));
        if (w < 1 || w > slots || slots % w != 0) {
            throw new CudaBackendException("cuda backend: " + w + " workers cannot share " + slots + " slots evenly",
                    "pick a worker count that divides the slot count, or 0 for the default");
        }
        if (w > resident) {
            throw new CudaBackendException("cuda backend: " + w + " workers (" + shape + ") exceed the "
                    + resident + " that " + device.name() + " keeps resident at once; a worker that is not resident"
                    + " never runs its slots", "use at most " + resident + " workers, or WorkerShape.THREAD");
        }
        return w;
    }

    /** The largest divisor of {@code slots} that is at most {@code bound} (and at least 1). */
    static int defaultWorkers(int slots, int bound) {
        for (int w = Math.max(1, Math.min(slots, bound)); w > 1; w--) {
            if (slots % w == 0) {
                return w;
            }
        }
        return 1;
    }

    /** The device address of {@code segment}, which must lie inside one of this backend's pinned buffers. */
    private DevicePtr devicePointer(MemorySegment segment, String name, long alignment) {
        long address = segment.address();
        for (PinnedBuffer b : shared) {
            long base = b.host().address();
            if (address >= base && address + segment.byteSize() <= base + b.byteSize()) {
                DevicePtr ptr = b.devicePtr().plus(address - base);
                if (ptr.address() % alignment != 0) {
                    throw new CudaBackendException("cuda backend: the " + name + " buffer's device address " + ptr
                            + " is not aligned to " + alignment + " bytes", "allocate the " + name + " buffer with "
                            + "allocateShared and pass it whole (RingBuffers.allocate does)");
                }
                return ptr;
            }
        }
        throw new CudaBackendException("cuda backend: the " + name + " buffer at 0x" + Long.toHexString(address)
                + " (" + segment.byteSize() + " bytes) was not allocated by this backend", "allocate every buffer "
                + "with this backend's allocateShared (RingBuffers.allocate does)");
    }

    @Override
    public synchronized int workers() {
        return workers;
    }

    /** The doorbell line of the running kernel when the settings ask for doorbell pollers, else null. */
    @Override
    public synchronized MemorySegment doorbell() {
        return doorbell;
    }

    /**
     * Waits up to {@code timeout} (zero: one look) for the kernel to exit, polling {@code cuStreamQuery}. True
     * before {@link #start} and once the kernel has exited.
     *
     * @throws dev.vyre.cuda.CudaException when the kernel failed (e.g. CUDA_ERROR_ILLEGAL_ADDRESS: the context is
     *                                     then poisoned and the process must restart to use the GPU again)
     */
    @Override
    public boolean awaitExit(Duration timeout) {
        CudaStream s;
        synchronized (this) {
            if (exited || stream == null) {
                return true;
            }
            requireOpen("wait for the kernel");
            s = stream;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = MIN_POLL_NANOS;
        while (!s.isComplete()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
        exited = true;
        return true;
    }

    /**
     * Frees everything: a kernel that still runs is asked to shut down (control[SHUTDOWN] = 1) and awaited first
     * for up to {@link #CLOSE_WAIT}; then the module, stream, pinned buffers and the context go. Idempotent.
     *
     * @throws CudaBackendException when the kernel does not exit in time: nothing is freed then (the memory is in
     *                              use by the device until the process exits)
     * @throws dev.vyre.cuda.CudaException when the kernel failed; everything is freed before it is thrown
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        RuntimeException failure = null;
        try {
            if (!awaitExit(Duration.ZERO)) {
                control.requestShutdown();
                if (!awaitExit(CLOSE_WAIT)) {
                    throw new CudaBackendException("cuda backend: the megakernel still runs " + CLOSE_WAIT + " after"
                            + " SHUTDOWN was set; its memory was not freed", "close the Megakernel, which drains the "
                            + "ring before it closes the backend; a kernel that never exits holds the GPU until the "
                            + "process ends");
                }
            }
        } catch (CudaBackendException e) {
            throw e;
        } catch (RuntimeException e) {
            failure = e;
        }
        closed = true;
        shared.clear();
        stream = null;
        try {
            context.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new CudaBackendException("cuda backend is closed; it cannot " + what, "use a fresh CudaBackend");
        }
    }

    @Override
    public String toString() {
        return "CudaBackend(device " + settings.ordinal() + " " + device.name() + ", " + target.smName() + ", "
                + settings.shape() + (workers > 0 ? ", " + workers + " workers" : "") + ")";
    }
}
