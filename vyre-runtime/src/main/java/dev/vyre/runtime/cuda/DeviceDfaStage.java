package dev.vyre.runtime.cuda;

import dev.vyre.automata.dfa.DfaImage;
import dev.vyre.automata.regex.Analysis;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.runtime.automata.DfaStage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The DFA stage on CUDA ({@link DfaStage}): the resident DFA kernel ({@link DfaResidentPtx}) over the batch the
 * {@link DeviceWindowFilter} already copied to device memory, one thread per segment, passes until every segment
 * started from its true state ({@link ResidentDfaScan#passes}); a piece that continues a file starts its first
 * segment from the state the host carried over. Segments of about {@link #THREADS_PER_SM} threads per SM
 * (at least {@link #MIN_SEGMENT}, at most 1 MiB); warm-up the longest match when bounded (at most
 * {@link #MAX_EXACT_WARMUP}), else {@link #WARMUP}.
 */
public final class DeviceDfaStage implements DfaStage {
    static final int MIN_SEGMENT = 2048;
    static final int THREADS_PER_SM = 1024;
    static final int WARMUP = 256;
    static final int MAX_EXACT_WARMUP = 4096;

    private final DeviceWindowFilter filter;
    private final List<DfaEngine> engines;
    private final CudaFunction kernel;
    private final List<DeviceBuffer> images = new ArrayList<>();
    private final int[] warmups;
    private final int sms;
    private DeviceBuffer tasks;
    private DeviceBuffer states;
    private dev.vyre.cuda.PinnedBuffer pinnedTasks;
    private dev.vyre.cuda.PinnedBuffer pinnedStates;
    private MemorySegment hostTasks;
    private MemorySegment hostStates;
    private long nanos;
    private long bytes;
    private long passes;
    private long reruns;
    private long segments;
    private long kernelNanos;
    private long waitNanos;
    private long planNanos;
    private long prepareNanos;
    private long passesNanos;
    private long resultNanos;

    /** The stage for {@code engines} in {@code filter}'s context. */
    public DeviceDfaStage(DeviceWindowFilter filter, List<DfaEngine> engines) {
        this.filter = filter;
        this.engines = List.copyOf(engines);
        CudaProbe.Device device = CudaProbe.run().devices().getFirst();
        this.sms = device.multiprocessors();
        this.kernel = filter.context().loadPtx(DfaResidentPtx.generate(SmTarget.forDevice(device.ccMajor(),
                device.ccMinor()))).function(DfaResidentPtx.ENTRY);
        this.warmups = new int[engines.size()];
        for (int e = 0; e < engines.size(); e++) {
            int[] words = DfaImage.encode(engines.get(e).dfa());
            DeviceBuffer b = filter.context().allocate((long) words.length * Integer.BYTES);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate((long) words.length * Integer.BYTES, Integer.BYTES);
                MemorySegment.copy(words, 0, host, ValueLayout.JAVA_INT, 0, words.length);
                b.copyFrom(host, 0);
            }
            images.add(b);
            long max = engines.get(e).maxMatchLength();
            warmups[e] = max == Analysis.UNBOUNDED || max > MAX_EXACT_WARMUP ? WARMUP : (int) max;
        }
    }

    @Override
    public List<DfaEngine> engines() {
        return engines;
    }

    @Override
    public List<Segments> run(int slot, long[] pieceStart, long[] pieceEnd, int[][] startStates) {
        long t0 = System.nanoTime();
        long total = 0;
        for (int p = 0; p < pieceStart.length; p++) {
            total += pieceEnd[p] - pieceStart[p];
        }
        long per = total / ((long) sms * THREADS_PER_SM) + 1;
        int block = DfaResidentPtx.BLOCK_BYTES;
        long segment = Math.min(1 << 20, Math.max(MIN_SEGMENT, (per + block - 1) / block * block));
        DfaStage.Plan plan = DfaStage.plan(pieceStart, pieceEnd, segment);
        int n = plan.size();
        long tp = System.nanoTime();
        planNanos += tp - t0;
        List<Segments> out = new ArrayList<>();
        if (n == 0) {
            for (int e = 0; e < engines.size(); e++) {
                out.add(new Segments(new int[0], new long[0], new long[0], new int[0], new int[0], new long[0]));
            }
            return out;
        }
        ensure(n);
        int[] first = new int[n];
        int[] piece = plan.piece();
        long[] start = plan.start();
        long[] end = plan.end();
        int tw = DfaResidentPtx.TASK_WORDS / 2; // longs per task
        long[] taskLongs = new long[n * tw];
        for (int i = 0; i < n; i++) {
            int p = piece[i];
            first[i] = plan.firstOfPiece(i) ? 1 : 0;
            taskLongs[i * tw + DfaResidentPtx.T_SEG_START / 2] = start[i];
            taskLongs[i * tw + DfaResidentPtx.T_SEG_END / 2] = end[i];
            taskLongs[i * tw + DfaResidentPtx.T_FILE_START / 2] = pieceStart[p];
            taskLongs[i * tw + DfaResidentPtx.T_FILE_END / 2] = pieceEnd[p];
        }
        MemorySegment.copy(taskLongs, 0, hostTasks, ValueLayout.JAVA_LONG, 0, taskLongs.length);
        long h0 = System.nanoTime();
        filter.stream(slot).synchronize(); // the batch's copy (and the prefilter) are done
        waitNanos += System.nanoTime() - h0;
        tasks.copyFrom(hostTasks.asSlice(0, (long) n * DfaResidentPtx.TASK_WORDS * 4), 0);
        int sw = DfaResidentPtx.STATE_WORDS;
        for (int e = 0; e < engines.size(); e++) {
            int[] w = new int[n * sw];
            for (int i = 0; i < n; i++) {
                int given = startStates[e][piece[i]];
                w[i * sw + DfaResidentPtx.S_START] = first[i] == 1 && given != FRESH ? given : DfaResidentPtx.GUESS;
            }
            MemorySegment.copy(w, 0, hostStates, ValueLayout.JAVA_INT, 0, w.length);
            long ps = System.nanoTime();
            prepareNanos += ps - tp;
            ResidentDfaScan.Passes pr = ResidentDfaScan.passes(kernel, filter.stream(slot), images.get(e).ptr(),
                    filter.data(slot), tasks.ptr(), states, hostStates, n, warmups[e], first);
            passes += pr.passes();
            reruns += pr.reruns();
            segments += n;
            kernelNanos += pr.kernelNanos();
            tp = System.nanoTime();
            passesNanos += tp - ps;
            MemorySegment.copy(hostStates, ValueLayout.JAVA_INT, 0, w, 0, w.length);
            Segments s = new Segments(piece, start, end, new int[n], new int[n], new long[n]);
            for (int i = 0; i < n; i++) {
                s.used()[i] = w[i * sw + DfaResidentPtx.S_USED];
                s.last()[i] = w[i * sw + DfaResidentPtx.S_FINAL];
                s.count()[i] = Integer.toUnsignedLong(w[i * sw + DfaResidentPtx.S_COUNT]);
            }
            out.add(s);
            bytes += total;
        }
        long t1 = System.nanoTime();
        resultNanos += t1 - tp;
        nanos += t1 - t0;
        return out;
    }

    /**
     * Device task and state arrays for {@code n} segments, with pinned host staging (the passes copy the state
     * words both ways every pass: from pageable memory those copies were most of the stage's time on the H100).
     */
    private void ensure(int n) {
        long taskBytes = (long) n * DfaResidentPtx.TASK_WORDS * 4;
        if (tasks != null && tasks.byteSize() >= taskBytes) {
            return;
        }
        long grown = Math.max(taskBytes, 2 * (tasks == null ? 0 : tasks.byteSize()));
        if (tasks != null) {
            tasks.close();
            states.close();
            pinnedTasks.close();
            pinnedStates.close();
        }
        long count = grown / (DfaResidentPtx.TASK_WORDS * 4);
        tasks = filter.context().allocate(grown);
        states = filter.context().allocate(count * DfaResidentPtx.STATE_WORDS * 4);
        pinnedTasks = filter.context().allocatePinned(grown);
        pinnedStates = filter.context().allocatePinned(count * DfaResidentPtx.STATE_WORDS * 4);
        hostTasks = pinnedTasks.host();
        hostStates = pinnedStates.host();
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public java.util.Map<String, Object> details() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("segments", segments);
        m.put("passes", passes);
        m.put("reruns", reruns);
        m.put("kernelSeconds", kernelNanos / 1e9);
        m.put("waitForBatchSeconds", waitNanos / 1e9);
        m.put("planSeconds", planNanos / 1e9);
        m.put("prepareSeconds", prepareNanos / 1e9);
        m.put("passesSeconds", passesNanos / 1e9);
        m.put("resultSeconds", resultNanos / 1e9);
        return m;
    }

    @Override
    public void resetDetails() {
        passes = 0;
        reruns = 0;
        segments = 0;
        kernelNanos = 0;
        waitNanos = 0;
        planNanos = 0;
        prepareNanos = 0;
        passesNanos = 0;
        resultNanos = 0;
    }

    /** Frees the pinned host staging (device memory goes with the filter's context, which may be closed already). */
    @Override
    public void close() {
        if (pinnedTasks != null && !filter.context().isClosed()) {
            pinnedTasks.close();
            pinnedStates.close();
        }
    }
}
