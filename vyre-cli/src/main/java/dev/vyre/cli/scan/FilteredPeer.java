package dev.vyre.cli.scan;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.runtime.automata.BatchFilter;
import dev.vyre.runtime.automata.DfaStage;
import dev.vyre.runtime.automata.FilteredScanner;
import dev.vyre.runtime.cuda.ResidentDfaScan;
import dev.vyre.uring.IngestFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The filtered scan ({@link FilteredScan}) as a bench peer: {@code vyre-cuda-filter} (the prefilter kernel on the
 * GPU) or {@code vyre-cpu-filter} (its CPU model). Besides the end-to-end time it reports, in the same run, the
 * prefilter's own rate, the windows that passed its bit test and those its confirm kept (the candidates) (the kernel over batches already in device memory, from CUDA events) and, on CUDA, the
 * resident DFA kernel ({@link ResidentDfaScan}) over the same files for each DFA of the patterns without a long
 * factor (the DFAs the host steps over every byte).
 */
public final class FilteredPeer implements ScanPeer {
    private final FilteredScan setup;

    public FilteredPeer(FilteredScan setup) {
        this.setup = setup;
    }

    @Override
    public String name() {
        return "vyre-" + setup.filter() + "-filter" + (setup.confirm() ? "" : "-bits");
    }

    @Override
    public Optional<String> unavailable() {
        return setup.filter().equals("cuda") ? CountingListener.cudaUnavailable() : Optional.empty();
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        CompiledAutomaton automaton = FilteredScan.compile(patterns);
        BatchFilter filter = setup.openFilter(automaton);
        DfaStage stage = setup.openStage(automaton, filter);
        FilteredScanner scanner = setup.scanner(automaton, filter, stage);
        return new Prepared() {
            private Map<Integer, Long> counts = Map.of();
            private List<Path> lastFiles = List.of();
            private FilteredScanner.Report best;
            private double bestFilterRate;
            private long bestFilterNanos;
            private long bestFilterBytes;
            private long bestCopyNanos;
            private double bestStageRate;
            private long bestTransferNanos;
            private long bestSortNanos;
            private Map<String, Object> bestStageDetails = Map.of();
            private long bestTested;
            private long bestKept;

            @Override
            public long scan(List<Path> files) {
                long n0 = filter.filterNanos();
                long b0 = filter.filteredBytes();
                long c0 = filter.copyNanos();
                long s0 = stage == null ? 0 : stage.nanos();
                long sb0 = stage == null ? 0 : stage.bytes();
                long tr0 = filter.transferNanos();
                long so0 = filter.sortNanos();
                if (stage != null) {
                    stage.resetDetails();
                }
                long te0 = filter.testedWindows();
                long ke0 = filter.keptWindows();
                List<IngestFile> ingest = new ArrayList<>();
                for (Path f : files) {
                    ingest.add(new IngestFile(ingest.size(), f));
                }
                CountingListener listener = new CountingListener();
                FilteredScanner.Report r = scanner.scan(ingest, List.of(), listener);
                long total = listener.count();
                long nanos = filter.filterNanos() - n0;
                long bytes = filter.filteredBytes() - b0;
                double rate = nanos == 0 ? 0 : bytes / (double) nanos;
                if (best == null || r.elapsedNanos() < best.elapsedNanos()) {
                    best = r;
                    bestTransferNanos = filter.transferNanos() - tr0;
                    bestSortNanos = filter.sortNanos() - so0;
                    bestStageDetails = stage == null ? Map.of() : stage.details();
                    bestTested = filter.testedWindows() - te0;
                    bestKept = filter.keptWindows() - ke0;
                }
                if (rate > bestFilterRate) {
                    bestFilterRate = rate;
                    bestFilterNanos = nanos;
                    bestFilterBytes = bytes;
                    bestCopyNanos = filter.copyNanos() - c0;
                }
                if (stage != null && stage.nanos() > s0) {
                    bestStageRate = Math.max(bestStageRate, (stage.bytes() - sb0) / (double) (stage.nanos() - s0));
                }
                counts = listener.byId();
                lastFiles = List.copyOf(files);
                return total;
            }

            @Override
            public Optional<Map<Integer, Long>> lastCountsById() {
                return Optional.of(counts);
            }

            @Override
            public Map<String, Object> measurements() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("filter", filter.name());
                m.put("hostThreads", setup.hostThreads());
                m.put("batchBytes", setup.batchBytes());
                m.put("hashBits", setup.hashBits());
                m.put("lineEnginePatterns", automaton.engines(Engine.Kind.LINE).stream()
                        .mapToInt(e -> e.patternIds().length).sum());
                m.put("otherEngines", automaton.engines().stream().filter(e -> e.kind() != Engine.Kind.LINE)
                        .map(e -> e.kind() + ":" + e.patternIds().length).toList());
                if (best != null) {
                    m.put("batches", best.batches());
                    m.put("candidates", best.candidates());
                    m.put("deviceConfirm", setup.confirm());
                    m.put("bitTestWindows", bestTested);
                    m.put("confirmedWindows", bestKept);
                    m.put("readSeconds", best.readNanos() / 1e9);
                    m.put("confirmSeconds", best.confirmNanos() / 1e9);
                    m.put("prefilterBytes", bestFilterBytes);
                    m.put("prefilterSeconds", bestFilterNanos / 1e9);
                    m.put("prefilterGbPerSecond", bestFilterRate);
                    m.put("copyGbPerSecond", bestCopyNanos == 0 ? 0.0 : bestFilterBytes / (double) bestCopyNanos);
                    m.put("stageSeconds", stageSeconds(best, bestTransferNanos, bestSortNanos));
                }
                m.put("dfaStage", stage == null ? "host"
                        : stage instanceof dev.vyre.runtime.automata.CpuDfaStage ? "cpu-model" : "device");
                if (stage != null) {
                    m.put("dfaStageGbPerSecond", bestStageRate);
                    if (!bestStageDetails.isEmpty()) {
                        m.put("dfaStageDetails", bestStageDetails);
                    }
                }
                if (setup.filter().equals("cuda") && !lastFiles.isEmpty()) {
                    m.put("dfaKernels", dfaKernels(automaton, lastFiles));
                }
                return m;
            }

            @Override
            public void close() {
                try {
                    scanner.close();
                    if (stage != null) {
                        stage.close();
                    }
                } finally {
                    filter.close();
                }
            }
        };
    }

    /**
     * The best run's wall time by stage, in seconds ({@link FilteredScanner.Stages}): the host stages (with, inside
     * {@code confirm}, the threads' summed busy time and the longest piece), inside {@code await} the filter's
     * candidate transfer and sort, {@code other} (wall minus the stages) and {@code wall}.
     */
    static Map<String, Double> stageSeconds(FilteredScanner.Report r, long transferNanos, long sortNanos) {
        Map<String, Double> m = new LinkedHashMap<>();
        r.stages().byName().forEach((k, v) -> m.put(k, v / 1e9));
        m.put("awaitTransfer", transferNanos / 1e9);
        m.put("awaitSort", sortNanos / 1e9);
        m.put("other", (r.elapsedNanos() - r.stages().total()) / 1e9);
        m.put("wall", r.elapsedNanos() / 1e9);
        return m;
    }

    /**
     * The resident DFA kernel over {@code files} for each DFA engine of {@code automaton} (the patterns without a
     * long factor): count, passes, and GB/s of the second run (data in device memory).
     */
    static List<Map<String, Object>> dfaKernels(CompiledAutomaton automaton, List<Path> files) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        long total = 0;
        try {
            for (Path f : files) {
                byte[] b = Files.readAllBytes(f);
                bytes.add(b);
                total += b.length;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("resident DFA kernel: cannot read the corpus again", e);
        }
        for (Engine e : automaton.engines(Engine.Kind.DFA)) {
            DfaEngine dfa = (DfaEngine) e;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("patterns", dfa.patternIds().length);
            m.put("states", dfa.dfa().stateCount());
            try (ResidentDfaScan scan = ResidentPeer.open(dfa, bytes)) {
                scan.run();
                ResidentDfaScan.Result r = scan.run();
                m.put("count", r.count());
                m.put("passes", r.passes());
                m.put("reruns", r.reruns());
                m.put("seconds", r.nanos() / 1e9);
                m.put("gbPerSecond", total / (double) r.nanos());
            } catch (RuntimeException ex) {
                m.put("error", String.valueOf(ex));
            }
            out.add(m);
        }
        return out;
    }
}
