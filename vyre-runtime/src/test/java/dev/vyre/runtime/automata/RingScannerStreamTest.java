package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.GpuStream;
import dev.vyre.uring.BufferPool;
import dev.vyre.uring.ChunkReader;
import dev.vyre.uring.ChunkReaders;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import dev.vyre.uring.IngestSources;
import dev.vyre.uring.ReaderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RingScanner#scanPaths} takes its chunks from a {@link GpuStream} (io_uring into the pool in the data
 * region): the same matches, failures and order as the ChunkReader path it replaced, on a tree with a dangling link,
 * a missing root, an empty file, a directory given as a file and a file that vanished before it was read.
 */
class RingScannerStreamTest {
    private static final int CHUNK = 4096;
    private static final int BUFFERS = 4;
    private static final List<PatternSpec> SET = List.of(PatternSpec.of(0, "ab+c"), PatternSpec.of(1, "^x[0-9]+",
            "m"), PatternSpec.of(2, "y\\z"));

    private static Megakernel kernel(CompiledAutomaton a) {
        return Kernels.cpu(Kernels.small().withAutomata(RingScanner.ringAutomata(a))
                .withDataBytes(GpuStream.dataBytes(BUFFERS, CHUNK)));
    }

    private static GpuStream stream(Megakernel k) {
        return GpuStream.builder(k).opcode(Opcodes.DFA_STEP).chunkSize(CHUNK).buffers(BUFFERS).build();
    }

    @Test
    void gpuStreamPathEqualsTheChunkReaderPathWithMissingAndUnreadableFiles(@TempDir Path dir) throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        Path root = Files.createDirectories(dir.resolve("tree"));
        List<Path> written = new ArrayList<>();
        for (String name : List.of("a.log", "c/d.log", "c/e.log", "f.log")) {
            Path p = root.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, RingScannerTest.text(rnd, name.startsWith("c/e") ? 0 : 1 + rnd.nextInt(5 * CHUNK)));
            written.add(p);
        }
        Files.createSymbolicLink(root.resolve("b-dangling"), root.resolve("nowhere"));
        List<Path> roots = List.of(root, dir.resolve("missing"), written.get(3));
        CompiledAutomaton a = RegexCompiler.compile(SET, CompileOptions.defaults().withPrefilter(false));
        RingScanOptions options = RingScanOptions.defaults().withLanes(3).withMinLaneBytes(64).withWarmup(16)
                .withSliceBytes(CHUNK * 2L);

        RingScannerTest.Collect viaStream = new RingScannerTest.Collect();
        try (Megakernel k = kernel(a); RingScanner scanner = RingScanner.open(k, a, options);
             GpuStream stream = stream(k)) {
            ScanReport r = scanner.scanPaths(stream, roots, viaStream);
            assertEquals(2, r.failedFiles(), "the dangling link and the missing root");
            assertEquals(BUFFERS, stream.pool().available(), "every buffer is back");
        }
        RingScannerTest.Collect viaReader = new RingScannerTest.Collect();
        IngestSources.Expansion x = IngestSources.expand(roots);
        try (Megakernel k = kernel(a); RingScanner scanner = RingScanner.open(k, a, options);
             BufferPool pool = BufferPool.create(new SharedBufferAllocator(k), BUFFERS, CHUNK);
             ChunkReader reader = ChunkReaders.open(pool, ReaderOptions.defaults())) {
            scanner.scan(x.files().size() + x.failures().size(), sink -> {
                x.failures().forEach(sink::accept);
                reader.read(x.files(), sink);
            }, viaReader);
        }
        assertEquals(viaReader.order, viaStream.order);
        assertEquals(viaReader.files, viaStream.files);
        assertEquals(viaReader.failures.stream().map(IngestFileException::file).toList(),
                viaStream.failures.stream().map(IngestFileException::file).toList());
        assertEquals(x.files().size() + x.failures().size(), viaStream.order.size());
        for (IngestFile f : x.files()) {
            assertEquals(new Scanner(a).scan(Files.readAllBytes(f.path())), viaStream.files.get(f.id()), f.toString());
        }
        assertTrue(viaStream.failures.stream().anyMatch(e -> e.getMessage().contains("b-dangling")));
        assertTrue(viaStream.failures.stream().anyMatch(e -> e.getMessage().contains("missing")));
    }

    @Test
    void filesThatFailWhileReadAreReportedAndTheOthersScanned(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.log");
        byte[] bytes = RingScannerTest.text(new SplittableRandom(5), 3 * CHUNK + 17);
        Files.write(good, bytes);
        Path gone = dir.resolve("gone.log");
        List<IngestFile> files = List.of(new IngestFile(0, gone), new IngestFile(1, dir), new IngestFile(2, good));
        CompiledAutomaton a = RegexCompiler.compile(SET, CompileOptions.defaults().withPrefilter(false));
        RingScannerTest.Collect c = new RingScannerTest.Collect();
        try (Megakernel k = kernel(a); RingScanner scanner = RingScanner.open(k, a, RingScanOptions.defaults()
                .withLanes(2).withMinLaneBytes(64)); GpuStream stream = stream(k)) {
            ScanReport r = scanner.scan(files.size(), sink -> stream.feed(files, List.of(), sink), c);
            assertEquals(2, r.failedFiles(), "a vanished file and a directory");
            assertEquals(bytes.length, r.bytes());
        }
        assertEquals(List.of(0, 1, 2), c.order);
        assertEquals(List.of(gone, dir), c.failures.stream().map(e -> e.file().path()).toList());
        assertEquals(new Scanner(a).scan(bytes), c.files.get(2));
    }
}
