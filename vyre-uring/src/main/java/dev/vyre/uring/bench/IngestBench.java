package dev.vyre.uring.bench;

import dev.vyre.uring.BufferHandle;
import dev.vyre.uring.BufferPool;
import dev.vyre.uring.ChunkReader;
import dev.vyre.uring.ChunkReaders;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestException;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestSources;
import dev.vyre.uring.Notices;
import dev.vyre.uring.ReadSummary;
import dev.vyre.uring.ReaderKind;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.UringProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Read throughput of the ways vyre can bring file bytes into its buffers, over the same files: io_uring
 * (page cache warm), io_uring with O_DIRECT (page cache bypassed: the device's speed), positional FileChannel
 * reads (warm) and memory-mapped files copied into the buffers (warm); io_uring, FileChannel and mmap also with
 * {@code N} readers in parallel ({@code x N} rows: what the host can deliver with several cores). Every method ends with the bytes in a
 * {@link BufferPool} buffer, as the GPU would need them; the consumer releases each buffer at once.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp ... dev.vyre.uring.bench.IngestBench [options]};
 * {@code --help} lists the options. It prints a table and, with {@code --json FILE}, writes the same as JSON.
 * {@link #run(Config)} is the entry point for {@code vyre bench ingest}.
 */
public final class IngestBench {
    private IngestBench() {
    }

    /**
     * What to measure.
     *
     * @param dir        existing files to read (walked recursively), or null to generate {@code files} files of
     *                   {@code fileSize} random bytes in a temporary directory (deleted afterwards)
     * @param files      how many files to generate
     * @param fileSize   bytes per generated file
     * @param bufferSize bytes per pool buffer (a multiple of 4096 for O_DIRECT)
     * @param buffers    pool buffers
     * @param queueDepth io_uring requests in flight
     * @param repeat     passes per method; the best is reported
     * @param json       where to write the JSON report, or null
     * @param readers    readers of the parallel rows ({@code x N}: io_uring, FileChannel and mmap on N threads over
     *                   one pool); 1 leaves the parallel rows out
     */
    public record Config(Path dir, int files, long fileSize, int bufferSize, int buffers, int queueDepth,
            int repeat, Path json, int readers) {

        /**
         * 8 generated files of 32 MiB, 32 buffers of 1 MiB, 32 in flight, best of 3, no JSON,
         * {@link ReaderOptions#defaultReaders()} parallel readers.
         */
        public static Config defaults() {
            return new Config(null, 8, 32L << 20, 1 << 20, 32, 32, 3, null, ReaderOptions.defaultReaders());
        }
    }

    /**
     * One measured method.
     *
     * @param method how the bytes were read
     * @param cache  the page cache's state: warm, or bypassed (O_DIRECT)
     * @param bytes  bytes read per pass
     * @param nanos  the best pass's wall time, or -1 when the method could not run
     * @param note   why it could not run, or what it fell back to; empty when nothing to say
     */
    public record Row(String method, String cache, long bytes, long nanos, String note) {
        /** Decimal gigabytes per second, or 0 when not measured. */
        public double gbPerSecond() {
            return nanos > 0 ? bytes / (double) nanos : 0;
        }
    }

    /**
     * The measurements.
     *
     * @param files   files read
     * @param bytes   their total size
     * @param uring   the io_uring probe's verdict ("available" or the reason)
     * @param rows    one row per method
     * @param notices what the readers said (fallbacks, O_DIRECT refused)
     */
    public record Report(Config config, int files, long bytes, String uring, List<Row> rows, List<String> notices) {

        /** A fixed-width table for a terminal. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "ingest: %d files, %.1f MiB, buffers %d x %d KiB, depth %d, best of %d%n",
                    files, bytes / 1048576.0, config.buffers(), config.bufferSize() / 1024, config.queueDepth(),
                    config.repeat()));
            sb.append("io_uring: ").append(uring).append('\n');
            sb.append(String.format(Locale.ROOT, "%-24s %-20s %10s %10s  %s%n", "method", "page cache", "ms", "GB/s",
                    "note"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-24s %-20s %10s %10s  %s%n", r.method(), r.cache(),
                        r.nanos() > 0 ? String.format(Locale.ROOT, "%.1f", r.nanos() / 1e6) : "-",
                        r.nanos() > 0 ? String.format(Locale.ROOT, "%.2f", r.gbPerSecond()) : "-", r.note()));
            }
            for (String n : notices) {
                sb.append("notice: ").append(n).append('\n');
            }
            return sb.toString();
        }

        /** The report as a JSON object. */
        public String json() {
            StringBuilder sb = new StringBuilder("{\n");
            sb.append("  \"files\": ").append(files).append(",\n");
            sb.append("  \"bytes\": ").append(bytes).append(",\n");
            sb.append("  \"bufferBytes\": ").append(config.bufferSize()).append(",\n");
            sb.append("  \"buffers\": ").append(config.buffers()).append(",\n");
            sb.append("  \"queueDepth\": ").append(config.queueDepth()).append(",\n");
            sb.append("  \"repeat\": ").append(config.repeat()).append(",\n");
            sb.append("  \"readers\": ").append(config.readers()).append(",\n");
            sb.append("  \"ioUring\": ").append(quote(uring)).append(",\n");
            sb.append("  \"results\": [\n");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                sb.append("    {\"method\": ").append(quote(r.method()))
                        .append(", \"cache\": ").append(quote(r.cache()))
                        .append(", \"bytes\": ").append(r.bytes())
                        .append(", \"seconds\": ").append(r.nanos() > 0 ? String.format(Locale.ROOT, "%.6f",
                                r.nanos() / 1e9) : "null")
                        .append(", \"gbPerSecond\": ").append(r.nanos() > 0 ? String.format(Locale.ROOT, "%.4f",
                                r.gbPerSecond()) : "null")
                        .append(", \"note\": ").append(quote(r.note())).append('}')
                        .append(i + 1 < rows.size() ? ",\n" : "\n");
            }
            sb.append("  ],\n  \"notices\": [");
            for (int i = 0; i < notices.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(quote(notices.get(i)));
            }
            return sb.append("]\n}\n").toString();
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Measures every method over the configured files. */
    public static Report run(Config config) throws IOException {
        Path generated = null;
        try {
            Path dir = config.dir();
            if (dir == null) {
                generated = Files.createTempDirectory("vyre-ingest-bench");
                generate(generated, config.files(), config.fileSize());
                dir = generated;
            }
            return measure(config, dir);
        } finally {
            if (generated != null) {
                deleteTree(generated);
            }
        }
    }

    private static Report measure(Config config, Path dir) throws IOException {
        IngestSources.Expansion expansion = IngestSources.expand(List.of(dir));
        List<IngestFile> files = expansion.files();
        long bytes = 0;
        for (IngestFile f : files) {
            bytes += Files.size(f.path());
        }
        UringProbe probe = UringProbe.run();
        List<String> notices = new ArrayList<>();
        Notices said = Notices.to(notices::add);
        List<Row> rows = new ArrayList<>();
        ReaderOptions base = ReaderOptions.defaults().withQueueDepth(config.queueDepth()).withReaders(1);
        try (BufferPool pool = BufferPool.offHeap(config.buffers(), config.bufferSize())) {
            // warm the page cache: every file read once before anything is timed
            readAll(pool, base.withMode(ReaderOptions.Mode.FILE_CHANNEL).withReaders(config.readers()), said, files);
            ReaderOptions uring = base.withMode(ReaderOptions.Mode.URING);
            ReaderOptions channel = base.withMode(ReaderOptions.Mode.FILE_CHANNEL);
            int parallel = ChunkReaders.readers(base.withReaders(config.readers()), pool);
            rows.add(readerRow("io_uring", "warm", pool, uring, said, files, bytes, config.repeat(), probe));
            if (parallel > 1) {
                rows.add(readerRow("io_uring x " + parallel, "warm", pool, uring.withReaders(parallel), said, files,
                        bytes, config.repeat(), probe));
            }
            int before = notices.size();
            Row direct = readerRow("io_uring O_DIRECT", "bypassed (O_DIRECT)", pool, uring.withDirectIo(true), said,
                    files, bytes, config.repeat(), probe);
            if (notices.subList(before, notices.size()).stream().anyMatch(n -> n.contains("O_DIRECT"))) {
                direct = new Row(direct.method(), "warm (O_DIRECT refused)", bytes, direct.nanos(),
                        "read buffered, see notices");
            }
            rows.add(direct);
            rows.add(readerRow("FileChannel", "warm", pool, channel, said, files, bytes, config.repeat(), probe));
            if (parallel > 1) {
                rows.add(readerRow("FileChannel x " + parallel, "warm", pool, channel.withReaders(parallel), said,
                        files, bytes, config.repeat(), probe));
            }
            rows.add(mmapRow(pool, files, bytes, 1, config.repeat()));
            if (parallel > 1) {
                rows.add(mmapRow(pool, files, bytes, parallel, config.repeat()));
            }
        }
        return new Report(config, files.size(), bytes,
                probe.available() ? "available, features " + probe.features() : probe.reason(), rows, notices);
    }

    private static Row mmapRow(BufferPool pool, List<IngestFile> files, long bytes, int threads, int repeat) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            mmapAll(pool, files, threads);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return new Row(threads == 1 ? "mmap + copy" : "mmap + copy x " + threads, "warm", bytes, best, "");
    }

    private static Row readerRow(String method, String cache, BufferPool pool, ReaderOptions options,
            Notices notices, List<IngestFile> files, long bytes, int repeat, UringProbe probe) {
        ReaderKind expected = options.mode() == ReaderOptions.Mode.FILE_CHANNEL
                ? ReaderKind.FILE_CHANNEL : ReaderKind.IO_URING;
        if (expected == ReaderKind.IO_URING && !probe.available()) {
            return new Row(method, cache, bytes, -1, "io_uring unavailable");
        }
        long best = Long.MAX_VALUE;
        String note = "";
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            ReaderKind kind = readAll(pool, options, notices, files);
            best = Math.min(best, System.nanoTime() - t0);
            if (kind != expected) {
                note = "read with " + kind + " (-D" + ChunkReaders.MODE_PROPERTY + " forces it)";
            }
        }
        return new Row(method, cache, bytes, best, note);
    }

    private static ReaderKind readAll(BufferPool pool, ReaderOptions options, Notices notices,
            List<IngestFile> files) {
        try (ChunkReader reader = ChunkReaders.open(pool, options, notices, UringProbe::run)) {
            ReadSummary summary = reader.read(files, event -> {
                if (event instanceof IngestEvent.Chunk c) {
                    c.release();
                } else if (event instanceof IngestEvent.FileFailed f) {
                    throw f.error();
                }
            });
            if (summary.failed() != 0) {
                throw new IllegalStateException(summary.failed() + " files failed");
            }
            return reader.kind();
        }
    }

    /**
     * Maps each file and copies it, buffer by buffer, into the pool; {@code threads} threads take whole files from
     * the shared list (the calling thread is one of them).
     */
    private static void mmapAll(BufferPool pool, List<IngestFile> files, int threads) {
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Runnable work = () -> {
            try {
                for (int i = next.getAndIncrement(); i < files.size() && failures.isEmpty();
                        i = next.getAndIncrement()) {
                    mmapFile(pool, files.get(i));
                }
            } catch (RuntimeException | Error e) {
                failures.add(e);
            }
        };
        List<Thread> started = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            started.add(Thread.ofPlatform().daemon().name("vyre-mmap-" + t).start(work));
        }
        work.run();
        for (Thread t : started) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestException("interrupted while the mmap threads copied",
                        "interrupt the benchmark only to stop it");
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.getFirst();
            if (first instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) first;
        }
    }

    private static void mmapFile(BufferPool pool, IngestFile f) {
        try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            for (long offset = 0; offset < size; offset += pool.bufferSize()) {
                int n = (int) Math.min(pool.bufferSize(), size - offset);
                BufferHandle b = pool.acquire();
                MemorySegment.copy(mapped, offset, b.segment(), 0, n);
                b.withLength(n).release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("interrupted while waiting for a buffer to copy " + f + " into",
                    "interrupt the benchmark only to stop it");
        }
    }

    private static void generate(Path dir, int files, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < files; i++) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "f%05d", i)))) {
                for (long left = size; left > 0; left -= block.length) {
                    random.nextBytes(block);
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final String USAGE = """
            usage: IngestBench [--dir DIR | --files N --size BYTES] [--buffer BYTES] [--buffers N] [--depth N]
                               [--repeat N] [--readers N] [--json FILE]
              --dir DIR       read the files under DIR instead of generating some
              --files N       files to generate (default 8)
              --size BYTES    bytes per generated file, suffixes k, m, g (default 32m)
              --buffer BYTES  bytes per buffer (default 1m)
              --buffers N     buffers in the pool (default 32)
              --depth N       io_uring requests in flight (default 32)
              --repeat N      passes per method, best reported (default 3)
              --readers N     threads of the parallel rows, 1 leaves them out (default: half the processors, <= 8)
              --json FILE     also write the report as JSON
            """;

    /** Parses command-line options into a {@link Config}; throws IllegalArgumentException on bad input. */
    static Config parse(String[] args) {
        Config c = Config.defaults();
        Path dir = c.dir();
        int files = c.files();
        long size = c.fileSize();
        int buffer = c.bufferSize();
        int buffers = c.buffers();
        int depth = c.queueDepth();
        int repeat = c.repeat();
        Path json = c.json();
        int readers = c.readers();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--dir" -> dir = Path.of(value);
                case "--files" -> files = Math.toIntExact(bytes(value));
                case "--size" -> size = bytes(value);
                case "--buffer" -> buffer = Math.toIntExact(bytes(value));
                case "--buffers" -> buffers = Math.toIntExact(bytes(value));
                case "--depth" -> depth = Math.toIntExact(bytes(value));
                case "--repeat" -> repeat = Math.toIntExact(bytes(value));
                case "--readers" -> readers = Math.toIntExact(bytes(value));
                case "--json" -> json = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (files < 1 || size < 0 || repeat < 1 || readers < 1 || readers > ReaderOptions.MAX_READERS) {
            throw new IllegalArgumentException("--files and --repeat must be at least 1, --size at least 0,"
                    + " --readers 1 to " + ReaderOptions.MAX_READERS);
        }
        return new Config(dir, files, size, buffer, buffers, depth, repeat, json, readers);
    }

    /** A byte count with an optional k, m or g suffix (powers of 1024). */
    static long bytes(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1L << 10;
        } else if (t.endsWith("m")) {
            unit = 1L << 20;
        } else if (t.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a byte count: " + text);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        Config config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Report report = run(config);
        System.out.print(report.table());
        if (config.json() != null) {
            Files.writeString(config.json(), report.json());
            System.out.println("wrote " + config.json());
        }
    }
}
