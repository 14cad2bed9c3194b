package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.uring.Notices;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.UringProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: megakernels with chunk handlers, files with known bytes, and the checks a chunk must pass. */
final class StreamFixtures {
    /** The FNV-1a handler's opcode. */
    static final int FNV = 0x200;
    /** The word-sum handler's opcode. */
    static final int WORD_SUM = 0x201;
    static final Duration WAIT = Duration.ofSeconds(60);

    private StreamFixtures() {
    }

    /** Which reader a test runs through. */
    enum Via {
        URING, FILE_CHANNEL
    }

    /** A CPU megakernel with both chunk handlers and a data region of {@code dataBytes}. */
    static Megakernel kernel(int slots, int workers, long dataBytes) {
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(slots).withWorkers(workers).withObservables(16)
                .withDebugRecords(16).withHandler(FNV, ChunkHandlers.fnv1a())
                .withHandler(WORD_SUM, ChunkHandlers.wordSum()).withHandlerStepBudget(0xFFFF_FFFFL)
                .withDrainTimeout(WAIT).withDataBytes(dataBytes);
        return Megakernel.bootstrap(new CpuBackend(), c);
    }

    /** A megakernel with {@code handler} as opcode {@code op} and a data region. */
    static Megakernel kernelWith(int op, Program handler, long dataBytes) {
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(16).withWorkers(2).withObservables(16)
                .withDebugRecords(16).withHandler(op, handler).withDrainTimeout(WAIT).withDataBytes(dataBytes);
        return Megakernel.bootstrap(new CpuBackend(), c);
    }

    /** Reader options for {@code path}; skips the test where io_uring is asked for and unavailable. */
    static ReaderOptions reader(Via path) {
        if (path == Via.URING) {
            UringProbe probe = UringProbe.run();
            Assumptions.assumeTrue(probe.available(), () -> "io_uring unavailable: " + probe.reason());
            return ReaderOptions.defaults().withMode(ReaderOptions.Mode.URING).withQueueDepth(8);
        }
        return ReaderOptions.defaults().withMode(ReaderOptions.Mode.FILE_CHANNEL);
    }

    /** Notices that are dropped (the tests check the reader kind instead). */
    static Notices quiet() {
        return Notices.to(message -> { });
    }

    /** {@code size} reproducible random bytes. */
    static byte[] bytes(long seed, int size) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code size} random bytes to {@code file}; returns them. */
    static byte[] write(Path file, int size, long seed) throws IOException {
        byte[] data = bytes(seed, size);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, data);
        return data;
    }

    /** FNV-1a (32 bit) of {@code data[from, to)}, computed here independently of the handler. */
    static int fnv(byte[] data, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h ^= data[i] & 0xFF;
            h *= 0x01000193;
        }
        return h;
    }

    /** Chunk results, collected from the reaper thread. */
    static final class Collector implements java.util.function.Consumer<ChunkResult> {
        final List<ChunkResult> results = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(ChunkResult r) {
            results.add(r);
        }

        /** The results of file {@code id}, by file offset. */
        List<ChunkResult> of(int id) {
            synchronized (results) {
                return results.stream().filter(r -> r.file().id() == id)
                        .sorted(Comparator.comparingLong(ChunkResult::fileOffset)).toList();
            }
        }
    }

    /**
     * Checks the chunks of one file: they tile {@code data} from 0 to its end without gap or overlap of their own
     * bytes, each carries {@code min(overlap, what follows)} bytes of the next chunk (none after the last), each
     * slot is DONE and its FNV equals the hash of the file bytes it names.
     */
    static void checkChunks(List<ChunkResult> chunks, byte[] data, int chunkSize, int overlap) {
        long expectedOffset = 0;
        for (ChunkResult r : chunks) {
            assertTrue(r.done(), () -> "slot of " + r + " did not finish DONE");
            assertEquals(expectedOffset, r.fileOffset(), "chunks tile the file");
            int end = (int) r.fileOffset() + r.length();
            assertEquals(Math.min(chunkSize, data.length - (int) r.fileOffset()), r.length(), "chunk length");
            assertEquals(Math.min(overlap, data.length - end), r.overlapLength(), "overlap of the chunk at "
                    + r.fileOffset());
            assertEquals(fnv(data, (int) r.fileOffset(), end + r.overlapLength()),
                    r.result(0), () -> "FNV of the bytes of the chunk at " + r.fileOffset() + " of " + r.file());
            assertEquals(r.length() + r.overlapLength(), r.result(1), "bytes the handler hashed");
            expectedOffset = end;
        }
        assertEquals(data.length, expectedOffset, "the chunks end where the file ends");
    }
}
