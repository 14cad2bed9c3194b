package dev.vyre.uring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fallback reader: each file opened as a {@link FileChannel} and read chunk by chunk with positional reads,
 * one request at a time, into the pool's buffers. Short reads are continued; a read that returns end-of-file early
 * ends the file at its new size.
 */
final class ChannelChunkReader implements QueueReader {
    private final BufferPool pool;
    private final ReaderOptions options;
    private final String reason;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean closed;

    ChannelChunkReader(BufferPool pool, ReaderOptions options, String reason) {
        this.pool = pool;
        this.options = options;
        this.reason = reason;
    }

    @Override
    public ReaderKind kind() {
        return ReaderKind.FILE_CHANNEL;
    }

    @Override
    public String description() {
        return "FileChannel positional reads, " + pool + " (io_uring not used: " + reason + ")";
    }

    @Override
    public ReadSummary readFrom(FileQueue files, ChunkSink sink) {
        if (closed) {
            throw new IngestException("this FileChannel reader is closed", "open a new reader with ChunkReaders.open");
        }
        if (!reading.compareAndSet(false, true)) {
            throw new IngestException("this reader is already reading", "read one stream at a time per reader");
        }
        try {
            CountingSink counting = new CountingSink(sink);
            for (IngestFile file = files.poll(); file != null; file = files.poll()) {
                readFile(file, counting);
            }
            return counting.summary();
        } finally {
            reading.set(false);
        }
    }

    private void readFile(IngestFile file, ChunkSink sink) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file.path(), BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                sink.accept(new IngestEvent.FileFailed(file, IngestFileException.directory(file)));
                return;
            }
            if (!attrs.isRegularFile()) {
                sink.accept(new IngestEvent.FileFailed(file, IngestFileException.notRegular(file)));
                return;
            }
        } catch (IOException e) {
            sink.accept(new IngestEvent.FileFailed(file,
                    IngestFileException.io(file, IngestFileException.Operation.STAT, -1, e)));
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        } catch (IOException e) {
            sink.accept(new IngestEvent.FileFailed(file,
                    IngestFileException.io(file, IngestFileException.Operation.OPEN, -1, e)));
            return;
        }
        IngestEvent end;
        try {
            end = readChunks(file, channel, sink);
        } catch (ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("interrupted while reading " + file,
                    "interrupt the reading thread only to stop the read", e);
        } finally {
            closeQuietly(channel);
        }
        sink.accept(end);
    }

    /** Reads every chunk of an open file; returns its end event (delivered by the caller once it is closed). */
    private IngestEvent readChunks(IngestFile file, FileChannel channel, ChunkSink sink)
            throws ClosedByInterruptException {
        long size;
        try {
            size = channel.size();
        } catch (ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            return new IngestEvent.FileFailed(file,
                    IngestFileException.io(file, IngestFileException.Operation.STAT, -1, e));
        }
        long delivered = 0;
        for (long offset = 0; offset < size; ) {
            int want = (int) Math.min(pool.bufferSize(), size - offset);
            BufferHandle buffer = acquire(file);
            int got;
            try {
                got = readFully(channel, buffer, offset, want);
            } catch (ClosedByInterruptException e) {
                buffer.release();
                throw e;
            } catch (IOException e) {
                buffer.release();
                return new IngestEvent.FileFailed(file,
                        IngestFileException.io(file, IngestFileException.Operation.READ, offset, e));
            }
            if (got > 0) {
                delivered += got;
                sink.accept(new IngestEvent.Chunk(file, offset, buffer.withLength(got)));
            } else {
                buffer.release();
            }
            if (got < want) {
                break; // end of file before the size it had when opened: it shrank
            }
            offset += want;
        }
        return new IngestEvent.FileDone(file, delivered, size);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // a read-only descriptor has nothing to flush: every byte was already delivered or reported
        }
    }

    /** Fills {@code want} bytes at {@code offset}, continuing short reads; fewer only at end of file. */
    private static int readFully(FileChannel channel, BufferHandle buffer, long offset, int want) throws IOException {
        ByteBuffer target = buffer.segment().asSlice(0, want).asByteBuffer();
        while (target.hasRemaining()) {
            int n = channel.read(target, offset + target.position());
            if (n < 0) {
                break;
            }
        }
        return target.position();
    }

    private BufferHandle acquire(IngestFile file) {
        try {
            return pool.acquire(options.bufferWait()).orElseThrow(() -> new IngestException(
                    "no buffer of " + pool + " came back within " + options.bufferWait() + " while reading "
                            + file, "release every chunk's buffer (chunk.release()) once its bytes are used, or"
                            + " give the pool more buffers"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("interrupted while waiting for a buffer to read " + file,
                    "interrupt the reading thread only to stop the read");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
