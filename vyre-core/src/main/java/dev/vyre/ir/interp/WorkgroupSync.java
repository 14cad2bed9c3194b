package dev.vyre.ir.interp;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rendezvous of one workgroup's invocation threads at collectives: {@code Barrier} (all live invocations of
 * the workgroup) and the wave operators (all live lanes of a wave). A collective completes when every live
 * participant waits at it; an invocation that finishes stops being live, which may complete a collective.
 *
 * <p>Divergence is detected as soon as it exists: two lanes of one wave waiting at different collectives (a
 * Barrier counts as a collective of every wave), or two invocations waiting at different Barriers. Either can
 * never complete, so the arriving invocation fails with {@link InterpreterException} and every other thread of
 * the workgroup is woken and unwound, never left hanging.
 */
final class WorkgroupSync {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition barrierDone = lock.newCondition();
    private final Wave[] waves;
    private final String workgroup;
    private volatile boolean aborted;
    /** Lanes fail one by one ({@link ReferenceInterpreter#runLanes}): an abort stops invocations at collectives only. */
    private final boolean independentLanes;
    private int live;
    private CNode.Barrier barrierSite;
    private int barrierArrived;
    private long barrierGeneration;

    /** One wave's state: live lanes, the collective its waiting lanes are at, and the operands and results. */
    private static final class Wave {
        final Condition done;
        int liveMask;
        int waitingMask;
        Object waitSite;
        long generation;
        final int[] left = new int[Ops.WAVE_SIZE];
        final int[] right = new int[Ops.WAVE_SIZE];
        final int[] result = new int[Ops.WAVE_SIZE];

        Wave(Condition done, int liveMask) {
            this.done = done;
            this.liveMask = liveMask;
        }
    }

    /** A workgroup of {@code invocations} (>= 1) live invocations, named {@code workgroup} in messages. */
    WorkgroupSync(int invocations, String workgroup) {
        this(invocations, workgroup, false);
    }

    /** With {@code independentLanes}, an abort (a divergence) stops invocations at collectives, not at step flushes. */
    WorkgroupSync(int invocations, String workgroup, boolean independentLanes) {
        this.independentLanes = independentLanes;
        this.workgroup = workgroup;
        this.live = invocations;
        this.waves = new Wave[(invocations + Ops.WAVE_SIZE - 1) / Ops.WAVE_SIZE];
        for (int w = 0; w < waves.length; w++) {
            int lanes = Math.min(Ops.WAVE_SIZE, invocations - w * Ops.WAVE_SIZE);
            waves[w] = new Wave(lock.newCondition(), lanes == Ops.WAVE_SIZE ? -1 : (1 << lanes) - 1);
        }
    }

    boolean aborted() {
        return aborted;
    }

    boolean independentLanes() {
        return independentLanes;
    }

    /** Waits until every live invocation of the workgroup reached {@code site}. */
    void barrier(CNode.Barrier site, Invocation inv) {
        lock.lock();
        try {
            checkAborted();
            Wave w = waves[inv.wave];
            if (barrierArrived > 0 && barrierSite != site) {
                throw diverged(inv, site.where, barrierSite.where, "workgroup");
            }
            arriveInWave(w, site, inv);
            barrierSite = site;
            barrierArrived++;
            long generation = barrierGeneration;
            if (barrierArrived == live) {
                completeBarrier();
                return;
            }
            while (barrierGeneration == generation) {
                checkAborted();
                barrierDone.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Contributes operands {@code l}, {@code r} of wave collective {@code site} and waits for every live lane of
     * the wave; returns this lane's result.
     */
    int waveOp(CExpr.WaveOp site, Invocation inv, int l, int r) {
        lock.lock();
        try {
            checkAborted();
            Wave w = waves[inv.wave];
            arriveInWave(w, site, inv);
            w.left[inv.lane] = l;
            w.right[inv.lane] = r;
            long generation = w.generation;
            if (w.waitingMask == w.liveMask) {
                completeWave(w);
            } else {
                while (w.generation == generation) {
                    checkAborted();
                    w.done.awaitUninterruptibly();
                }
            }
            return w.result[inv.lane];
        } finally {
            lock.unlock();
        }
    }

    /** {@code inv} finished its body: it is no longer live, which may complete a pending collective. */
    void finish(Invocation inv) {
        lock.lock();
        try {
            Wave w = waves[inv.wave];
            live--;
            w.liveMask &= ~(1 << inv.lane);
            if (aborted) {
                return; // the waiting invocations unwind (a divergence completes no collective)
            }
            if (w.waitingMask != 0 && w.waitSite instanceof CExpr.WaveOp && w.waitingMask == w.liveMask) {
                completeWave(w);
            }
            if (barrierArrived > 0 && barrierArrived == live) {
                completeBarrier();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Another invocation failed: wake every waiting thread so that it unwinds. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            barrierDone.signalAll();
            for (Wave w : waves) {
                w.done.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void arriveInWave(Wave w, Object site, Invocation inv) {
        if (w.waitingMask != 0 && w.waitSite != site) {
            throw diverged(inv, whereOf(site), whereOf(w.waitSite), "wave");
        }
        w.waitSite = site;
        w.waitingMask |= 1 << inv.lane;
    }

    private void completeWave(Wave w) {
        CExpr.WaveOp site = (CExpr.WaveOp) w.waitSite;
        Ops.wave(site.op, site.operandType, w.waitingMask, w.left, w.right, w.result);
        w.waitingMask = 0;
        w.waitSite = null;
        w.generation++;
        w.done.signalAll();
    }

    private void completeBarrier() {
        for (Wave w : waves) {
            w.waitingMask = 0;
            w.waitSite = null;
        }
        barrierArrived = 0;
        barrierSite = null;
        barrierGeneration++;
        barrierDone.signalAll();
    }

    private void checkAborted() {
        if (aborted) {
            throw Abort.INSTANCE;
        }
    }

    private InterpreterException diverged(Invocation inv, Object reached, Object waiting, String scope) {
        abort();
        return new InterpreterException("divergent collectives in workgroup " + workgroup + ": " + inv.describe()
                + " reached " + reached + " while other live invocations of its " + scope + " wait at " + waiting,
                "every live invocation of a workgroup must reach the same Barrier, and every live lane of a wave"
                        + " the same wave operator; move the collective out of the divergent If or Loop, or"
                        + " Return the invocations that skip it");
    }

    private static Object whereOf(Object site) {
        return site instanceof CNode.Barrier b ? b.where : ((CExpr.WaveOp) site).where;
    }
}
