package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
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
                runCase(dir, i, rnd, a, scanner, matched, split, (bitmap, table, capacity) -> new CpuBatchFilter(
                        bitmap, rnd.nextInt(4) == 0 ? null : table, rnd.nextInt(1, 6), capacity),
                        filter -> rnd.nextBoolean() ? null
                        : new CpuDfaStage(dfaEngines(a), filter, rnd.nextInt(64, 6000)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(matched.get() > 200, "only " + matched.get() + " matches over all cases");
        assertTrue(split.get() > 10, "only " + split.get() + " files were larger than a batch");
    }

    /**
     * Random rule sets (keywords of 8 to 30 bytes, literal, caseless or with a digit range, so factors with and
     * without word form, with suffixes and anchors, beside short patterns) over files made of the keywords'
     * fragments, whole keywords and one-bit near misses, larger than a batch or not: the filtered scan with the CPU
     * model of the device confirm equals the scanner per file, and the confirm keeps fewer windows than the bit test
     * passes.
     */
    @Test
    void randomRuleSetsWithTheDeviceConfirmEqualTheScanner(@TempDir Path dir) throws Exception {
        AtomicLong matched = new AtomicLong();
        AtomicLong split = new AtomicLong();
        long[] windows = new long[2];
        Props.forAll("random rules, device confirm = scanner", 30, (i, rnd) -> {
            List<String> keywords = new ArrayList<>();
            List<dev.vyre.automata.regex.PatternSpec> specs = new ArrayList<>();
            for (int k = rnd.nextInt(1, 8); k > 0; k--) {
                StringBuilder kw = new StringBuilder();
                for (int j = rnd.nextInt(8, 31); j > 0; j--) {
                    kw.append("abcdeXYZ01:- ".charAt(rnd.nextInt(13)));
                }
                keywords.add(kw.toString());
                String body = kw.toString();
                if (rnd.nextInt(4) == 0) {
                    int at = rnd.nextInt(body.length());
                    body = body.substring(0, at) + "[0-3]" + body.substring(at + 1);
                }
                String suffix = switch (rnd.nextInt(4)) {
                    case 0 -> "[0-9]{1,3}";
                    case 1 -> " [a-z]+$";
                    default -> "";
                };
                java.util.Set<dev.vyre.automata.regex.PatternFlag> flags = java.util.EnumSet.of(
                        dev.vyre.automata.regex.PatternFlag.MULTILINE);
                if (rnd.nextInt(3) == 0) {
                    flags.add(dev.vyre.automata.regex.PatternFlag.CASELESS);
                }
                specs.add(new dev.vyre.automata.regex.PatternSpec(specs.size(), (rnd.nextInt(5) == 0 ? "^" : "")
                        + body + suffix, flags));
            }
            specs.add(new dev.vyre.automata.regex.PatternSpec(specs.size(), "[0-9]{3}x", java.util.Set.of()));
            CompiledAutomaton a = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false)
                    .withLinePrefilter(true));
            if (a.engines(Engine.Kind.LINE).isEmpty()) {
                return;
            }
            try {
                runCase(dir, i, rnd, a, new Scanner(a), matched, split, (bitmap, table, capacity) -> {
                    CpuBatchFilter f = new CpuBatchFilter(bitmap, table, rnd.nextInt(1, 4), capacity);
                    return new CountingFilter(f, windows);
                }, filter -> null, (r, n) -> keywordText(r, keywords, n));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(matched.get() > 100, "only " + matched.get() + " matches over all cases");
        assertTrue(split.get() > 10, "only " + split.get() + " files were larger than a batch");
        assertTrue(windows[1] * 2 < windows[0], "kept " + windows[1] + " of " + windows[0] + " bit-test windows");
    }

    /**
     * Files dense with line-engine keywords, several batches long, so that batch boundaries cut occurrences at every
     * phase (a piece that continues a file starts at batch offset 1 to 4 when the stride is 5; an occurrence whose
     * first bytes are in the previous batch must be kept by the device confirm through {@code keepFrom}): the
     * filtered scan with the confirm equals the scanner per file.
     */
    @Test
    void occurrencesCutByBatchBoundariesAreKept(@TempDir Path dir) throws Exception {
        CompiledAutomaton a = compiled();
        Scanner scanner = new Scanner(a);
        AtomicLong matched = new AtomicLong();
        AtomicLong split = new AtomicLong();
        Props.forAll("boundaries, device confirm = scanner", 40, (i, rnd) -> {
            try {
                runCase(dir, i, rnd, a, scanner, matched, split, (bitmap, table, capacity) -> new CpuBatchFilter(
                        bitmap, table, rnd.nextInt(1, 4), capacity), filter -> null, FilteredScannerTest::dense);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(split.get() > 40, "only " + split.get() + " files were larger than a batch");
    }

    /** Keywords of the line-engine patterns back to back with short digit runs between them. */
    static byte[] dense(SplittableRandom rnd, int n) {
        String[] words = {"needle_haystack", "Failed password for root", "DISK FULL on /var"};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < n) {
            out.writeBytes(words[rnd.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int j = rnd.nextInt(0, 6); j > 0; j--) {
                out.write('0' + rnd.nextInt(10));
            }
            if (rnd.nextInt(4) == 0) {
                out.write('\n');
            }
        }
        return java.util.Arrays.copyOf(out.toByteArray(), n);
    }

    /** Fragments of the keywords, whole keywords (some with a bit flipped), digits and newlines. */
    private static byte[] keywordText(SplittableRandom rnd, List<String> keywords, int n) {
        byte[] out = new byte[n];
        int i = 0;
        while (i < n) {
            String kw = keywords.get(rnd.nextInt(keywords.size()));
            int kind = rnd.nextInt(10);
            int from = kind < 2 ? 0 : rnd.nextInt(kw.length());
            int to = kind < 2 ? kw.length() : Math.min(kw.length(), from + rnd.nextInt(4, 10));
            int start = i;
            for (int j = from; j < to && i < n; j++) {
                out[i++] = (byte) kw.charAt(j);
            }
            if (kind == 1 && i > start) {
                out[start + rnd.nextInt(i - start)] ^= (byte) (1 << rnd.nextInt(7));
            }
            for (int j = rnd.nextInt(0, 3); j > 0 && i < n; j--) {
                out[i++] = (byte) "0123456789\n xz".charAt(rnd.nextInt(14));
            }
        }
        return out;
    }

    /** A batch filter that adds the windows its delegate tested and kept to {@code windows[0]} and {@code [1]}. */
    private static final class CountingFilter implements BatchFilter {
        private final BatchFilter inner;
        private final long[] windows;

        CountingFilter(BatchFilter inner, long[] windows) {
            this.inner = inner;
            this.windows = windows;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int slots() {
            return inner.slots();
        }

        @Override
        public long capacity() {
            return inner.capacity();
        }

        @Override
        public java.lang.foreign.MemorySegment staging(int slot) {
            return inner.staging(slot);
        }

        @Override
        public void submit(int slot, long bytes, int stride, long keepFrom) {
            inner.submit(slot, bytes, stride, keepFrom);
        }

        @Override
        public Candidates await(int slot) {
            return inner.await(slot);
        }

        @Override
        public long testedWindows() {
            return inner.testedWindows();
        }

        @Override
        public long keptWindows() {
            return inner.keptWindows();
        }

        @Override
        public long filterNanos() {
            return inner.filterNanos();
        }

        @Override
        public long copyNanos() {
            return inner.copyNanos();
        }

        @Override
        public long filteredBytes() {
            return inner.filteredBytes();
        }

        @Override
        public void close() {
            windows[0] += inner.testedWindows();
            windows[1] += inner.keptWindows();
            inner.close();
        }
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

    /** Opens the batch filter of one case: its bit table, the line engine's confirm table, the batch capacity. */
    interface Filters {
        BatchFilter open(WindowBitmap bitmap, WindowConfirmTable table, int capacity);
    }

    /**
     * One random tree scanned by a {@link FilteredScanner} over the filter {@code filters} makes for a table and a
     * batch capacity, compared file by file with {@code scanner}.
     */
    static void runCase(Path dir, int i, SplittableRandom rnd, CompiledAutomaton a, Scanner scanner,
            AtomicLong matched, AtomicLong split, Filters filters,
            java.util.function.Function<BatchFilter, DfaStage> stages) throws java.io.IOException {
        runCase(dir, i, rnd, a, scanner, matched, split, filters, stages, FilteredCorpus::content);
    }

    /** As above, with file contents from {@code content} (random, of the given length). */
    static void runCase(Path dir, int i, SplittableRandom rnd, CompiledAutomaton a, Scanner scanner,
            AtomicLong matched, AtomicLong split, Filters filters,
            java.util.function.Function<BatchFilter, DfaStage> stages,
            java.util.function.BiFunction<SplittableRandom, Integer, byte[]> content) throws java.io.IOException {
        {
            Path root = Files.createDirectories(dir.resolve("case" + i));
            int files = rnd.nextInt(1, 12);
            List<byte[]> contents = new ArrayList<>();
            int capacity = rnd.nextInt(4096, 40_000);
            for (int f = 0; f < files; f++) {
                byte[] b = content.apply(rnd, rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(1, 3 * capacity));
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
            dev.vyre.automata.literal.WindowFilter matcher = ((dev.vyre.automata.scan.LineEngine) a.engines(
                    Engine.Kind.LINE).getFirst()).matcher();
            WindowBitmap bitmap = WindowBitmap.of(matcher, bits);
            try (BatchFilter filter = filters.open(bitmap, matcher.confirmTable(), capacity)) {
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
                    assertTrue(filter.keptWindows() <= filter.testedWindows(), "kept within the bit test's");
                    assertEquals(r.candidates(), filter.keptWindows(), "candidates are the kept windows");
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
