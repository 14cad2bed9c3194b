package dev.vyre.runtime.automata;

import dev.vyre.automata.worklist.WorklistEvidence;

/**
 * The measurement that chose the mode of one corpus slice in AUTO mode.
 *
 * @param slice        the slice's number (0, 1, ...)
 * @param sampleBytes  bytes of the chunk measured in both modes
 * @param evidence     the policy's evidence record (mode, depth, visits, occupancy, both active times)
 * @param chosen       the mode the slice runs in
 */
public record SliceEvidence(int slice, long sampleBytes, WorklistEvidence evidence, RingScanOptions.Mode chosen) {

    /** One JSON object: the slice, the sample size, the mode run and the evidence record. */
    public String toJson() {
        return "{\"slice\":" + slice + ",\"sample_bytes\":" + sampleBytes + ",\"mode_run\":\""
                + chosen.name().toLowerCase(java.util.Locale.ROOT) + "\",\"evidence\":" + evidence.toJson() + "}";
    }
}
