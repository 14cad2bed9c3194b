package dev.vyre.runtime.stream;

import dev.vyre.core.VyreException;
import dev.vyre.ir.Program;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The handler alone, without files or readers: megakernel slots that name chunks of a data region filled once with
 * random bytes (pinned, device-mapped host memory on CUDA, like a stream's buffers) and left resident, published
 * from one thread in batches, each chunk's result checked against Java's word sum (or, for NOP, nothing read). Set
 * beside the reader rows and the mapped-read kernel of the same run, it separates what the handler and the slot
 * machinery cost from what the reading costs: {@code vyre bench ingest} prints it as the "kernel only" rows.
 */
public final class ResidentBench {
    private static final int OPCODE = 0x5001;
    /** Slots published per {@code publishBatch}: small against the ring, so publishing overlaps execution. */
    private static final int MAX_BATCH = 64;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The reader name of the rows: no reader. */
    public static final String READER = "resident";

    private ResidentBench() {
    }

    /**
     * One configuration.
     *
     * @param backend      the megakernel's backend
     * @param handler      what each slot does (NOP or a word-sum handler)
     * @param chunkSize    bytes per slot, a multiple of 4096
     * @param regionBytes  the resident data region, a multiple of {@code chunkSize}; chunks cycle through it
     * @param bytesPerPass bytes named by the slots of one pass (rounded down to whole chunks, at least one)
     * @param slots        ring slots
     * @param workers      workers (0: the backend's default)
     * @param repeat       timed passes; the best is reported
     */
    public record Config(BackendKind backend, StreamBench.Handler handler, int chunkSize, long regionBytes,
                         long bytesPerPass, int slots, int workers, int repeat) {
        /** Checks the sizes. */
        public Config {
            if (chunkSize < 4096 || chunkSize % 4096 != 0 || regionBytes < chunkSize || regionBytes % chunkSize != 0
                    || regionBytes > (4L << 30) - 4096 || bytesPerPass < chunkSize || repeat < 1) {
                throw new GpuStreamException("resident handler benchmark of " + chunkSize + "-byte chunks over a "
                        + regionBytes + "-byte region, " + bytesPerPass + " bytes per pass, best of " + repeat,
                        "use chunks of a multiple of 4096 bytes, a region of whole chunks below 4 GiB, at least one"
                                + " chunk per pass and one pass or more");
            }
            if (handler == StreamBench.Handler.FNV) {
                throw new GpuStreamException("the resident handler benchmark runs word-sum handlers and nop, not fnv",
                        "pick nop, wordsum, warpsum or a warpvec handler");
            }
        }
    }

    /**
     * Runs {@code config}: one untimed pass (verified), then {@code repeat} timed ones (each verified too). A failure
     * to bootstrap becomes a row with a note. The row's reader is {@value #READER}, its digest that of the verified
     * pass's results (as {@link StreamBench.Row#digest()}, with the slot's byte offset in the pass for the file
     * offset): equal for handlers that compute the same sums.
     */
    public static StreamBench.Row run(Config config) {
        String backend = config.backend().name().toLowerCase(Locale.ROOT);
        String label = config.handler().label();
        Program handler = config.handler().program();
        int opcode = handler == null ? Opcodes.NOP : OPCODE;
        MegakernelConfig mk = MegakernelConfig.defaults().withSlots(config.slots()).withWorkers(config.workers())
                .withHandlerStepBudget(0xFFFF_FFFFL).withDrainTimeout(Duration.ofMinutes(5))
                .withDataBytes(config.regionBytes());
        if (handler != null) {
            mk = mk.withHandler(OPCODE, handler);
        }
        long chunks = config.bytesPerPass() / config.chunkSize();
        try (Megakernel kernel = Megakernel.bootstrap(config.backend(), mk)) {
            backend = kernel.backendName();
            MemorySegment region = kernel.dataRegion().segment();
            fillRandom(region, config.regionBytes());
            int[] expected = handler == null ? null : chunkSums(region, config.chunkSize(),
                    (int) (config.regionBytes() / config.chunkSize()));
            int batch = Math.max(1, Math.min(MAX_BATCH, config.slots() / 4));
            Pass verified = pass(kernel, opcode, config.chunkSize(), chunks, batch, expected);
            String problem = verified.problem;
            long best = Long.MAX_VALUE;
            for (int i = 0; i < config.repeat(); i++) {
                long t0 = System.nanoTime();
                Pass p = pass(kernel, opcode, config.chunkSize(), chunks, batch, expected);
                best = Math.min(best, System.nanoTime() - t0);
                if (problem.isEmpty()) {
                    problem = !p.problem.isEmpty() ? p.problem : p.digest != verified.digest
                            ? "timed pass " + (i + 1) + " gave other results than the verified pass" : "";
                }
            }
            return new StreamBench.Row(label, backend, READER, chunks * config.chunkSize(), chunks, best,
                    problem.isEmpty(), problem, 0, verified.digest, config.chunkSize(), 0);
        } catch (VyreException e) {
            return new StreamBench.Row(label, backend, READER, 0, 0, -1, false, e.getMessage(), 0, 0,
                    config.chunkSize(), 0);
        }
    }

    /** What a pass found wrong (empty: nothing) and the digest of its slots' results, as StreamBench's. */
    private record Pass(String problem, long digest) {
    }

    /** Publishes {@code chunks} slots (chunk c names region chunk {@code c mod count}), waits for all, checks. */
    private static Pass pass(Megakernel kernel, int opcode, int chunkSize, long chunks, int batch, int[] expected) {
        int count = (int) (kernel.dataRegion().byteSize() / chunkSize);
        List<Ticket> tickets = new ArrayList<>((int) chunks);
        List<Slot> work = new ArrayList<>(batch);
        for (long c = 0; c < chunks; c++) {
            int[] args = new int[SlotLayout.ARGS_PER_SLOT];
            args[ChunkSlot.DATA_OFFSET] = (int) (c % count) * chunkSize;
            args[ChunkSlot.LENGTH] = chunkSize;
            work.add(new Slot(SlotState.PUBLISHED, opcode, 0, Priority.NORMAL, args));
            if (work.size() == batch || c == chunks - 1) {
                tickets.addAll(kernel.publishBatch(work));
                work.clear();
            }
        }
        String problem = "";
        long digest = 0;
        for (int i = 0; i < tickets.size(); i++) {
            SlotOutcome o = tickets.get(i).await(Duration.ofMinutes(5));
            int chunk = (int) (i % count);
            digest += StreamBench.mix(0, (long) i * chunkSize, o.arg(ChunkHandlers.RESULT_CHECKSUM),
                    o.arg(ChunkHandlers.RESULT_BYTES));
            if (problem.isEmpty() && (!o.isDone() || expected != null
                    && o.arg(ChunkHandlers.RESULT_CHECKSUM) != expected[chunk])) {
                problem = "slot " + i + " (region chunk " + chunk + "): " + (o.isDone() ? "handler result "
                        + Integer.toHexString(o.arg(ChunkHandlers.RESULT_CHECKSUM)) + ", Java "
                        + Integer.toHexString(expected[chunk]) : o.toString());
            }
        }
        return new Pass(problem, digest);
    }

    /** The word sum of each of the region's first {@code count} chunks (little-endian u32 words, wrapping). */
    static int[] chunkSums(MemorySegment region, int chunkSize, int count) {
        int[] sums = new int[count];
        for (int c = 0; c < count; c++) {
            int sum = 0;
            long base = (long) c * chunkSize;
            for (long at = base; at < base + chunkSize; at += Integer.BYTES) {
                sum += region.get(LE_INT, at);
            }
            sums[c] = sum;
        }
        return sums;
    }

    private static void fillRandom(MemorySegment region, long bytes) {
        SplittableRandom random = new SplittableRandom(0x5E5_1DE7L);
        for (long at = 0; at + Long.BYTES <= bytes; at += Long.BYTES) {
            region.set(ValueLayout.JAVA_LONG_UNALIGNED, at, random.nextLong());
        }
    }
}
