package dev.vyre.runtime.stream;

import dev.vyre.runtime.SlotOutcome;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;

/**
 * What a run did with one file.
 *
 * @param file          the file (path and id)
 * @param bytes         the file's bytes in chunks whose slots finished, DONE or FAULT (each byte once: overlap not
 *                      counted)
 * @param expectedBytes the file's size when it was opened; -1 where that is unknown (it failed, or the run stopped
 *                      before it ended)
 * @param chunks        chunk slots that finished
 * @param faults        chunk slots that ended FAULT or never ran
 * @param firstFault    the first FAULT outcome, or null
 * @param error         why the file could not be read to its end (missing, permission, a directory, a read error),
 *                      or null
 * @param ended         the reader finished the file (read to its end or failed); false when the run stopped first
 * @param shrunk        the file ended before the size it had when opened (not an error)
 */
public record FileReport(IngestFile file, long bytes, long expectedBytes, long chunks, long faults,
                         SlotOutcome firstFault, IngestFileException error, boolean ended, boolean shrunk) {

    /** Read to its end with every slot DONE. */
    public boolean ok() {
        return ended && error == null && faults == 0;
    }

    /** The reader could not read it to its end. */
    public boolean failed() {
        return error != null;
    }
}
