package dev.vyre.runtime.automata;

import java.util.List;

/**
 * What one {@link RingScanner} scan did.
 *
 * @param files           files in the scan
 * @param failedFiles     files that could not be read
 * @param bytes           bytes scanned
 * @param matches         matches reported (after de-duplication)
 * @param slots           DFA_STEP slots published (calibration and re-runs included)
 * @param fixups          lanes whose guessed start state was wrong and that were re-run from the true state
 * @param overflowReruns  spans re-run because their match records did not fit the chunk's match buffer
 * @param blockingBytes   bytes scanned in blocking mode
 * @param nonBlockingBytes bytes scanned in non-blocking mode
 * @param slices          the AUTO-mode measurements, one per slice
 * @param elapsedNanos    wall time of the scan
 */
public record ScanReport(int files, int failedFiles, long bytes, long matches, long slots, long fixups,
        long overflowReruns, long blockingBytes, long nonBlockingBytes, List<SliceEvidence> slices,
        long elapsedNanos) {
    public ScanReport {
        slices = List.copyOf(slices);
    }
}
