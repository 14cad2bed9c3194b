package dev.vyre.uring;

import java.util.List;

/** A reader that takes its files from a {@link FileQueue}, so that several of them can share one list of files. */
interface QueueReader extends ChunkReader {

    /** Reads files from {@code queue} until it is empty, as {@link #read}. */
    ReadSummary readFrom(FileQueue queue, ChunkSink sink);

    @Override
    default ReadSummary read(List<IngestFile> files, ChunkSink sink) {
        return readFrom(new FileQueue(files), sink);
    }
}
