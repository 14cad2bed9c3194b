package dev.vyre.runtime.automata;

import dev.vyre.automata.worklist.WorklistEvidence;

/**
 * The measurement that chose the mode of one corpus slice in AUTO mode.
 *
 * @param slice        the slice's number (0, 1, ...)
 * @param sampleBytes  bytes of the chunk measured in both modes
 * @param sample       where that chunk lies: {@code path@fileOffset}
 * @param evidence     the policy's evidence record (mode, depth, visits, occupancy, both active times)
 * @param chosen       the mode the slice runs in
 */
public record SliceEvidence(int slice, long sampleBytes, String sample, WorklistEvidence evidence,
        RingScanOptions.Mode chosen) {

    /**
     * Whether the slice ran in the mode whose measured active time was the smaller of the two (a tie counts for
     * either): the policy's choice agrees with measurement.
     */
    public boolean ranFasterMode() {
        long blocking = evidence.blockingActiveTimeNs();
        long nonBlocking = evidence.nonblockingActiveTimeNs();
        return chosen == RingScanOptions.Mode.NON_BLOCKING ? nonBlocking <= blocking : blocking <= nonBlocking;
    }

    /** One JSON object: the slice, the sample size and place, the mode run and the evidence record. */
    public String toJson() {
        return "{\"slice\":" + slice + ",\"sample_bytes\":" + sampleBytes + ",\"sample\":\""
                + sample.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"mode_run\":\""
                + chosen.name().toLowerCase(java.util.Locale.ROOT) + "\",\"evidence\":" + evidence.toJson() + "}";
    }
}
