package dev.vyre.ir.interp;

/**
 * Runs one workgroup as independent lanes ({@link ReferenceInterpreter#runLanes}): every invocation has a step
 * budget of its own, and an invocation that fails stops alone (it is no longer live) while the others go on. A
 * divergent collective fails the invocations waiting at it and every invocation that reaches a collective after it;
 * the others finish. Programs without collectives run their invocations one after another on the calling thread.
 */
final class LaneRun {
    private final Compiler.Code code;
    private final Execution execution;
    private final BoundBuffer[] bound;
    private final int[] size;
    private final int invocations;
    private final ReferenceInterpreter.LaneEnd[] ends;

    LaneRun(Compiler.Code code, Execution execution, BoundBuffer[] bound, int[] size) {
        this.code = code;
        this.execution = execution;
        this.bound = bound;
        this.size = size;
        this.invocations = size[0] * size[1] * size[2];
        this.ends = new ReferenceInterpreter.LaneEnd[invocations];
    }

    /** Runs workgroup (0, 0, 0); returns how each invocation (by local linear index) ended. */
    ReferenceInterpreter.LaneEnd[] run() {
        ReferenceInterpreter.clearWorkgroupBuffers(bound);
        if (!code.collective()) {
            for (int i = 0; i < invocations; i++) {
                Invocation inv = new Invocation(execution, bound, null, code.frameSize(), size);
                inv.setWorkgroup(0, 0, 0);
                inv.setLocal(i);
                ends[i] = invoke(inv);
            }
            return ends;
        }
        WorkgroupSync sync = new WorkgroupSync(invocations, Invocation.triple(0, 0, 0), true);
        Thread[] threads = new Thread[invocations];
        for (int i = 0; i < invocations; i++) {
            Invocation inv = new Invocation(execution, bound, sync, code.frameSize(), size);
            inv.setWorkgroup(0, 0, 0);
            inv.setLocal(i);
            int lane = i;
            threads[i] = Thread.ofVirtual().name("vyre-interp-lane-" + i).unstarted(() -> {
                ends[lane] = invoke(inv);
                sync.finish(inv);
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        dev.vyre.core.Threads.joinAll(java.util.Arrays.asList(threads));
        return ends;
    }

    /** Runs one invocation to its end: finished, out of steps, or failed (a divergence, any other failure). */
    private ReferenceInterpreter.LaneEnd invoke(Invocation inv) {
        try {
            inv.step();
            CNode.run(code.body(), inv);
            inv.flushSteps();
            return ReferenceInterpreter.LaneEnd.FINISHED;
        } catch (StepBudgetExceededException e) {
            return ReferenceInterpreter.LaneEnd.STEP_BUDGET;
        } catch (RuntimeException | StackOverflowError e) {
            return ReferenceInterpreter.LaneEnd.FAILED;
        }
    }
}
