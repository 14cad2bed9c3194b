package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.testing.Props;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.uring.BufferPool;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Scans through the megakernel equal one-shot scans of the whole inputs, whatever the chunks, lanes and modes. */
class RingScannerTest {
    /** Patterns with anchors, flags, unbounded and bounded repeats, a shared id. */
    private static final List<PatternSpec> SET = List.of(
            PatternSpec.of(0, "ab+c"), PatternSpec.of(1, "x[^x]*y"), PatternSpec.of(2, "^a.", "m"),
            PatternSpec.of(3, "b$", "m"), PatternSpec.of(4, "[0-9]{2,3}"), PatternSpec.of(0, "cab"),
            PatternSpec.of(5, "ABC", "i"), PatternSpec.of(6, "y\\z"));

    /** Every result of one scan, indexed by file id. */
    static final class Collect implements ScanListener {
        final List<List<Match>> files = new ArrayList<>();
        final List<Integer> order = new ArrayList<>();
        final List<IngestFileException> failures = new ArrayList<>();
        long progress;

        @Override
        public void onFile(IngestFile file, List<Match> matches) {
            order.add(file.id());
            while (files.size() <= file.id()) {
                files.add(null);
            }
            files.set(file.id(), matches);
        }

        @Override
        public void onFailure(IngestFile file, IngestFileException error) {
            order.add(file.id());
            failures.add(error);
        }

        @Override
        public void onProgress(long bytes) {
            progress += bytes;
        }
    }

    static byte[] text(SplittableRandom rnd, int n) {
        String alphabet = "abcxyABC019\n";
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
        return b;
    }

    private static RingScanOptions randomOptions(SplittableRandom rnd) {
        RingScanOptions.Mode[] modes = RingScanOptions.Mode.values();
        return RingScanOptions.defaults().withMode(modes[rnd.nextInt(modes.length)]).withLanes(1 + rnd.nextInt(6))
                .withMinLaneBytes(1 + rnd.nextInt(16)).withQuantum(1 + rnd.nextInt(40)).withWarmup(rnd.nextInt(12))
                .withMatchCapacity(rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 4096)
                .withSliceBytes(1 + rnd.nextInt(2000));
    }

    private static final long[] WORK = new long[2];

    /** The megakernel of a scan of {@code automaton} on {@code backend}: its ring DFAs registered at bootstrap. */
    static Megakernel kernelFor(Function<MegakernelConfig, Megakernel> backend, CompiledAutomaton automaton) {
        return backend.apply(Kernels.small().withAutomata(RingScanner.ringAutomata(automaton)));
    }

    static Collect scan(CompiledAutomaton automaton, RingScanOptions options, List<byte[]> inputs, int bufferBytes) {
        return scan(Kernels::cpu, automaton, options, inputs, bufferBytes);
    }

    /** Scans {@code inputs} on a fresh megakernel from {@code backend}, chunk buffers in its shared memory. */
    static Collect scan(Function<MegakernelConfig, Megakernel> backend, CompiledAutomaton automaton,
            RingScanOptions options, List<byte[]> inputs, int bufferBytes) {
        Collect c = new Collect();
        try (Megakernel kernel = kernelFor(backend, automaton);
             RingScanner scanner = RingScanner.open(kernel, automaton, options);
             BufferPool pool = BufferPool.create(new SharedBufferAllocator(kernel), 8, bufferBytes)) {
            ScanReport r = scanner.scan(inputs.size(), ByteChunks.of(inputs, pool), c);
            assertEquals(inputs.size(), r.files());
            long total = inputs.stream().mapToLong(b -> b.length).sum();
            assertEquals(total, r.bytes());
            assertEquals(total, c.progress);
            WORK[0] += r.fixups();
            WORK[1] += r.overflowReruns();
            if (options.mode() == RingScanOptions.Mode.AUTO && total > 0) {
                assertTrue(!r.slices().isEmpty(), "AUTO measures at least one slice");
                r.slices().forEach(s -> assertTrue(s.evidence().isComplete(), s.toJson()));
            }
        }
        return c;
    }

    @Test
    void randomChunksLanesAndModesEqualOneShotScans() {
        {
            Props.forAll("ring scan parity", 60, (i, rnd) -> {
                CompiledAutomaton a = RegexCompiler.compile(SET, CompileOptions.defaults().withPrefilter(false)
                        .withMaxStates(rnd.nextInt(3) == 0 ? 2 : 65_536));
                List<byte[]> inputs = new ArrayList<>();
                for (int f = 0, n = 1 + rnd.nextInt(4); f < n; f++) {
                    inputs.add(text(rnd, rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(900)));
                }
                RingScanOptions o = randomOptions(rnd);
                Collect got = scan(a, o, inputs, 1 + rnd.nextInt(300));
                Scanner reference = new Scanner(a);
                for (int f = 0; f < inputs.size(); f++) {
                    assertEquals(reference.scan(inputs.get(f)), got.files.get(f), "file " + f + " with " + o);
                }
                assertEquals(java.util.stream.IntStream.range(0, inputs.size()).boxed().toList(), got.order);
            });
            assertTrue(WORK[0] > 0 && WORK[1] > 0, "fix-ups and overflow re-runs happened: " + WORK[0] + ", "
                    + WORK[1]);
        }
    }

    @Test
    void unanchoredPatternsAgreeWithTheRegexOracle() {
        List<String> patterns = List.of("ab+c", "x[^x]*y", "[0-9]{2,3}", "cab");
        List<Integer> ids = List.of(0, 1, 2, 0);
        List<PatternSpec> specs = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            specs.add(PatternSpec.of(ids.get(i), patterns.get(i)));
        }
        CompiledAutomaton a = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
        byte[] in = "xabbbcab 12 x345 y cabc 9y xx".repeat(30).getBytes(StandardCharsets.ISO_8859_1);
        {
            for (RingScanOptions.Mode mode : RingScanOptions.Mode.values()) {
                RingScanOptions o = RingScanOptions.defaults().withMode(mode).withLanes(4).withMinLaneBytes(8)
                        .withQuantum(16).withWarmup(3);
                assertEquals(RegexOracle.matches(patterns, ids, in), scan(a, o, List.of(in), 100).files
                        .getFirst(), mode.name());
            }
        }
    }

    @Test
    void aFailedFileIsReportedInOrderAndTheOthersScan() {
        CompiledAutomaton a = RegexCompiler.compile(SET, CompileOptions.defaults().withPrefilter(false));
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] first = text(rnd, 3000);
        byte[] third = text(rnd, 2000);
        IngestFile broken = new IngestFile(1, java.nio.file.Path.of("mem:broken"));
        IngestFileException error = IngestFileException.errno(broken, IngestFileException.Operation.READ, 512,
                dev.vyre.uring.LinuxErrno.EIO);
        try (Megakernel kernel = kernelFor(Kernels::cpu, a);
             RingScanner scanner = RingScanner.open(kernel, a, RingScanOptions.defaults().withLanes(3)
                     .withMinLaneBytes(32).withWarmup(16));
             BufferPool pool = BufferPool.offHeap(6, 512)) {
            Collect c = new Collect();
            ScanReport r = scanner.scan(3, sink -> {
                ByteChunks.of(List.of(first), pool).accept(sink);
                try {
                    dev.vyre.uring.BufferHandle h = pool.acquire();
                    sink.accept(new dev.vyre.uring.IngestEvent.Chunk(broken, 512, h.withLength(100)));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                sink.accept(new dev.vyre.uring.IngestEvent.FileFailed(broken, error));
                ByteChunks.of(List.of(new byte[0], new byte[0], third), pool).accept(e -> {
                    if (e.file().id() == 2) {
                        sink.accept(e);
                    }
                });
            }, c);
            assertEquals(List.of(0, 1, 2), c.order);
            assertEquals(List.of(error), c.failures);
            assertEquals(new Scanner(a).scan(first), c.files.get(0));
            assertEquals(new Scanner(a).scan(third), c.files.get(2));
            assertEquals(1, r.failedFiles());
        }
    }

    @Test
    void autoModeRecordsEvidencePerSlice() {
        CompiledAutomaton a = RegexCompiler.compile(SET, CompileOptions.defaults().withPrefilter(false));
        byte[] in = text(new SplittableRandom(7), 20_000);
        try (Megakernel kernel = kernelFor(Kernels::cpu, a);
             RingScanner scanner = RingScanner.open(kernel, a, RingScanOptions.defaults().withLanes(4)
                     .withMinLaneBytes(64).withWarmup(32).withSliceBytes(4096));
             BufferPool pool = BufferPool.offHeap(4, 1024)) {
            Collect c = new Collect();
            ScanReport r = scanner.scan(1, ByteChunks.of(List.of(in), pool), c);
            assertEquals(new Scanner(a).scan(in), c.files.getFirst());
            assertTrue(r.slices().size() >= 4, "a slice every 4 KiB: " + r.slices().size());
            for (SliceEvidence s : r.slices()) {
                assertTrue(s.evidence().isComplete());
                assertEquals(4 * a.engines(Engine.Kind.DFA).size(), s.evidence().worklistDepth(),
                        "4 lanes of 256 bytes per 1 KiB chunk, per DFA");
                assertTrue(s.evidence().blockingActiveTimeNs() > 0 && s.evidence().nonblockingActiveTimeNs() > 0);
                assertEquals(s.evidence().selectedMode().label(), s.toJson().contains("\"mode_run\":\"non_blocking\"")
                        ? "non_blocking" : "blocking");
            }
            assertEquals(in.length, r.blockingBytes() + r.nonBlockingBytes());
        }
    }
}
