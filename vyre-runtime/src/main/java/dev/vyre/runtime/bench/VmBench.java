package dev.vyre.runtime.bench;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.FusedKernel;
import dev.vyre.runtime.cuda.VmTables;
import dev.vyre.runtime.cuda.WorkerShape;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmLowering;
import dev.vyre.vm.VmTableLayout;
import dev.vyre.vm.VmVerifier;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code vyre bench vm} (docs/BENCH.md, "VM"): on one GPU, in one run, a VIR0 program the process has never seen,
 * from its VIR0 bytes to its first result, interpreted (decode, lower with validation, verify, copy the image to
 * pinned memory, register it and a buffer set, publish VM_EXEC on the already-running megakernel, wait, copy the
 * output back) versus compiled and launched (decode, {@code PtxEmitter.emitKernel}, {@code cuModuleLoadData} JIT,
 * allocate and upload the buffers, launch, synchronise, copy the output back); then the steady state of both: runs
 * per second of a small dispatch and invocations per second of a large one. Every never-seen program differs from
 * the others by its constants, so neither the driver's JIT cache nor the interpreter's image cache has it.
 * Outputs of both paths are compared word for word.
 */
public final class VmBench {
    /** Invocations per workgroup of the benchmark program (one wave). */
    static final int WORKGROUP = 32;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int BUDGET = 2_000_000_000;

    /**
     * @param fresh        never-seen programs measured on each path (the median is reported)
     * @param smallGroups  workgroups of the small dispatch
     * @param smallRuns    runs of the small dispatch per steady-state row
     * @param largeGroups  workgroups of the large dispatch
     * @param loop         iterations of the program's inner loop (its work per invocation)
     * @param device       CUDA device ordinal
     */
    public record Config(int fresh, int smallGroups, int smallRuns, int largeGroups, int loop, int device) {
        public static Config defaults() {
            return new Config(7, 4, 2000, 32_768, 16, 0);
        }
    }

    private VmBench() {
    }

    /**
     * The program: {@code i = gid; if i < len(out) { acc = in[i]; for j in 0..loop { acc = acc * k + j };
     * out[i] = acc }}; {@code k} makes every program new.
     */
    static Program program(int k, int loop) {
        Expr i = new Expr.Var("i");
        List<Node> body = List.of(new Node.Let("acc", Expr.load("in", i)),
                new Node.For("j", Expr.u32(0), Expr.u32(loop), List.of(new Node.Assign("acc",
                        Expr.add(Expr.mul(new Expr.Var("acc"), Expr.u32(k)), new Expr.Var("j"))))),
                new Node.Store("out", i, new Expr.Var("acc")));
        return Program.of(Program.WorkgroupSize.of(WORKGROUP), List.of(
                BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false),
                BufferDecl.of("out", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, true)), List.of(
                new Node.Let("i", Expr.gid(0)),
                new Node.If(Expr.lt(i, new Expr.BufLen("out")), body, List.of())));
    }

    /**
     * Runs the benchmark; {@code progress} gets one line per measurement; returns the JSON evidence. The
     * interpreted rows run first, on the running megakernel; the compiled rows after it shut down (a module load,
     * cuMemAlloc and cuMemFree may synchronise the device, which a resident kernel never lets finish), over the
     * same never-seen programs, whose outputs must equal the interpreted ones.
     */
    public static Map<String, Object> run(Config c, Consumer<String> progress) {
        int largeN = c.largeGroups() * WORKGROUP;
        int smallN = c.smallGroups() * WORKGROUP;
        Map<String, Object> evidence = new LinkedHashMap<>();
        try (CudaContext context = CudaContext.open(c.device());
             Arena arena = Arena.ofConfined()) {
            DeviceBuffer in = context.allocate((long) largeN * 4);
            DeviceBuffer out = context.allocate((long) largeN * 4);
            MemorySegment input = arena.allocate((long) largeN * 4, 4);
            for (int i = 0; i < largeN; i++) {
                input.setAtIndex(ValueLayout.JAVA_INT, i, i * 0x9E37_79B9);
            }
            in.copyFrom(input, 0);
            int[] constants = new int[c.fresh()];
            long salt = System.nanoTime() & 0xFFFF;
            for (int r = 0; r < constants.length; r++) {
                constants[r] = (int) (1_000_003 + 2 * (salt * 64 + r));
            }
            List<byte[]> programs = new ArrayList<>();
            for (int k : constants) {
                programs.add(Vir0Encoder.encode(program(k, c.loop())));
            }
            List<MemorySegment> vmOutputs = new ArrayList<>();
            List<Map<String, Object>> fresh = new ArrayList<>();
            int[] cc = interpretedPhase(c, in, out, programs, arena, smallN, largeN, vmOutputs, fresh, evidence,
                    progress);
            compiledPhase(c, context, in, out, programs, arena, input, smallN, largeN, cc, vmOutputs, fresh,
                    evidence, progress);
            evidence.put("freshPrograms", fresh);
            in.close();
            out.close();
        }
        return evidence;
    }

    /** First results and steady state on the running megakernel; returns the device's compute capability. */
    private static int[] interpretedPhase(Config c, DeviceBuffer in, DeviceBuffer out, List<byte[]> programs,
                                          Arena arena, int smallN, int largeN, List<MemorySegment> vmOutputs,
                                          List<Map<String, Object>> fresh, Map<String, Object> evidence,
                                          Consumer<String> progress) {
        CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withShape(WorkerShape.WARP)
                .withCache(dev.vyre.runtime.cache.CacheSettings.disabled()));
        VmTables tables = new VmTables(backend.allocateShared(VmTableLayout.TABLE_BYTES, 16));
        backend.enableVm(tables.segment());
        try (Megakernel kernel = Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(1024))) {
            evidence.put("device", backend.device().name());
            evidence.put("workers", kernel.workers());
            MemorySegment images = kernel.allocateShared(1 << 20, 16);
            long cursor = 0;
            List<Long> times = new ArrayList<>();
            for (byte[] bytes : programs) {
                MemorySegment result = arena.allocate((long) smallN * 4, 4);
                long t0 = System.nanoTime();
                Program p = Vir0Decoder.decode(bytes);
                VmImage image = VmLowering.lower(p);
                VmVerifier.verify(image.words());
                MemorySegment slice = images.asSlice(cursor, (long) image.wordCount() * 4);
                cursor = (cursor + (long) image.wordCount() * 4 + 15) & ~15L;
                VmTables.copyImage(image, slice);
                int id = tables.program(0, backend.deviceAddress(slice), image.wordCount());
                int set = tables.bufferSet(0, image, new long[] {in.ptr().address(), out.ptr().address()},
                        new long[] {smallN, smallN});
                SlotOutcome o = kernel.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL, VmExecAbi.args(id, set,
                        c.smallGroups(), 1, 1, 0, c.smallGroups(), BUDGET)).await(WAIT);
                out.copyTo(result, 0);
                long t1 = System.nanoTime();
                requireDone(o, "interpreted first run");
                vmOutputs.add(result);
                times.add(t1 - t0);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("interpretedMicros", (t1 - t0) / 1e3);
                fresh.add(row);
                progress.accept(String.format("never-seen program %d interpreted: %.1f us to the first result",
                        fresh.size() - 1, (t1 - t0) / 1e3));
            }
            evidence.put("firstResultInterpretedMedianMicros", median(times) / 1e3);
            // steady state: the same program (cached image), small runs all in flight, a large grid split by worker
            VmImage image = VmLowering.lower(program(7, c.loop()));
            MemorySegment slice = images.asSlice(cursor, (long) image.wordCount() * 4);
            VmTables.copyImage(image, slice);
            int id = tables.program(0, backend.deviceAddress(slice), image.wordCount());
            long[] addresses = {in.ptr().address(), out.ptr().address()};
            int smallSet = tables.bufferSet(0, image, addresses, new long[] {smallN, smallN});
            int largeSet = tables.bufferSet(0, image, addresses, new long[] {largeN, largeN});
            List<Slot> small = new ArrayList<>();
            for (int r = 0; r < c.smallRuns(); r++) {
                small.add(vmSlot(id, smallSet, c.smallGroups(), 0, c.smallGroups()));
            }
            awaitAll(kernel.publishBatch(small));
            long t0 = System.nanoTime();
            awaitAll(kernel.publishBatch(small));
            double runs = c.smallRuns() / ((System.nanoTime() - t0) / 1e9);
            int per = (c.largeGroups() + kernel.workers() - 1) / kernel.workers();
            List<Slot> large = new ArrayList<>();
            for (int first = 0; first < c.largeGroups(); first += per) {
                large.add(vmSlot(id, largeSet, c.largeGroups(), first, Math.min(per, c.largeGroups() - first)));
            }
            awaitAll(kernel.publishBatch(large));
            long t1 = System.nanoTime();
            awaitAll(kernel.publishBatch(large));
            double invocations = largeN / ((System.nanoTime() - t1) / 1e9);
            evidence.put("steadySmallInterpretedRunsPerSecond", runs);
            evidence.put("steadyLargeInterpretedInvocationsPerSecond", invocations);
            progress.accept(String.format("steady interpreted: %.0f runs/s of %d invocations; %.3g invocations/s "
                    + "over %d", runs, smallN, invocations, largeN));
            return new int[] {backend.device().ccMajor(), backend.device().ccMinor()};
        } finally {
            backend.close();
        }
    }

    /** The same programs compiled and launched, with no megakernel running. */
    private static void compiledPhase(Config c, CudaContext context, DeviceBuffer in, DeviceBuffer out,
                                      List<byte[]> programs, Arena arena, MemorySegment input, int smallN,
                                      int largeN, int[] cc, List<MemorySegment> vmOutputs,
                                      List<Map<String, Object>> fresh, Map<String, Object> evidence,
                                      Consumer<String> progress) {
        List<Long> times = new ArrayList<>();
        for (int r = 0; r < programs.size(); r++) {
            Map<String, MemorySegment> buffers = new LinkedHashMap<>();
            buffers.put("in", arena.allocate((long) smallN * 4, 4).copyFrom(input.asSlice(0, (long) smallN * 4)));
            buffers.put("out", arena.allocate((long) smallN * 4, 4));
            long t0 = System.nanoTime();
            Program q = Vir0Decoder.decode(programs.get(r));
            try (FusedKernel f = FusedKernel.compile(context, q, cc[0], cc[1])) {
                f.run(Dispatch.of(c.smallGroups()), buffers);
                long t1 = System.nanoTime();
                times.add(t1 - t0);
                Map<String, Object> row = fresh.get(r);
                row.put("fusedMicros", (t1 - t0) / 1e3);
                row.put("fusedEmitMicros", f.emitNanos() / 1e3);
                row.put("fusedJitMicros", f.loadNanos() / 1e3);
                progress.accept(String.format("never-seen program %d compiled and launched: %.1f us (emit %.1f us,"
                        + " JIT %.1f us)", r, (t1 - t0) / 1e3, f.emitNanos() / 1e3, f.loadNanos() / 1e3));
            }
            sameWords(vmOutputs.get(r), buffers.get("out"), smallN, "first results of program " + r);
        }
        evidence.put("firstResultFusedMedianMicros", median(times) / 1e3);
        try (FusedKernel f = FusedKernel.compile(context, program(7, c.loop()), cc[0], cc[1]);
             FusedKernel.Resident small = f.resident(Map.of("in", in, "out", out), Map.of("in", (long) smallN,
                     "out", (long) smallN));
             FusedKernel.Resident large = f.resident(Map.of("in", in, "out", out), Map.of("in", (long) largeN,
                     "out", (long) largeN))) {
            small.launch(Dispatch.of(c.smallGroups()));
            small.synchronize();
            long t0 = System.nanoTime();
            for (int r = 0; r < c.smallRuns(); r++) {
                small.launch(Dispatch.of(c.smallGroups()));
            }
            small.synchronize();
            double runs = c.smallRuns() / ((System.nanoTime() - t0) / 1e9);
            large.launch(Dispatch.of(c.largeGroups()));
            large.synchronize();
            long t1 = System.nanoTime();
            large.launch(Dispatch.of(c.largeGroups()));
            large.synchronize();
            double invocations = largeN / ((System.nanoTime() - t1) / 1e9);
            evidence.put("steadySmallFusedLaunchesPerSecond", runs);
            evidence.put("steadyLargeFusedInvocationsPerSecond", invocations);
            progress.accept(String.format("steady compiled: %.0f launches/s of %d invocations; %.3g invocations/s "
                    + "over %d", runs, smallN, invocations, largeN));
        }
        evidence.put("smallInvocations", smallN);
        evidence.put("largeInvocations", largeN);
        evidence.put("loopIterations", c.loop());
    }

    private static Slot vmSlot(int program, int set, int groups, int first, int count) {
        return new Slot(SlotState.PUBLISHED, Opcodes.VM_EXEC, 0, Priority.NORMAL,
                VmExecAbi.args(program, set, groups, 1, 1, first, count, BUDGET));
    }

    private static void awaitAll(List<Ticket> tickets) {
        for (Ticket t : tickets) {
            requireDone(t.await(WAIT), "steady-state run");
        }
    }

    private static void requireDone(SlotOutcome o, String what) {
        if (!o.isDone()) {
            throw new BenchException("bench vm: the " + what + " did not complete: " + o, "check the GPU with "
                    + "the CudaVmGpuTest tests");
        }
    }

    private static void sameWords(MemorySegment a, MemorySegment b, int n, String what) {
        for (int i = 0; i < n; i++) {
            if (a.getAtIndex(ValueLayout.JAVA_INT, i) != b.getAtIndex(ValueLayout.JAVA_INT, i)) {
                throw new BenchException("bench vm: " + what + " differ at word " + i + ": interpreted 0x"
                        + Integer.toHexString(a.getAtIndex(ValueLayout.JAVA_INT, i)) + ", compiled 0x"
                        + Integer.toHexString(b.getAtIndex(ValueLayout.JAVA_INT, i)), "run CudaVmGpuTest");
            }
        }
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
