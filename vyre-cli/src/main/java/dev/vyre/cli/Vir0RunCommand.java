package dev.vyre.cli;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.ptx.PtxEmitException;
import dev.vyre.runtime.cuda.FusedKernel;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.check.ValidationException;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code vyre vir0 run FILE}: validates and runs a program on a backend, then prints its output buffers. */
@Command(name = "run", description = {"Validate and run a VIR0 program, then print its output buffers.",
        "Buffers not given are zero-filled from their declared count."})
final class Vir0RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The VIR0 program file.")
    Path file;

    @Option(names = "--grid", paramLabel = "X[,Y,Z]", converter = GridConverter.class,
            description = "Workgroups per axis (default: enough along x for the largest buffer).")
    Dispatch grid;

    @Option(names = "--buffer", paramLabel = "NAME=SPEC", converter = BufferArgConverter.class,
            description = {"Initial contents of a buffer (repeatable). SPEC is u32:1,2,3, i32:-1,2, f32:1.5,NaN,",
                    "bool:true,0, bytes:0,255, file:PATH (raw little-endian bytes) or zeros:BYTES."})
    List<BufferArg> buffers = new ArrayList<>();

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = {"Where to run: cpu (the reference interpreter; default), cpu-interpreted (VYVM bytecode",
                    "on a running CPU megakernel through VM_EXEC slots), cuda-interpreted, cuda-fused."})
    String backend;

    @Option(names = "--step-budget", defaultValue = "100000000", paramLabel = "N",
            description = "cpu-interpreted, cuda-interpreted: steps per VM_EXEC slot, 1..4294967295 (default: "
                    + "${DEFAULT-VALUE}).")
    long stepBudget;

    @Option(names = "--max-elements", defaultValue = "32", paramLabel = "N",
            description = "Elements printed per output buffer (default: ${DEFAULT-VALUE}).")
    long maxElements;

    @Override
    public Integer call() {
        String target = requireAvailableBackend(backend);
        if (maxElements < 0) {
            throw new CliException("--max-elements " + maxElements + " is negative", "give 0 or more");
        }
        Program program = Vir0Files.read(file);
        try {
            Validator.validate(program);
        } catch (ValidationException e) {
            throw new CliException(file + ": " + e.problem(), e.fix(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> bound = BufferBinder.bind(program, buffers, arena);
            Dispatch g = grid != null ? grid : GridSpec.defaultFor(program, bound);
            long start = System.nanoTime();
            String summary;
            if (target.equals(CPU_INTERPRETED) || target.equals(CUDA_INTERPRETED)) {
                VmRun.Totals t = target.equals(CPU_INTERPRETED) ? VmRun.run(program, g, bound, stepBudget)
                        : VmRun.run(VmRun.cudaBackend(), program, g, bound, stepBudget);
                summary = "bytecode steps " + t.steps() + " over " + t.slots() + " VM_EXEC slots, out-of-bounds loads "
                        + t.outOfBoundsLoads() + ", out-of-bounds stores " + t.outOfBoundsStores();
            } else if (target.equals(CUDA_FUSED)) {
                summary = fused(program, g, bound);
            } else {
                summary = summary(new ReferenceInterpreter().run(program, g, bound));
            }
            double ms = (System.nanoTime() - start) / 1e6;
            Program.WorkgroupSize wg = program.workgroupSize();
            long invocations = Integer.toUnsignedLong(g.x()) * Integer.toUnsignedLong(g.y())
                    * Integer.toUnsignedLong(g.z()) * wg.invocations();
            out.println(file + ": ran on " + target + " in " + String.format(Locale.ROOT, "%.1f", ms) + " ms, grid "
                    + GridSpec.format(g) + " x workgroup [" + wg.x() + "," + wg.y() + "," + wg.z() + "] = "
                    + invocations + " invocations");
            out.println(summary);
            boolean anyOutput = false;
            for (BufferDecl decl : program.buffers()) {
                if (decl.output() && bound.containsKey(decl.name())) {
                    out.println(Buffers.format(decl, bound.get(decl.name()), maxElements));
                    anyOutput = true;
                }
            }
            if (!anyOutput) {
                out.println("(the program declares no output buffers)");
            }
        }
        return 0;
    }

    /** cuda-fused: the program emitted as its own kernel, JIT-compiled, launched on device 0 and copied back. */
    static String fused(Program program, Dispatch g, Map<String, MemorySegment> bound) {
        CudaProbe.Device device = CudaProbe.run().devices().getFirst();
        try (CudaContext context = CudaContext.open(0);
             FusedKernel k = FusedKernel.compile(context, program, device.ccMajor(), device.ccMinor())) {
            FusedKernel.Counts c = k.run(g, bound);
            return String.format(Locale.ROOT, "emit %.1f ms, JIT %.1f ms, out-of-bounds loads %d, out-of-bounds "
                    + "stores %d", k.emitNanos() / 1e6, k.loadNanos() / 1e6, c.outOfBoundsLoads(),
                    c.outOfBoundsStores());
        } catch (PtxEmitException e) {
            throw new CliException("cuda-fused cannot run this program: " + e.problem(), e.fix(), e);
        }
    }

    /** Steps, out-of-bounds counts and any indirect dispatch requests of a run. */
    static String summary(RunResult result) {
        StringBuilder sb = new StringBuilder("steps ").append(result.steps())
                .append(", out-of-bounds loads ").append(result.outOfBoundsLoads())
                .append(", out-of-bounds stores ").append(result.outOfBoundsStores());
        if (!result.indirectDispatches().isEmpty()) {
            sb.append(", indirect dispatch requests");
            for (Dispatch d : result.indirectDispatches()) {
                sb.append(' ').append(GridSpec.format(d));
            }
        }
        return sb.toString();
    }

    static final String CPU_INTERPRETED = "cpu-interpreted";
    static final String CUDA_INTERPRETED = "cuda-interpreted";
    static final String CUDA_FUSED = "cuda-fused";

    /**
     * The backend {@code name} names, when this command can run it: cpu, cpu-interpreted, and, where a CUDA driver
     * and device are found, cuda-interpreted (VM_EXEC on the device megakernel) and cuda-fused (the program's own
     * kernel). Without a GPU the CUDA backends fail with a typed message; plain {@code cuda} is not wired.
     */
    static String requireAvailableBackend(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case SystemReport.BACKEND_CPU, CPU_INTERPRETED -> n;
            case CUDA_INTERPRETED, CUDA_FUSED, SystemReport.BACKEND_CUDA -> {
                CudaProbe probe = CudaProbe.run();
                if (!probe.available()) {
                    throw new CliException("backend '" + name + "' needs a GPU, and no CUDA driver or device is"
                            + " available here: " + probe.reason(), "use --backend cpu (the reference interpreter)"
                            + " or --backend cpu-interpreted (the bytecode VM on the CPU megakernel)");
                }
                if (!n.equals(SystemReport.BACKEND_CUDA)) {
                    yield n;
                }
                throw new CliException("backend '" + name + "' is not wired into vyre vir0 run yet (the device"
                        + " interpreter of VM_EXEC and the fused PTX launch come with their own work)",
                        "use --backend cpu or --backend cpu-interpreted");
            }
            default -> throw new CliException("unknown backend '" + name + "'",
                    "use --backend cpu, cpu-interpreted, cuda-interpreted or cuda-fused");
        };
    }

    /** picocli adapter for {@link GridSpec#parse}. */
    static final class GridConverter implements ITypeConverter<Dispatch> {
        @Override
        public Dispatch convert(String value) {
            try {
                return GridSpec.parse(value);
            } catch (CliException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli adapter for {@link BufferArg#parse}. */
    static final class BufferArgConverter implements ITypeConverter<BufferArg> {
        @Override
        public BufferArg convert(String value) {
            try {
                return BufferArg.parse(value);
            } catch (CliException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
