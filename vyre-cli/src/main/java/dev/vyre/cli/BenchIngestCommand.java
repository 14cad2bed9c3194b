package dev.vyre.cli;

import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.stream.StreamBench;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.bench.IngestBench;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench ingest}: file ingest in GB/s. Reader rows ({@link IngestBench}: io_uring, io_uring with O_DIRECT,
 * FileChannel, mmap, each ending with the bytes in a pool buffer) and end-to-end rows ({@link StreamBench}: files
 * through a GpuStream into megakernel slots whose handler checksums each chunk in place, checked against Java).
 * Generates the files in a temporary directory unless {@code --dir} names some. Exits 2 when an end-to-end row
 * could not run or did not verify (after printing and writing everything).
 */
@Command(name = "ingest", description = {"File ingest in GB/s: the readers alone, then files -> GpuStream ->",
        "megakernel slots whose handler checksums each chunk in place (verified against Java).",
        "On the CPU backend handlers run in the reference interpreter; 'nop' measures the",
        "pipeline alone and also runs on CUDA."})
final class BenchIngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Read the files under DIR instead of generating some.")
    Path dir;

    @Option(names = "--files", paramLabel = "N", defaultValue = "8",
            description = "Files to generate (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32m",
            description = "Bytes per generated file, with k, m or g (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--buffer", paramLabel = "BYTES", defaultValue = "1m",
            description = "Chunk and buffer size, with k, m or g (default: ${DEFAULT-VALUE}).")
    String buffer;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "32",
            description = "Pool buffers (default: ${DEFAULT-VALUE}).")
    int buffers;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "32",
            description = "io_uring reads in flight (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Timed passes per row; the best is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--overlap", paramLabel = "BYTES", defaultValue = "0",
            description = "Bytes of the next chunk each end-to-end slot also names (default: ${DEFAULT-VALUE}).")
    int overlap;

    @Option(names = "--handlers", paramLabel = "LIST", split = ",", defaultValue = "wordsum,nop",
            description = "End-to-end handlers: wordsum, warpsum (the cooperative 32-lane word sum), fnv, nop"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> handlers;

    @Option(names = "--backends", paramLabel = "LIST", split = ",", defaultValue = "cpu",
            description = "End-to-end backends: cpu, cuda (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Megakernel workers (default: the backend's choice).")
    int workers;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "1024",
            description = "Megakernel ring slots (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--no-readers", description = "Skip the reader rows.")
    boolean noReaders;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON evidence to FILE.")
    Path json;

    @Override
    public Integer call() {
        check();
        List<StreamBench.Handler> handlerList = handlers.stream().map(StreamBench.Handler::of).toList();
        List<BackendKind> backendList = backends.stream().map(BenchIngestCommand::backend).toList();
        int chunk = (int) bytes(buffer, "--buffer");
        PrintWriter out = spec.commandLine().getOut();
        Path generated = null;
        try {
            Path files = dir;
            if (files == null) {
                generated = Files.createTempDirectory("vyre-bench-ingest");
                generate(generated, this.files, bytes(size, "--size"));
                files = generated;
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("vyreVersion", VersionProvider.version());
            if (!noReaders) {
                IngestBench.Report readers = IngestBench.run(new IngestBench.Config(files, 0, 0, chunk, buffers,
                        depth, repeat, null));
                out.print(readers.table());
                evidence.put("readers", readerEvidence(readers));
            }
            List<StreamBench.Row> rows = new ArrayList<>();
            out.printf(Locale.ROOT, "end to end: files -> GpuStream -> megakernel, chunks of %d KiB, %d buffers,"
                    + " overlap %d, best of %d%n", chunk / 1024, buffers, overlap, repeat);
            out.printf(Locale.ROOT, "%-8s %-8s %-13s %10s %8s %10s %8s  %s%n", "handler", "backend", "reader", "MiB",
                    "chunks", "ms", "GB/s", "verified / note");
            for (BackendKind b : backendList) {
                for (StreamBench.Handler h : handlerList) {
                    StreamBench.Row row = StreamBench.run(new StreamBench.Config(files, b, h, chunk, buffers, overlap,
                            slots, workers, ReaderOptions.defaults().withQueueDepth(depth), repeat));
                    rows.add(row);
                    out.printf(Locale.ROOT, "%-8s %-8s %-13s %10.1f %8d %10s %8s  %s%n", row.handler(),
                            row.backend(), row.reader(), row.bytes() / 1048576.0, row.chunks(),
                            row.nanos() > 0 ? String.format(Locale.ROOT, "%.1f", row.nanos() / 1e6) : "-",
                            row.nanos() > 0 ? String.format(Locale.ROOT, "%.3f", row.gbPerSecond()) : "-",
                            row.verified() ? "yes" : row.note());
                    out.flush();
                }
            }
            evidence.put("endToEnd", rows.stream().map(BenchIngestCommand::rowEvidence).toList());
            if (json != null) {
                write(json, evidence);
                out.println("evidence: " + json);
            }
            long failed = rows.stream().filter(r -> !r.verified()).count();
            if (failed > 0) {
                throw new CliException("bench ingest: " + failed + " of " + rows.size() + " end-to-end rows did not"
                        + " run or verify; the first: " + rows.stream().filter(r -> !r.verified()).findFirst()
                        .orElseThrow().note(), "see the rows above" + (json != null ? " and " + json : ""));
            }
            return 0;
        } catch (IOException e) {
            throw new CliException("bench ingest: " + e, "check that the files and the temporary directory are"
                    + " readable and writable", e);
        } finally {
            if (generated != null) {
                deleteTree(generated);
            }
        }
    }

    private void check() {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CliException("bench ingest: --dir " + dir + " is not a directory", "name a directory of files");
        }
        positive("--files", files);
        positive("--buffers", buffers);
        positive("--depth", depth);
        positive("--repeat", repeat);
        positive("--slots", slots);
        if (overlap < 0 || workers < 0) {
            throw new CliException("bench ingest: --overlap and --workers cannot be negative", "pass 0 or more");
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new CliException("bench ingest: " + option + " " + value + " is not positive", "pass 1 or more");
        }
    }

    private static BackendKind backend(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "cpu" -> BackendKind.CPU;
            case "cuda" -> BackendKind.CUDA;
            default -> throw new CliException("bench ingest: no backend '" + name + "'", "use cpu or cuda");
        };
    }

    /** {@code 32m} and the like: a count of bytes with an optional k, m or g (powers of 1024). */
    static long bytes(String text, String option) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (n < 1 || n > Integer.MAX_VALUE >> shift) {
                throw new NumberFormatException("out of range");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new CliException("bench ingest: " + option + " " + text + " is not a size from 1 byte to 2 GiB",
                    "write e.g. 4096, 64k, 1m or 1g");
        }
    }

    private static void generate(Path dir, int count, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < count; i++) {
            try (OutputStream o = Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "file-%04d", i)))) {
                for (long left = size; left > 0; left -= block.length) {
                    random.nextBytes(block);
                    o.write(block, 0, (int) Math.min(block.length, left));
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CliException("bench ingest: cannot delete the generated files under " + root + ": " + e,
                    "delete them by hand", e);
        }
    }

    private static Map<String, Object> readerEvidence(IngestBench.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", r.files());
        m.put("bytes", r.bytes());
        m.put("ioUring", r.uring());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (IngestBench.Row row : r.rows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("method", row.method());
            x.put("cache", row.cache());
            x.put("bytes", row.bytes());
            x.put("seconds", row.nanos() > 0 ? row.nanos() / 1e9 : null);
            x.put("gbPerSecond", row.nanos() > 0 ? row.gbPerSecond() : null);
            x.put("note", row.note());
            rows.add(x);
        }
        m.put("results", rows);
        m.put("notices", r.notices());
        return m;
    }

    private static Map<String, Object> rowEvidence(StreamBench.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handler", r.handler());
        m.put("backend", r.backend());
        m.put("reader", r.reader());
        m.put("bytes", r.bytes());
        m.put("chunks", r.chunks());
        m.put("seconds", r.nanos() > 0 ? r.nanos() / 1e9 : null);
        m.put("gbPerSecond", r.nanos() > 0 ? r.gbPerSecond() : null);
        m.put("verified", r.verified());
        m.put("note", r.note());
        return m;
    }

    private static void write(Path file, Map<String, Object> evidence) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, Json.write(evidence) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("bench ingest: cannot write the JSON evidence to " + file + ": " + e,
                    "pass a writable --json path", e);
        }
    }
}
