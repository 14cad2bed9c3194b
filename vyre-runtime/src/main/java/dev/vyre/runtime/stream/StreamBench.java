package dev.vyre.runtime.stream;

import dev.vyre.core.VyreException;
import dev.vyre.ir.Program;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.uring.ChunkReaders;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestSources;
import dev.vyre.uring.Notices;
import dev.vyre.uring.ReaderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The end-to-end ingest benchmark: files -> {@link GpuStream} -> megakernel slots whose handler checksums each
 * chunk in place, in GB/s of file bytes; the checksums are then checked against Java's over the same files. The
 * handler is {@link Handler#WORD_SUM} (four bytes per step), one of the cooperative warp sums of the same words
 * ({@link Handler#WARP_SUM}, {@link Handler#WARP_VEC4}, {@link Handler#WARP_VEC8}, {@link Handler#WARP_VEC16}),
 * {@link Handler#FNV} (one byte per step, overlap included) or {@link Handler#NOP} (the built-in NOP: the pipeline without a handler, which also runs on a backend
 * without user handlers). On the CPU backend the handlers run in the reference interpreter, which bounds the rate.
 */
public final class StreamBench {
    private static final int HANDLER_OPCODE = 0x5000;

    private StreamBench() {
    }

    /** What each chunk slot does. */
    public enum Handler {
        /** The built-in NOP: the slot names the chunk, nothing reads it. */
        NOP(0),
        /** {@link ChunkHandlers#wordSum()}. */
        WORD_SUM(0),
        /** {@link ChunkHandlers#warpWordSum()}: the same sum by a cooperative (32-lane) handler, 4-byte loads. */
        WARP_SUM(0),
        /** {@link ChunkHandlers#warpVectorSum(int)} with 4 vector (16-byte) loads per lane and round. */
        WARP_VEC4(4),
        /** {@link ChunkHandlers#warpVectorSum(int)} with {@value ChunkHandlers#WARP_VEC_GROUPS} vector loads. */
        WARP_VEC8(ChunkHandlers.WARP_VEC_GROUPS),
        /** {@link ChunkHandlers#warpVectorSum(int)} with 16 vector loads per lane and round. */
        WARP_VEC16(ChunkHandlers.MAX_WARP_VEC_GROUPS),
        /** {@link ChunkHandlers#fnv1a()}. */
        FNV(0);

        private final int vectorGroups;

        Handler(int vectorGroups) {
            this.vectorGroups = vectorGroups;
        }

        /**
         * The name on the command line and in reports: {@code nop}, {@code wordsum}, {@code warpsum},
         * {@code warpvec4}, {@code warpvec8}, {@code warpvec16}, {@code fnv}.
         */
        public String label() {
            return name().replace("_", "").toLowerCase(Locale.ROOT);
        }

        /** The handler program, or null for {@link #NOP} (the built-in opcode). */
        public Program program() {
            return switch (this) {
                case NOP -> null;
                case WORD_SUM -> ChunkHandlers.wordSum();
                case WARP_SUM -> ChunkHandlers.warpWordSum();
                case WARP_VEC4, WARP_VEC8, WARP_VEC16 -> ChunkHandlers.warpVectorSum(vectorGroups);
                case FNV -> ChunkHandlers.fnv1a();
            };
        }

        /** Whether the result is the word sum of {@link ChunkHandlers#wordSum()} (every handler but NOP and FNV). */
        boolean sumsWords() {
            return this != NOP && this != FNV;
        }

        /** The handler named {@code label} (as {@link #label()}). */
        public static Handler of(String label) {
            for (Handler h : values()) {
                if (h.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
                    return h;
                }
            }
            throw new GpuStreamException("no ingest handler '" + label + "'",
                    "use nop, wordsum, warpsum, warpvec4, warpvec8, warpvec16 or fnv");
        }
    }

    /**
     * One end-to-end configuration.
     *
     * @param dir       the files (walked recursively)
     * @param backend   the megakernel's backend
     * @param handler   what each slot does
     * @param chunkSize bytes per chunk and buffer
     * @param buffers   pool buffers
     * @param overlap   overlap bytes per chunk
     * @param slots     ring slots
     * @param workers   workers (0: the backend's default)
     * @param reader    reader options (mode, queue depth, parallel readers)
     * @param repeat    timed passes; the best is reported
     */
    public record Config(Path dir, BackendKind backend, Handler handler, int chunkSize, int buffers, int overlap,
                         int slots, int workers, ReaderOptions reader, int repeat) {
    }

    /** How often (at most) a long pass reports its progress. */
    static final long PROGRESS_NANOS = 2_000_000_000L;

    /**
     * One measured configuration.
     *
     * @param handler  the handler's label
     * @param backend  the backend's name
     * @param reader   the reader that read the files ({@code IO_URING} or {@code FILE_CHANNEL})
     * @param bytes    file bytes per pass
     * @param chunks   chunk slots per pass
     * @param nanos    the best pass's wall time (files opened to last slot finished), -1 when it could not run
     * @param verified every chunk's result equals Java's computation over the file (NOP: every byte was named
     *                 once), and every timed pass gave the same results; false when not measured
     * @param note     why it could not run or what failed to verify; empty otherwise
     * @param readers  reader threads that read the files
     * @param digest   an order-independent digest of every chunk's (file id, file offset, result words 0 and 1):
     *                 equal digests over the same files mean equal checksums chunk by chunk (two backends compare
     *                 theirs); 0 when not measured
     * @param chunkBytes the chunk (and buffer) size
     * @param buffers    the stream's pool buffers (0 where no stream ran: the kernel-only rows)
     */
    public record Row(String handler, String backend, String reader, long bytes, long chunks, long nanos,
                      boolean verified, String note, int readers, long digest, int chunkBytes, int buffers) {
        /** File bytes per nanosecond: GB/s (10^9 bytes); 0 when not measured. */
        public double gbPerSecond() {
            return nanos > 0 ? bytes / (double) nanos : 0;
        }
    }

    /**
     * Runs {@code config}: one untimed pass (which is verified, and warms what the timed passes read), then
     * {@code repeat} timed passes, each of which must give the same digest. A failure to bootstrap or stream becomes
     * a row with a note instead of an exception. {@code log} gets a line every {@value #PROGRESS_NANOS} ns or so while
     * a pass runs (for a terminal's stderr), and nothing for a short pass.
     */
    public static Row run(Config config, Consumer<String> log) {
        String backend = config.backend().name().toLowerCase(Locale.ROOT);
        List<IngestFile> files = IngestSources.expand(List.of(config.dir())).files();
        int opcode = config.handler() == Handler.NOP ? Opcodes.NOP : HANDLER_OPCODE;
        MegakernelConfig mk = MegakernelConfig.defaults().withSlots(config.slots()).withWorkers(config.workers())
                .withHandlerStepBudget(0xFFFF_FFFFL).withDrainTimeout(Duration.ofMinutes(5))
                .withDataBytes(GpuStream.dataBytes(config.buffers(), config.chunkSize()));
        Program handler = config.handler().program();
        if (handler != null) {
            mk = mk.withHandler(HANDLER_OPCODE, handler);
        }
        Pass pass = new Pass(log, config.handler().label());
        try (Megakernel kernel = Megakernel.bootstrap(config.backend(), mk);
             GpuStream stream = GpuStream.builder(kernel).opcode(opcode).chunkSize(config.chunkSize())
                     .buffers(config.buffers()).overlap(config.overlap()).readerOptions(config.reader())
                     .notices(Notices.to(message -> { })).onChunk(pass::chunk).onProgress(pass::progress).build()) {
            backend = kernel.backendName();
            int readers = ChunkReaders.readers(config.reader(), stream.pool());
            pass.start(backend + " verify pass", true);
            StreamReport first = stream.streamFiles(files);
            long digest = pass.digest();
            String problem;
            try {
                problem = verify(config.handler(), first, pass.results());
            } catch (UncheckedIOException e) {
                problem = "cannot read the files back to verify: " + e.getCause();
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < config.repeat(); i++) {
                pass.start(backend + " timed pass " + (i + 1) + " of " + config.repeat(), false);
                best = Math.min(best, stream.streamFiles(files).elapsed().toNanos());
                if (pass.digest() != digest && problem.isEmpty()) {
                    problem = "timed pass " + (i + 1) + " gave other chunk results than the verified pass (digest "
                            + Long.toHexString(pass.digest()) + ", verified " + Long.toHexString(digest) + ")";
                }
            }
            return new Row(config.handler().label(), backend, stream.readerKind().name(), first.bytes(),
                    first.chunks(), best, problem.isEmpty(), problem, readers, digest, config.chunkSize(),
                    config.buffers());
        } catch (VyreException e) {
            return new Row(config.handler().label(), backend, "-", 0, 0, -1, false, e.getMessage(), 0, 0,
                    config.chunkSize(), config.buffers());
        }
    }

    /** {@link #run(Config, Consumer)} without progress lines. */
    public static Row run(Config config) {
        return run(config, line -> { });
    }

    /**
     * One pass's bookkeeping, fed by the stream's callbacks (one call at a time, on the reaper or a reader thread):
     * the digest of every chunk's result, the results themselves when they are to be verified, and progress lines.
     */
    private static final class Pass {
        private final Consumer<String> log;
        private final String handler;
        private final List<ChunkResult> results = new ArrayList<>();
        private volatile String name = "";
        private volatile boolean keep;
        private volatile long digest;
        private volatile long started;
        private volatile long lastLine;

        Pass(Consumer<String> log, String handler) {
            this.log = log;
            this.handler = handler;
        }

        synchronized void start(String passName, boolean keepResults) {
            name = passName;
            keep = keepResults;
            results.clear();
            digest = 0;
            started = System.nanoTime();
            lastLine = started;
        }

        synchronized void chunk(ChunkResult r) {
            digest += mix(r.file().id(), r.fileOffset(), r.result(0), r.result(1));
            if (keep) {
                results.add(r);
            }
        }

        void progress(StreamProgress p) {
            long now = System.nanoTime();
            if (now - lastLine >= PROGRESS_NANOS) {
                lastLine = now;
                log.accept(String.format(Locale.ROOT, "  %s %s: %d of %d files, %.1f GiB, %.2f GB/s so far", handler,
                        name, p.filesEnded(), p.files(), p.bytes() / (double) (1L << 30),
                        p.bytes() / (double) Math.max(1, now - started)));
            }
        }

        synchronized long digest() {
            return digest;
        }

        synchronized List<ChunkResult> results() {
            return List.copyOf(results);
        }
    }

    /** A 64-bit mix of one chunk's identity and results (SplitMix64 finaliser over a combination of them). */
    static long mix(int fileId, long fileOffset, int result0, int result1) {
        long z = fileId * 0x9E3779B97F4A7C15L + fileOffset;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L + (result0 & 0xFFFF_FFFFL);
        z = (z ^ (z >>> 29)) * 0x94D049BB133111EBL + ((long) result1 << 32);
        return z ^ (z >>> 32);
    }

    /** Empty when every chunk's result matches Java's; else what differs first. */
    private static String verify(Handler handler, StreamReport report, List<ChunkResult> results) {
        for (FileReport f : report.files()) {
            if (!f.ok()) {
                return f.file() + " did not stream cleanly: " + f;
            }
        }
        long named = results.stream().mapToLong(ChunkResult::length).sum();
        if (named != report.bytes() || results.size() != report.chunks()) {
            return "the chunks name " + named + " bytes in " + results.size() + " slots, the files hold "
                    + report.bytes();
        }
        if (handler == Handler.NOP) {
            return "";
        }
        return results.parallelStream().map(r -> check(handler, r)).filter(p -> !p.isEmpty()).findFirst()
                .orElse("");
    }

    /** Empty when {@code r}'s result equals Java's over the bytes it names; else what differs. */
    private static String check(Handler handler, ChunkResult r) {
        byte[] bytes = read(r.file().path(), r.fileOffset(), r.length() + r.overlapLength());
        int expected = handler == Handler.FNV ? fnv(bytes) : wordSum(bytes, r.length());
        if (!r.done() || r.result(0) != expected) {
            return "chunk at " + r.fileOffset() + " of " + r.file() + ": handler result " + (r.done()
                    ? Integer.toHexString(r.result(0)) : r.outcome()) + ", Java " + Integer.toHexString(expected);
        }
        return "";
    }

    private static byte[] read(Path path, long offset, int length) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // keep reading
            }
            return buf.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int fnv(byte[] bytes) {
        int h = ChunkHandlers.FNV_OFFSET_BASIS;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * ChunkHandlers.FNV_PRIME;
        }
        return h;
    }

    private static int wordSum(byte[] bytes, int length) {
        ByteBuffer padded = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        padded.put(bytes, 0, length).rewind(); // the limit stays at the padded end
        int sum = 0;
        while (padded.remaining() >= 4) {
            sum += padded.getInt();
        }
        return sum;
    }
}
