package dev.vyre.runtime.stream;

import dev.vyre.core.VyreException;
import dev.vyre.ir.Program;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end ingest benchmark: files -> {@link GpuStream} -> megakernel slots whose handler checksums each
 * chunk in place, in GB/s of file bytes; the checksums are then checked against Java's over the same files. The
 * handler is {@link Handler#WORD_SUM} (four bytes per step), {@link Handler#FNV} (one byte per step, overlap
 * included) or {@link Handler#NOP} (the built-in NOP: the pipeline without a handler, which also runs on a backend
 * without user handlers). On the CPU backend the handlers run in the reference interpreter, which bounds the rate.
 */
public final class StreamBench {
    private static final int HANDLER_OPCODE = 0x5000;

    private StreamBench() {
    }

    /** What each chunk slot does. */
    public enum Handler {
        /** The built-in NOP: the slot names the chunk, nothing reads it. */
        NOP,
        /** {@link ChunkHandlers#wordSum()}. */
        WORD_SUM,
        /** {@link ChunkHandlers#warpWordSum()}: the same sum by a cooperative (32-lane) handler. */
        WARP_SUM,
        /** {@link ChunkHandlers#fnv1a()}. */
        FNV;

        /** The name on the command line and in reports: {@code nop}, {@code wordsum}, {@code warpsum}, {@code fnv}. */
        public String label() {
            return name().replace("_", "").toLowerCase(Locale.ROOT);
        }

        /** The handler named {@code label} (as {@link #label()}). */
        public static Handler of(String label) {
            for (Handler h : values()) {
                if (h.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
                    return h;
                }
            }
            throw new GpuStreamException("no ingest handler '" + label + "'", "use nop, wordsum, warpsum or fnv");
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
     * @param reader    reader options (mode, queue depth)
     * @param repeat    timed passes; the best is reported
     */
    public record Config(Path dir, BackendKind backend, Handler handler, int chunkSize, int buffers, int overlap,
                         int slots, int workers, ReaderOptions reader, int repeat) {
    }

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
     *                 once); false when not measured
     * @param note     why it could not run or what failed to verify; empty otherwise
     */
    public record Row(String handler, String backend, String reader, long bytes, long chunks, long nanos,
                      boolean verified, String note) {
        /** File bytes per nanosecond: GB/s (10^9 bytes); 0 when not measured. */
        public double gbPerSecond() {
            return nanos > 0 ? bytes / (double) nanos : 0;
        }
    }

    /**
     * Runs {@code config}: one untimed pass (which is verified), then {@code repeat} timed passes. A failure to
     * bootstrap or stream becomes a row with a note instead of an exception.
     */
    public static Row run(Config config) {
        String backend = config.backend().name().toLowerCase(Locale.ROOT);
        List<IngestFile> files = IngestSources.expand(List.of(config.dir())).files();
        int opcode = config.handler() == Handler.NOP ? Opcodes.NOP : HANDLER_OPCODE;
        MegakernelConfig mk = MegakernelConfig.defaults().withSlots(config.slots()).withWorkers(config.workers())
                .withHandlerStepBudget(0xFFFF_FFFFL).withDrainTimeout(Duration.ofMinutes(5))
                .withDataBytes(GpuStream.dataBytes(config.buffers(), config.chunkSize()));
        Program handler = switch (config.handler()) {
            case NOP -> null;
            case WORD_SUM -> ChunkHandlers.wordSum();
            case WARP_SUM -> ChunkHandlers.warpWordSum();
            case FNV -> ChunkHandlers.fnv1a();
        };
        if (handler != null) {
            mk = mk.withHandler(HANDLER_OPCODE, handler);
        }
        List<ChunkResult> results = Collections.synchronizedList(new ArrayList<>());
        try (Megakernel kernel = Megakernel.bootstrap(config.backend(), mk);
             GpuStream stream = GpuStream.builder(kernel).opcode(opcode).chunkSize(config.chunkSize())
                     .buffers(config.buffers()).overlap(config.overlap()).readerOptions(config.reader())
                     .notices(Notices.to(message -> { })).onChunk(results::add).build()) {
            backend = kernel.backendName();
            StreamReport first = stream.streamFiles(files);
            String problem;
            try {
                problem = verify(config.handler(), first, List.copyOf(results));
            } catch (UncheckedIOException e) {
                problem = "cannot read the files back to verify: " + e.getCause();
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < config.repeat(); i++) {
                results.clear();
                best = Math.min(best, stream.streamFiles(files).elapsed().toNanos());
            }
            return new Row(config.handler().label(), backend, stream.readerKind().name(), first.bytes(),
                    first.chunks(), best, problem.isEmpty(), problem);
        } catch (VyreException e) {
            return new Row(config.handler().label(), backend, "-", 0, 0, -1, false, e.getMessage());
        }
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
        for (ChunkResult r : results) {
            byte[] bytes = read(r.file().path(), r.fileOffset(), r.length() + r.overlapLength());
            int expected = handler == Handler.FNV ? fnv(bytes) : wordSum(bytes, r.length());
            if (!r.done() || r.result(0) != expected) {
                return "chunk at " + r.fileOffset() + " of " + r.file() + ": handler result " + (r.done()
                        ? Integer.toHexString(r.result(0)) : r.outcome()) + ", Java " + Integer.toHexString(expected);
            }
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
