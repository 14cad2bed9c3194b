package dev.vyre.runtime.stream;

import dev.vyre.uring.ReaderKind;
import java.time.Duration;
import java.util.List;

/**
 * What one {@link GpuStream} run did: a report per file, in file-id order, and the totals. When a run returns, every
 * slot it published has finished and every buffer is back in the pool.
 *
 * @param files     one report per file of the run (directories expanded), by id
 * @param elapsed   wall time from the start of the run to the last slot's end
 * @param reader    which reader read the files
 * @param stopped   the run was stopped ({@link GpuStream#stop()} or {@link GpuStream#close()}) before every file
 *                  ended; what was read before was still published and finished
 */
public record StreamReport(List<FileReport> files, Duration elapsed, ReaderKind reader, boolean stopped) {

    public StreamReport {
        files = List.copyOf(files);
    }

    /** File bytes in finished chunk slots. */
    public long bytes() {
        return files.stream().mapToLong(FileReport::bytes).sum();
    }

    /** Chunk slots that finished. */
    public long chunks() {
        return files.stream().mapToLong(FileReport::chunks).sum();
    }

    /** Chunk slots that faulted or never ran. */
    public long faults() {
        return files.stream().mapToLong(FileReport::faults).sum();
    }

    /** Files the reader could not read to their end. */
    public List<FileReport> failed() {
        return files.stream().filter(FileReport::failed).toList();
    }

    /** The report of file {@code id}. */
    public FileReport file(int id) {
        for (FileReport f : files) {
            if (f.file().id() == id) {
                return f;
            }
        }
        throw new GpuStreamException("no file " + id + " in this run (" + files.size() + " files)",
                "ask for an id of a file the run had");
    }

    /** File bytes per second over the elapsed time, in GB/s (10^9 bytes). */
    public double gigabytesPerSecond() {
        long nanos = Math.max(1, elapsed.toNanos());
        return bytes() / (double) nanos;
    }
}
