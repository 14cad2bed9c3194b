package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filtered scan with the CPU model of the prefilter ({@link CpuBatchFilter}) reports, per file, exactly what a
 * {@link Scanner} over the whole file reports, for random trees of files (empty ones, files larger than a batch,
 * pieces split across batches), random batch sizes, staging slots, host threads and table sizes (5 hash bits: nearly
 * every window passes; 22: few do), with line-engine patterns (long factors, anchors, caseless) and patterns without
 * a long factor (other engines) in one set, those run by the host or by the CPU model of the DFA stage
 * ({@link CpuDfaStage}: the host steps only the segments that count a match); a dangling link is reported as a
 * failure in its place.
 */
class FilteredScannerTest {
    @Test
    void filteredScansEqualTheScannerPerFile(@TempDir Path dir) throws Exception {
        CompiledAutomaton a = compiled();
        assertEquals(1, a.engines(Engine.Kind.LINE).size(), "the keyword patterns run in a line engine");
        assertTrue(a.engines().size() > 1, "the short patterns run in other engines");
        Scanner scanner = new Scanner(a);
        AtomicLong matched = new AtomicLong();
        AtomicLong split = new AtomicLong();
        Props.forAll("filtered scan = scanner", 40, (i, rnd) -> {
            try {
                runCase(dir, i, rnd, a, scanner, matched, split, (bitmap, capacity) -> new CpuBatchFilter(bitmap,
                        rnd.nextInt(1, 6), capacity), filter -> rnd.nextBoolean() ? null
                        : new CpuDfaStage(dfaEngines(a), filter, rnd.nextInt(64, 6000)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(matched.get() > 200, "only " + matched.get() + " matches over all cases");
        assertTrue(split.get() > 10, "only " + split.get() + " files were larger than a batch");
    }

    /**
     * Files that cannot be sized (missing when the scan starts) are reported as failures in their place among many
     * good files (sized in parallel), and the good files' matches are the scanner's.
     */
    @Test
    void unsizableFilesFailInPlace(@TempDir Path dir) throws Exception {
        CompiledAutomaton a = compiled();
        Scanner scanner = new Scanner(a);
        SplittableRandom rnd = new SplittableRandom(7);
        List<IngestFile> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int f = 0; f < 300; f++) {
            Path p = dir.resolve(String.format("g%03d", f));
            if (rnd.nextInt(5) == 0) {
                expected.add(p.getFileName() + " failed STAT");
            } else {
                byte[] b = FilteredCorpus.content(rnd, rnd.nextInt(0, 3000));
                Files.write(p, b);
                expected.add(p.getFileName() + " " + scanner.scan(b));
            }
            files.add(new IngestFile(f, p));
        }
        WindowBitmap bitmap = WindowBitmap.of(((dev.vyre.automata.scan.LineEngine) a.engines(Engine.Kind.LINE)
                .getFirst()).matcher(), WindowBitmap.DEFAULT_HASH_BITS);
        List<String> got = new ArrayList<>();
        try (BatchFilter filter = new CpuBatchFilter(bitmap, 2, 8192);
                FilteredScanner fs = new FilteredScanner(a, filter, 3)) {
            FilteredScanner.Report r = fs.scan(files, List.of(), new ScanListener() {
                @Override
                public void onFile(IngestFile file, List<Match> matches) {
                    got.add(file.path().getFileName() + " " + matches);
                }

                @Override
                public void onFailure(IngestFile file, IngestFileException error) {
                    got.add(file.path().getFileName() + " failed " + error.operation().name());
                }
            });
            assertEquals(expected.stream().filter(e -> e.endsWith("failed STAT")).count(), r.failedFiles());
        }
        assertEquals(expected, got);
    }

    /** The DFA engines of {@code a} (what a DFA stage runs). */
    static List<dev.vyre.automata.scan.DfaEngine> dfaEngines(CompiledAutomaton a) {
        List<dev.vyre.automata.scan.DfaEngine> out = a.engines(Engine.Kind.DFA).stream()
                .map(e -> (dev.vyre.automata.scan.DfaEngine) e).toList();
        assertTrue(!out.isEmpty(), "the short patterns compile to DFA engines");
        return out;
    }

    /** The test patterns compiled with the line prefilter, as the filtered scan runs them. */
    static CompiledAutomaton compiled() {
        return RegexCompiler.compile(FilteredCorpus.PATTERNS, CompileOptions.defaults().withPrefilter(false)
                .withLinePrefilter(true));
    }

    /**
     * One random tree scanned by a {@link FilteredScanner} over the filter {@code filters} makes for a table and a
     * batch capacity, compared file by file with {@code scanner}.
     */
    static void runCase(Path dir, int i, SplittableRandom rnd, CompiledAutomaton a, Scanner scanner,
            AtomicLong matched, AtomicLong split, java.util.function.BiFunction<WindowBitmap, Integer, BatchFilter>
            filters, java.util.function.Function<BatchFilter, DfaStage> stages) throws java.io.IOException {
        {
            Path root = Files.createDirectories(dir.resolve("case" + i));
            int files = rnd.nextInt(1, 12);
            List<byte[]> contents = new ArrayList<>();
            int capacity = rnd.nextInt(4096, 40_000);
            for (int f = 0; f < files; f++) {
                byte[] b = FilteredCorpus.content(rnd, rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(1, 3 * capacity));
                contents.add(b);
                Files.write(root.resolve(String.format("f%03d", f)), b);
                if (b.length > capacity) {
                    split.incrementAndGet();
                }
            }
            boolean dangling = rnd.nextInt(4) == 0;
            if (dangling) {
                Files.createSymbolicLink(root.resolve("f000x"), root.resolve("missing"));
            }
            int bits = rnd.nextBoolean() ? WindowBitmap.MIN_HASH_BITS + rnd.nextInt(3)
                    : WindowBitmap.DEFAULT_HASH_BITS;
            List<String> got = new ArrayList<>();
            WindowBitmap bitmap = WindowBitmap.of(((dev.vyre.automata.scan.LineEngine) a.engines(Engine.Kind.LINE)
                    .getFirst()).matcher(), bits);
            try (BatchFilter filter = filters.apply(bitmap, capacity)) {
                DfaStage stage = stages.apply(filter);
                FilteredScanner fs = new FilteredScanner(a, filter, stage, rnd.nextInt(1, 4));
                if (rnd.nextBoolean()) {
                    fs.readSplit(rnd.nextInt(1, 3 * capacity)); // files read in several ranges at once
                }
                try {
                    FilteredScanner.Report r = fs.scanPaths(List.of(root), new ScanListener() {
                        @Override
                        public void onFile(IngestFile file, List<Match> matches) {
                            got.add(file.path().getFileName() + " " + matches);
                        }

                        @Override
                        public void onFailure(IngestFile file, IngestFileException error) {
                            got.add(file.path().getFileName() + " failed");
                        }
                    });
                    assertEquals(files + (dangling ? 1 : 0), r.files());
                    assertEquals(dangling ? 1 : 0, r.failedFiles());
                    FilteredScanner.Stages st = r.stages();
                    assertTrue(st.byName().values().stream().allMatch(v -> v >= 0), "stage times " + st);
                    assertTrue(st.total() <= r.elapsedNanos(), "stages " + st + " within the wall " + r);
                    assertEquals(st.read(), r.readNanos());
                    assertEquals(st.confirm(), r.confirmNanos());
                    assertTrue(st.confirmLongest() <= st.confirmBusy(),
                            "the longest piece is within the summed busy time: " + st);
                } finally {
                    fs.close();
                    if (stage != null) {
                        stage.close();
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int f = 0; f < files; f++) {
                List<Match> m = scanner.scan(contents.get(f));
                matched.addAndGet(m.size());
                expected.add(String.format("f%03d", f) + " " + m);
                if (f == 0 && dangling) {
                    expected.add("f000x failed");
                }
            }
            assertEquals(expected, got, "capacity " + capacity + ", hash bits " + bits);
        }
    }
}
