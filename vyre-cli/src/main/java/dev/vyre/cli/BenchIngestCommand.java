package dev.vyre.cli;

import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.stream.HostCopyBench;
import dev.vyre.runtime.stream.ResidentBench;
import dev.vyre.runtime.stream.StreamBench;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.bench.IngestBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench ingest}: file ingest in GB/s. Reader rows ({@link IngestBench}: io_uring, io_uring with O_DIRECT,
 * FileChannel, mmap, each ending with the bytes in a pool buffer, single and with {@code --readers} threads), the
 * CUDA reference rates when CUDA is asked for ({@link HostCopyBench}: the pinned host-to-device copy rate and a
 * kernel reading mapped host memory), with CUDA the kernel-only rows ({@link ResidentBench}: each handler over a
 * resident mapped region, no files or readers), and end-to-end rows ({@link StreamBench}: files through a GpuStream
 * into megakernel slots whose handler checksums each chunk in place, checked against Java, each with its ratio to
 * the copy rate of the same run), one per backend, handler, chunk size and reader count ({@code --buffer} and
 * {@code --readers} take lists). Rows of one handler and chunk size must agree chunk by chunk (their digests).
 * Generates the files in a temporary directory unless {@code --dir} names some; long steps report progress on
 * stderr. Exits 2 when an end-to-end or kernel-only row could not run or did not verify, or backends disagree (after
 * printing and writing everything).
 */
@Command(name = "ingest", description = {"File ingest in GB/s: the readers alone, then files -> GpuStream ->",
        "megakernel slots whose handler checksums each chunk in place (verified against Java).",
        "On the CPU backend handlers run in the reference interpreter; 'nop' measures the",
        "pipeline alone and also runs on CUDA. With cuda, 'kernel only' rows run each handler",
        "over resident mapped memory without readers."})
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

    @Option(names = "--buffer", paramLabel = "LIST", split = ",", defaultValue = "256k",
            description = "Chunk and buffer size, with k, m or g; a list sweeps the end-to-end and kernel-only rows"
                    + " (the reader rows use the first) (default: ${DEFAULT-VALUE}).")
    List<String> buffer;

    @Option(names = "--buffers", paramLabel = "LIST", split = ",", defaultValue = "256",
            description = "Pool buffers; a list sweeps the end-to-end rows (the reader rows use the first) (default:"
                    + " ${DEFAULT-VALUE}).")
    List<Integer> buffers;

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
            description = "End-to-end handlers: wordsum, warpsum (the cooperative 32-lane word sum, 4-byte loads),"
                    + " warpvec4, warpvec8, warpvec16 (the same sum with 4, 8 or 16 16-byte loads per lane and round),"
                    + " fnv, nop (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--readers", paramLabel = "LIST", split = ",", description = "Reader threads of the parallel"
            + " reader rows and of the end-to-end stream; a list sweeps the end-to-end rows (the reader rows use the"
            + " first) (default: half the processors, at most 8).")
    List<Integer> readers;

    @Option(names = "--kernel-only", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With cuda: also run each handler over a resident data region without files or readers"
                    + " (the 'kernel only' rows; --no-kernel-only skips them).")
    boolean kernelOnly;

    @Option(names = "--kernel-region", paramLabel = "BYTES", defaultValue = "256m",
            description = "Kernel-only rows: the resident region the slots cycle through (default: ${DEFAULT-VALUE}).")
    String kernelRegion;

    @Option(names = "--h2d-transfer", paramLabel = "BYTES", defaultValue = "256m",
            description = "CUDA reference rates: bytes per pinned host-to-device copy (default: ${DEFAULT-VALUE}).")
    String h2dTransfer;

    @Option(names = "--h2d-streams", paramLabel = "N", defaultValue = "2",
            description = "CUDA reference rates: streams the copies are spread over (default: ${DEFAULT-VALUE}).")
    int h2dStreams;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0",
            description = "CUDA device of the reference rates; the CUDA backend's default device is 0 (default:"
                    + " ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--no-readers", description = "Skip the reader rows.")
    boolean noReaders;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON evidence to FILE.")
    Path json;

    /** The end-to-end target: at least this fraction of the pinned copy rate measured in the same run. */
    static final double TARGET_RATIO = 0.70;

    @Override
    public Integer call() {
        check();
        List<StreamBench.Handler> handlerList = handlers.stream().map(StreamBench.Handler::of).toList();
        List<BackendKind> backendList = backends.stream().map(BenchIngestCommand::backend).toList();
        List<Integer> chunks = buffer.stream().map(b -> (int) bytes(b, "--buffer")).toList();
        int chunk = chunks.getFirst();
        List<Integer> readerCounts = readers != null ? readers : List.of(ReaderOptions.defaultReaders());
        int readerThreads = readerCounts.getFirst();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = line -> {
            err.println(line);
            err.flush();
        };
        Path generated = null;
        try {
            Path files = dir;
            if (files == null) {
                generated = Files.createTempDirectory("vyre-bench-ingest");
                generate(generated, this.files, bytes(size, "--size"), progress);
                files = generated;
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("vyreVersion", VersionProvider.version());
            evidence.put("processors", Runtime.getRuntime().availableProcessors());
            evidence.put("readerThreads", readerThreads);
            if (!noReaders) {
                progress.accept("reader rows (every file read once first, so the page cache is warm)...");
                IngestBench.Report report = IngestBench.run(new IngestBench.Config(files, 0, 0, chunk, buffers.getFirst(),
                        depth, repeat, null, readerThreads));
                out.print(report.table());
                out.flush();
                evidence.put("readers", readerEvidence(report));
            }
            List<HostCopyBench.Rate> rates = List.of();
            if (backendList.contains(BackendKind.CUDA)) {
                progress.accept("CUDA reference rates...");
                rates = HostCopyBench.run(device, bytes(h2dTransfer, "--h2d-transfer"), h2dStreams, repeat);
                printRates(out, rates);
                evidence.put("referenceRates", rates.stream().map(BenchIngestCommand::rateEvidence).toList());
            }
            HostCopyBench.Rate h2d = rates.isEmpty() ? null : rates.getFirst();
            List<StreamBench.Row> kernelRows = List.of();
            if (kernelOnly && backendList.contains(BackendKind.CUDA)) {
                kernelRows = kernelOnly(out, progress, handlerList, chunks, files, h2d,
                        rates.size() > 1 ? rates.get(1) : null);
                evidence.put("kernelOnly", kernelRows.stream().map(r -> rowEvidence(r, h2d)).toList());
            }
            List<StreamBench.Row> rows = new ArrayList<>();
            out.printf(Locale.ROOT, "end to end: files -> GpuStream (%s reader threads) -> megakernel, chunks of %s"
                    + " KiB, %s buffers, overlap %d, best of %d after a verified pass%n", list(readerCounts),
                    list(chunks.stream().map(c -> c / 1024).toList()), list(buffers), overlap, repeat);
            out.printf(Locale.ROOT, "%-9s %-8s %-13s %5s %7s %7s %10s %8s %10s %8s %7s  %s%n", "handler",
                    "backend", "reader", "KiB", "readers", "buffers", "MiB", "chunks", "ms", "GB/s", "vs H2D",
                    "verified / note");
            for (BackendKind b : backendList) {
                for (StreamBench.Handler h : handlerList) {
                    for (Setting set : settings(chunks, readerCounts, buffers)) {
                        progress.accept("end to end: " + h.label() + " on " + b.name().toLowerCase(Locale.ROOT)
                                + ", " + set + "...");
                        ReaderOptions readerOptions = ReaderOptions.defaults().withQueueDepth(depth)
                                .withReaders(set.readers());
                        StreamBench.Row row = StreamBench.run(new StreamBench.Config(files, b, h, set.chunk(),
                                set.buffers(), overlap, slots, workers, readerOptions, repeat), progress);
                        rows.add(row);
                        printRow(out, row, h2d);
                    }
                }
            }
            List<String> disagreements = disagreements(rows);
            disagreements.forEach(d -> out.println("checksums DIFFER: " + d));
            List<Map<String, Object>> targets = targets(rows, h2d);
            for (Map<String, Object> t : targets) {
                out.printf(Locale.ROOT, "target: %s on %s (%s KiB chunks, %s readers, %s buffers) at least %.0f%% of"
                        + " the pinned H2D copy rate: %.2f, %s%n", t.get("handler"), t.get("backend"),
                        (Integer) t.get("chunkBytes") / 1024, t.get("readerThreads"), t.get("buffers"),
                        TARGET_RATIO * 100,
                        (Double) t.get("ratio"),
                        Boolean.TRUE.equals(t.get("met")) ? "met" : "MISSED");
            }
            evidence.put("endToEnd", rows.stream().map(r -> rowEvidence(r, h2d)).toList());
            evidence.put("checksumsAgreeAcrossBackends", disagreements.isEmpty());
            evidence.put("checksumDisagreements", disagreements);
            evidence.put("targets", targets);
            if (json != null) {
                write(json, evidence);
                out.println("evidence: " + json);
            }
            List<StreamBench.Row> all = new ArrayList<>(kernelRows);
            all.addAll(rows);
            long failed = all.stream().filter(r -> !r.verified()).count();
            if (failed > 0) {
                throw new CliException("bench ingest: " + failed + " of " + all.size() + " end-to-end and kernel-only"
                        + " rows did not run or verify; the first: " + all.stream().filter(r -> !r.verified())
                        .findFirst().orElseThrow().note(), "see the rows above" + (json != null ? " and " + json : ""));
            }
            if (!disagreements.isEmpty()) {
                throw new CliException("bench ingest: backends computed different chunk checksums: "
                        + disagreements.getFirst(), "compare the backends' handlers chunk by chunk (a GpuStream"
                        + " onChunk callback) on these files");
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

    /** One point of the end-to-end sweep: chunk size, reader threads asked for, pool buffers. */
    record Setting(int chunk, int readers, int buffers) {
        @Override
        public String toString() {
            return chunk / 1024 + " KiB chunks, " + readers + " readers, " + buffers + " buffers";
        }
    }

    /** Every combination of the lists, chunk size outermost, buffers innermost. */
    static List<Setting> settings(List<Integer> chunks, List<Integer> readerCounts, List<Integer> bufferCounts) {
        List<Setting> out = new ArrayList<>();
        for (int c : chunks) {
            for (int n : readerCounts) {
                for (int b : bufferCounts) {
                    out.add(new Setting(c, n, b));
                }
            }
        }
        return out;
    }

    private static void printRow(PrintWriter out, StreamBench.Row row, HostCopyBench.Rate h2d) {
        Double ratio = ratio(row, h2d);
        out.printf(Locale.ROOT, "%-9s %-8s %-13s %5d %7d %7d %10.1f %8d %10s %8s %7s  %s%n", row.handler(),
                row.backend(), row.reader(), row.chunkBytes() / 1024, row.readers(), row.buffers(),
                row.bytes() / 1048576.0,
                row.chunks(), row.nanos() > 0 ? String.format(Locale.ROOT, "%.1f", row.nanos() / 1e6) : "-",
                row.nanos() > 0 ? String.format(Locale.ROOT, "%.3f", row.gbPerSecond()) : "-",
                ratio != null ? String.format(Locale.ROOT, "%.2f", ratio) : "-", row.verified() ? "yes" : row.note());
        out.flush();
    }

    /**
     * The kernel-only rows: each handler (but fnv and wordsum) over a resident region on CUDA, per chunk size, as many
     * bytes per pass as the files hold; printed with their ratio to the copy rate and to the mapped-read kernel.
     */
    private List<StreamBench.Row> kernelOnly(PrintWriter out, Consumer<String> progress,
                                             List<StreamBench.Handler> handlerList, List<Integer> chunks, Path files,
                                             HostCopyBench.Rate h2d, HostCopyBench.Rate mappedRead)
            throws IOException {
        long passBytes;
        try (var walk = Files.walk(files)) {
            passBytes = walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        long region = bytes(kernelRegion, "--kernel-region");
        out.printf(Locale.ROOT, "kernel only: the handler over a resident region of %d MiB of pinned, mapped host"
                + " memory (no files, no readers), %.1f MiB per pass, best of %d after a verified pass%n",
                region >> 20, passBytes / 1048576.0, repeat);
        out.printf(Locale.ROOT, "%-9s %-8s %5s %10s %8s %8s %7s %9s  %s%n", "handler", "backend", "KiB", "MiB",
                "ms", "GB/s", "vs H2D", "vs mapped", "verified / note");
        List<StreamBench.Row> rows = new ArrayList<>();
        for (StreamBench.Handler h : handlerList) {
            if (h == StreamBench.Handler.FNV || h == StreamBench.Handler.WORD_SUM) {
                continue; // fnv sums no words; the one-lane wordsum reads about 0.06 GB/s on CUDA (minutes a pass)
            }
            for (int c : chunks) {
                progress.accept("kernel only: " + h.label() + ", " + c / 1024 + " KiB chunks...");
                long wholeRegion = Math.max(c, region / c * c);
                StreamBench.Row r = ResidentBench.run(new ResidentBench.Config(BackendKind.CUDA, h, c, wholeRegion,
                        Math.max(c, passBytes), slots, workers, repeat));
                rows.add(r);
                Double vsH2d = ratio(r, h2d);
                Double vsMapped = mappedRead == null || mappedRead.nanos() <= 0 || r.nanos() <= 0 ? null
                        : r.gbPerSecond() / mappedRead.gbPerSecond();
                out.printf(Locale.ROOT, "%-9s %-8s %5d %10.1f %8s %8s %7s %9s  %s%n", r.handler(), r.backend(),
                        c / 1024, r.bytes() / 1048576.0,
                        r.nanos() > 0 ? String.format(Locale.ROOT, "%.1f", r.nanos() / 1e6) : "-",
                        r.nanos() > 0 ? String.format(Locale.ROOT, "%.3f", r.gbPerSecond()) : "-",
                        vsH2d != null ? String.format(Locale.ROOT, "%.2f", vsH2d) : "-",
                        vsMapped != null ? String.format(Locale.ROOT, "%.2f", vsMapped) : "-",
                        r.verified() ? "yes" : r.note());
                out.flush();
            }
        }
        return rows;
    }

    private static String list(List<?> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static void printRates(PrintWriter out, List<HostCopyBench.Rate> rates) {
        out.printf(Locale.ROOT, "%-34s %10s %8s  %s%n", "CUDA reference", "MiB", "GB/s", "verified / note");
        for (HostCopyBench.Rate r : rates) {
            out.printf(Locale.ROOT, "%-34s %10.1f %8s  %s%n", r.measure(), r.bytes() / 1048576.0,
                    r.nanos() > 0 ? String.format(Locale.ROOT, "%.2f", r.gbPerSecond()) : "-",
                    r.verified() ? "yes" : r.note());
        }
        out.flush();
    }

    /** The row's rate over the pinned copy rate, or null when either was not measured. */
    static Double ratio(StreamBench.Row row, HostCopyBench.Rate h2d) {
        return h2d == null || h2d.nanos() <= 0 || row.nanos() <= 0 ? null : row.gbPerSecond() / h2d.gbPerSecond();
    }

    /**
     * For each handler measured and verified on more than one backend, whether the digests of their chunk results
     * agree; one line per handler that disagrees.
     */
    static List<String> disagreements(List<StreamBench.Row> rows) {
        Map<String, List<StreamBench.Row>> byHandler = new LinkedHashMap<>();
        rows.stream().filter(StreamBench.Row::verified).forEach(r -> byHandler.computeIfAbsent(r.handler()
                + (r.chunkBytes() > 0 ? " (" + r.chunkBytes() / 1024 + " KiB chunks)" : ""), k -> new ArrayList<>())
                .add(r));
        List<String> lines = new ArrayList<>();
        byHandler.forEach((handler, same) -> {
            if (same.stream().mapToLong(StreamBench.Row::digest).distinct().count() > 1) {
                lines.add(handler + ": " + String.join(", ", same.stream().map(r -> r.backend() + " digest "
                        + Long.toHexString(r.digest())).toList()));
            }
        });
        return lines;
    }

    /** The CUDA rows' target check: at least {@link #TARGET_RATIO} of the copy rate, verified. */
    static List<Map<String, Object>> targets(List<StreamBench.Row> rows, HostCopyBench.Rate h2d) {
        List<Map<String, Object>> targets = new ArrayList<>();
        for (StreamBench.Row r : rows) {
            Double ratio = ratio(r, h2d);
            if (!"cuda".equals(r.backend()) || ratio == null) {
                continue;
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("handler", r.handler());
            t.put("backend", r.backend());
            t.put("chunkBytes", r.chunkBytes());
            t.put("readerThreads", r.readers());
            t.put("buffers", r.buffers());
            t.put("target", "end-to-end GB/s at least " + TARGET_RATIO + " x the pinned H2D copy rate of this run,"
                    + " checksums verified");
            t.put("goal", TARGET_RATIO);
            t.put("ratio", ratio);
            t.put("met", r.verified() && ratio >= TARGET_RATIO);
            targets.add(t);
        }
        return targets;
    }

    private void check() {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CliException("bench ingest: --dir " + dir + " is not a directory", "name a directory of files");
        }
        positive("--files", files);
        buffers.forEach(n -> positive("--buffers", n));
        positive("--depth", depth);
        positive("--repeat", repeat);
        positive("--slots", slots);
        positive("--h2d-streams", h2dStreams);
        for (int n : readers != null ? readers : List.<Integer>of()) {
            if (n < 1 || n > ReaderOptions.MAX_READERS) {
                throw new CliException("bench ingest: --readers " + n + " is outside 1.." + ReaderOptions.MAX_READERS,
                        "pass e.g. --readers " + ReaderOptions.defaultReaders());
            }
        }
        long region = bytes(kernelRegion, "--kernel-region");
        if (region < 4096) {
            throw new CliException("bench ingest: --kernel-region " + kernelRegion + " is under 4 KiB",
                    "pass e.g. --kernel-region 256m");
        }
        long transfer = bytes(h2dTransfer, "--h2d-transfer");
        if (transfer < 4096 || transfer % 16 != 0) {
            throw new CliException("bench ingest: --h2d-transfer " + h2dTransfer + " is not a multiple of 16 bytes of"
                    + " at least 4 KiB", "pass e.g. --h2d-transfer 256m");
        }
        if (device < 0) {
            throw new CliException("bench ingest: --device " + device + " is negative", "pass a CUDA device ordinal");
        }
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

    /**
     * Writes {@code count} files of random bytes and flushes them to disk, so that write-back does not run while
     * the passes are timed; the pages stay in the page cache (the reader rows and the verified pass read every
     * file once more before anything is timed).
     */
    private static void generate(Path dir, int count, long size, Consumer<String> progress) throws IOException {
        progress.accept(String.format(Locale.ROOT, "generating %d files of %.1f MiB under %s...", count,
                size / 1048576.0, dir));
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        long lastLine = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(String.format(Locale.ROOT, "file-%04d", i));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long left = size; left > 0; left -= block.capacity()) {
                    random.nextBytes(block.array());
                    block.clear().limit((int) Math.min(block.capacity(), left));
                    while (block.hasRemaining()) {
                        ch.write(block);
                    }
                }
                ch.force(true);
            }
            if (System.nanoTime() - lastLine > 2_000_000_000L) {
                lastLine = System.nanoTime();
                progress.accept("  generated " + (i + 1) + " of " + count + " files");
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

    private static Map<String, Object> rateEvidence(HostCopyBench.Rate r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measure", r.measure());
        m.put("method", r.method());
        m.put("bytes", r.bytes());
        m.put("seconds", r.nanos() > 0 ? r.nanos() / 1e9 : null);
        m.put("gbPerSecond", r.nanos() > 0 ? r.gbPerSecond() : null);
        m.put("verified", r.verified());
        m.put("note", r.note());
        return m;
    }

    private static Map<String, Object> rowEvidence(StreamBench.Row r, HostCopyBench.Rate h2d) {
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
        m.put("readerThreads", r.readers());
        m.put("chunkBytes", r.chunkBytes());
        m.put("buffers", r.buffers());
        m.put("checksumDigest", Long.toHexString(r.digest()));
        m.put("h2dGbPerSecond", h2d != null && h2d.nanos() > 0 ? h2d.gbPerSecond() : null);
        m.put("ratioToH2d", ratio(r, h2d));
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
