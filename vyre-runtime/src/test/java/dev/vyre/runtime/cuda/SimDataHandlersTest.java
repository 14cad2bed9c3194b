package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.StreamRun;
import dev.vyre.runtime.stream.ChunkHandlers;
import dev.vyre.runtime.stream.ChunkSlot;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fused handlers that declare the data region ({@value HandlerTable#DATA}), in the simulated megakernel (the
 * hand-written one, and the IR-built one with the handlers inlined: {@code irKernel}) against the
 * CPU backend: the chunk checksums of {@link ChunkHandlers} (FNV-1a over Bytes, a word sum over U32, in and past
 * the region's end) and a handler that adds to, stores and reads back data words, on identical random region
 * contents: identical outcomes and regions, and FNV results equal to a Java FNV-1a over the same bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimDataHandlersTest {
    private static final int FNV = 0x200;
    private static final int WORD_SUM = 0x201;
    private static final int WRITER = 0x202;
    private static final int REGION = 16_384;
    /** Bytes [WRITTEN_FROM, WRITTEN_TO) are the writer's (two words per slot); the checksums read elsewhere. */
    private static final int WRITTEN_FROM = 8_192;
    private static final int WRITTEN_TO = 12_288;
    private static final int WORD_ARG = 9;

    /** {@code data[w] += args[1]} (atomic), {@code data[w + 1] = old ^ 0x5A5A5A5A}, {@code args[2] = data[w]}. */
    static Program writer() {
        Expr w = load(HandlerTable.ARGS, u32(WORD_ARG));
        return Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of(HandlerTable.ARGS, 0, BufferAccess.READ_WRITE, ScalarType.U32, SlotLayout.ARGS_PER_SLOT,
                        true),
                BufferDecl.of(HandlerTable.CONTROL, 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, false),
                BufferDecl.of(HandlerTable.DATA, 2, BufferAccess.READ_WRITE, ScalarType.U32, 0, true)), List.of(
                new Node.Let("old", new Expr.Atomic(AtomicOp.ADD, HandlerTable.DATA, w, null,
                        load(HandlerTable.ARGS, u32(1)))),
                new Node.Store(HandlerTable.DATA, add(w, u32(1)), bin(BinaryOp.BIT_XOR, Expr.var("old"),
                        u32(0x5A5A_5A5A))),
                new Node.Store(HandlerTable.ARGS, u32(2), load(HandlerTable.DATA, w)),
                new Node.Store(HandlerTable.ARGS, u32(3), new Expr.BufLen(HandlerTable.DATA))));
    }

    private record Run(List<SlotOutcome> outcomes, byte[] region) {
    }

    private static Run run(Backend backend, MegakernelConfig config, byte[] contents, List<int[]> work) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            MemorySegment region = kernel.dataRegion().segment();
            region.copyFrom(MemorySegment.ofArray(contents));
            List<Ticket> tickets = new ArrayList<>();
            for (int[] w : work) {
                int[] args = new int[w.length - 1];
                System.arraycopy(w, 1, args, 0, args.length);
                tickets.add(kernel.publish(w[0], 0, Priority.NORMAL, args));
            }
            List<SlotOutcome> outcomes = new ArrayList<>();
            for (Ticket t : tickets) {
                outcomes.add(t.await(StreamRun.SLOT_TIMEOUT));
            }
            return new Run(outcomes, region.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** FNV-1a over {@code length} bytes of {@code bytes} from {@code offset}; bytes past the end read 0. */
    private static int fnv(byte[] bytes, long offset, long length, int h) {
        for (long i = 0; i < length; i++) {
            long at = offset + i;
            int b = at < bytes.length ? bytes[(int) at] & 0xFF : 0;
            h = (h ^ b) * ChunkHandlers.FNV_PRIME;
        }
        return h;
    }

    @ParameterizedTest
    @CsvSource({"1, 1000000, 4, false", "2, 5000, 2, false", "3, 1000000, 1, false", "4, 1000000, 4, true",
        "5, 5000, 2, true", "6, 1000000, 1, true"})
    void dataHandlersMatchTheCpuBackend(long seed, long budget, int workers, boolean irKernel) {
        SimBackend sim = irKernel ? SimBackend.irKernel(workers) : new SimBackend(WorkerShape.THREAD, workers);
        assertSameData(seed, budget, workers, sim, "the simulated kernel");
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
    }

    /**
     * 400 random slots of the three data handlers from {@code seed} on random region contents, run on the CPU
     * backend and on {@code other}: identical outcomes and data regions, and FNV results equal to a Java FNV-1a.
     */
    static void assertSameData(long seed, long budget, int workers, Backend other, String who) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] contents = new byte[REGION];
        rnd.nextBytes(contents);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(64).withWorkers(workers).withDataBytes(REGION)
                .withHandlerStepBudget(budget).withHandler(FNV, ChunkHandlers.fnv1a())
                .withHandler(WORD_SUM, ChunkHandlers.wordSum()).withHandler(WRITER, writer());
        List<int[]> work = new ArrayList<>();
        int writers = 0;
        for (int i = 0; i < 400; i++) {
            int[] w = new int[1 + SlotLayout.ARGS_PER_SLOT];
            int kind = rnd.nextInt(3);
            w[0] = kind == 0 ? FNV : kind == 1 ? WORD_SUM : WRITER;
            if (kind == 2) {
                w[1 + WORD_ARG] = rnd.nextInt(8) == 0 ? 0xFFFF_FF00 : (WRITTEN_FROM / 4 + 2 * writers++);
                w[1 + 1] = rnd.nextInt();
            } else {
                boolean tail = rnd.nextInt(4) == 0; // from the last quarter, often past the end
                int offset = tail ? WRITTEN_TO + rnd.nextInt(REGION - WRITTEN_TO) : rnd.nextInt(WRITTEN_FROM - 1200);
                w[1 + ChunkSlot.DATA_OFFSET] = kind == 1 ? offset & ~3 : offset;
                w[1 + ChunkSlot.LENGTH] = rnd.nextInt(1000);
                w[1 + ChunkSlot.OVERLAP_OFFSET] = rnd.nextInt(WRITTEN_FROM - 200);
                w[1 + ChunkSlot.OVERLAP_LENGTH] = rnd.nextInt(200);
            }
            work.add(w);
        }
        Run cpu = run(new CpuBackend(), config, contents, work);
        Run simulated = run(other, config, contents, work);
        assertEquals(cpu.outcomes(), simulated.outcomes(), "outcomes of " + who);
        assertArrayEquals(cpu.region(), simulated.region(), "data region of " + who);
        int checked = 0;
        for (int i = 0; i < work.size(); i++) {
            int[] w = work.get(i);
            SlotOutcome o = cpu.outcomes().get(i);
            if (w[0] == FNV && o.isDone()) {
                int h = fnv(contents, Integer.toUnsignedLong(w[1 + ChunkSlot.DATA_OFFSET]), w[1 + ChunkSlot.LENGTH],
                        ChunkHandlers.FNV_OFFSET_BASIS);
                h = fnv(contents, w[1 + ChunkSlot.OVERLAP_OFFSET], w[1 + ChunkSlot.OVERLAP_LENGTH], h);
                assertEquals(h, o.arg(ChunkHandlers.RESULT_CHECKSUM), "FNV-1a of slot " + i);
                checked++;
            }
        }
        assertTrue(checked > 20, "too few FNV slots completed: " + checked);
    }
}
