package dev.vyre.ir.interp;

/**
 * Runs a program with collectives: workgroup after workgroup, each workgroup's invocations on their own virtual
 * threads meeting in a {@link WorkgroupSync}. The first failure of any invocation aborts the workgroup and is
 * rethrown on the calling thread.
 */
final class ConcurrentRun {
    private final Compiler.Code code;
    private final Execution execution;
    private final BoundBuffer[] bound;
    private final int[] size;
    private final int invocations;
    private long outOfBoundsLoads;
    private long outOfBoundsStores;

    /** {@code size} is the workgroup size, at most 1024 invocations. */
    ConcurrentRun(Compiler.Code code, Execution execution, BoundBuffer[] bound, int[] size) {
        this.code = code;
        this.execution = execution;
        this.bound = bound;
        this.size = size;
        this.invocations = size[0] * size[1] * size[2];
    }

    /** Runs every workgroup of {@code grid}; returns the out-of-bounds load and store counts. */
    long[] run(Dispatch grid) {
        ReferenceInterpreter.forEachWorkgroup(grid, this::runWorkgroup);
        return new long[] {outOfBoundsLoads, outOfBoundsStores};
    }

    private void runWorkgroup(int x, int y, int z) {
        ReferenceInterpreter.clearWorkgroupBuffers(bound);
        WorkgroupSync sync = new WorkgroupSync(invocations, Invocation.triple(x, y, z));
        Invocation[] invs = new Invocation[invocations];
        Thread[] threads = new Thread[invocations];
        for (int i = 0; i < invocations; i++) {
            Invocation inv = new Invocation(execution, bound, sync, code.frameSize(), size);
            inv.setWorkgroup(x, y, z);
            inv.setLocal(i);
            invs[i] = inv;
            threads[i] = Thread.ofVirtual().name("vyre-interp-local-" + i).unstarted(() -> invoke(inv));
        }
        for (Thread t : threads) {
            t.start();
        }
        joinAll(threads, sync);
        for (Invocation inv : invs) {
            outOfBoundsLoads += inv.outOfBoundsLoads;
            outOfBoundsStores += inv.outOfBoundsStores;
        }
        Throwable failure = execution.failure();
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("invocation failed", failure);
        }
    }

    private void invoke(Invocation inv) {
        try {
            inv.step();
            CNode.run(code.body(), inv);
            inv.flushSteps();
            inv.sync.finish(inv);
        } catch (Abort a) {
            // another invocation failed first; its failure is reported
        } catch (Throwable t) {
            execution.fail(t);
            inv.sync.abort();
        }
    }

    /** Joins every thread; if the caller is interrupted, aborts the workgroup and reports the interruption. */
    private void joinAll(Thread[] threads, WorkgroupSync sync) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        execution.fail(new InterpreterException("the thread running the interpreter was"
                                + " interrupted", "do not interrupt a run, or catch this exception"));
                        sync.abort();
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
