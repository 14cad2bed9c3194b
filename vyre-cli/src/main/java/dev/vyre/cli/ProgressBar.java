package dev.vyre.cli;

import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn at most every 200 ms and only after the first second, then erased.
 * Our own 40 lines instead of a dependency (see README, "Dependencies").
 */
final class ProgressBar {
    private static final long FIRST_DRAW_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, long total) {
        this.err = err;
        this.total = Math.max(1, total);
    }

    /** Whether file descriptor 2 is a terminal (isatty through the C library; false where that fails). */
    static boolean stderrIsTerminal() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(2) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@code bytes} more were scanned. */
    synchronized void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (now - start < FIRST_DRAW_NANOS || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        double seconds = (now - start) / 1e9;
        err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%% %s / %s  %s/s ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.min(100, done * 100 / total), size(done), size(total),
                size((long) (done / seconds))));
        err.flush();
    }

    /** Erases the bar if it was drawn. */
    synchronized void finish() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
            err.flush();
        }
    }

    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
