package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.cuda.ptx.PtxTarget;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.protocol.FaultCode;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PTX emitter's vector loads (four {@code Let}s {@code data[p + k]}, k = 0..3, lowered to one {@code ld.v4} when
 * aligned and in bounds, else to four scalar loads) in the simulated megakernel against the CPU backend (the
 * reference interpreter): indices aligned and not, at and across the region's end, past it and wrapping around
 * 2^32, straight and in a loop, words kept in order; and step budgets of exactly the interpreter's count and one
 * less.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SimVectorLoadsTest {
    private static final int OP = 0x400;
    private static final int REGION = 8192;
    private static final int WORDS = REGION / 4;
    private static final String DATA = HandlerTable.DATA;
    private static final String ARGS = HandlerTable.ARGS;

    /**
     * {@code args[1..4] = data[p .. p + 3]} for {@code p = args[0]}; then, {@code args[6] & 7} times, four more words
     * from {@code q = args[5] + 4 i} folded in order into {@code args[7]}.
     */
    static Program quads() {
        List<Node> body = new ArrayList<>();
        body.add(new Node.Let("p", load(ARGS, u32(0))));
        body.addAll(fourLoads("a", "p"));
        for (int k = 0; k < 4; k++) {
            body.add(new Node.Store(ARGS, u32(1 + k), var("a" + k)));
        }
        body.add(new Node.Let("acc", u32(7)));
        List<Node> loop = new ArrayList<>();
        loop.add(new Node.Let("q", add(load(ARGS, u32(5)), Expr.mul(var("i"), u32(4)))));
        loop.addAll(fourLoads("b", "q"));
        for (int k = 0; k < 4; k++) {
            loop.add(new Node.Assign("acc", bin(BinaryOp.BIT_XOR, Expr.mul(var("acc"), u32(31)), var("b" + k))));
        }
        body.add(new Node.For("i", u32(0), bin(BinaryOp.BIT_AND, load(ARGS, u32(6)), u32(7)), loop));
        body.add(new Node.Store(ARGS, u32(7), var("acc")));
        return Program.of(Program.WorkgroupSize.of(1), ChunkHandlers.buffers(ScalarType.U32), body);
    }

    /** {@code Let name0 = data[p]; Let name1 = data[p + 1]; ...}: the pattern. */
    private static List<Node> fourLoads(String name, String p) {
        List<Node> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            out.add(new Node.Let(name + k, load(DATA, k == 0 ? var(p) : add(var(p), u32(k)))));
        }
        return out;
    }

    /** Indices that exercise every path: aligned, misaligned, at and over the end, far past it, wrapping. */
    private static int index(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0, 1 -> rnd.nextInt(WORDS - 4) & ~3;
            case 2, 3 -> rnd.nextInt(WORDS - 4);
            case 4 -> WORDS - 1 - rnd.nextInt(4);
            case 5 -> WORDS + rnd.nextInt(100);
            case 6 -> -1 - rnd.nextInt(4); // p + 1 .. p + 3 wrap to 0, 1, 2
            default -> rnd.nextInt();
        };
    }

    private static int[] slot(SplittableRandom rnd) {
        int[] args = new int[SlotLayout.ARGS_PER_SLOT];
        args[0] = index(rnd);
        args[5] = index(rnd);
        args[6] = rnd.nextInt(8);
        return args;
    }

    private static List<SlotOutcome> run(Backend backend, long budget, byte[] contents, List<int[]> work) {
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(32).withWorkers(2).withDataBytes(REGION)
                .withHandlerStepBudget(budget).withHandler(OP, quads());
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            kernel.dataRegion().segment().copyFrom(MemorySegment.ofArray(contents));
            List<Ticket> tickets = new ArrayList<>();
            for (int[] args : work) {
                tickets.add(kernel.publish(OP, 0, Priority.NORMAL, args));
            }
            List<SlotOutcome> outcomes = new ArrayList<>();
            for (Ticket t : tickets) {
                outcomes.add(t.await(StreamRun.SLOT_TIMEOUT));
            }
            return outcomes;
        }
    }

    private static List<SlotOutcome> simulated(long budget, byte[] contents, List<int[]> work) {
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 2);
        List<SlotOutcome> out = run(sim, budget, contents, work);
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
        return out;
    }

    private static byte[] contents(long seed) {
        byte[] contents = new byte[REGION];
        new SplittableRandom(seed).nextBytes(contents);
        return contents;
    }

    @Test
    void vectorLoadsReadWhatTheInterpreterReads() {
        SplittableRandom rnd = new SplittableRandom(71);
        byte[] contents = contents(72);
        List<int[]> work = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            work.add(slot(rnd));
        }
        List<SlotOutcome> cpu = run(new CpuBackend(), 1_000_000, contents, work);
        assertEquals(cpu, simulated(1_000_000, contents, work), "outcomes");
        int inBounds = 0;
        for (int i = 0; i < work.size(); i++) {
            SlotOutcome o = cpu.get(i);
            assertTrue(o.isDone(), o.toString());
            for (int k = 0; k < 4; k++) {
                long at = Integer.toUnsignedLong(work.get(i)[0] + k);
                int expected = at < WORDS ? MemorySegment.ofArray(contents).getAtIndex(
                        java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, at) : 0;
                assertEquals(expected, o.arg(1 + k), "word " + k + " of slot " + i);
            }
            inBounds += Integer.toUnsignedLong(work.get(i)[0]) + 3 < WORDS ? 1 : 0;
        }
        assertTrue(inBounds > 40, "too few slots read whole vectors in bounds: " + inBounds);
    }

    /** Budgets of exactly the interpreter's steps pass and one step less fail, on the simulated GPU too. */
    @Test
    void stepBudgetsCutWhereTheInterpreterDoes() {
        SplittableRandom rnd = new SplittableRandom(81);
        byte[] contents = contents(82);
        for (int trial = 0; trial < 4; trial++) {
            int[] args = slot(rnd);
            args[6] = trial * 2 + 1;
            long steps = steps(args, contents);
            List<int[]> work = List.of(args, args.clone());
            for (long budget : new long[] {steps - 1, steps}) {
                List<SlotOutcome> cpu = run(new CpuBackend(), budget, contents, work);
                assertEquals(budget == steps, cpu.getFirst().isDone(), "budget " + budget + " of " + steps
                        + " steps: " + cpu.getFirst());
                if (budget < steps) {
                    assertEquals(FaultCode.STEP_BUDGET, cpu.getFirst().fault());
                }
                assertEquals(cpu, simulated(budget, contents, work), "budget " + budget + " of " + steps);
            }
        }
    }

    private static long steps(int[] args, byte[] contents) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(4L * SlotLayout.ARGS_PER_SLOT, 4);
            MemorySegment.copy(args, 0, a, java.lang.foreign.ValueLayout.JAVA_INT, 0, args.length);
            MemorySegment control = arena.allocate(4L * 4096, 4);
            MemorySegment data = arena.allocate(REGION, 16);
            data.copyFrom(MemorySegment.ofArray(contents));
            return new ReferenceInterpreter().run(quads(), Dispatch.of(1),
                    Map.of(ARGS, a, HandlerTable.CONTROL, control, DATA, data)).steps();
        }
    }

    /** The pattern is lowered to vector loads: one {@code ld.v4} per match, the scalar fallback beside it. */
    @Test
    void thePatternBecomesOneVectorLoadPerMatch() {
        String ptx = PtxEmitter.emitHandler(quads(), "quads", PtxTarget.SM_90);
        Matcher m = Pattern.compile("ld\\.relaxed\\.sys\\.global\\.v4\\.u32").matcher(ptx);
        int vectors = 0;
        while (m.find()) {
            vectors++;
        }
        assertEquals(2, vectors, ptx);
        String warp = PtxEmitter.emitHandler(ChunkHandlers.warpVectorSum(8), "warp", PtxTarget.SM_90);
        assertEquals(8, warp.split("ld\\.relaxed\\.sys\\.global\\.v4\\.u32", -1).length - 1, warp);
    }
}
