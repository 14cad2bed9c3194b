package dev.vyre.runtime.automata;

import java.lang.foreign.MemorySegment;

/**
 * The prefilter stage of a {@link FilteredScanner}: batches of packed file bytes in host staging memory, each
 * filtered for the windows whose {@link dev.vyre.automata.literal.WindowBitmap} bit is set and, with the device
 * confirm, whose factors may occur there ({@link dev.vyre.automata.literal.WindowConfirmTable}). Window {@code k} of
 * a batch is the 4 bytes at {@code k * stride}; {@link #submit} starts a batch (asynchronously where the filter can)
 * and {@link #await} returns its candidates. Implementations: {@link CpuBatchFilter} (the CPU model) and the CUDA
 * kernel ({@code dev.vyre.runtime.cuda.DeviceWindowFilter}).
 */
public interface BatchFilter extends AutoCloseable {
    /** The candidates of one batch: window indices, ascending, in {@code windows[0 .. count-1]}. */
    record Candidates(int[] windows, int count) {
    }

    /** A short name for reports ("cpu-model", "cuda"). */
    String name();

    /** Batches that can be in flight at once (staging slots). */
    int slots();

    /** Bytes one batch holds. */
    long capacity();

    /** The host staging memory of slot {@code slot} ({@link #capacity()} bytes), written by the caller. */
    MemorySegment staging(int slot);

    /**
     * Starts filtering the first {@code bytes} bytes of slot {@code slot}'s staging, windows every {@code stride}.
     * A filter with the device confirm ({@link dev.vyre.automata.literal.WindowConfirmTable#keep}) keeps a window that
     * passes the bit test only where some candidate factor is undecidable, matches, or would read bytes outside
     * {@code [keepFrom, bytes)}: {@code keepFrom} is the batch offset before which bytes may belong to a file whose
     * earlier bytes are in a previous batch (the first piece's offset when it continues a file, else 0).
     */
    void submit(int slot, long bytes, int stride, long keepFrom);

    /**
     * Windows that passed the bit test, summed over batches: the candidates without the device confirm (equal to
     * the candidates returned when the filter has none).
     */
    long testedWindows();

    /** Windows returned as candidates (after the device confirm, where the filter has it), summed over batches. */
    long keptWindows();

    /** Waits for slot {@code slot}'s batch and returns its candidates; the slot may then be refilled. */
    Candidates await(int slot);

    /** Nanoseconds the filter itself ran (the device kernel alone, data resident), summed over batches. */
    long filterNanos();

    /** Nanoseconds spent moving batches to the filter (host-to-device copies; 0 on the CPU), summed. */
    long copyNanos();

    /**
     * Host nanoseconds {@link #await} spent fetching candidates (device-to-host copies of the cursor and the list,
     * and any re-run for an overflowing list; 0 where the candidates are already on the host), summed.
     */
    default long transferNanos() {
        return 0;
    }

    /** Host nanoseconds {@link #await} spent sorting candidates (0 where they come sorted), summed. */
    default long sortNanos() {
        return 0;
    }

    /** Bytes filtered, summed over batches. */
    long filteredBytes();

    @Override
    void close();
}
