package dev.vyre.cuda.ptx;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs one emission on a platform thread of its own with a large stack. The lowering recurses once per nesting
 * level ({@link LoweringCheck#MAX_DEPTH} at most), and the first use of a string concatenation or pattern switch
 * links it through a bootstrap that itself needs a deep stack; on the caller's thread, whose stack may be small,
 * that could overflow (and a bootstrap that fails that way can leave its call site broken). A thread per emission
 * costs far less than the lowering itself.
 */
final class LoweringThread {
    /** Reserved (not committed) stack of the lowering thread. */
    static final long STACK_BYTES = 64L << 20;

    private LoweringThread() {
    }

    /**
     * The result of {@code work}, run on a fresh thread with a {@value #STACK_BYTES}-byte stack; its exception,
     * unchanged. Waits uninterruptibly (the work is bounded) and keeps the caller's interrupt status.
     */
    static <T> T run(Supplier<T> work) {
        FutureTask<T> task = new FutureTask<>(work::get);
        Thread.ofPlatform().name("vyre-ptx-lowering").daemon().stackSize(STACK_BYTES).start(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case RuntimeException r -> throw r;
                        case Error err -> throw err;
                        default -> throw new IllegalStateException("the PTX lowering failed", e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
