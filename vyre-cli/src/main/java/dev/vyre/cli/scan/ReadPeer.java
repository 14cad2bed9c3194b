package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;

/**
 * The I/O ceiling of an end-to-end scan, {@code read-all-cores}: every file read once on one thread per processor
 * (open, {@link FileChannel} reads into a reused direct buffer of {@link #BUFFER} bytes, close), no matching. No
 * scanner that reads the files can be faster than this row on the same host, so it bounds what any ratio against
 * another end-to-end peer can reach. Its count is 0 and takes no part in the agreement of counts.
 */
public final class ReadPeer implements ScanPeer {
    /** Bytes of each thread's read buffer. */
    static final int BUFFER = 1 << 20;

    @Override
    public String name() {
        return "read-all-cores";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Counting counting() {
        return Counting.NONE;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
        LongAdder read = new LongAdder();
        return new Prepared() {
            @Override
            public long scan(List<Path> files) {
                pool.submit(() -> files.parallelStream().forEach(f -> {
                    ByteBuffer buf = buffers.get();
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                        int n;
                        while ((n = ch.read(buf.clear())) > 0) {
                            read.add(n);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("read-all-cores: cannot read " + f, e);
                    }
                })).join();
                return 0;
            }

            @Override
            public java.util.Map<String, Object> measurements() {
                return java.util.Map.of("threads", pool.getParallelism(), "bytesRead", read.sum());
            }

            @Override
            public void close() {
                pool.shutdown();
            }
        };
    }
}
