package dev.vyre.runtime.stream;

import dev.vyre.core.VyreException;
import java.util.Optional;

/**
 * A {@link GpuStream} could not be built, or a run stopped as a whole (the megakernel closed, the read failed, a
 * callback threw, slots did not finish in time). Failures of single files are not this: they are in the
 * {@link StreamReport}. Where a run had started, {@link #report()} holds what it did before it stopped: every
 * published slot had finished and every buffer was back in the pool, unless the problem says otherwise.
 */
public class GpuStreamException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final transient StreamReport report;

    public GpuStreamException(String problem, String fix) {
        this(problem, fix, null, null);
    }

    public GpuStreamException(String problem, String fix, StreamReport report, Throwable cause) {
        super(problem, fix, cause);
        this.report = report;
    }

    /** What the run did before it stopped; empty for a failure before any run. */
    public Optional<StreamReport> report() {
        return Optional.ofNullable(report);
    }
}
