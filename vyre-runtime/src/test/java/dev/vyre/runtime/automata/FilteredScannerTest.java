package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filtered scan with the CPU model of the prefilter ({@link CpuBatchFilter}) reports, per file, exactly what a
 * {@link Scanner} over the whole file reports, for random trees of files (empty ones, files larger than a batch,
 * pieces split across batches), random batch sizes, staging slots, host threads and table sizes (5 hash bits: nearly
 * every window passes; 22: few do), with line-engine patterns (long factors, anchors, caseless) and patterns without
 * a long factor (other engines) in one set; a dangling link is reported as a failure in its place.
 */
class FilteredScannerTest {
    private static final String[] KEYWORDS = {"kernel: usb ", "Failed password for ", "needle_haystack", "DISK FULL"};
    static final List<PatternSpec> PATTERNS = List.of(
            new PatternSpec(0, "^[a-z]+ kernel: usb [0-9]+-[0-9]+: new", Set.of(PatternFlag.MULTILINE)),
            new PatternSpec(1, "sshd\\[[0-9]+\\]: Failed password for .* from [0-9.]+", Set.of()),
            new PatternSpec(2, "needle_haystack[0-9]{2,5}", Set.of()),
            new PatternSpec(3, "disk full on /[a-z]+$", EnumSet.of(PatternFlag.CASELESS, PatternFlag.MULTILINE)),
            new PatternSpec(4, "[0-9]{3}x", Set.of()),
            new PatternSpec(5, "ab+c$", Set.of(PatternFlag.MULTILINE)),
            new PatternSpec(2, "Failed password for root", Set.of()),
            new PatternSpec(6, "\\x00\\x01", Set.of()));

    @Test
    void filteredScansEqualTheScannerPerFile(@TempDir Path dir) throws Exception {
        CompiledAutomaton a = RegexCompiler.compile(PATTERNS, CompileOptions.defaults().withPrefilter(false)
                .withLinePrefilter(true));
        assertEquals(1, a.engines(Engine.Kind.LINE).size(), "the keyword patterns run in a line engine");
        assertTrue(a.engines().size() > 1, "the short patterns run in other engines");
        Scanner scanner = new Scanner(a);
        AtomicLong matched = new AtomicLong();
        AtomicLong split = new AtomicLong();
        Props.forAll("filtered scan = scanner", 40, (i, rnd) -> {
            try {
                runCase(dir, i, rnd, a, scanner, matched, split);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(matched.get() > 200, "only " + matched.get() + " matches over all cases");
        assertTrue(split.get() > 10, "only " + split.get() + " files were larger than a batch");
    }

    private static void runCase(Path dir, int i, SplittableRandom rnd, CompiledAutomaton a, Scanner scanner,
            AtomicLong matched, AtomicLong split) throws java.io.IOException {
        {
            Path root = Files.createDirectories(dir.resolve("case" + i));
            int files = rnd.nextInt(1, 12);
            List<byte[]> contents = new ArrayList<>();
            int capacity = rnd.nextInt(4096, 40_000);
            for (int f = 0; f < files; f++) {
                byte[] b = content(rnd, rnd.nextInt(6) == 0 ? 0 : rnd.nextInt(1, 3 * capacity));
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
            try (CpuBatchFilter filter = new CpuBatchFilter(WindowBitmap.of(
                    a.engines(Engine.Kind.LINE).stream().map(e -> ((dev.vyre.automata.scan.LineEngine) e).matcher())
                            .findFirst().orElseThrow(), bits), rnd.nextInt(1, 4), capacity)) {
                FilteredScanner fs = new FilteredScanner(a, filter, rnd.nextInt(1, 4));
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
                } finally {
                    fs.close();
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

    /** Random log-like bytes: keywords, digits, brackets, newlines, some binary. */
    static byte[] content(SplittableRandom rnd, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String alphabet = "abcx0123456789 []:./\n-_";
        while (out.size() < length) {
            switch (rnd.nextInt(10)) {
                case 0 -> out.writeBytes(KEYWORDS[rnd.nextInt(KEYWORDS.length)].getBytes(StandardCharsets.ISO_8859_1));
                case 1 -> out.writeBytes(("host kernel: usb " + rnd.nextInt(9) + "-" + rnd.nextInt(9) + ": new\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                case 2 -> out.writeBytes(("sshd[" + rnd.nextInt(99_999) + "]: Failed password for root from 10.0.0."
                        + rnd.nextInt(255)).getBytes(StandardCharsets.ISO_8859_1));
                case 3 -> out.write(rnd.nextInt(256));
                default -> out.write(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
        }
        byte[] b = out.toByteArray();
        return java.util.Arrays.copyOf(b, length);
    }
}
