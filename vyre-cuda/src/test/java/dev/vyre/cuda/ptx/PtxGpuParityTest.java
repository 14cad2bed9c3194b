package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.Dim3;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.codec.ProgramPrinter;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import dev.vyre.ir.interp.StepBudgetExceededException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs emitted kernels and handlers on GPU 0 and compares every bound buffer and both out-of-bounds counters with
 * the reference interpreter on the same random inputs: bit for bit, except that two F32 NaNs compare equal
 * (docs/VIR0-SEMANTICS.md). Skipped, with the probe's reason, where there is no usable CUDA GPU.
 */
@Tag("gpu")
class PtxGpuParityTest {
    private static final PtxTarget TARGET = PtxTarget.SM_90;
    private static final int KERNELS_PER_MODULE = 100;
    private static final int REPORTED_MISMATCHES = 8;
    /**
     * {@code -Dvyre.ptx.parity.rounds=N} (default 1): input seeds per corpus case and handler (times 4), and
     * {@code 150 * N} random programs.
     */
    private static final int ROUNDS = Integer.getInteger("vyre.ptx.parity.rounds", 1);
    /** Steps up to which a handler's step count is measured before picking its budgets. */
    private static final long MEASURE_STEPS = 20_000;

    private static CudaContext ctx;

    /** Skips the calling test factory, with the probe's reason, where there is no usable GPU; opens GPU 0 once. */
    private static synchronized void requireGpu() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU parity test skipped: "
                + probe.reason());
        if (ctx == null) {
            ctx = CudaContext.open(0);
        }
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    /** One kernel checked against plain Java arithmetic; where there is no GPU, this reports the skip reason. */
    @Test
    void aKernelComputesOnTheGpu() {
        requireGpu();
        int n = 1000;
        Program p = Program.of(Program.WorkgroupSize.of(128), List.of(ProgramCorpus.in("a", 0, ScalarType.U32),
                ProgramCorpus.out("b", 1, ScalarType.U32)), List.of(
                ProgramCorpus.let("i", Expr.gid(0)),
                ProgramCorpus.store("b", Expr.var("i"), Expr.add(Expr.mul(Expr.load("a", Expr.var("i")), Expr.u32(3)),
                        Expr.u32(7)))));
        PtxKernel k = PtxEmitter.emitKernel(p, "smoke", TARGET);
        CudaFunction fn = ctx.loadPtx(k.ptx()).function("smoke");
        try (Arena arena = Arena.ofConfined(); DeviceBuffer a = ctx.allocate(4L * n); DeviceBuffer b = ctx.allocate(4L * n);
             DeviceBuffer oob = ctx.allocate(PtxKernel.OOB_COUNTER_BYTES)) {
            MemorySegment host = arena.allocate(4L * n, 4);
            for (int i = 0; i < n; i++) {
                host.set(Inputs.WORD, 4L * i, i * 0x9E37_79B9);
            }
            a.copyFrom(host);
            b.memsetD32(0);
            oob.memsetD32(0);
            fn.launch(Dim3.of((n + 127) / 128), Dim3.of(128), 0, null, a.ptr(), n, b.ptr(), n, oob.ptr());
            ctx.synchronize();
            MemorySegment result = arena.allocate(4L * n, 4);
            b.copyTo(result);
            for (int i = 0; i < n; i++) {
                assertEquals(i * 0x9E37_79B9 * 3 + 7, result.get(Inputs.WORD, 4L * i), "element " + i);
            }
            MemorySegment counters = arena.allocate(PtxKernel.OOB_COUNTER_BYTES, 4);
            oob.copyTo(counters);
            // the last block's 24 idle invocations load and store out of bounds
            assertEquals(24, counters.get(Inputs.WORD, 0));
            assertEquals(24, counters.get(Inputs.WORD, 4));
        }
    }

    @TestFactory
    Stream<DynamicTest> corpusKernelsMatchTheReference() {
        requireGpu();
        return kernelTests(ProgramCorpus.kernels(), 0x5EED, ROUNDS);
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsMatchTheReference() {
        requireGpu();
        return kernelTests(RandomPrograms.generate(2024, 150 * ROUNDS), 0xF00D, 1);
    }

    @TestFactory
    Stream<DynamicTest> handlersMatchTheReference() {
        requireGpu();
        List<DynamicTest> tests = new ArrayList<>();
        for (ProgramCorpus.Case h : ProgramCorpus.handlers()) {
            String module = TARGET.header() + "\n" + PtxEmitter.emitSupport(List.of(h.program()))
                    + PtxEmitter.emitHandler(h.program(), h.name(), TARGET) + "\n"
                    + HandlerHarness.callerEntry(h.name());
            CudaFunction fn = ctx.loadPtx(module).function(HandlerHarness.callerName(h.name()));
            for (int seed = 0; seed < 4 * ROUNDS; seed++) {
                long s = seed;
                tests.add(DynamicTest.dynamicTest(h.name() + " seed " + seed, () -> runHandler(h, fn, s)));
            }
        }
        return tests.stream();
    }

    /** Emits the cases into a few modules, loads them, and makes {@code seeds} tests per case. */
    private static Stream<DynamicTest> kernelTests(List<ProgramCorpus.Case> cases, long seed, int seeds) {
        List<PtxKernel> kernels = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            kernels.add(PtxEmitter.emitKernel(cases.get(k).program(), "k" + k + "_" + cases.get(k).name(), TARGET));
        }
        List<CudaFunction> functions = new ArrayList<>();
        for (int from = 0; from < kernels.size(); from += KERNELS_PER_MODULE) {
            StringBuilder text = new StringBuilder(TARGET.header()).append('\n');
            List<PtxKernel> chunk = kernels.subList(from, Math.min(kernels.size(), from + KERNELS_PER_MODULE));
            text.append(PtxEmitter.emitSupport(cases.subList(from, from + chunk.size()).stream()
                    .map(ProgramCorpus.Case::program).toList()));
            chunk.forEach(k -> text.append('\n').append(k.entry()));
            CudaModule module = ctx.loadPtx(text.toString());
            chunk.forEach(k -> functions.add(module.function(k.entryName())));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            ProgramCorpus.Case c = cases.get(k);
            PtxKernel kernel = kernels.get(k);
            CudaFunction fn = functions.get(k);
            for (int round = 0; round < seeds; round++) {
                long caseSeed = (seed * 31 + c.name().hashCode()) * 1009 + round;
                tests.add(DynamicTest.dynamicTest(c.name() + (seeds > 1 ? " seed " + round : ""),
                        () -> runKernel(c, kernel, fn, caseSeed)));
            }
        }
        return tests.stream();
    }

    private static Map<String, MemorySegment> copies(Arena arena, Map<String, MemorySegment> buffers) {
        Map<String, MemorySegment> out = new LinkedHashMap<>();
        buffers.forEach((name, seg) -> out.put(name, arena.allocate(seg.byteSize(), 4).copyFrom(seg)));
        return out;
    }

    private static void runKernel(ProgramCorpus.Case c, PtxKernel kernel, CudaFunction fn, long seed) {
        Program p = c.program();
        // shared: the interpreter runs programs with wave operators or barriers on several (virtual) threads
        try (Arena arena = Arena.ofShared()) {
            Map<String, MemorySegment> initial = Inputs.create(arena, p, c.elements(), new SplittableRandom(seed));
            Map<String, MemorySegment> expected = copies(arena, initial);
            RunResult reference = new ReferenceInterpreter().run(p, c.grid(), expected);

            Map<String, DeviceBuffer> device = new LinkedHashMap<>();
            DeviceBuffer counters = ctx.allocate(PtxKernel.OOB_COUNTER_BYTES);
            try {
                counters.memsetD32(0);
                List<Object> params = new ArrayList<>();
                for (PtxKernel.Param param : kernel.params()) {
                    switch (param.kind()) {
                        case BUFFER_POINTER -> {
                            MemorySegment seg = initial.get(param.buffer());
                            DeviceBuffer buf = ctx.allocate(seg.byteSize());
                            device.put(param.buffer(), buf);
                            buf.copyFrom(seg);
                            params.add(buf.ptr());
                        }
                        case ELEMENT_COUNT -> params.add(PtxKernel.elementCount(p.buffer(param.buffer()),
                                initial.get(param.buffer()).byteSize()));
                        case OOB_COUNTERS -> params.add(counters.ptr());
                    }
                }
                Program.WorkgroupSize ws = kernel.workgroupSize();
                Dispatch grid = c.grid();
                fn.launch(new Dim3(grid.x(), grid.y(), grid.z()), new Dim3(ws.x(), ws.y(), ws.z()), 0, null,
                        params.toArray());
                ctx.synchronize();
                for (Map.Entry<String, DeviceBuffer> e : device.entrySet()) {
                    MemorySegment actual = arena.allocate(e.getValue().byteSize(), 4);
                    e.getValue().copyTo(actual);
                    compare(c.name(), p, p.buffer(e.getKey()), expected.get(e.getKey()), actual, initial);
                }
                MemorySegment oob = arena.allocate(PtxKernel.OOB_COUNTER_BYTES, 4);
                counters.copyTo(oob);
                assertEquals(reference.outOfBoundsLoads(),
                        Integer.toUnsignedLong(oob.get(Inputs.WORD, 4L * PtxKernel.OOB_LOADS_WORD)),
                        () -> c.name() + ": out-of-bounds loads differ\n" + ProgramPrinter.print(p));
                assertEquals(reference.outOfBoundsStores(),
                        Integer.toUnsignedLong(oob.get(Inputs.WORD, 4L * PtxKernel.OOB_STORES_WORD)),
                        () -> c.name() + ": out-of-bounds stores differ\n" + ProgramPrinter.print(p));
            } finally {
                device.values().forEach(DeviceBuffer::close);
                counters.close();
            }
        }
    }

    /**
     * One handler run with a step budget picked by {@code seed} (the run's exact step count, one less, a random
     * share of it, or a million): the status, the control block (also when the run is cut off) and, on success,
     * the arguments must be the interpreter's.
     */
    private static void runHandler(ProgramCorpus.Case h, CudaFunction fn, long seed) {
        Program p = h.program();
        try (Arena arena = Arena.ofShared()) {
            Map<String, MemorySegment> initial = Inputs.create(arena, p, h.elements(), new SplittableRandom(seed));
            long steps = stepsOf(p, copies(arena, initial));
            long budget = handlerBudget(steps, seed);
            Map<String, MemorySegment> expected = copies(arena, initial);
            int expectedStatus = PtxEmitter.HANDLER_OK;
            try {
                new ReferenceInterpreter(budget).run(p, h.grid(), expected);
            } catch (StepBudgetExceededException e) {
                expectedStatus = PtxEmitter.HANDLER_STEP_BUDGET;
            }
            MemorySegment argsInit = initial.get(PtxEmitter.HANDLER_ARGS);
            MemorySegment controlInit = initial.get(PtxEmitter.HANDLER_CONTROL);
            // a handler without the data buffer gets a small unused one
            MemorySegment dataInit = initial.getOrDefault(PtxEmitter.HANDLER_DATA, arena.allocate(4, 4));
            try (DeviceBuffer args = ctx.allocate(argsInit.byteSize());
                 DeviceBuffer control = ctx.allocate(controlInit.byteSize());
                 DeviceBuffer data = ctx.allocate(dataInit.byteSize());
                 DeviceBuffer status = ctx.allocate(Integer.BYTES)) {
                args.copyFrom(argsInit);
                control.copyFrom(controlInit);
                data.copyFrom(dataInit);
                status.memsetD32(-1);
                fn.launch(Dim3.of(1), Dim3.of(1), 0, null, args.ptr(), control.ptr(),
                        (int) (controlInit.byteSize() / Integer.BYTES), data.ptr(), (int) dataInit.byteSize(),
                        (int) budget, status.ptr());
                ctx.synchronize();
                MemorySegment argsOut = arena.allocate(argsInit.byteSize(), 4);
                MemorySegment controlOut = arena.allocate(controlInit.byteSize(), 4);
                MemorySegment dataOut = arena.allocate(dataInit.byteSize(), 4);
                MemorySegment statusOut = arena.allocate(Integer.BYTES, 4);
                args.copyTo(argsOut);
                control.copyTo(controlOut);
                data.copyTo(dataOut);
                status.copyTo(statusOut);
                String name = h.name() + " (budget " + budget + " of " + (steps < 0 ? "more than " + MEASURE_STEPS
                        : steps) + " steps)";
                assertEquals(expectedStatus, statusOut.get(Inputs.WORD, 0), name + ": status");
                compare(name, p, p.buffer(PtxEmitter.HANDLER_CONTROL), expected.get(PtxEmitter.HANDLER_CONTROL),
                        controlOut, initial);
                if (p.buffer(PtxEmitter.HANDLER_DATA) != null) {
                    compare(name, p, p.buffer(PtxEmitter.HANDLER_DATA), expected.get(PtxEmitter.HANDLER_DATA),
                            dataOut, initial);
                }
                if (expectedStatus == PtxEmitter.HANDLER_OK) {
                    compare(name, p, p.buffer(PtxEmitter.HANDLER_ARGS), expected.get(PtxEmitter.HANDLER_ARGS),
                            argsOut, initial);
                }
            }
        }
    }

    /** Steps a handler takes on {@code buffers} (which it changes), or -1 when more than {@link #MEASURE_STEPS}. */
    private static long stepsOf(Program p, Map<String, MemorySegment> buffers) {
        try {
            return new ReferenceInterpreter(MEASURE_STEPS).run(p, Dispatch.of(1), buffers).steps();
        } catch (StepBudgetExceededException e) {
            return -1;
        }
    }

    /** The budget of run {@code seed} for a handler of {@code steps} steps (-1: more than can be measured). */
    private static long handlerBudget(long steps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 7919 + 1);
        long known = steps < 0 ? MEASURE_STEPS : steps;
        return switch ((int) (seed % 4)) {
            case 0 -> known;
            case 1 -> Math.max(1, known - 1);
            case 2 -> 1 + rnd.nextLong(known);
            default -> 1_000_000;
        };
    }

    /**
     * Bit for bit, except that two F32 NaNs are equal; reports the first mismatches with the inputs at the same
     * index and the program.
     */
    private static void compare(String name, Program p, BufferDecl b, MemorySegment expected, MemorySegment actual,
                                Map<String, MemorySegment> initial) {
        ScalarType t = (ScalarType) b.elementType();
        boolean bytes = t == ScalarType.BYTES;
        long n = bytes ? expected.byteSize() : expected.byteSize() / 4;
        StringBuilder mismatches = new StringBuilder();
        int count = 0;
        for (long k = 0; k < n; k++) {
            int e = bytes ? Byte.toUnsignedInt(expected.get(ValueLayout.JAVA_BYTE, k)) : expected.get(Inputs.WORD, 4 * k);
            int a = bytes ? Byte.toUnsignedInt(actual.get(ValueLayout.JAVA_BYTE, k)) : actual.get(Inputs.WORD, 4 * k);
            boolean same = e == a || t == ScalarType.F32 && Float.isNaN(Float.intBitsToFloat(e))
                    && Float.isNaN(Float.intBitsToFloat(a));
            if (!same && count++ < REPORTED_MISMATCHES) {
                mismatches.append(String.format("  %s[%d]: reference 0x%08X, GPU 0x%08X; inputs at %d:", b.name(), k,
                        e, a, k));
                for (Map.Entry<String, MemorySegment> in : initial.entrySet()) {
                    if (4 * k + 4 <= in.getValue().byteSize()) {
                        mismatches.append(String.format(" %s=0x%08X", in.getKey(), in.getValue().get(Inputs.WORD,
                                4 * k)));
                    }
                }
                mismatches.append('\n');
            }
        }
        if (count > 0) {
            fail(name + ": " + count + " element(s) of buffer '" + b.name() + "' differ from the reference\n"
                    + mismatches + ProgramPrinter.print(p));
        }
    }
}
