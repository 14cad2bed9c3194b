package dev.vyre.runtime.cuda;

import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.dfa.DfaImage;
import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.DevicePtr;
import dev.vyre.cuda.Dim3;
import dev.vyre.runtime.BackendUnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The resident-data DFA measurement (docs/SCAN.md "vyre bench scan"): files uploaded once to device memory, then
 * {@link #run()} counts one DFA's matches over them with {@link DfaResidentPtx}: one thread per segment, guessed
 * starts over a warm-up window, and passes that re-run every segment whose guess differs from its predecessor's
 * final state until none does, so the count equals a sequential scan of each file (no match lost or counted twice
 * at a segment boundary).
 */
public final class ResidentDfaScan implements AutoCloseable {
    /** Files start at multiples of this many bytes in device memory. */
    static final int FILE_ALIGNMENT = DfaResidentPtx.BLOCK_BYTES;

    /** One measurement: the count, the time from the first launch to the last result, and the passes. */
    public record Result(long count, long nanos, int passes, int reruns) {
    }

    private final CudaContext context;
    private final CudaStream stream;
    private final CudaFunction kernel;
    private final DeviceBuffer image;
    private final DeviceBuffer data;
    private final DeviceBuffer tasks;
    private final DeviceBuffer states;
    private final int threads;
    private final int warmup;
    private final int[] firstOfFile;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment hostStates;

    private ResidentDfaScan(CudaContext context, Dfa dfa, List<byte[]> files, int segmentBytes, int warmup) {
        this.context = context;
        this.warmup = warmup;
        CudaProbe.Device device = CudaProbe.run().devices().getFirst();
        CudaModule module = context.loadPtx(DfaResidentPtx.generate(SmTarget.forDevice(device.ccMajor(),
                device.ccMinor())));
        this.kernel = module.function(DfaResidentPtx.ENTRY);
        this.stream = context.createStream();
        this.image = upload(DfaImage.encode(dfa));
        long total = 0;
        List<long[]> segs = new ArrayList<>();
        List<Integer> firsts = new ArrayList<>();
        long[] starts = new long[files.size()];
        for (int f = 0; f < files.size(); f++) {
            starts[f] = total;
            long len = files.get(f).length;
            for (long s = 0; s < len; s += segmentBytes) {
                firsts.add(s == 0 ? 1 : 0);
                segs.add(new long[] {total + s, total + Math.min(len, s + segmentBytes), total, total + len});
            }
            total = (total + len + FILE_ALIGNMENT - 1) / FILE_ALIGNMENT * FILE_ALIGNMENT;
        }
        this.threads = segs.size();
        this.firstOfFile = firsts.stream().mapToInt(Integer::intValue).toArray();
        MemorySegment host = arena.allocate(Math.max(1, total), FILE_ALIGNMENT);
        for (int f = 0; f < files.size(); f++) {
            MemorySegment.copy(MemorySegment.ofArray(files.get(f)), 0, host, starts[f], files.get(f).length);
        }
        this.data = context.allocate(Math.max(1, total));
        data.copyFrom(host, 0);
        MemorySegment t = arena.allocate(Math.max(1, (long) threads * DfaResidentPtx.TASK_WORDS * 4), 8);
        for (int i = 0; i < threads; i++) {
            long[] sg = segs.get(i);
            long at = (long) i * DfaResidentPtx.TASK_WORDS * 4;
            t.set(ValueLayout.JAVA_LONG, at + DfaResidentPtx.T_SEG_START * 4L, sg[0]);
            t.set(ValueLayout.JAVA_LONG, at + DfaResidentPtx.T_SEG_END * 4L, sg[1]);
            t.set(ValueLayout.JAVA_LONG, at + DfaResidentPtx.T_FILE_START * 4L, sg[2]);
            t.set(ValueLayout.JAVA_LONG, at + DfaResidentPtx.T_FILE_END * 4L, sg[3]);
        }
        this.tasks = context.allocate(t.byteSize());
        tasks.copyFrom(t, 0);
        this.hostStates = arena.allocate(Math.max(1, (long) threads * DfaResidentPtx.STATE_WORDS * 4), 16);
        this.states = context.allocate(hostStates.byteSize());
    }

    /**
     * Uploads {@code files} and the image of {@code dfa} to CUDA device 0, cut into segments of
     * {@code segmentBytes} (a positive multiple of {@link DfaResidentPtx#BLOCK_BYTES}) with {@code warmup} bytes
     * of warm-up for guessed starts.
     *
     * @throws BackendUnavailableException without a CUDA driver and device
     */
    public static ResidentDfaScan open(Dfa dfa, List<byte[]> files, int segmentBytes, int warmup) {
        CudaProbe probe = CudaProbe.run();
        if (!probe.available() || probe.devices().isEmpty()) {
            throw new BackendUnavailableException("resident DFA scan: no CUDA device (" + probe.reason() + ")",
                    "run it on a machine with an NVIDIA GPU and driver");
        }
        if (segmentBytes < DfaResidentPtx.BLOCK_BYTES || segmentBytes % DfaResidentPtx.BLOCK_BYTES != 0
                || warmup < 0) {
            throw new CudaBackendException("resident DFA scan: segments of " + segmentBytes + " bytes, warm-up "
                    + warmup, "use a positive multiple of " + DfaResidentPtx.BLOCK_BYTES + " and a warm-up >= 0");
        }
        CudaContext context = CudaContext.open(0);
        try {
            return new ResidentDfaScan(context, dfa, files, segmentBytes, warmup);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Segments (threads of a full pass). */
    public int segments() {
        return threads;
    }

    /** Counts the matches: a guessing pass, then re-runs until every segment starts where its predecessor ended. */
    public Result run() {
        long t0 = System.nanoTime();
        if (threads == 0) {
            return new Result(0, System.nanoTime() - t0, 0, 0);
        }
        for (int i = 0; i < threads; i++) {
            word(i, DfaResidentPtx.S_START, DfaResidentPtx.GUESS);
        }
        Passes pr = passes(kernel, stream, image.ptr(), data.ptr(), tasks.ptr(), states, hostStates, threads, warmup,
                firstOfFile);
        int passes = pr.passes();
        int reruns = pr.reruns();
        long count = 0;
        for (int i = 0; i < threads; i++) {
            count += Integer.toUnsignedLong(word(i, DfaResidentPtx.S_COUNT));
        }
        return new Result(count, System.nanoTime() - t0, passes, reruns);
    }

    /** What {@link #passes} did: kernel passes, re-run segments, and nanoseconds in kernel launches and waits. */
    record Passes(int passes, int reruns, long kernelNanos) {
    }

    /** Re-run sets up to this size move record by record between passes; larger ones move the whole array. */
    static final int RECORD_COPIES = 64;

    /**
     * Runs the kernel until every segment started from its true state: the START words of {@code host} are set by
     * the caller (GUESS, or a known state for a segment that begins a file); after each pass a segment whose USED
     * differs from its predecessor's FINAL (or, for a segment with {@code first[i] == 1}, that is first of its file)
     * runs again from that state, the others are skipped. {@code host} then holds every segment's exact USED, FINAL
     * and COUNT.
     *
     * <p>The first pass moves the whole state array each way. The kernel leaves every record it ran with START =
     * SKIP, so a later pass needs only the START words of the records to re-run, and brings back only those
     * records, one copy each, while there are at most {@link #RECORD_COPIES} of them (a handful on real corpora).
     * After a pass only a segment whose predecessor ran can differ from that predecessor's FINAL: the others were
     * checked before and neither side changed.
     */
    static Passes passes(CudaFunction kernel, CudaStream stream, DevicePtr image, DevicePtr data, DevicePtr tasks,
            DeviceBuffer states, MemorySegment host, int threads, int warmup, int[] first) {
        int words = DfaResidentPtx.STATE_WORDS;
        long recordBytes = (long) words * Integer.BYTES;
        MemorySegment live = host.asSlice(0, threads * recordBytes);
        states.copyFrom(live, 0);
        long kernelNanos = launch(kernel, stream, image, data, tasks, states, threads, warmup);
        states.copyTo(live, 0);
        int[] w = live.toArray(ValueLayout.JAVA_INT);
        int passes = 1;
        int reruns = 0;
        int[] ran = null; // null: every segment ran
        while (true) {
            int[] marked = new int[ran == null ? threads : ran.length];
            int count = 0;
            if (ran == null) {
                for (int i = 0; i < threads; i++) {
                    count = mark(w, first, i, marked, count);
                }
            } else {
                for (int r : ran) {
                    if (r + 1 < threads) {
                        count = mark(w, first, r + 1, marked, count);
                    }
                }
            }
            if (count == 0) {
                break;
            }
            reruns += count;
            boolean few = count <= RECORD_COPIES;
            if (few) {
                for (int k = 0; k < count; k++) {
                    long at = marked[k] * recordBytes + DfaResidentPtx.S_START * Integer.BYTES;
                    live.set(ValueLayout.JAVA_INT, at, w[marked[k] * words + DfaResidentPtx.S_START]);
                    states.copyFrom(live.asSlice(at, Integer.BYTES), at);
                }
            } else {
                // Every START word: SKIP but for the re-runs (the device's words are SKIP already after a pass).
                for (int i = 0; i < threads; i++) {
                    w[i * words + DfaResidentPtx.S_START] = DfaResidentPtx.SKIP;
                }
                for (int k = 0; k < count; k++) {
                    w[marked[k] * words + DfaResidentPtx.S_START] = startOf(w, first, marked[k]);
                }
                MemorySegment.copy(w, 0, live, ValueLayout.JAVA_INT, 0, w.length);
                states.copyFrom(live, 0);
            }
            kernelNanos += launch(kernel, stream, image, data, tasks, states, threads, warmup);
            passes++;
            if (few) {
                for (int k = 0; k < count; k++) {
                    long at = marked[k] * recordBytes;
                    states.copyTo(live.asSlice(at, recordBytes), at);
                    MemorySegment.copy(live, ValueLayout.JAVA_INT, at, w, marked[k] * words, words);
                }
            } else {
                states.copyTo(live, 0);
                MemorySegment.copy(live, ValueLayout.JAVA_INT, 0, w, 0, w.length);
            }
            ran = Arrays.copyOf(marked, count);
        }
        MemorySegment.copy(w, 0, live, ValueLayout.JAVA_INT, 0, w.length);
        return new Passes(passes, reruns, kernelNanos);
    }

    /** The true start of segment {@code i}: its own USED when it begins its file, else its predecessor's FINAL. */
    private static int startOf(int[] w, int[] first, int i) {
        int words = DfaResidentPtx.STATE_WORDS;
        return first[i] == 1 ? w[i * words + DfaResidentPtx.S_USED] : w[(i - 1) * words + DfaResidentPtx.S_FINAL];
    }

    /** Appends {@code i} to {@code marked} (with its START set to its true start) when it started elsewhere. */
    private static int mark(int[] w, int[] first, int i, int[] marked, int count) {
        int words = DfaResidentPtx.STATE_WORDS;
        int trueStart = startOf(w, first, i);
        if (w[i * words + DfaResidentPtx.S_USED] != trueStart) {
            w[i * words + DfaResidentPtx.S_START] = trueStart;
            marked[count++] = i;
        }
        return count;
    }

    private static long launch(CudaFunction kernel, CudaStream stream, DevicePtr image, DevicePtr data,
            DevicePtr tasks, DeviceBuffer states, int threads, int warmup) {
        long k0 = System.nanoTime();
        kernel.launch(Dim3.of((threads + DfaResidentPtx.BLOCK_THREADS - 1) / DfaResidentPtx.BLOCK_THREADS),
                Dim3.of(DfaResidentPtx.BLOCK_THREADS), 0, stream, image, data, tasks, states.ptr(), threads, warmup);
        stream.synchronize();
        return System.nanoTime() - k0;
    }

    static int word(MemorySegment host, int thread, int w) {
        return host.getAtIndex(ValueLayout.JAVA_INT, (long) thread * DfaResidentPtx.STATE_WORDS + w);
    }

    static void word(MemorySegment host, int thread, int w, int value) {
        host.setAtIndex(ValueLayout.JAVA_INT, (long) thread * DfaResidentPtx.STATE_WORDS + w, value);
    }

    private int word(int thread, int w) {
        return word(hostStates, thread, w);
    }

    private void word(int thread, int w, int value) {
        word(hostStates, thread, w, value);
    }

    private DeviceBuffer upload(int[] words) {
        DeviceBuffer b = context.allocate((long) words.length * Integer.BYTES);
        try (Arena staging = Arena.ofConfined()) {
            MemorySegment host = staging.allocate((long) words.length * Integer.BYTES, Integer.BYTES);
            MemorySegment.copy(words, 0, host, ValueLayout.JAVA_INT, 0, words.length);
            b.copyFrom(host, 0);
        }
        return b;
    }

    /** Frees the device memory, the module and the context. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            arena.close();
        }
    }
}
