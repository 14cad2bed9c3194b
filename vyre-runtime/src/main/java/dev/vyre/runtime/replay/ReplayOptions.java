package dev.vyre.runtime.replay;

import java.nio.file.Path;

/**
 * Where a megakernel records its replay log (docs/REPLAY.md) and how much it buffers.
 *
 * @param file           the log file (created or replaced at bootstrap)
 * @param queueCapacity  events (one per publish, one per outcome) the background writer may lag behind; when the
 *                       queue is full, publishers and the reaper wait for it (the log stays complete)
 */
public record ReplayOptions(Path file, int queueCapacity) {
    /** Default queue: 65,536 events (about 10 MiB of copied slot words). */
    public static final int DEFAULT_QUEUE = 65_536;

    public ReplayOptions {
        if (file == null || queueCapacity < 1) {
            throw new ReplayException("replay options with file " + file + " and queue " + queueCapacity,
                    "pass a log file and a queue capacity of at least 1");
        }
    }

    /** Records to {@code file} with {@link #DEFAULT_QUEUE}. */
    public static ReplayOptions to(Path file) {
        return new ReplayOptions(file, DEFAULT_QUEUE);
    }
}
