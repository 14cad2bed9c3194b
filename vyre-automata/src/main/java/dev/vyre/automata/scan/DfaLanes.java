package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.StateIndexPair;
import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chunk scanned by a DFA in lanes. The chunk is cut into spans; lane 0 starts from the true state, every
 * other lane guesses its start state by scanning a warm-up window before its span from a fresh start state. When
 * matches are at most L bytes long and the warm-up is L, the guess is exact (every partial match alive at the
 * span start began inside the window). Otherwise a lane whose guess differs from the true state (known once the
 * lane before it is resolved) is re-scanned from the true state until its states meet the guessed run's at a
 * checkpoint (every {@code quantum} bytes); from there on both runs agree, so the guessed run's matches stand.
 *
 * <p>Blocking: each lane scans its whole span, then one pass fixes lanes in order. Non-blocking: each lane's
 * work is a chain of state/index tasks ({@link StateIndexPair} in the shared task ABI) on one worklist; a worker
 * pulls a task, advances one quantum and requeues the continuation; fix-ups are queued as soon as the lane before
 * is resolved. Both emit, per lane, the fix-up's matches before the meeting point and the guessed run's after.
 */
final class DfaLanes {
    private static final MatchSink NONE = (id, end) -> { };
    private static final int SPECULATIVE = 0;
    private static final int CORRECTION = 1;
    /** Workers started on an executor in non-blocking mode, at most. */
    private static final int MAX_WORKERS = 64;

    private final Dfa dfa;
    private final MemorySegment chunk;
    private final long chunkStart;
    private final int initial;
    private final int quantum;
    private final ScanOptions options;
    private final Lane[] lanes;
    private final AtomicLong visits = new AtomicLong();
    private final Object lock = new Object();
    private Queue<Task> queue;
    private int inFlight;
    private boolean done;
    private RuntimeException failure;

    /** One span {@code [start, end)} and the runs over it. */
    private static final class Lane {
        final long start;
        final long end;
        final long guessAt;
        final int guess;
        final int[] checkpoints;
        final MatchBuffer spec = new MatchBuffer();
        final MatchBuffer fix = new MatchBuffer();
        int specFinal;
        boolean specDone;
        boolean started;
        int trueStart = -1;
        long converged;
        int trueFinal;

        Lane(long start, long end, long guessAt, int guess, int quantum) {
            this.start = start;
            this.end = end;
            this.guessAt = guessAt;
            this.guess = guess;
            this.checkpoints = new int[(int) ((end - start + quantum - 1) / quantum) + 1];
            this.checkpoints[0] = guess;
        }
    }

    DfaLanes(Dfa dfa, MemorySegment chunk, long chunkStart, int initial, long warmup, ScanOptions options) {
        this.dfa = dfa;
        this.chunk = chunk;
        this.chunkStart = chunkStart;
        this.initial = initial;
        this.quantum = options.quantum();
        this.options = options;
        long n = chunk.byteSize();
        int count = (int) Math.min(options.lanes(), n);
        this.lanes = new Lane[count];
        for (int j = 0; j < count; j++) {
            long start = chunkStart + n * j / count;
            long end = chunkStart + n * (j + 1) / count;
            long guessAt = Math.max(chunkStart, start - warmup);
            int guess = guessAt == chunkStart ? initial : dfa.startState(
                    Dfa.contextAt(guessAt, chunk.get(ValueLayout.JAVA_BYTE, guessAt - 1 - chunkStart)));
            lanes[j] = new Lane(start, end, guessAt, guess, quantum);
        }
    }

    /** State visits spent, warm-ups and fix-ups included. */
    long visits() {
        return visits.get();
    }

    private int run(long from, long to, int state, MatchSink sink) {
        visits.addAndGet(to - from);
        return dfa.run(chunk, chunkStart, from, to, state, sink);
    }

    // ---------------------------------------------------------------- blocking

    /** Scans every lane, fixes wrong guesses in order, emits; returns the state at the chunk's end. */
    int runBlocking(MatchSink sink) {
        if (lanes.length == 0) {
            return initial;
        }
        List<Callable<Void>> jobs = new ArrayList<>();
        for (Lane lane : lanes) {
            jobs.add(() -> {
                speculate(lane);
                return null;
            });
        }
        runAll(jobs);
        int t = initial;
        for (Lane lane : lanes) {
            lane.trueStart = t;
            if (lane.checkpoints[0] == t) {
                lane.converged = lane.start;
                lane.trueFinal = lane.specFinal;
            } else {
                correct(lane, t);
            }
            t = lane.trueFinal;
        }
        emit(sink);
        return t;
    }

    private void speculate(Lane lane) {
        int s = run(lane.guessAt, lane.start, lane.guess, NONE);
        lane.checkpoints[0] = s;
        for (int i = 0; i + 1 < lane.checkpoints.length; i++) {
            long from = lane.start + (long) i * quantum;
            s = run(from, Math.min(from + quantum, lane.end), s, lane.spec);
            lane.checkpoints[i + 1] = s;
        }
        lane.specFinal = s;
    }

    private void correct(Lane lane, int trueStart) {
        int s = trueStart;
        for (int i = 0; i + 1 < lane.checkpoints.length; i++) {
            long from = lane.start + (long) i * quantum;
            long to = Math.min(from + quantum, lane.end);
            s = run(from, to, s, lane.fix);
            if (s == lane.checkpoints[i + 1]) {
                lane.converged = to;
                lane.trueFinal = lane.specFinal;
                return;
            }
        }
        lane.converged = lane.end;
        lane.trueFinal = s;
    }

    private void emit(MatchSink sink) {
        for (Lane lane : lanes) {
            lane.fix.emitRange(lane.start, lane.converged, sink);
            lane.spec.emitRange(lane.converged, lane.end, sink);
        }
    }

    private void runAll(List<Callable<Void>> jobs) {
        if (options.executor() == null) {
            for (Callable<Void> job : jobs) {
                try {
                    job.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new AutomataException("DFA lane failed: " + e, "report this as a bug", e);
                }
            }
            return;
        }
        try {
            for (Future<Void> f : options.executor().invokeAll(jobs)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AutomataException("DFA lane scan interrupted", "do not interrupt a scan in progress", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AutomataException("DFA lane failed: " + e.getCause(), "report this as a bug", e);
        }
    }

    // ---------------------------------------------------------------- non-blocking

    /** Runs the lanes as a worklist of state/index tasks; returns the state at the chunk's end. */
    int runNonBlocking(MatchSink sink) {
        if (lanes.length == 0) {
            return initial;
        }
        if (chunk.byteSize() > 0xFFFF_FFFFL) {
            throw new AutomataException("chunk of " + chunk.byteSize() + " bytes: byte indexes of state/index tasks"
                    + " are u32", "feed chunks under 4 GiB");
        }
        queue = options.queue().get();
        lanes[0].trueStart = initial;
        for (int j = 0; j < lanes.length; j++) {
            queue.add(task(j, SPECULATIVE, lanes[j].guess, lanes[j].guessAt));
        }
        List<Callable<Void>> workers = new ArrayList<>();
        int workerCount = options.executor() == null ? 1 : Math.min(lanes.length, MAX_WORKERS);
        for (int w = 0; w < workerCount; w++) {
            workers.add(() -> {
                work();
                return null;
            });
        }
        runAll(workers);
        if (failure != null) {
            throw failure;
        }
        emit(sink);
        return lanes[lanes.length - 1].trueFinal;
    }

    private void work() {
        while (true) {
            Task t = take();
            if (t == null) {
                return;
            }
            try {
                process(t);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    failure = e;
                    lock.notifyAll();
                }
                return;
            }
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }
    }

    private Task take() {
        synchronized (lock) {
            while (true) {
                if (failure != null || done) {
                    return null;
                }
                Task t = queue.poll();
                if (t != null) {
                    inFlight++;
                    return t;
                }
                if (inFlight == 0) {
                    failure = new AutomataException("DFA worklist ran dry before every lane was resolved",
                            "report this as a bug");
                    lock.notifyAll();
                    return null;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new AutomataException("DFA worklist interrupted", "do not interrupt a scan in progress",
                            e);
                    lock.notifyAll();
                    return null;
                }
            }
        }
    }

    private void process(Task t) {
        StateIndexPair pair = StateIndexPair.fromTask(t);
        int j = t.taskId() / 2;
        Lane lane = lanes[j];
        long p = chunkStart + Integer.toUnsignedLong(pair.byteIndex());
        int s = pair.stateId();
        if (t.taskId() % 2 == SPECULATIVE) {
            if (p < lane.start) {
                long to = Math.min(lane.start, p + quantum);
                s = run(p, to, s, NONE);
                if (to == lane.start) {
                    lane.checkpoints[0] = s;
                }
                offer(requeue(t, s, to));
                return;
            }
            int i = (int) ((p - lane.start) / quantum);
            long to = Math.min(p + quantum, lane.end);
            s = run(p, to, s, lane.spec);
            lane.checkpoints[i + 1] = s;
            if (to < lane.end) {
                offer(requeue(t, s, to));
                return;
            }
            lane.specFinal = s;
            synchronized (lock) {
                lane.specDone = true;
                tryStart(j);
            }
            return;
        }
        int i = (int) ((p - lane.start) / quantum);
        long to = Math.min(p + quantum, lane.end);
        s = run(p, to, s, lane.fix);
        if (s == lane.checkpoints[i + 1] || to == lane.end) {
            int finalState = s == lane.checkpoints[i + 1] ? lane.specFinal : s;
            synchronized (lock) {
                resolve(j, to, finalState);
            }
        } else {
            offer(requeue(t, s, to));
        }
    }

    /** Under the lock: starts lane j's resolution once its guessed run is done and its true start known. */
    private void tryStart(int j) {
        Lane lane = lanes[j];
        if (!lane.specDone || lane.trueStart < 0 || lane.started) {
            return;
        }
        lane.started = true;
        if (lane.trueStart == lane.checkpoints[0]) {
            resolve(j, lane.start, lane.specFinal);
        } else {
            offer(task(j, CORRECTION, lane.trueStart, lane.start));
        }
    }

    /** Under the lock: lane j's matches before {@code converged} come from its fix-up; passes the state on. */
    private void resolve(int j, long converged, int finalState) {
        lanes[j].converged = converged;
        lanes[j].trueFinal = finalState;
        if (j + 1 < lanes.length) {
            lanes[j + 1].trueStart = finalState;
            tryStart(j + 1);
        } else {
            done = true;
            lock.notifyAll();
        }
    }

    private void offer(Task t) {
        synchronized (lock) {
            queue.add(t);
            lock.notifyAll();
        }
    }

    /** A fresh task for lane j: task id {@code 2j + kind}, op DFA_STEP, tenant 0, handles 0. */
    private Task task(int j, int kind, int state, long p) {
        return new StateIndexPair(state, (int) (p - chunkStart)).toTask(j * 2 + kind, 0, Priority.NORMAL,
                Opcodes.DFA_STEP, 0, 0);
    }

    /** The continuation of {@code t} at {@code (state, p)}: state Requeued, requeue count + 1. */
    private Task requeue(Task t, int state, long p) {
        Task n = new StateIndexPair(state, (int) (p - chunkStart)).toTask(t.taskId(), t.tenantId(), t.priority(),
                t.opHandle(), t.inputHandle(), t.outputHandle());
        return new Task(TaskState.REQUEUED, n.opHandle(), n.tenantId(), n.priority(), n.inputHandle(),
                n.outputHandle(), n.param(), n.continuationPc(), n.continuationData(), n.resumeEpoch(), n.taskId(),
                n.parentTaskId(), n.ageTicks(), t.requeueCount() + 1, n.yieldCount(), n.flags());
    }
}
