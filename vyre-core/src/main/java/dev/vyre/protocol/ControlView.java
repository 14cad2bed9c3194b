package dev.vyre.protocol;

import static dev.vyre.protocol.ControlLayout.CONTROL_MIN_WORDS;
import static dev.vyre.protocol.ControlLayout.DONE_COUNT;
import static dev.vyre.protocol.ControlLayout.EPOCH;
import static dev.vyre.protocol.ControlLayout.MAX_ENCODED_OBSERVABLE_SLOTS;
import static dev.vyre.protocol.ControlLayout.METRICS_BASE;
import static dev.vyre.protocol.ControlLayout.METRICS_SLOTS;
import static dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;
import static dev.vyre.protocol.ControlLayout.PRIORITY_FAIRNESS_BASE;
import static dev.vyre.protocol.ControlLayout.PRIORITY_FAIRNESS_SLOTS;
import static dev.vyre.protocol.ControlLayout.PRIORITY_OFFSETS_BASE;
import static dev.vyre.protocol.ControlLayout.PRIORITY_OFFSETS_SLOTS;
import static dev.vyre.protocol.ControlLayout.PRIORITY_STARVATION_COUNTER;
import static dev.vyre.protocol.ControlLayout.SHUTDOWN;
import static dev.vyre.protocol.ControlLayout.TENANT_BASE;
import static dev.vyre.protocol.ControlLayout.TENANT_FAIRNESS_BASE;
import static dev.vyre.protocol.ControlLayout.TENANT_FAIRNESS_SLOTS;
import static dev.vyre.protocol.ControlLayout.TENANT_QUOTA_BASE;
import static dev.vyre.protocol.ControlLayout.TENANT_QUOTA_SLOTS;
import static dev.vyre.protocol.ControlLayout.TENANT_SLOTS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The control block over a {@link MemorySegment} shared with the device: {@link ControlLayout#CONTROL_MIN_WORDS}
 * fixed words, then the observables. Every word access is atomic on an aligned 32-bit word; readers use acquire,
 * writers release (or opaque for the relaxed STORE_U32), read-modify-writes are volatile. Accessors allocate
 * nothing and refuse indices outside their region.
 */
public final class ControlView {
    private static final String BUFFER = "control";
    private static final String OBSERVABLES = "observables";

    private final MemorySegment segment;
    private final int wordCount;

    private ControlView(MemorySegment segment, int wordCount) {
        this.segment = segment;
        this.wordCount = wordCount;
    }

    /** A zeroed control block with {@code observables} observable words after the fixed 160. */
    public static ControlView allocate(Arena arena, int observables) {
        checkObservableCount(BUFFER, observables);
        int words = CONTROL_MIN_WORDS + observables;
        return new ControlView(Wire.allocate(arena, (long) words * Wire.WORD_BYTES), words);
    }

    /** A view over an existing control segment: writable, 4-byte aligned, whole words, at least 160 words. */
    public static ControlView wrap(MemorySegment segment) {
        Wire.requireViewSegment(BUFFER, segment);
        return new ControlView(segment, wordsOf(segment.byteSize()));
    }

    /** Decodes control-block bytes into a view over a private copy; see {@link #decode(MemorySegment)}. */
    public static ControlView decode(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the control block's bytes");
        }
        return decode(MemorySegment.ofArray(bytes));
    }

    /**
     * Decodes a control block from a segment of any alignment into a view over a private, writable copy. Refuses
     * lengths that are not whole words, fewer than {@code CONTROL_MIN_WORDS} words, and more than
     * {@code MAX_ENCODED_OBSERVABLE_SLOTS} observables.
     */
    public static ControlView decode(MemorySegment segment) {
        if (segment == null) {
            throw new ProtocolException(BUFFER, "segment is null", "pass the control block's segment");
        }
        int words = wordsOf(segment.byteSize());
        return new ControlView(Wire.heapCopy(segment, words), words);
    }

    /** The block's little-endian bytes (a snapshot, word by word with acquire reads). */
    public byte[] toBytes() {
        byte[] bytes = new byte[wordCount * Wire.WORD_BYTES];
        MemorySegment out = MemorySegment.ofArray(bytes);
        for (int i = 0; i < wordCount; i++) {
            Wire.write(out, i, load(i));
        }
        return bytes;
    }

    /** The shared segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** Total words (fixed words plus observables). */
    public int wordCount() {
        return wordCount;
    }

    /** Observable words after {@link ControlLayout#OBSERVABLE_BASE}. */
    public int observableCount() {
        return wordCount - OBSERVABLE_BASE;
    }

    // ---- any word: what the built-in opcodes address ------------------------------------------------------

    /** Word {@code index}, acquire read. */
    public int load(int index) {
        return Wire.getAcquire(segment, word(index));
    }

    /** Stores {@code value} at word {@code index} with release ordering. */
    public void store(int index, int value) {
        Wire.setRelease(segment, word(index), value);
    }

    /** Relaxed (opaque) atomic store, the semantics of STORE_U32. */
    public void storeRelaxed(int index, int value) {
        Wire.setOpaque(segment, word(index), value);
    }

    /** Atomically adds {@code delta} (wrapping) to word {@code index}; returns the previous value. */
    public int fetchAdd(int index, int delta) {
        return Wire.getAndAdd(segment, word(index), delta);
    }

    /** Atomically replaces word {@code index} by {@code desired} if it equals {@code expected}; returns the
     * previous value (equal to {@code expected} exactly when it swapped). */
    public int compareAndExchange(int index, int expected, int desired) {
        return Wire.compareAndExchange(segment, word(index), expected, desired);
    }

    // ---- named words --------------------------------------------------------------------------------------

    /** Whether SHUTDOWN is non-zero. */
    public boolean shutdownRequested() {
        return load(SHUTDOWN) != 0;
    }

    /** Sets SHUTDOWN to 1 with release ordering. */
    public void requestShutdown() {
        store(SHUTDOWN, 1);
    }

    /** DONE_COUNT (a u32 in an int). */
    public int doneCount() {
        return load(DONE_COUNT);
    }

    /** Atomically increments DONE_COUNT; returns the previous value. */
    public int incrementDoneCount() {
        return fetchAdd(DONE_COUNT, 1);
    }

    /** EPOCH. */
    public int epoch() {
        return load(EPOCH);
    }

    /** Atomically increments EPOCH (BATCH_FENCE); returns the previous value. */
    public int advanceEpoch() {
        return fetchAdd(EPOCH, 1);
    }

    /** Opcode/permission mask of tenant {@code tenant} (0..29). */
    public int tenantMask(int tenant) {
        return load(region(TENANT_BASE, TENANT_SLOTS, "tenant mask", tenant));
    }

    /** Sets the opcode/permission mask of tenant {@code tenant} (0..29). */
    public void setTenantMask(int tenant, int mask) {
        store(region(TENANT_BASE, TENANT_SLOTS, "tenant mask", tenant), mask);
    }

    /** Quota of tenant {@code tenant} (0..31). */
    public int tenantQuota(int tenant) {
        return load(region(TENANT_QUOTA_BASE, TENANT_QUOTA_SLOTS, "tenant quota", tenant));
    }

    /** Sets the quota of tenant {@code tenant} (0..31). */
    public void setTenantQuota(int tenant, int quota) {
        store(region(TENANT_QUOTA_BASE, TENANT_QUOTA_SLOTS, "tenant quota", tenant), quota);
    }

    /** Fairness counter of tenant {@code tenant} (0..31). */
    public int tenantFairness(int tenant) {
        return load(region(TENANT_FAIRNESS_BASE, TENANT_FAIRNESS_SLOTS, "tenant fairness", tenant));
    }

    /** Atomically adds {@code delta} to the fairness counter of tenant {@code tenant}; returns the previous value. */
    public int addTenantFairness(int tenant, int delta) {
        return fetchAdd(region(TENANT_FAIRNESS_BASE, TENANT_FAIRNESS_SLOTS, "tenant fairness", tenant), delta);
    }

    /** Metrics word {@code i} (0..31). */
    public int metric(int i) {
        return load(region(METRICS_BASE, METRICS_SLOTS, "metric", i));
    }

    /** Atomically adds {@code delta} to metrics word {@code i}; returns the previous value. */
    public int addMetric(int i, int delta) {
        return fetchAdd(region(METRICS_BASE, METRICS_SLOTS, "metric", i), delta);
    }

    /** Priority offset word {@code i} (0..5). */
    public int priorityOffset(int i) {
        return load(region(PRIORITY_OFFSETS_BASE, PRIORITY_OFFSETS_SLOTS, "priority offset", i));
    }

    /** Sets priority offset word {@code i} (0..5). */
    public void setPriorityOffset(int i, int value) {
        store(region(PRIORITY_OFFSETS_BASE, PRIORITY_OFFSETS_SLOTS, "priority offset", i), value);
    }

    /** PRIORITY_STARVATION_COUNTER. */
    public int starvationCounter() {
        return load(PRIORITY_STARVATION_COUNTER);
    }

    /** Atomically adds {@code delta} to PRIORITY_STARVATION_COUNTER; returns the previous value. */
    public int addStarvationCounter(int delta) {
        return fetchAdd(PRIORITY_STARVATION_COUNTER, delta);
    }

    /** Fairness word of priority class {@code priority}. */
    public int priorityFairness(Priority priority) {
        return load(priorityFairnessWord(priority));
    }

    /** Atomically adds {@code delta} to the fairness word of {@code priority}; returns the previous value. */
    public int addPriorityFairness(Priority priority, int delta) {
        return fetchAdd(priorityFairnessWord(priority), delta);
    }

    /** Observable {@code i} (word {@code OBSERVABLE_BASE + i}). */
    public int observable(int i) {
        return load(region(OBSERVABLE_BASE, observableCount(), "observable", i));
    }

    /** Sets observable {@code i} with release ordering. */
    public void setObservable(int i, int value) {
        store(region(OBSERVABLE_BASE, observableCount(), "observable", i), value);
    }

    // ---- the observables alone as a buffer ----------------------------------------------------------------

    /** The observable words as little-endian bytes (a snapshot). */
    public byte[] observablesToBytes() {
        byte[] bytes = new byte[observableCount() * Wire.WORD_BYTES];
        MemorySegment out = MemorySegment.ofArray(bytes);
        for (int i = 0; i < observableCount(); i++) {
            Wire.write(out, i, observable(i));
        }
        return bytes;
    }

    /**
     * Decodes a buffer of observable words (what {@link #observablesToBytes} writes); refuses lengths that are
     * not whole words or hold more than {@code MAX_ENCODED_OBSERVABLE_SLOTS} words.
     */
    public static int[] decodeObservables(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(OBSERVABLES, "no bytes given", "pass the observables' bytes");
        }
        long words = Wire.wholeWords(OBSERVABLES, bytes.length);
        checkObservableCount(OBSERVABLES, words);
        int[] out = new int[(int) words];
        MemorySegment in = MemorySegment.ofArray(bytes);
        for (int i = 0; i < out.length; i++) {
            out[i] = Wire.read(in, i);
        }
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private long word(int index) {
        Wire.checkIndex(BUFFER, "control word", index, wordCount);
        return index;
    }

    private static int region(int base, int slots, String what, int i) {
        Wire.checkIndex(BUFFER, what, i, slots);
        return base + i;
    }

    private static int priorityFairnessWord(Priority priority) {
        if (priority == null) {
            throw new ProtocolException(BUFFER, "priority is null", "pass a Priority");
        }
        return region(PRIORITY_FAIRNESS_BASE, PRIORITY_FAIRNESS_SLOTS, "priority fairness", priority.wire());
    }

    private static int wordsOf(long byteLength) {
        long words = Wire.wholeWords(BUFFER, byteLength);
        if (words < CONTROL_MIN_WORDS) {
            throw new ProtocolException(BUFFER, "is truncated: " + words + " words, the control block has at least "
                    + "CONTROL_MIN_WORDS = " + CONTROL_MIN_WORDS, "pass the whole control block (160 fixed words "
                    + "then the observables)");
        }
        checkObservableCount(BUFFER, words - OBSERVABLE_BASE);
        return (int) words;
    }

    private static void checkObservableCount(String buffer, long observables) {
        if (observables < 0 || observables > MAX_ENCODED_OBSERVABLE_SLOTS) {
            throw new ProtocolException(buffer, observables + " observables is outside 0.."
                    + MAX_ENCODED_OBSERVABLE_SLOTS + " (MAX_ENCODED_OBSERVABLE_SLOTS)",
                    "use at most " + MAX_ENCODED_OBSERVABLE_SLOTS + " observable words");
        }
    }
}
