package dev.vyre.runtime.stream;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.PinnedBuffer;
import dev.vyre.cuda.CudaStream;
import dev.vyre.runtime.cuda.SmTarget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The reference rates of the CUDA ingest path, measured in the same run as the end-to-end rows so that those can be
 * judged against them: the pinned host-to-device copy rate ({@code cuMemcpyHtoDAsync_v2} of large transfers from
 * page-locked, device-mapped memory, the kind the stream's buffers are, into device memory, over several streams)
 * and the rate at which a kernel reads that memory in place over the bus ({@link MappedReadPtx}). A failure becomes a
 * row with a note, never an exception.
 */
public final class HostCopyBench {
    /** The measure of the copy row. */
    public static final String PINNED_H2D = "pinned H2D copy rate";
    /** The measure of the in-place read row. */
    public static final String MAPPED_READ = "device reads mapped host memory";
    /** Bytes each copy pass moves at least (several transfers of the configured size). */
    static final long BYTES_PER_PASS = 4L << 30;
    /** Bytes compared at each end of each device buffer after the copies. */
    private static final int CHECK_BYTES = 4096;
    private static final int BLOCK_THREADS = 256;
    private static final int BLOCKS_PER_SM = 8;

    private HostCopyBench() {
    }

    /**
     * One measured rate.
     *
     * @param measure  {@link #PINNED_H2D} or {@link #MAPPED_READ}
     * @param method   how it was measured, in words
     * @param bytes    bytes moved (or read) in the best pass
     * @param nanos    the best pass's wall time, -1 when it could not run
     * @param verified the bytes arrived (copied ranges compared, or the kernel's XOR equals the host's)
     * @param note     why it could not run or did not verify; empty otherwise
     */
    public record Rate(String measure, String method, long bytes, long nanos, boolean verified, String note) {
        /** GB/s (10^9 bytes), 0 when not measured. */
        public double gbPerSecond() {
            return nanos > 0 ? bytes / (double) nanos : 0;
        }
    }

    /**
     * Measures both rates on device {@code ordinal} with one pinned buffer of {@code transferBytes} (and a device
     * buffer of that size per stream), best of {@code repeat} passes each.
     */
    public static List<Rate> run(int ordinal, long transferBytes, int streams, int repeat) {
        if (transferBytes < CHECK_BYTES || transferBytes % MappedReadPtx.VECTOR_BYTES != 0 || streams < 1
                || repeat < 1) {
            throw new GpuStreamException("copy benchmark of " + transferBytes + "-byte transfers on " + streams
                    + " streams, best of " + repeat, "use transfers of at least 4 KiB in multiples of 16 bytes, one"
                    + " stream or more and one pass or more");
        }
        String h2dMethod = String.format(Locale.ROOT, "cuMemcpyHtoDAsync_v2 of %d MiB from one pinned, device-mapped"
                + " buffer into a device buffer per stream, round robin over %d non-blocking streams, at least %d GiB"
                + " per pass, wall time from the first enqueue to the last stream synchronized", transferBytes >> 20,
                streams, BYTES_PER_PASS >> 30);
        String readMethod = String.format(Locale.ROOT, "%s: one 16-byte load per thread per step over %d MiB of"
                + " pinned, device-mapped host memory, %d threads per block, %d blocks per SM, XOR folded and checked"
                + " on the host; wall time from launch to stream synchronized", MappedReadPtx.KERNEL,
                transferBytes >> 20, BLOCK_THREADS, BLOCKS_PER_SM);
        List<Rate> rates = new ArrayList<>(2);
        try (CudaContext ctx = CudaContext.open(ordinal)) {
            PinnedBuffer pinned = ctx.allocatePinned(transferBytes);
            fillRandom(pinned.host());
            rates.add(hostToDevice(ctx, pinned, streams, repeat, h2dMethod));
            rates.add(mappedRead(ctx, ordinal, pinned, repeat, readMethod));
        } catch (RuntimeException e) {
            String note = "could not run: " + e.getMessage();
            if (rates.isEmpty()) {
                rates.add(new Rate(PINNED_H2D, h2dMethod, 0, -1, false, note));
            }
            if (rates.size() == 1) {
                rates.add(new Rate(MAPPED_READ, readMethod, 0, -1, false, note));
            }
        }
        return rates;
    }

    private static Rate hostToDevice(CudaContext ctx, PinnedBuffer pinned, int streamCount, int repeat,
                                     String method) {
        long size = pinned.byteSize();
        List<CudaStream> streams = new ArrayList<>(streamCount);
        List<DeviceBuffer> targets = new ArrayList<>(streamCount);
        for (int i = 0; i < streamCount; i++) {
            streams.add(ctx.createStream());
            targets.add(ctx.allocate(size));
        }
        int copies = (int) Math.max(2L * streamCount, (BYTES_PER_PASS + size - 1) / size);
        copyPass(pinned, streams, targets, streamCount); // warm up: every stream and buffer once
        long best = Long.MAX_VALUE;
        for (int pass = 0; pass < repeat; pass++) {
            long t0 = System.nanoTime();
            copyPass(pinned, streams, targets, copies);
            best = Math.min(best, System.nanoTime() - t0);
        }
        String problem = checkCopies(pinned, targets);
        return new Rate(PINNED_H2D, method, copies * size, best, problem.isEmpty(), problem);
    }

    private static void copyPass(PinnedBuffer pinned, List<CudaStream> streams, List<DeviceBuffer> targets,
                                 int copies) {
        for (int i = 0; i < copies; i++) {
            streams.get(i % streams.size()).copyToDevice(pinned.host(), targets.get(i % targets.size()), 0);
        }
        streams.forEach(CudaStream::synchronize);
    }

    /** Empty when the first and last bytes of every device buffer equal the pinned source's. */
    private static String checkCopies(PinnedBuffer pinned, List<DeviceBuffer> targets) {
        long size = pinned.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment back = arena.allocate(CHECK_BYTES);
            for (int i = 0; i < targets.size(); i++) {
                for (long offset : new long[] {0, size - CHECK_BYTES}) {
                    targets.get(i).copyTo(back, offset);
                    if (back.mismatch(pinned.host().asSlice(offset, CHECK_BYTES)) >= 0) {
                        return "device buffer " + i + " differs from the pinned source at offset " + offset;
                    }
                }
            }
        }
        return "";
    }

    private static Rate mappedRead(CudaContext ctx, int ordinal, PinnedBuffer pinned, int repeat, String method) {
        CudaProbe.Device device = CudaProbe.run().devices().stream().filter(d -> d.ordinal() == ordinal)
                .findFirst().orElseThrow(() -> new GpuStreamException("the driver lists no device " + ordinal,
                        "run on a machine with that CUDA device"));
        CudaFunction kernel = ctx.loadPtx(MappedReadPtx.module(SmTarget.forDevice(device.ccMajor(),
                device.ccMinor()))).function(MappedReadPtx.KERNEL);
        CudaStream stream = ctx.createStream();
        DeviceBuffer result = ctx.allocate(Integer.BYTES);
        long vectors = pinned.byteSize() / MappedReadPtx.VECTOR_BYTES;
        Dim3 grid = Dim3.of(Math.max(1, device.multiprocessors()) * BLOCKS_PER_SM);
        Dim3 block = Dim3.of(BLOCK_THREADS);
        int expected = xorOfWords(pinned.host());
        long best = Long.MAX_VALUE;
        String problem = "";
        int[] got = new int[1];
        for (int pass = 0; pass <= repeat; pass++) { // pass 0 warms up (loads the module, maps the pages)
            result.memsetD32(0);
            long t0 = System.nanoTime();
            kernel.launch(grid, block, 0, stream, pinned.devicePtr(), vectors, result.ptr());
            stream.synchronize();
            long nanos = System.nanoTime() - t0;
            if (pass > 0) {
                best = Math.min(best, nanos);
            }
            result.copyTo(MemorySegment.ofArray(got));
            if (got[0] != expected && problem.isEmpty()) {
                problem = "the kernel's XOR of the mapped words is " + Integer.toHexString(got[0]) + ", the host's "
                        + Integer.toHexString(expected);
            }
        }
        return new Rate(MAPPED_READ, method, pinned.byteSize(), best, problem.isEmpty(), problem);
    }

    /** The XOR of every little-endian 32-bit word of {@code memory} (its size a multiple of 8). */
    static int xorOfWords(MemorySegment memory) {
        long x = 0;
        for (long i = 0; i < memory.byteSize(); i += Long.BYTES) {
            x ^= memory.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        return (int) x ^ (int) (x >>> 32);
    }

    private static void fillRandom(MemorySegment memory) {
        SplittableRandom random = new SplittableRandom(0x1D6E57);
        for (long i = 0; i + Long.BYTES <= memory.byteSize(); i += Long.BYTES) {
            memory.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
    }
}
