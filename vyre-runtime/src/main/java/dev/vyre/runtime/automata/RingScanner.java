package dev.vyre.runtime.automata;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.regex.Analysis;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.ScanStream;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.automata.worklist.WorklistDecision;
import dev.vyre.automata.worklist.WorklistMode;
import dev.vyre.automata.worklist.WorklistRequest;
import dev.vyre.core.VyreException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.automata.ChunkWork.Lane;
import dev.vyre.runtime.automata.ChunkWork.Step;
import dev.vyre.runtime.automata.LaneJob.Kind;
import dev.vyre.runtime.stream.GpuStream;
import dev.vyre.uring.ChunkSink;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestSources;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Scans files through the megakernel with DFA_STEP slots (docs/SCAN.md). The DFA engines of a compiled pattern
 * set run on the ring; its other engines (NFA mode for patterns over the state cap, literal engines if the set was
 * compiled with the prefilter) run on the host, fed the same chunks in file order. Chunks are cut into lanes;
 * lanes advance in blocking or non-blocking mode, fixed by the options or chosen per corpus slice by the worklist
 * policy from a measurement of both. State is carried across chunks, so no match is lost or reported twice at a
 * chunk boundary.
 *
 * <p>One scan at a time; the scanning thread runs the scheduler, a second thread runs the producer (the reader).
 */
public final class RingScanner implements AutoCloseable {
    /** Input id 0: an empty input for the END slots that finish a stream. */
    static final int EMPTY_INPUT = 0;
    /** Match buffer id used for re-runs of spans whose records overflowed. */
    static final int RERUN_BUFFER = DfaStepUnit.MAX_MATCH_BUFFERS - 1;
    /** Runs of each mode per slice calibration (alternating; the fastest of each is its active time). */
    static final int CALIBRATION_ROUNDS = 3;

    private final Megakernel kernel;
    private final CompiledAutomaton automaton;
    private final RingScanOptions options;
    private final List<Dfa> dfas = new ArrayList<>();
    private final long[] warmups;
    private final int[] startStates;
    private final CompiledAutomaton hostEngines;
    /** Runs the host engines' feeds (one thread per processor); null without host engines. */
    private final java.util.concurrent.ExecutorService hostPool;
    /** The megakernel's DFA_STEP unit; null when no DFA runs on the ring (every engine runs on the host). */
    private final DfaStepUnit unit;
    /** The buffer of overflow re-runs (grown when a re-run needs more records; old ones are freed with the kernel). */
    private MatchBuffer rerunBuffer;
    private final ArrayDeque<Integer> freeInputs = new ArrayDeque<>();
    private final ArrayDeque<Integer> freeChunkBuffers = new ArrayDeque<>();
    private final ArrayDeque<Integer> freeEndBuffers = new ArrayDeque<>();
    private final List<MatchBuffer> buffers = new ArrayList<>();
    private int nextInput = EMPTY_INPUT + 1;

    // ---- per scan ----
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private Map<Integer, StreamWork> streams;
    private InOrder ready;
    private ScanListener listener;
    private boolean producerDone;
    private RuntimeException failure;
    private int inFlight;
    private RingScanOptions.Mode current;
    private long bytesSinceCalibration;
    private IngestEvent.Chunk calibrationChunk;
    private final List<Object> parked = new ArrayList<>();
    private ChunkWork calibrationRun;
    private List<Match> calibrationBlocking;
    private int calibrationRuns;
    private long calibrationBlockingNanos;
    private long calibrationNonBlockingNanos;
    private ChunkWork calibrationBlockingRun;
    private ChunkWork calibrationNonBlockingRun;
    private final List<SliceEvidence> slices = new ArrayList<>();
    private long slots;
    private long fixups;
    private long reruns;
    private long bytes;
    private long blockingBytes;
    private long nonBlockingBytes;
    private long matchCount;
    private int failedFiles;

    private record StepDone(Object owner, Step step, SlotOutcome outcome, Throwable error) {
    }

    private record ProducerEnd(Throwable error) {
    }

    private RingScanner(Megakernel kernel, CompiledAutomaton automaton, RingScanOptions options) {
        this.kernel = kernel;
        this.automaton = automaton;
        this.options = options;
        List<Engine> host = new ArrayList<>();
        List<Long> warm = new ArrayList<>();
        for (Engine e : automaton.engines()) {
            if (e instanceof DfaEngine d) {
                dfas.add(d.dfa());
                long max = d.maxMatchLength();
                warm.add(max == Analysis.UNBOUNDED || max > options.quantum() ? options.warmup() : max);
            } else {
                host.add(e);
            }
        }
        this.warmups = warm.stream().mapToLong(Long::longValue).toArray();
        this.startStates = dfas.stream().mapToInt(d -> d.startState(Dfa.CONTEXT_START)).toArray();
        this.hostEngines = host.isEmpty() ? null : new CompiledAutomaton(automaton.patterns(), host);
        this.hostPool = host.isEmpty() ? null : java.util.concurrent.Executors.newFixedThreadPool(
                Runtime.getRuntime().availableProcessors(), r -> {
                    Thread t = new Thread(r, "vyre-scan-host");
                    t.setDaemon(true);
                    return t;
                });
        this.unit = dfas.isEmpty() ? null : kernel.dfaStep();
        if (unit != null) {
            List<Dfa> registered = unit.automata();
            boolean same = registered.size() == dfas.size();
            for (int i = 0; same && i < dfas.size(); i++) {
                same = registered.get(i) == dfas.get(i);
            }
            if (!same) {
                throw new ScanException("the megakernel's automata (" + registered.size() + " DFAs) are not the "
                        + dfas.size() + " ring DFAs of this pattern set", "bootstrap the megakernel with "
                        + "MegakernelConfig.withAutomata(RingScanner.ringAutomata(automaton)) for the same compiled"
                        + " automaton");
            }
            unit.registerInput(EMPTY_INPUT, MemorySegment.NULL);
        }
    }

    /**
     * The DFAs of {@code automaton} that run on the ring (its {@link DfaEngine}s, automaton id = index): register
     * them at bootstrap with {@link dev.vyre.runtime.MegakernelConfig#withAutomata}.
     */
    public static List<Dfa> ringAutomata(CompiledAutomaton automaton) {
        List<Dfa> out = new ArrayList<>();
        for (Engine e : automaton.engines()) {
            if (e instanceof DfaEngine d) {
                out.add(d.dfa());
            }
        }
        return List.copyOf(out);
    }

    /**
     * A scanner of {@code automaton} on {@code kernel}, which must have been bootstrapped with
     * {@code withAutomata(ringAutomata(automaton))} when the pattern set has ring DFAs; close the scanner before the
     * megakernel. Chunk buffers must be memory the kernel's workers see (on CUDA: {@link Megakernel#allocateShared}
     * or the data region, e.g. a pool over {@link SharedBufferAllocator}). Compile with
     * {@code CompileOptions.withPrefilter(false)} to run every pattern that fits the state cap on the ring.
     *
     * @throws ScanException when the kernel's registered automata are not this pattern set's ring DFAs
     */
    public static RingScanner open(Megakernel kernel, CompiledAutomaton automaton, RingScanOptions options) {
        if (kernel == null || automaton == null || options == null) {
            throw new ScanException("ring scanner: megakernel, automaton and options must not be null",
                    "bootstrap a megakernel, compile the patterns and pass RingScanOptions.defaults()");
        }
        return new RingScanner(kernel, automaton, options);
    }

    /** DFAs that run on the ring (automaton ids 0..n-1). */
    public int ringAutomata() {
        return dfas.size();
    }

    /** Whether some engine runs on the host (NFA mode, literal engines). */
    public boolean hasHostEngines() {
        return hostEngines != null;
    }

    /**
     * Expands {@code roots} (directories recursively, {@link IngestSources#expand}) and scans every file, its chunks
     * read by {@code stream} ({@link GpuStream#feed}: io_uring into the stream's pool in the megakernel's data region,
     * which the DFA_STEP slots read in place; paths that cannot be listed, missing and unreadable files end as
     * failed files, reported to the listener in order, and the rest are scanned). The stream must feed this scanner's
     * megakernel.
     */
    public ScanReport scanPaths(GpuStream stream, List<Path> roots, ScanListener listener) {
        IngestSources.Expansion x = IngestSources.expand(roots);
        return scan(x.files().size() + x.failures().size(), sink -> stream.feed(x.files(), x.failures(), sink),
                listener);
    }

    /**
     * Scans the streams that {@code producer} delivers (on a thread of its own) as ingest events: files with ids
     * 0..streamCount-1, each ending with one FileDone or FileFailed. Results go to {@code listener} in id order.
     *
     * @throws ScanException when a DFA_STEP slot faults, the two modes of a calibration disagree, or the producer
     *                       fails (after every slot in flight finished and every buffer went back)
     */
    public ScanReport scan(int streamCount, Consumer<ChunkSink> producer, ScanListener listener) {
        long t0 = System.nanoTime();
        reset(listener);
        Thread reader = Thread.ofPlatform().daemon().name("vyre-scan-producer").start(() -> {
            try {
                producer.accept(events::add);
                events.add(new ProducerEnd(null));
            } catch (Throwable t) {
                events.add(new ProducerEnd(t));
            }
        });
        try {
            while (!(producerDone && inFlight == 0 && (failure != null || ready.next() >= streamCount))) {
                Object ev = take();
                handle(ev);
                if (calibrationChunk != null && calibrationRun == null && inFlight == 0 && failure == null) {
                    startCalibration();
                }
                if (producerDone && inFlight == 0 && failure == null && events.isEmpty() && ready.next() < streamCount
                        && calibrationChunk == null) {
                    failure = new ScanException("the producer ended but file " + ready.next() + " never ended (no"
                            + " FileDone or FileFailed)", "end every stream id 0.." + (streamCount - 1));
                }
            }
        } finally {
            drainAfterFailure(reader);
        }
        if (failure != null) {
            throw failure;
        }
        return new ScanReport(streamCount, failedFiles, bytes, matchCount, slots, fixups, reruns, blockingBytes,
                nonBlockingBytes, slices, System.nanoTime() - t0);
    }

    private void reset(ScanListener l) {
        events.clear();
        streams = new java.util.HashMap<>();
        ready = new InOrder(16);
        listener = l;
        producerDone = false;
        failure = null;
        inFlight = 0;
        current = options.mode() == RingScanOptions.Mode.AUTO ? null : options.mode();
        bytesSinceCalibration = 0;
        calibrationChunk = null;
        parked.clear();
        calibrationRun = null;
        slices.clear();
        slots = fixups = reruns = bytes = blockingBytes = nonBlockingBytes = matchCount = 0;
        failedFiles = 0;
    }

    private Object take() {
        try {
            return events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new ScanException("interrupted while scanning", "do not interrupt a scan in progress");
            return new ProducerEnd(null);
        }
    }

    /** After a failure: waits for the slots in flight and the producer, releasing every chunk. */
    private void drainAfterFailure(Thread reader) {
        if (failure == null) {
            return;
        }
        while (inFlight > 0 || !producerDone) {
            Object ev;
            try {
                ev = events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reader.interrupt();
                return;
            }
            handle(ev);
        }
        for (StreamWork s : streams.values()) {
            for (ChunkWork c : List.copyOf(s.waiting.values())) {
                release(c);
            }
            if (s.head != null) {
                release(s.head);
            }
        }
        if (calibrationChunk != null) {
            calibrationChunk.release();
            calibrationChunk = null;
        }
        for (Object p : parked) {
            if (p instanceof IngestEvent.Chunk c) {
                c.release();
            }
        }
        parked.clear();
    }

    private void fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
    }

    // ---- events ---------------------------------------------------------------------------------------------

    private void handle(Object ev) {
        switch (ev) {
            case StepDone d -> stepDone(d);
            case ProducerEnd p -> {
                producerDone = true;
                if (p.error() != null) {
                    fail(p.error() instanceof VyreException v ? v
                            : new ScanException("reading the files failed: " + p.error(), "see the cause", p.error()));
                }
            }
            case IngestEvent.Chunk c -> {
                if (failure != null) {
                    c.release();
                } else if (calibrationChunk != null) {
                    parked.add(c);
                } else if (calibrationDue()) {
                    calibrationChunk = c;
                } else {
                    process(c);
                }
            }
            case IngestEvent e -> {
                if (calibrationChunk != null && failure == null) {
                    parked.add(e);
                } else {
                    fileEnd(e);
                }
            }
            default -> throw new IllegalStateException("unknown scan event " + ev);
        }
    }

    private StreamWork stream(dev.vyre.uring.IngestFile file) {
        return streams.computeIfAbsent(file.id(), id -> new StreamWork(file, startStates,
                hostEngines == null ? null : new Scanner(hostEngines).stream()));
    }

    private void fileEnd(IngestEvent e) {
        StreamWork s = stream(e.file());
        switch (e) {
            case IngestEvent.FileDone d -> s.doneBytes = d.bytes();
            case IngestEvent.FileFailed f -> {
                s.error = f.error();
                for (ChunkWork c : List.copyOf(s.waiting.values())) {
                    if (c.inFlight == 0) {
                        s.waiting.values().remove(c);
                        release(c);
                    }
                }
            }
            default -> throw new IllegalStateException("not an end event: " + e);
        }
        maybeFinish(s);
    }

    private boolean calibrationDue() {
        return options.mode() == RingScanOptions.Mode.AUTO && !dfas.isEmpty()
                && (current == null || bytesSinceCalibration >= options.sliceBytes());
    }

    private void process(IngestEvent.Chunk c) {
        StreamWork s = stream(c.file());
        if (s.failed()) {
            c.release();
            return;
        }
        RingScanOptions.Mode mode = current == null ? RingScanOptions.Mode.BLOCKING : current;
        ChunkWork cw = new ChunkWork(s, c.data(), c.fileOffset(), mode == RingScanOptions.Mode.NON_BLOCKING,
                c::release, dfas, warmups, options);
        bytesSinceCalibration += cw.length;
        if (cw.nonBlocking) {
            nonBlockingBytes += cw.length;
        } else {
            blockingBytes += cw.length;
        }
        s.liveChunks++;
        acquire(cw, c.data());
        s.waiting.put(c.fileOffset(), cw);
        speculate(cw);
        advance(s);
    }

    private void acquire(ChunkWork cw, java.lang.foreign.MemorySegment data) {
        cw.inputId = freeInputs.isEmpty() ? nextInput++ : freeInputs.pop();
        if (cw.inputId >= DfaStepUnit.MAX_INPUTS) {
            throw new ScanException("more than " + DfaStepUnit.MAX_INPUTS + " chunks in flight",
                    "use a smaller buffer pool");
        }
        if (unit != null) {
            unit.registerInput(cw.inputId, data);
        }
        if (freeChunkBuffers.isEmpty()) {
            freeChunkBuffers.push(newBuffer(options.matchCapacity()));
        }
        cw.bufferId = freeChunkBuffers.pop();
        cw.buffer = buffers.get(cw.bufferId);
        cw.startedNanos = System.nanoTime();
    }

    private int newBuffer(int capacity) {
        int id = buffers.size();
        if (id >= RERUN_BUFFER) {
            throw new ScanException("more than " + RERUN_BUFFER + " match buffers", "use a smaller buffer pool");
        }
        MatchBuffer b = sharedBuffer(capacity);
        buffers.add(b);
        if (unit != null) {
            unit.registerMatchBuffer(id, b);
        }
        return id;
    }

    private void release(ChunkWork cw) {
        if (cw.released) {
            return;
        }
        cw.released = true;
        if (cw.hostDone != null) {
            cw.hostDone.join();
        }
        if (unit != null) {
            unit.unregisterInput(cw.inputId);
        }
        freeInputs.push(cw.inputId);
        cw.buffer.reset();
        freeChunkBuffers.push(cw.bufferId);
        if (cw.releaseSource != null) {
            cw.releaseSource.run();
        }
        if (cw.stream != null) {
            cw.stream.liveChunks--;
            cw.stream.waiting.values().remove(cw);
            if (cw.stream.head == cw) {
                cw.stream.head = null;
            }
            maybeFinish(cw.stream);
        }
    }

    // ---- lanes ----------------------------------------------------------------------------------------------

    /** Starts the warm-ups of lanes j > 0 of every DFA (they need nothing from the previous chunk). */
    private void speculate(ChunkWork cw) {
        for (int e = 0; e < dfas.size(); e++) {
            Lane[] ls = cw.lanes[e];
            for (int j = 1; j < ls.length; j++) {
                publish(new LaneJob(cw, e, j, Kind.WARM, ls[j].warmFrom, ls[j].start - ls[j].warmFrom,
                        cw.guess(dfas.get(e), e, j)));
            }
        }
    }

    /** Starts lane 0 of every DFA from {@code states}. */
    private void launchHead(ChunkWork cw, int[] states) {
        for (int e = 0; e < dfas.size(); e++) {
            Lane l = cw.lanes[e][0];
            l.trueStart = states[e];
            publish(new LaneJob(cw, e, 0, Kind.TRUE, 0, l.end, states[e]));
        }
        if (dfas.isEmpty()) {
            resolved(cw);
        }
    }

    private void publish(LaneJob job) {
        ChunkWork cw = job.chunk;
        int budget = cw.lanes[job.engine][job.lane].quantum;
        int[] args = DfaStepAbi.args(job.engine, cw.bufferId, cw.inputId, job.offset, job.length, job.base,
                cw.steps.size(), false, job.kind == Kind.WARM, budget, job.state, job.pc);
        Step step = new Step(job, args);
        cw.steps.add(step);
        send(cw, step);
    }

    private void send(Object owner, Step step) {
        if (owner instanceof ChunkWork cw) {
            cw.inFlight++;
        }
        inFlight++;
        slots++;
        kernel.publish(Opcodes.DFA_STEP, 0, Priority.NORMAL, step.args()).future()
                .whenComplete((o, t) -> events.add(new StepDone(owner, step, o, t)));
    }

    private void stepDone(StepDone d) {
        inFlight--;
        if (d.owner() instanceof StreamWork s) {
            endStepDone(s, d);
            return;
        }
        ChunkWork cw = (ChunkWork) d.owner();
        cw.inFlight--;
        SlotOutcome o = d.outcome();
        if (d.error() != null || o == null || !o.isDone()) {
            fail(new ScanException("DFA_STEP slot failed: " + (o != null ? o : d.error()), "check the slot"
                    + " arguments against docs/SCAN.md; a fault detail is the index of the bad argument word"));
        }
        if (failure != null || cw.stream != null && cw.stream.failed()) {
            if (cw.inFlight == 0) {
                release(cw);
            }
            return;
        }
        LaneJob job = d.step().job();
        int state = o.arg(DfaStepAbi.STATE);
        int pc = o.arg(DfaStepAbi.PC);
        cw.visits += Integer.toUnsignedLong(pc) - Integer.toUnsignedLong(d.step().args()[DfaStepAbi.PC]);
        if (o.arg(DfaStepAbi.DROPPED) != 0) {
            cw.dropped.add(d.step());
            cw.droppedCounts.add(o.arg(DfaStepAbi.DROPPED));
        }
        job.state = state;
        job.pc = pc;
        advance(cw, job);
    }

    /** The next move of a job whose step just finished at {@code (job.state, job.pc)}. */
    private void advance(ChunkWork cw, LaneJob job) {
        Lane lane = cw.lanes[job.engine][job.lane];
        boolean more = job.pc < job.length;
        int q = Math.max(1, lane.quantum);
        switch (job.kind) {
            case WARM -> {
                if (more) {
                    publish(job);
                } else {
                    lane.warmState = job.state;
                    publish(new LaneJob(cw, job.engine, job.lane, Kind.SPEC, lane.start, lane.end - lane.start,
                            job.state));
                }
            }
            case SPEC -> {
                if (cw.nonBlocking && job.pc % q == 0 && job.pc / q < lane.checkpoints.length) {
                    lane.checkpoints[job.pc / q] = job.state;
                }
                if (more) {
                    publish(job);
                } else {
                    lane.specFinal = job.state;
                    lane.specDone = true;
                    tryResolve(cw, job.engine, job.lane);
                }
            }
            case TRUE -> {
                if (more) {
                    publish(job);
                } else {
                    resolveLane(cw, job.engine, 0, cw.base + lane.end, job.state);
                }
            }
            case FIX -> {
                if (more && job.pc % q == 0 && lane.checkpoints[job.pc / q] == job.state) {
                    resolveLane(cw, job.engine, job.lane, cw.base + lane.start + job.pc, lane.specFinal);
                } else if (more) {
                    publish(job);
                } else {
                    resolveLane(cw, job.engine, job.lane, cw.base + lane.end, job.state);
                }
            }
        }
    }

    /** Lane j once its guessed run is done and its true start known: keep the guess, or start a fix-up. */
    private void tryResolve(ChunkWork cw, int engine, int j) {
        Lane lane = cw.lanes[engine][j];
        if (lane.trueStart < 0 || !lane.specDone || lane.started) {
            return;
        }
        lane.started = true;
        if (lane.warmState == lane.trueStart) {
            resolveLane(cw, engine, j, cw.base + lane.start, lane.specFinal);
        } else {
            cw.fixups++;
            publish(new LaneJob(cw, engine, j, Kind.FIX, lane.start, lane.end - lane.start, lane.trueStart));
        }
    }

    /** Lane j's matches before {@code converged} come from its fix-up, the rest from its guessed run. */
    private void resolveLane(ChunkWork cw, int engine, int j, long converged, int finalState) {
        Lane[] ls = cw.lanes[engine];
        ls[j].converged = converged;
        ls[j].trueFinal = finalState;
        if (j + 1 < ls.length) {
            ls[j + 1].trueStart = finalState;
            tryResolve(cw, engine, j + 1);
        } else {
            cw.finals[engine] = finalState;
            if (--cw.unresolved == 0) {
                resolved(cw);
            }
        }
    }

    /** Every lane of every DFA is resolved: collect the chunk's matches and pass its final states on. */
    private void resolved(ChunkWork cw) {
        List<Match> found = collect(cw);
        fixups += cw.fixups;
        if (cw == calibrationRun) {
            release(cw);
            calibrationStep(found, System.nanoTime() - cw.startedNanos, cw);
            return;
        }
        StreamWork s = cw.stream;
        s.matches.addAll(found);
        s.carried = cw.finals.clone();
        bytes += cw.length;
        listener.onProgress(cw.length);
        release(cw);
        advance(s);
    }

    private List<Match> collect(ChunkWork cw) {
        Set<Integer> droppedTags = new HashSet<>();
        for (Step s : cw.dropped) {
            droppedTags.add(s.args()[DfaStepAbi.TAG]);
        }
        List<Match> out = new ArrayList<>();
        MatchBuffer b = cw.buffer;
        int[] perTag = new int[cw.steps.size()];
        for (int i = 0; i < b.size(); i++) {
            int tag = b.tag(i);
            perTag[tag]++;
            if (!droppedTags.contains(tag)) {
                long end = b.endOffset(i);
                if (cw.keeps(cw.steps.get(tag).job(), end)) {
                    out.add(new Match(b.patternId(i), end));
                }
            }
        }
        for (int k = 0; k < cw.dropped.size(); k++) {
            Step s = cw.dropped.get(k);
            rerun(cw, s, perTag[s.args()[DfaStepAbi.TAG]] + cw.droppedCounts.get(k), out);
        }
        return out;
    }

    /** Runs an overflowed step again, alone, into a buffer of exactly its record count. */
    private void rerun(ChunkWork cw, Step s, int records, List<Match> out) {
        reruns++;
        slots++;
        if (rerunBuffer == null || rerunBuffer.capacity() < records) {
            rerunBuffer = sharedBuffer(Math.max(records, rerunBuffer == null ? 0 : rerunBuffer.capacity() * 2));
        }
        MatchBuffer b = rerunBuffer;
        b.reset();
        unit.registerMatchBuffer(RERUN_BUFFER, b);
        int[] args = s.args().clone();
        args[DfaStepAbi.OUTPUT] = RERUN_BUFFER;
        SlotOutcome o = kernel.call(Opcodes.DFA_STEP, 0, Priority.NORMAL, args);
        unit.unregisterMatchBuffer(RERUN_BUFFER);
        if (!o.isDone() || o.arg(DfaStepAbi.DROPPED) != 0) {
            throw new ScanException("re-run of an overflowed DFA_STEP span failed: " + o,
                    "report this as a bug with the patterns and the input");
        }
        for (int i = 0; i < b.size(); i++) {
            long end = b.endOffset(i);
            if (cw.keeps(s.job(), end)) {
                out.add(new Match(b.patternId(i), end));
            }
        }
        b.reset();
    }

    /** A zeroed match buffer of {@code capacity} records in the kernel's shared memory (freed with the kernel). */
    private MatchBuffer sharedBuffer(int capacity) {
        return MatchBuffer.format(kernel.allocateShared(MatchBufferLayout.bytes(capacity), 64), capacity);
    }

    // ---- streams --------------------------------------------------------------------------------------------

    /** Starts lane 0 of the next chunk of {@code s} once the chunk before it is resolved. */
    private void advance(StreamWork s) {
        if (s.head == null && !s.failed() && failure == null) {
            Map.Entry<Long, ChunkWork> next = s.waiting.firstEntry();
            if (next != null && next.getKey() == s.frontier) {
                ChunkWork cw = next.getValue();
                s.waiting.remove(next.getKey());
                s.head = cw;
                s.frontier += cw.length;
                if (s.host != null) {
                    // Host engines (line prefilter, literals, NFA mode) run on the host pool, one file's chunks
                    // in order, several files at once.
                    java.lang.foreign.MemorySegment data = cw.data;
                    s.hostChain = s.hostChain.thenRunAsync(() -> {
                        if (s.hostError == null) {
                            try {
                                s.host.feed(data, (id, end) -> s.hostMatches.add(new Match(id, end)));
                            } catch (RuntimeException | Error e) {
                                s.hostError = e;
                            }
                        }
                    }, hostPool);
                    cw.hostDone = s.hostChain;
                }
                launchHead(cw, s.carried);
                return;
            }
        }
        maybeFinish(s);
    }

    private void maybeFinish(StreamWork s) {
        if (s.finished) {
            return;
        }
        if (s.failed()) {
            if (s.liveChunks == 0) {
                s.finished = true;
                failedFiles++;
                IngestEvent.FileFailed f = new IngestEvent.FileFailed(s.file, s.error);
                emit(s.file.id(), () -> listener.onFailure(f.file(), f.error()));
            }
            return;
        }
        if (s.doneBytes < 0 || s.frontier != s.doneBytes || s.head != null || !s.waiting.isEmpty()
                || s.endLaunched) {
            return;
        }
        s.endLaunched = true;
        if (dfas.isEmpty() || s.doneBytes == 0) {
            complete(s);
            return;
        }
        if (freeEndBuffers.isEmpty()) {
            freeEndBuffers.push(newBuffer(Math.max(1, automaton.patterns().size())));
        }
        s.endBufferId = freeEndBuffers.pop();
        s.endBuffer = buffers.get(s.endBufferId);
        s.endPending = dfas.size();
        for (int e = 0; e < dfas.size(); e++) {
            send(s, new Step(null, DfaStepAbi.args(e, s.endBufferId, EMPTY_INPUT, 0, 0, s.doneBytes, e, true, false,
                    0, s.carried[e], 0)));
        }
    }

    private void endStepDone(StreamWork s, StepDone d) {
        if (d.error() != null || d.outcome() == null || !d.outcome().isDone()
                || d.outcome().arg(DfaStepAbi.DROPPED) != 0) {
            fail(new ScanException("END slot of " + s.file + " failed: " + (d.outcome() != null ? d.outcome()
                    : d.error()), "report this as a bug"));
        }
        if (--s.endPending > 0 || failure != null) {
            return;
        }
        MatchBuffer b = s.endBuffer;
        for (int i = 0; i < b.size(); i++) {
            s.matches.add(new Match(b.patternId(i), b.endOffset(i)));
        }
        b.reset();
        freeEndBuffers.push(s.endBufferId);
        complete(s);
    }

    private void complete(StreamWork s) {
        if (s.host != null) {
            s.hostChain.join();
            if (s.hostError != null) {
                s.finished = true;
                fail(new ScanException("the host engines failed on " + s.file + ": " + s.hostError,
                        "report this as a bug with the patterns and the file"));
                return;
            }
            s.host.finish((id, end) -> s.matches.add(new Match(id, end)));
            s.matches.addAll(s.hostMatches);
        }
        s.finished = true;
        List<Match> sorted = new ArrayList<>(s.matches);
        sorted.sort(null);
        List<Match> unique = new ArrayList<>(sorted.size());
        for (Match m : sorted) {
            if (unique.isEmpty() || !unique.getLast().equals(m)) {
                unique.add(m);
            }
        }
        s.matches.clear();
        matchCount += unique.size();
        emit(s.file.id(), () -> listener.onFile(s.file, unique));
    }

    private void emit(int id, Runnable r) {
        if (failure != null) {
            return;
        }
        ready.put(id, () -> {
            r.run();
            streams.remove(id);
        });
        ready.emit();
    }

    // ---- calibration ----------------------------------------------------------------------------------------

    /**
     * Runs the slice's sample chunk as a whole input {@link #CALIBRATION_ROUNDS} times in each mode, alternating
     * blocking and non-blocking, each run alone on the ring (nothing else in flight), so both modes are measured
     * on the same bytes under the same conditions; the smaller time of each mode is its active time.
     */
    private void startCalibration() {
        calibrationBlocking = null;
        calibrationRuns = 0;
        calibrationBlockingNanos = Long.MAX_VALUE;
        calibrationNonBlockingNanos = Long.MAX_VALUE;
        startCalibrationRun(false);
    }

    private void startCalibrationRun(boolean nonBlocking) {
        ChunkWork cw = new ChunkWork(null, calibrationChunk.data(), 0, nonBlocking, null, dfas, warmups, options);
        calibrationRun = cw;
        acquire(cw, calibrationChunk.data());
        speculate(cw);
        launchHead(cw, startStates);
    }

    private void calibrationStep(List<Match> found, long nanos, ChunkWork run) {
        List<Match> sorted = new ArrayList<>(found);
        sorted.sort(null);
        if (calibrationBlocking == null) {
            calibrationBlocking = sorted;
        } else if (!calibrationBlocking.equals(sorted)) {
            calibrationRun = null;
            fail(new ScanException("blocking and non-blocking DFA_STEP runs of the same " + run.length + "-byte slice"
                    + " disagree (" + calibrationBlocking.size() + " vs " + sorted.size() + " matches)",
                    "report this as a bug with the patterns and the slice"));
            return;
        }
        if (run.nonBlocking && nanos < calibrationNonBlockingNanos) {
            calibrationNonBlockingNanos = nanos;
            calibrationNonBlockingRun = run;
        } else if (!run.nonBlocking && nanos < calibrationBlockingNanos) {
            calibrationBlockingNanos = nanos;
            calibrationBlockingRun = run;
        }
        if (++calibrationRuns < 2 * CALIBRATION_ROUNDS) {
            startCalibrationRun(calibrationRuns % 2 == 1);
            return;
        }
        calibrationRun = null;
        ChunkWork nb = calibrationNonBlockingRun;
        WorklistDecision d = options.policy().recommendWithEvidence(new WorklistRequest(nb.depth(), nb.visits,
                calibrationBlockingRun.blockingOccupancyBps(), calibrationBlockingNanos, calibrationNonBlockingNanos));
        calibrationBlockingRun = calibrationNonBlockingRun = null;
        current = d.recommendation().mode() == WorklistMode.NON_BLOCKING ? RingScanOptions.Mode.NON_BLOCKING
                : RingScanOptions.Mode.BLOCKING;
        slices.add(new SliceEvidence(slices.size(), run.length, calibrationChunk.file().path() + "@"
                + calibrationChunk.fileOffset(), d.evidence(), current));
        bytesSinceCalibration = 0;
        IngestEvent.Chunk c = calibrationChunk;
        calibrationChunk = null;
        process(c);
        List<Object> waiting = new ArrayList<>(parked);
        parked.clear();
        for (int i = 0; i < waiting.size(); i++) {
            if (calibrationChunk != null) {
                parked.addAll(waiting.subList(i, waiting.size()));
                return;
            }
            handle(waiting.get(i));
        }
    }

    /**
     * Unregisters the scanner's inputs and match buffers from the megakernel's DFA_STEP unit (their memory is the
     * kernel's and is freed when it closes). Call after the last scan.
     */
    @Override
    public void close() {
        if (hostPool != null) {
            hostPool.shutdownNow();
        }
        if (unit != null) {
            unit.unregisterInput(EMPTY_INPUT);
            for (int id = 0; id < buffers.size(); id++) {
                unit.unregisterMatchBuffer(id);
            }
        }
    }
}
