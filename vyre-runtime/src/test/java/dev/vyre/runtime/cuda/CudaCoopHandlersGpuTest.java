package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import dev.vyre.runtime.stream.ChunkHandlers;
import dev.vyre.runtime.stream.ChunkSlot;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cooperative (32-lane) handlers on the GPU against the CPU backend: random streams of {@link CoopPrograms} (every
 * wave operator, Barriers, early returns, lanes cut off by their budgets, divergences) mixed with single-invocation
 * handlers and built-ins, identical snapshots; the warp sums ({@link ChunkHandlers#warpWordSum} and the vector-load
 * {@link ChunkHandlers#warpVectorSum}) over a multi-MiB data region equal to the CPU backend's, to the single-lane
 * word sum and to Java's; and the sums' throughput over 1 MiB chunks (printed as {@code cuda-coop-bench} lines).
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaCoopHandlersGpuTest {
    private static final int RING = 4096;
    private static final int BATCH = 4096;
    private static final int SLOTS = 16_384;
    private static final int SINGLE = 0x300;
    private static final int WARP = 0x301;
    private static final int VECTOR = 0x302;

    @ParameterizedTest
    @CsvSource({"71, 0, 1000000", "72, 1, 300", "73, 16, 1024", "74, 64, 1025", "75, 0, 1", "76, 128, 40000"})
    void cooperativeStreamsMatchTheCpuBackend(long seed, int workers, long budget) {
        CudaTests.assumeGpu();
        SlotStream stream = HandlerStream.random(seed, SLOTS, CoopPrograms.mixed(), budget, RING);
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, BATCH);
        long start = System.nanoTime();
        RunSnapshot cuda = SettledRun.run(CudaBackend.open(), new SlotStream(stream.seed(), stream.slots(),
                stream.config().withWorkers(workers)), BATCH);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Optional<String> difference = cpu.firstDifference(cuda);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs cuda differ at " + difference.orElseThrow());
        long done = cuda.outcomes().stream().filter(SlotOutcome::isDone).count();
        long steps = cuda.outcomes().stream().filter(o -> o.fault() == FaultCode.STEP_BUDGET).count();
        long diverged = cuda.outcomes().stream().filter(o -> o.fault() == FaultCode.HANDLER_FAULT).count();
        System.out.println("cuda-coop-handlers seed " + seed + ", budget " + budget + ", " + workers + " workers: "
                + SLOTS + " slots, " + done + " done, " + steps + " out of steps, " + diverged + " handler faults,"
                + " identical to the CPU backend (cuda run " + millis + " ms)");
    }

    /** Java's word sum of {@code length} bytes from {@code offset} (little-endian words, the tail zero-padded). */
    private static int wordSum(byte[] bytes, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 4) {
            int w = 0;
            for (int b = 0; b < 4 && i + b < length; b++) {
                int at = offset + i + b;
                w |= (at < bytes.length ? bytes[at] & 0xFF : 0) << (8 * b);
            }
            sum += w;
        }
        return sum;
    }

    private record Timed(List<SlotOutcome> outcomes, long nanos) {
    }

    private static Timed runChunks(Backend backend, MegakernelConfig config, byte[] contents, List<int[]> work) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            kernel.dataRegion().segment().copyFrom(MemorySegment.ofArray(contents));
            long start = System.nanoTime();
            List<Ticket> tickets = new ArrayList<>();
            for (int[] w : work) {
                tickets.add(kernel.publish(w[0], 0, Priority.NORMAL, java.util.Arrays.copyOfRange(w, 1, w.length)));
            }
            List<SlotOutcome> outcomes = new ArrayList<>();
            for (Ticket t : tickets) {
                outcomes.add(t.await(Duration.ofMinutes(2)));
            }
            return new Timed(outcomes, System.nanoTime() - start);
        }
    }

    private static int[] chunk(int opcode, int offset, int length) {
        int[] w = new int[1 + dev.vyre.protocol.SlotLayout.ARGS_PER_SLOT];
        w[0] = opcode;
        w[1 + ChunkSlot.DATA_OFFSET] = offset;
        w[1 + ChunkSlot.LENGTH] = length;
        return w;
    }

    /**
     * The warp sums (0: 4-byte loads, {@link ChunkHandlers#warpWordSum}; n: {@link ChunkHandlers#warpVectorSum} with
     * n 16-byte loads per lane and round) over whole MiB chunks (aligned: vector loads), word-aligned ones (the
     * scalar fallback for the first and last vectors) and chunks across the region's end.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 4, 8, 16})
    void theWarpSumsOverAMultiMibRegionMatchTheCpuAndJava(int groups) {
        CudaTests.assumeGpu();
        int region = 8 << 20;
        byte[] contents = new byte[region];
        new SplittableRandom(81).nextBytes(contents);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(64).withDataBytes(region)
                .withHandlerStepBudget(0xFFFF_FFFFL).withHandler(SINGLE, ChunkHandlers.wordSum())
                .withHandler(WARP, groups == 0 ? ChunkHandlers.warpWordSum() : ChunkHandlers.warpVectorSum(groups));
        SplittableRandom rnd = new SplittableRandom(82);
        List<int[]> work = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            work.add(chunk(WARP, i << 20, 1 << 20));
        }
        for (int i = 0; i < 24; i++) {
            int length = rnd.nextInt(3 << 20);
            int offset = rnd.nextInt(region - length + 1) & ~3;
            work.add(chunk(i % 2 == 0 ? WARP : SINGLE, offset, length));
            work.add(chunk(WARP, region - 4096, 8192)); // past the end: reads 0
        }
        List<SlotOutcome> cpu = runChunks(new CpuBackend(), config, contents, work).outcomes();
        List<SlotOutcome> cuda = runChunks(CudaBackend.open(), config, contents, work).outcomes();
        assertEquals(cpu, cuda, "outcomes");
        for (int i = 0; i < work.size(); i++) {
            int[] w = work.get(i);
            SlotOutcome o = cuda.get(i);
            assertTrue(o.isDone(), "chunk " + i + ": " + o);
            assertEquals(wordSum(contents, w[1 + ChunkSlot.DATA_OFFSET], w[1 + ChunkSlot.LENGTH]),
                    o.arg(ChunkHandlers.RESULT_CHECKSUM), "checksum of chunk " + i);
        }
    }

    /** Throughput of the word sums over 64 chunks of 1 MiB in the pinned, device-mapped data region. */
    @Test
    void warpAndSingleWordSumThroughput() {
        CudaTests.assumeGpu();
        int chunkBytes = 1 << 20;
        int chunks = 64;
        byte[] contents = new byte[chunks * chunkBytes];
        new SplittableRandom(91).nextBytes(contents);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(256).withDataBytes(contents.length)
                .withHandlerStepBudget(0xFFFF_FFFFL).withHandler(SINGLE, ChunkHandlers.wordSum())
                .withHandler(WARP, ChunkHandlers.warpWordSum())
                .withHandler(VECTOR, ChunkHandlers.warpVectorSum(ChunkHandlers.WARP_VEC_GROUPS));
        for (int opcode : new int[] {WARP, VECTOR, SINGLE, WARP, VECTOR}) {
            List<int[]> work = new ArrayList<>();
            for (int i = 0; i < chunks; i++) {
                work.add(chunk(opcode, i * chunkBytes, chunkBytes));
            }
            Timed t = runChunks(CudaBackend.open(), config, contents, work);
            for (int i = 0; i < chunks; i++) {
                assertEquals(wordSum(contents, i * chunkBytes, chunkBytes),
                        t.outcomes().get(i).arg(ChunkHandlers.RESULT_CHECKSUM), "chunk " + i);
            }
            System.out.printf("cuda-coop-bench %s: %d chunks of 1 MiB in %.2f ms = %.2f GB/s (publish to last"
                    + " ticket, default workers)%n", opcode == WARP ? "warp word sum (32 lanes)" : opcode == VECTOR
                            ? "warp vector sum (32 lanes, 16-byte loads)" : "word sum (1 lane)",
                    chunks, t.nanos() / 1e6, (double) contents.length / t.nanos());
        }
    }
}
