package dev.vyre.runtime.stream;

import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.RingBuffers;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * Hands out disjoint, page-aligned ranges of each megakernel's data region, so that several streams can share one
 * megakernel: first fit, lowest offset first. A range is held until its lease is released.
 */
final class DataRegionLeases {
    /** Per megakernel: leased ranges, start to end (exclusive), in byte offsets of the region. */
    private static final Map<Megakernel, TreeMap<Long, Long>> LEASED = new WeakHashMap<>();

    private DataRegionLeases() {
    }

    /** A leased range: {@code segment} is {@code bytes} bytes of the region at {@code offset}. */
    record Lease(Megakernel kernel, long offset, MemorySegment segment) {
        /** Gives the range back; idempotent. */
        void release() {
            synchronized (LEASED) {
                TreeMap<Long, Long> ranges = LEASED.get(kernel);
                if (ranges != null) {
                    ranges.remove(offset, offset + segment.byteSize());
                }
            }
        }
    }

    /**
     * Leases {@code bytes} bytes of {@code kernel}'s data region, aligned to {@link RingBuffers#DATA_ALIGNMENT}.
     *
     * @throws GpuStreamException when no free range is large enough
     */
    static Lease lease(Megakernel kernel, long bytes) {
        MemorySegment data = kernel.data();
        long size = (bytes + RingBuffers.DATA_ALIGNMENT - 1) & -RingBuffers.DATA_ALIGNMENT;
        synchronized (LEASED) {
            TreeMap<Long, Long> ranges = LEASED.computeIfAbsent(kernel, k -> new TreeMap<>());
            long start = 0;
            for (Map.Entry<Long, Long> r : ranges.entrySet()) {
                if (r.getKey() - start >= size) {
                    break;
                }
                start = r.getValue();
            }
            if (data.byteSize() - start < size) {
                long used = ranges.entrySet().stream().mapToLong(r -> r.getValue() - r.getKey()).sum();
                throw new GpuStreamException("the megakernel's data region holds " + data.byteSize() + " bytes ("
                        + used + " leased to other streams); this stream's buffers need " + size + " contiguous bytes",
                        "bootstrap the megakernel with MegakernelConfig.withDataBytes(...) large enough for every"
                                + " stream (GpuStream.dataBytes(buffers, chunkSize) each), or use fewer or smaller"
                                + " buffers");
            }
            ranges.put(start, start + size);
            return new Lease(kernel, start, data.asSlice(start, size));
        }
    }
}
