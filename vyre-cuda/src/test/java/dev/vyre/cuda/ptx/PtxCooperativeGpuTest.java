package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.Dim3;
import dev.vyre.ir.interp.ReferenceInterpreter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Cooperative handlers ({@link CoopCorpus}) called by the 32 threads of one warp on GPU 0, against the reference's
 * independent lanes ({@link ReferenceInterpreter#runLanes}) on the same arguments and budgets: the status (that of
 * the lowest lane that did not finish), the whole control block (also when lanes were cut off or diverged) and, on
 * success, the arguments. Skipped, with the probe's reason, where there is no usable CUDA GPU.
 */
@Tag("gpu")
class PtxCooperativeGpuTest {
    private static final PtxTarget TARGET = PtxTarget.SM_90;
    /** Budgets by seed: ample, and around the interpreter's 1024-step batches. */
    private static final long[] BUDGETS = {1_000_000, 40, 300, 1023, 1024, 1025, 2500, 9000};
    private static final int SEEDS = 24;

    private static CudaContext ctx;

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> cooperativeHandlersMatchTheReferenceLanes() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, cooperative handler test skipped: "
                + probe.reason());
        ctx = CudaContext.open(0);
        List<DynamicTest> tests = new ArrayList<>();
        for (CoopCorpus.Case c : CoopCorpus.all()) {
            String module = TARGET.header() + "\n" + PtxEmitter.emitSupport(List.of(c.program()))
                    + PtxEmitter.emitHandler(c.program(), c.name(), TARGET) + "\n"
                    + HandlerHarness.callerEntry(c.name());
            CudaFunction fn = ctx.loadPtx(module).function(HandlerHarness.callerName(c.name()));
            for (int seed = 0; seed < SEEDS; seed++) {
                int s = seed;
                tests.add(DynamicTest.dynamicTest(c.name() + " seed " + seed, () -> run(c, fn, s)));
            }
        }
        return tests.stream();
    }

    /** The status the megakernel would see: that of the lowest lane that did not finish, else OK. */
    static int expectedStatus(ReferenceInterpreter.LaneEnd[] ends) {
        for (ReferenceInterpreter.LaneEnd end : ends) {
            if (end == ReferenceInterpreter.LaneEnd.STEP_BUDGET) {
                return PtxEmitter.HANDLER_STEP_BUDGET;
            }
            if (end == ReferenceInterpreter.LaneEnd.FAILED) {
                return PtxEmitter.HANDLER_FAULT;
            }
        }
        return PtxEmitter.HANDLER_OK;
    }

    private static void run(CoopCorpus.Case c, CudaFunction fn, int seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31L + c.name().hashCode());
        long budget = BUDGETS[seed % BUDGETS.length];
        int[] args = new int[PtxEmitter.HANDLER_ARG_WORDS];
        for (int i = 0; i < args.length; i++) {
            args[i] = rnd.nextInt();
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment argsRef = arena.allocate(4L * args.length, 4);
            MemorySegment.copy(args, 0, argsRef, ValueLayout.JAVA_INT, 0, args.length);
            MemorySegment controlRef = arena.allocate(4L * CoopCorpus.CONTROL_WORDS, 4);
            ReferenceInterpreter.LaneEnd[] ends = new ReferenceInterpreter(budget).runLanes(c.program(),
                    Map.of(PtxEmitter.HANDLER_ARGS, argsRef, PtxEmitter.HANDLER_CONTROL, controlRef));
            int expected = expectedStatus(ends);
            try (DeviceBuffer a = ctx.allocate(4L * args.length);
                 DeviceBuffer control = ctx.allocate(4L * CoopCorpus.CONTROL_WORDS);
                 DeviceBuffer data = ctx.allocate(4);
                 DeviceBuffer status = ctx.allocate(4)) {
                MemorySegment host = arena.allocate(4L * args.length, 4);
                MemorySegment.copy(args, 0, host, ValueLayout.JAVA_INT, 0, args.length);
                a.copyFrom(host);
                control.memsetD32(0);
                status.memsetD32(-1);
                fn.launch(Dim3.of(1), Dim3.of(PtxEmitter.COOPERATIVE_LANES), 0, null, a.ptr(), control.ptr(),
                        CoopCorpus.CONTROL_WORDS, data.ptr(), 4, (int) budget, status.ptr());
                ctx.synchronize();
                MemorySegment argsOut = arena.allocate(4L * args.length, 4);
                MemorySegment controlOut = arena.allocate(4L * CoopCorpus.CONTROL_WORDS, 4);
                MemorySegment statusOut = arena.allocate(4, 4);
                a.copyTo(argsOut);
                control.copyTo(controlOut);
                status.copyTo(statusOut);
                String name = c.name() + " seed " + seed + " budget " + budget + " lanes " + List.of(ends);
                assertEquals(expected, statusOut.get(ValueLayout.JAVA_INT, 0), name + ": status");
                assertArrayEquals(controlRef.toArray(ValueLayout.JAVA_INT), controlOut.toArray(ValueLayout.JAVA_INT),
                        name + ": control");
                if (expected == PtxEmitter.HANDLER_OK) {
                    assertArrayEquals(argsRef.toArray(ValueLayout.JAVA_INT), argsOut.toArray(ValueLayout.JAVA_INT),
                            name + ": args");
                }
            }
        }
    }
}
