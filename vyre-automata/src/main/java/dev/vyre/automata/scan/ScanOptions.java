package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.protocol.Task;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Options of a scan.
 *
 * @param mode how DFA engines advance (the other engines always run their own single pass)
 * @param lanes the number of spans a chunk is cut into in the lane modes
 * @param quantum bytes one task advances before it requeues its continuation; also the checkpoint interval the
 *     fix-up of a wrongly guessed lane compares states at
 * @param warmup bytes a lane scans before its span to guess its start state when matches can be arbitrarily
 *     long (when they cannot, the lane warms up over the longest match instead, which makes the guess exact)
 * @param executor threads for lanes and workers; null runs them all on the calling thread, in order
 * @param queue makes the worklist of the non-blocking mode (any {@link Queue}; access is serialised)
 */
public record ScanOptions(ScanMode mode, int lanes, int quantum, int warmup, ExecutorService executor,
        Supplier<Queue<Task>> queue) {
    /** Default lanes of the lane modes. */
    public static final int DEFAULT_LANES = 8;
    /** Default quantum. */
    public static final int DEFAULT_QUANTUM = 4096;
    /** Default warm-up for unbounded patterns. */
    public static final int DEFAULT_WARMUP = 256;

    public ScanOptions {
        if (mode == null || queue == null) {
            throw new AutomataException("scan options: mode and queue must not be null", "use ScanOptions.defaults()");
        }
        if (lanes < 1 || quantum < 1 || warmup < 0) {
            throw new AutomataException("scan options: lanes " + lanes + ", quantum " + quantum + ", warmup " + warmup
                    + " out of range", "use lanes >= 1, quantum >= 1, warmup >= 0");
        }
    }

    /** Sequential scanning on the calling thread. */
    public static ScanOptions defaults() {
        return new ScanOptions(ScanMode.SEQUENTIAL, DEFAULT_LANES, DEFAULT_QUANTUM, DEFAULT_WARMUP, null,
                ArrayDeque::new);
    }

    /** These options with another mode. */
    public ScanOptions withMode(ScanMode m) {
        return new ScanOptions(m, lanes, quantum, warmup, executor, queue);
    }

    /** These options with another lane count. */
    public ScanOptions withLanes(int n) {
        return new ScanOptions(mode, n, quantum, warmup, executor, queue);
    }

    /** These options with another quantum. */
    public ScanOptions withQuantum(int q) {
        return new ScanOptions(mode, lanes, q, warmup, executor, queue);
    }

    /** These options with another warm-up. */
    public ScanOptions withWarmup(int w) {
        return new ScanOptions(mode, lanes, quantum, w, executor, queue);
    }

    /** These options running lanes and workers on {@code e}. */
    public ScanOptions withExecutor(ExecutorService e) {
        return new ScanOptions(mode, lanes, quantum, warmup, e, queue);
    }

    /** These options with another worklist queue. */
    public ScanOptions withQueue(Supplier<Queue<Task>> q) {
        return new ScanOptions(mode, lanes, quantum, warmup, executor, q);
    }
}
