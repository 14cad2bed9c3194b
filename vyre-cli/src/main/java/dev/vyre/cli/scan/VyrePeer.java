package dev.vyre.cli.scan;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.runtime.automata.ScanReport;
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
        return backend.equals("cuda") ? CountingListener.cudaUnavailable() : Optional.empty();
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
        CountingListener listener = new CountingListener();
        lastReport = setup.run(automaton, files, listener, note -> { });
        long n = listener.count();
        byId.putAll(listener.byId());
        return n;
    }
}
