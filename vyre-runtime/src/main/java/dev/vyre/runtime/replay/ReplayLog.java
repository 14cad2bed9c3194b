package dev.vyre.runtime.replay;

import java.util.List;

/**
 * A decoded replay log.
 *
 * @param header        the recorded configuration
 * @param records       the records in file (= sequence) order
 * @param trailer       the closing counts, or null when the log ends without one (the recording process died)
 * @param trailingBytes bytes after the last whole block of a log without trailer (a block cut by the crash)
 */
public record ReplayLog(ReplayHeader header, List<ReplayRecord> records, Trailer trailer, int trailingBytes) {
    public ReplayLog {
        records = List.copyOf(records);
    }

    /**
     * What the recorder counted when it closed.
     *
     * @param records    records written
     * @param dropped    events lost because the writer had failed (0 in a healthy log)
     * @param unfinished published slots without an outcome at close (written with their status as read)
     */
    public record Trailer(long records, long dropped, long unfinished) {
    }

    /** Whether the recorder closed the log (it has a trailer). */
    public boolean complete() {
        return trailer != null;
    }
}
