package dev.vyre.cli.scan;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cuda.CudaDriver;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.automata.ScanListener;
import dev.vyre.runtime.automata.ScanReport;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** vyre itself: DFA_STEP slots through the megakernel on one backend ({@link VyreScan}). */
public final class VyrePeer implements ScanPeer {
    private final String backend;
    private final VyreScan setup;
    private volatile ScanReport lastReport;

    /** @param backend "cpu" or "cuda" */
    public VyrePeer(String backend, VyreScan setup) {
        this.backend = backend;
        this.setup = setup;
    }

    @Override
    public String name() {
        return "vyre-" + backend;
    }

    @Override
    public Optional<String> unavailable() {
        if (!backend.equals("cuda")) {
            return Optional.empty();
        }
        CudaProbe probe = CudaDriver.probe();
        return probe.available() ? Optional.empty() : Optional.of("no CUDA device: " + probe.reason());
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    /** The report of the last scan (slices with their worklist evidence). */
    public ScanReport lastReport() {
        return lastReport;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        CompiledAutomaton automaton = setup.compileFor(patterns);
        return new Prepared() {
            private Map<Integer, Long> counts = Map.of();

            @Override
            public long scan(List<Path> files) {
                Map<Integer, Long> byId = new HashMap<>();
                long n = run(automaton, files, byId);
                counts = Map.copyOf(byId);
                return n;
            }

            @Override
            public Optional<Map<Integer, Long>> lastCountsById() {
                return Optional.of(counts);
            }
        };
    }

    private long run(CompiledAutomaton automaton, List<Path> files, Map<Integer, Long> byId) {
        long[] count = new long[1];
        RuntimeException[] failed = new RuntimeException[1];
        lastReport = setup.run(automaton, files, new ScanListener() {
            @Override
            public void onFile(IngestFile file, List<Match> matches) {
                count[0] += matches.size();
                for (Match m : matches) {
                    byId.merge(m.patternId(), 1L, Long::sum);
                }
            }

            @Override
            public void onFailure(IngestFile file, IngestFileException error) {
                failed[0] = error;
            }
        }, note -> { });
        if (failed[0] != null) {
            throw failed[0];
        }
        return count[0];
    }
}
