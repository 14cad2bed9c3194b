package dev.vyre.runtime.automata;

import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.literal.WindowFilter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The CPU model of the device prefilter as a {@link BatchFilter}: {@link WindowBitmap#candidates} over each batch,
 * then (with a confirm table) {@link WindowConfirmTable#keep} on each of them, split into parts run on the common
 * fork-join pool. Same candidates as the CUDA kernel (sorted), so a {@link FilteredScanner} with it is the host-only
 * reference of the filtered path, and where no GPU is present.
 */
public final class CpuBatchFilter implements BatchFilter {
    private static final int PARTS = 64;

    private final WindowBitmap bitmap;
    private final WindowConfirmTable table;
    private final long capacity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] staging;
    private final Candidates[] results;
    private long nanos;
    private long bytes;
    private long tested;
    private long kept;

    /** {@code slots} staging buffers of {@code capacity} bytes for {@code bitmap}, without the device confirm. */
    public CpuBatchFilter(WindowBitmap bitmap, int slots, long capacity) {
        this(bitmap, null, slots, capacity);
    }

    /**
     * {@code slots} staging buffers of {@code capacity} bytes for {@code bitmap}, and the device confirm with
     * {@code table} (null: none, every window whose bit is set is a candidate).
     */
    public CpuBatchFilter(WindowBitmap bitmap, WindowConfirmTable table, int slots, long capacity) {
        this.bitmap = bitmap;
        this.table = table;
        this.capacity = capacity;
        this.staging = new MemorySegment[slots];
        this.results = new Candidates[slots];
        for (int i = 0; i < slots; i++) {
            staging[i] = arena.allocate(capacity, 64);
        }
    }

    @Override
    public String name() {
        return "cpu-model";
    }

    @Override
    public int slots() {
        return staging.length;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public MemorySegment staging(int slot) {
        return staging[slot];
    }

    @Override
    public void submit(int slot, long n, int stride, long keepFrom) {
        long t0 = System.nanoTime();
        long windows = n < WindowFilter.WINDOW ? 0 : (n - WindowFilter.WINDOW) / stride + 1;
        long per = (windows + PARTS - 1) / PARTS;
        MemorySegment data = staging[slot].asSlice(0, n);
        long[] passed = new long[1];
        List<long[]> parts = IntStream.range(0, PARTS).parallel().mapToObj(p -> {
            long from = Math.min(windows, p * per);
            long to = Math.min(windows, from + per);
            int[] count = new int[1];
            long[] c = to == from ? new long[0]
                    : bitmap.candidates(data.asSlice(from * stride), to - from, stride, new long[64], count);
            synchronized (passed) {
                passed[0] += count[0];
            }
            int m = 0;
            for (int i = 0; i < count[0]; i++) {
                long k = c[i] + from;
                if (table == null || table.keep(data, n, k * stride, keepFrom)) {
                    c[m++] = k;
                }
            }
            return Arrays.copyOf(c, m);
        }).toList();
        int total = parts.stream().mapToInt(a -> a.length).sum();
        int[] all = new int[total];
        int at = 0;
        for (long[] part : new ArrayList<>(parts)) {
            for (long k : part) {
                all[at++] = (int) k;
            }
        }
        results[slot] = new Candidates(all, total);
        nanos += System.nanoTime() - t0;
        bytes += n;
        tested += passed[0];
        kept += total;
    }

    @Override
    public long testedWindows() {
        return tested;
    }

    @Override
    public long keptWindows() {
        return kept;
    }

    @Override
    public Candidates await(int slot) {
        Candidates c = results[slot];
        results[slot] = null;
        return c;
    }

    @Override
    public long filterNanos() {
        return nanos;
    }

    @Override
    public long copyNanos() {
        return 0;
    }

    @Override
    public long filteredBytes() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}
