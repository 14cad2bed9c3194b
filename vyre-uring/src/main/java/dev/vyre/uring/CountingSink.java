package dev.vyre.uring;

/** Passes events on and counts them into a {@link ReadSummary}. */
final class CountingSink implements ChunkSink {
    private final ChunkSink next;
    private int files;
    private int failed;
    private int shrunk;
    private long chunks;
    private long bytes;

    CountingSink(ChunkSink next) {
        this.next = next;
    }

    @Override
    public void accept(IngestEvent event) {
        switch (event) {
            case IngestEvent.Chunk c -> {
                chunks++;
                bytes += c.length();
            }
            case IngestEvent.FileDone d -> {
                files++;
                if (d.shrunk()) {
                    shrunk++;
                }
            }
            case IngestEvent.FileFailed f -> {
                files++;
                failed++;
            }
        }
        next.accept(event);
    }

    ReadSummary summary() {
        return new ReadSummary(files, failed, shrunk, chunks, bytes);
    }
}
