package dev.vyre.runtime.cuda;

import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaEvent;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.DevicePtr;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.PinnedBuffer;
import dev.vyre.runtime.BackendUnavailableException;
import dev.vyre.runtime.automata.BatchFilter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The CUDA prefilter stage of the filtered scan ({@link BatchFilter}, kernel {@link WindowFilterPtx}): per staging
 * slot a pinned host buffer, a device copy of the batch, a candidate list and its cursor, and a stream. {@link
 * #submit} enqueues the host-to-device copy of the batch, the cursor reset and the kernel (asynchronous: the host
 * reads the next batch meanwhile); {@link #await} waits, fetches the cursor and the list, re-runs the kernel with a
 * larger list if it overflowed, and sorts the candidates. With a {@link WindowConfirmTable} (uploaded once) the kernel
 * confirms factors on the device: only windows that may hold an occurrence come back ({@link #testedWindows()}
 * counts those whose bit was set). Copy and kernel times come from events around them, so
 * {@link #filterNanos()} is the kernel over data already in device memory (the resident-data rate).
 */
public final class DeviceWindowFilter implements BatchFilter {
    /** Candidate list entries per slot at first, at least (grown on overflow). */
    static final int INITIAL_CAPACITY = 1 << 20;
    /** Batch bytes per candidate list entry at first: 1 in 64 bytes (a 3% share of stride-5 windows fits). */
    static final int BYTES_PER_ENTRY = 64;

    private final CudaContext context;
    private final CudaFunction kernel;
    private final DeviceBuffer bits;
    /** The confirm table, uploaded once (null: no device confirm). */
    private final WindowConfirmTable table;
    private final DeviceBuffer confirm;
    private final int shift;
    private final long capacity;
    private final int gridThreads;
    private final Slot[] slots;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment zero;
    private long filterNanos;
    private long copyNanos;
    private long filtered;
    private long transferNanos;
    private long sortNanos;
    private long tested;
    private long kept;

    private final class Slot {
        final PinnedBuffer staging;
        final DeviceBuffer data;
        final DeviceBuffer cursor;
        final CudaStream stream;
        final CudaEvent start;
        final CudaEvent copied;
        final CudaEvent done;
        DeviceBuffer out;
        int outCapacity;
        long windows;
        int stride;
        long bytes;
        long keepFrom;

        Slot() {
            staging = context.allocatePinned(capacity);
            data = context.allocate(capacity);
            cursor = context.allocate(WindowFilterPtx.CURSOR_BYTES);
            stream = context.createStream();
            start = context.createEvent();
            copied = context.createEvent();
            done = context.createEvent();
            outCapacity = (int) Math.max(INITIAL_CAPACITY, capacity / BYTES_PER_ENTRY);
            out = context.allocate((long) outCapacity * Integer.BYTES);
        }
    }

    private DeviceWindowFilter(CudaContext context, WindowBitmap bitmap, WindowConfirmTable table, int slotCount,
            long capacity) {
        this.context = context;
        CudaProbe.Device device = CudaProbe.run().devices().getFirst();
        this.kernel = context.loadPtx(WindowFilterPtx.generate(SmTarget.forDevice(device.ccMajor(),
                device.ccMinor()))).function(WindowFilterPtx.ENTRY);
        int[] words = bitmap.words();
        this.bits = context.allocate((long) words.length * Integer.BYTES);
        MemorySegment host = arena.allocate((long) words.length * Integer.BYTES, Integer.BYTES);
        MemorySegment.copy(words, 0, host, ValueLayout.JAVA_INT, 0, words.length);
        bits.copyFrom(host, 0);
        this.table = table;
        if (table != null) {
            int[] ints = table.ints();
            this.confirm = context.allocate(table.byteSize());
            MemorySegment t = arena.allocate(table.byteSize(), Long.BYTES);
            MemorySegment.copy(ints, 0, t, ValueLayout.JAVA_INT, 0, ints.length);
            confirm.copyFrom(t, 0);
        } else {
            this.confirm = null;
        }
        this.shift = 32 - bitmap.hashBits();
        this.capacity = capacity;
        this.gridThreads = device.multiprocessors() * 2048;
        this.zero = arena.allocate(WindowFilterPtx.CURSOR_BYTES, Long.BYTES);
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Opens the filter on CUDA device 0: {@code slots} batches of {@code capacity} bytes (below 2^31) in flight.
     *
     * @throws BackendUnavailableException without a CUDA driver and device
     */
    public static DeviceWindowFilter open(WindowBitmap bitmap, int slots, long capacity) {
        return open(bitmap, null, slots, capacity);
    }

    /**
     * As {@link #open(WindowBitmap, int, long)}, with the device confirm over {@code table} (uploaded once; null:
     * none): only windows that {@link WindowConfirmTable#keep} keeps come back.
     *
     * @throws BackendUnavailableException without a CUDA driver and device
     */
    public static DeviceWindowFilter open(WindowBitmap bitmap, WindowConfirmTable table, int slots, long capacity) {
        CudaProbe probe = CudaProbe.run();
        if (!probe.available() || probe.devices().isEmpty()) {
            throw new BackendUnavailableException("window prefilter: no CUDA device (" + probe.reason() + ")",
                    "run it on a machine with an NVIDIA GPU and driver, or use the CPU model (CpuBatchFilter)");
        }
        if (slots < 1 || capacity < 4096 || capacity >= 1L << 31) {
            throw new CudaBackendException("window prefilter: " + slots + " slots of " + capacity + " bytes",
                    "use at least one slot of 4096 bytes to 2 GiB - 1");
        }
        CudaContext context = CudaContext.open(0);
        try {
            return new DeviceWindowFilter(context, bitmap, table, slots, capacity);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int slots() {
        return slots.length;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public MemorySegment staging(int slot) {
        return slots[slot].staging.host();
    }

    @Override
    public void submit(int slot, long bytes, int stride, long keepFrom) {
        Slot s = slots[slot];
        s.bytes = bytes;
        s.keepFrom = Math.min(keepFrom, bytes);
        s.stride = stride;
        s.windows = bytes < WindowFilter.WINDOW ? 0 : (bytes - WindowFilter.WINDOW) / stride + 1;
        s.start.record(s.stream);
        if (bytes > 0) {
            s.stream.copyToDevice(s.staging.host().asSlice(0, bytes), s.data, 0);
        }
        s.copied.record(s.stream);
        launch(s);
        s.done.record(s.stream);
    }

    private void launch(Slot s) {
        s.stream.copyToDevice(zero, s.cursor, 0);
        if (s.windows == 0) {
            return;
        }
        int threads = (int) Math.min(gridThreads, (s.windows + WindowFilterPtx.BLOCK_THREADS - 1)
                / WindowFilterPtx.BLOCK_THREADS * WindowFilterPtx.BLOCK_THREADS);
        kernel.launch(Dim3.of(threads / WindowFilterPtx.BLOCK_THREADS), Dim3.of(WindowFilterPtx.BLOCK_THREADS), 0,
                s.stream, bits.ptr(), s.data.ptr(), (int) s.windows, s.stride, shift, s.out.ptr(), s.cursor.ptr(),
                s.outCapacity, threads, table == null ? 0 : 1, section(table == null ? 0 : table.slotsAt()),
                section(table == null ? 0 : table.candidatesAt()), section(table == null ? 0 : table.factorsAt()),
                section(table == null ? 0 : table.wordsAt()), table == null ? 0 : 32 - table.slotBits(),
                (int) s.bytes, (int) s.keepFrom);
    }

    /** The device address of the confirm table's section at int offset {@code at} (0 without a table). */
    private DevicePtr section(int at) {
        return confirm == null ? DevicePtr.NULL : confirm.ptr().plus((long) at * Integer.BYTES);
    }

    @Override
    public Candidates await(int slot) {
        Slot s = slots[slot];
        s.done.synchronize();
        copyNanos += (long) (s.copied.millisSince(s.start) * 1e6);
        filterNanos += (long) (s.done.millisSince(s.copied) * 1e6);
        filtered += s.bytes;
        long t0 = System.nanoTime();
        int[] counts = readCursor(s);
        int found = counts[0];
        if (Integer.compareUnsigned(found, s.outCapacity) > 0) {
            s.out.close();
            s.outCapacity = found;
            s.out = context.allocate((long) found * Integer.BYTES);
            launch(s);
            s.stream.synchronize();
            counts = readCursor(s);
            found = counts[0];
        }
        kept += Integer.toUnsignedLong(found);
        tested += Integer.toUnsignedLong(table == null ? found : counts[1]);
        int[] list = new int[found];
        if (found > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate((long) found * Integer.BYTES, Integer.BYTES);
                s.out.copyTo(host, 0);
                MemorySegment.copy(host, ValueLayout.JAVA_INT, 0, list, 0, found);
            }
        }
        long t1 = System.nanoTime();
        Arrays.parallelSort(list);
        transferNanos += t1 - t0;
        sortNanos += System.nanoTime() - t1;
        return new Candidates(list, found);
    }

    /** The cursor's counters: windows appended (kept) and windows whose bit is set (tested). */
    private int[] readCursor(Slot s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(WindowFilterPtx.CURSOR_BYTES, Long.BYTES);
            s.cursor.copyTo(host, 0);
            return new int[] {host.get(ValueLayout.JAVA_INT, WindowFilterPtx.CURSOR_KEPT),
                    host.get(ValueLayout.JAVA_INT, WindowFilterPtx.CURSOR_TESTED)};
        }
    }

    @Override
    public long testedWindows() {
        return tested;
    }

    @Override
    public long keptWindows() {
        return kept;
    }

    /** The context the filter's buffers live in (the DFA stage loads its kernel there). */
    CudaContext context() {
        return context;
    }

    /** Slot {@code slot}'s batch in device memory (valid once its submit's copy ran). */
    DevicePtr data(int slot) {
        return slots[slot].data.ptr();
    }

    /** Slot {@code slot}'s stream (work on the slot's batch is ordered on it). */
    CudaStream stream(int slot) {
        return slots[slot].stream;
    }

    @Override
    public long filterNanos() {
        return filterNanos;
    }

    @Override
    public long copyNanos() {
        return copyNanos;
    }

    @Override
    public long transferNanos() {
        return transferNanos;
    }

    @Override
    public long sortNanos() {
        return sortNanos;
    }

    @Override
    public long filteredBytes() {
        return filtered;
    }

    /** Frees the device memory, the pinned buffers, the module and the context. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            arena.close();
        }
    }
}
