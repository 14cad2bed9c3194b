package dev.vyre.uring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Opens the right {@link ChunkReader}: io_uring where {@link UringProbe} says it works, else positional
 * FileChannel reads with a one-time notice that names the reason. {@code -Dvyre.uring=off} forces the fallback
 * (tests use it), {@code -Dvyre.uring=on} makes a missing io_uring an error, {@code auto} (or unset) leaves the
 * choice to {@link ReaderOptions#mode()}.
 */
public final class ChunkReaders {
    private ChunkReaders() {
    }

    /** The system property that overrides {@link ReaderOptions#mode()}: {@code off}, {@code on} or {@code auto}. */
    public static final String MODE_PROPERTY = "vyre.uring";

    /**
     * Which reader to use and why.
     *
     * @param kind     the path
     * @param required true when io_uring was demanded (a failure to set it up is an error, not a fallback)
     * @param reason   why FileChannel is used (empty for io_uring)
     */
    public record Selection(ReaderKind kind, boolean required, String reason) {
    }

    /** A reader over {@code pool} chosen by the options, the property and the real probe. */
    public static ChunkReader open(BufferPool pool, ReaderOptions options) {
        return open(pool, options, Notices.standard(), UringProbe::run);
    }

    /**
     * A reader over {@code pool} chosen by the options, the property and {@code probe} (a test injects an
     * unavailable result here); notices go to {@code notices}. With more than one reader
     * ({@link ReaderOptions#readers()}, at most half the pool's buffers) it reads in parallel: one ring (or
     * FileChannel reader) per reader thread, the pool registered with every ring.
     *
     * @throws UringException when io_uring is required (mode URING or {@code -Dvyre.uring=on}) and unavailable
     */
    public static ChunkReader open(BufferPool pool, ReaderOptions options, Notices notices,
            Supplier<UringProbe> probe) {
        Selection selection = select(options.mode(), System.getProperty(MODE_PROPERTY), probe);
        int wanted = readers(options, pool);
        String reason = selection.reason();
        if (selection.kind() == ReaderKind.IO_URING) {
            List<QueueReader> rings = new ArrayList<>(wanted);
            try {
                while (rings.size() < wanted) {
                    rings.add(UringChunkReader.open(pool, options, notices));
                }
            } catch (UringException e) {
                if (rings.isEmpty()) {
                    if (selection.required()) {
                        throw e;
                    }
                    reason = "setting up the ring failed: " + e.getMessage();
                } else {
                    notices.once("io_uring-readers", "only " + rings.size() + " of " + wanted + " io_uring readers"
                            + " could be set up (" + e.getMessage() + "); the files are read by " + rings.size());
                }
            } catch (RuntimeException | Error e) {
                rings.forEach(QueueReader::close);
                throw e;
            }
            if (!rings.isEmpty()) {
                return combine(rings);
            }
        }
        notices.once("io_uring-fallback", "io_uring is not used (" + reason
                + "); files are read with positional FileChannel reads");
        List<QueueReader> channels = new ArrayList<>(wanted);
        for (int i = 0; i < wanted; i++) {
            channels.add(new ChannelChunkReader(pool, options, reason));
        }
        return combine(channels);
    }

    /**
     * How many readers read over {@code pool}: the options' count, but at most half the buffers (at least one), so
     * that every reader can keep two buffers busy.
     */
    public static int readers(ReaderOptions options, BufferPool pool) {
        return Math.max(1, Math.min(options.readers(), pool.count() / 2));
    }

    private static ChunkReader combine(List<QueueReader> readers) {
        return readers.size() == 1 ? readers.getFirst() : new ParallelChunkReader(readers);
    }

    /**
     * Decides the path: the property first ({@code off} forces FileChannel, {@code on} demands io_uring), then
     * the mode, then the probe (run only when needed).
     *
     * @throws UringException when io_uring is demanded and the probe says it is unavailable
     * @throws IngestException when the property has a value other than off, on or auto
     */
    public static Selection select(ReaderOptions.Mode mode, String property, Supplier<UringProbe> probe) {
        ReaderOptions.Mode effective = mode;
        String forcedBy = "ReaderOptions mode " + mode;
        if (property != null && !property.isBlank()) {
            switch (property.strip().toLowerCase(Locale.ROOT)) {
                case "off", "false" -> {
                    effective = ReaderOptions.Mode.FILE_CHANNEL;
                    forcedBy = "-D" + MODE_PROPERTY + "=" + property.strip();
                }
                case "on", "true" -> {
                    effective = ReaderOptions.Mode.URING;
                    forcedBy = "-D" + MODE_PROPERTY + "=" + property.strip();
                }
                case "auto" -> {
                    // the options decide
                }
                default -> throw new IngestException("-D" + MODE_PROPERTY + "=" + property + " is not a mode",
                        "use -D" + MODE_PROPERTY + "=off (FileChannel), on (io_uring or fail) or auto");
            }
        }
        if (effective == ReaderOptions.Mode.FILE_CHANNEL) {
            return new Selection(ReaderKind.FILE_CHANNEL, false, "forced off by " + forcedBy);
        }
        UringProbe result = probe.get();
        if (result.available()) {
            return new Selection(ReaderKind.IO_URING, effective == ReaderOptions.Mode.URING, "");
        }
        if (effective == ReaderOptions.Mode.URING) {
            String reason = result.reason();
            int fix = reason.lastIndexOf("Fix: ");
            throw new UringException("io_uring is required (" + forcedBy + ") but unavailable: "
                    + (fix > 0 ? reason.substring(0, fix).strip() : reason),
                    fix > 0 ? reason.substring(fix + 5) : "use mode AUTO to fall back to FileChannel reads");
        }
        return new Selection(ReaderKind.FILE_CHANNEL, false, "unavailable: " + result.reason());
    }
}
