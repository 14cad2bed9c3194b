package dev.vyre.uring;

import java.lang.foreign.MemorySegment;

/**
 * What a {@link ChunkReader} reports, in completion order: chunks of file bytes, then one end event per file
 * ({@link FileDone} or {@link FileFailed}) after its last chunk. Chunks of one file may arrive out of offset order.
 */
public sealed interface IngestEvent {

    /** The file this event is about. */
    IngestFile file();

    /**
     * {@code length} bytes of {@code file} starting at {@code fileOffset}, in {@code buffer} from its start. The
     * receiver owns the buffer and must {@link #release()} it when done with the bytes.
     */
    record Chunk(IngestFile file, long fileOffset, BufferHandle buffer) implements IngestEvent {
        /** How many bytes the chunk holds. */
        public int length() {
            return buffer.length();
        }

        /** The chunk's bytes. */
        public MemorySegment data() {
            return buffer.data();
        }

        /** Gives the buffer back to its pool. */
        public void release() {
            buffer.release();
        }
    }

    /**
     * Every byte of {@code file} up to its end was delivered. {@code bytes < expectedBytes} means the file shrank
     * while it was read: it ended at its new size, which is not an error ({@link #shrunk()}).
     *
     * @param bytes         bytes delivered in chunks
     * @param expectedBytes the file's size when it was opened
     */
    record FileDone(IngestFile file, long bytes, long expectedBytes) implements IngestEvent {
        /** True when the file ended before the size it had when opened. */
        public boolean shrunk() {
            return bytes < expectedBytes;
        }
    }

    /**
     * {@code file} could not be read (to the end); chunks delivered before the failure stay valid. Other files of
     * the stream go on.
     */
    record FileFailed(IngestFile file, IngestFileException error) implements IngestEvent {
    }
}
