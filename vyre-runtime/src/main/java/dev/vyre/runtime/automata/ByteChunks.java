package dev.vyre.runtime.automata;

import dev.vyre.uring.BufferHandle;
import dev.vyre.uring.BufferPool;
import dev.vyre.uring.ChunkSink;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A producer for {@link RingScanner#scan} over byte arrays instead of files: input {@code i} becomes file
 * {@code i} ("mem:i"), copied into the pool's buffers chunk by chunk (each chunk fills a buffer).
 */
public final class ByteChunks {
    private ByteChunks() {
    }

    /** Delivers {@code inputs} through {@code pool}, waiting for free buffers (the scanner releases them). */
    public static Consumer<ChunkSink> of(List<byte[]> inputs, BufferPool pool) {
        return sink -> {
            for (int i = 0; i < inputs.size(); i++) {
                IngestFile file = new IngestFile(i, Path.of("mem:" + i));
                byte[] in = inputs.get(i);
                for (int off = 0; off < in.length; ) {
                    BufferHandle h = acquire(pool);
                    int n = (int) Math.min(h.segment().byteSize(), in.length - off);
                    MemorySegment.copy(MemorySegment.ofArray(in), off, h.segment(), 0, n);
                    sink.accept(new IngestEvent.Chunk(file, off, h.withLength(n)));
                    off += n;
                }
                sink.accept(new IngestEvent.FileDone(file, in.length, in.length));
            }
        };
    }

    private static BufferHandle acquire(BufferPool pool) {
        try {
            return pool.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScanException("interrupted while waiting for a free buffer", "do not interrupt a scan");
        }
    }
}
