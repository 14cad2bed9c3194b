package dev.vyre.cli.scan;

import dev.vyre.automata.Match;
import dev.vyre.cuda.CudaDriver;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.automata.ScanListener;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Counts a vyre scan's matches, in all and per pattern id, for the bench peers; keeps the last file failure. */
final class CountingListener implements ScanListener {
    private long count;
    private final Map<Integer, Long> byId = new HashMap<>();
    private RuntimeException failed;

    @Override
    public void onFile(IngestFile file, List<Match> matches) {
        count += matches.size();
        for (Match m : matches) {
            byId.merge(m.patternId(), 1L, Long::sum);
        }
    }

    @Override
    public void onFailure(IngestFile file, IngestFileException error) {
        failed = error;
    }

    /** The match count; throws the failure of a file that could not be read, if any. */
    long count() {
        if (failed != null) {
            throw failed;
        }
        return count;
    }

    /** Matches per pattern id (ids without matches absent). */
    Map<Integer, Long> byId() {
        return Map.copyOf(byId);
    }

    /** Why a peer that needs a CUDA device cannot run here, or empty. */
    static Optional<String> cudaUnavailable() {
        CudaProbe probe = CudaDriver.probe();
        return probe.available() && !probe.devices().isEmpty() ? Optional.empty()
                : Optional.of("no CUDA device: " + probe.reason());
    }
}
