package dev.vyre.cli.scan;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cuda.CudaDriver;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.RingScanner;
import dev.vyre.runtime.automata.ScanException;
import dev.vyre.runtime.automata.ScanListener;
import dev.vyre.runtime.automata.ScanReport;
import dev.vyre.runtime.stream.GpuStream;
import dev.vyre.uring.ReaderOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One vyre scan of files: compile the patterns ({@link #compileFor}: on CUDA every pattern within the state cap runs
 * as a DFA on the ring; on the CPU long-factor patterns run in a line-prefiltered engine on the host), bootstrap a
 * megakernel, stream the files through a {@link GpuStream} (io_uring into its pool in the megakernel's data region)
 * and run DFA_STEP slots over the chunks in place.
 * Shared by {@code vyre scan} and {@code vyre bench scan}.
 *
 * @param backend    "auto", "cpu" or "cuda"
 * @param workers    CPU workers (0: one per processor)
 * @param options    lanes and mode
 * @param chunkBytes bytes per read chunk (pool buffer size)
 * @param buffers    pool buffers (chunks in flight)
 */
public record VyreScan(String backend, int workers, RingScanOptions options, int chunkBytes, int buffers) {
    /** Ring slots of the scan's megakernel. */
    public static final int RING_SLOTS = 4096;

    public VyreScan {
        backend = backend.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "cpu", "cuda").contains(backend)) {
            throw new ScanException("backend '" + backend + "' is not auto, cpu or cuda", "pass --backend auto|cpu|cuda");
        }
        if (chunkBytes < 4096 || buffers < 2) {
            throw new ScanException("chunks of " + chunkBytes + " bytes in " + buffers + " buffers",
                    "use chunks of at least 4096 bytes and at least 2 buffers");
        }
    }

    /**
     * Compiles {@code patterns} for the ring only: every pattern within the state cap as a DFA for DFA_STEP (what a
     * CUDA backend and the resident peer run).
     */
    public static CompiledAutomaton compile(List<PatternSpec> patterns) {
        return RegexCompiler.compile(patterns, CompileOptions.defaults().withPrefilter(false));
    }

    /**
     * Compiles {@code patterns} the way this scan runs them: on the CPU backend with the line prefilter (patterns
     * with long required factors in a {@code LineEngine} on the host, which steps only the lines holding a factor;
     * the rest as DFAs on the ring), on CUDA as {@link #compile(List)}.
     */
    public CompiledAutomaton compileFor(List<PatternSpec> patterns) {
        if (resolveBackend(note -> { }) == BackendKind.CUDA) {
            return compile(patterns);
        }
        return RegexCompiler.compile(patterns, CompileOptions.defaults().withPrefilter(false)
                .withLinePrefilter(true));
    }

    /**
     * The backend that runs DFA_STEP: CUDA when asked for, or for "auto" when a CUDA device is present; else the
     * CPU. Asking for CUDA without a device fails at bootstrap with the probe's reason.
     */
    public BackendKind resolveBackend(Consumer<String> notes) {
        return switch (backend) {
            case "cuda" -> BackendKind.CUDA;
            case "auto" -> CudaDriver.probe().available() ? BackendKind.CUDA : BackendKind.CPU;
            default -> BackendKind.CPU;
        };
    }

    /** Scans {@code roots} with {@code automaton}; results go to {@code listener} in file order. */
    public ScanReport run(CompiledAutomaton automaton, List<Path> roots, ScanListener listener,
            Consumer<String> notes) {
        BackendKind kind = resolveBackend(notes);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(RING_SLOTS).withWorkers(workers)
                .withObservables(0).withDebugRecords(0).withAutomata(RingScanner.ringAutomata(automaton))
                .withDataBytes(GpuStream.dataBytes(buffers, chunkBytes));
        try (Megakernel kernel = Megakernel.bootstrap(kind, config);
             RingScanner scanner = RingScanner.open(kernel, automaton, options);
             GpuStream stream = GpuStream.builder(kernel).opcode(Opcodes.DFA_STEP).chunkSize(chunkBytes)
                     .buffers(buffers).readerOptions(ReaderOptions.defaults()
                             .withQueueDepth(Math.max(1, buffers / 2))).build()) {
            if (scanner.hasHostEngines()) {
                notes.accept("some patterns exceed the DFA state cap and run as NFA worklists on the host");
            }
            return scanner.scanPaths(stream, roots, listener);
        }
    }

    /** The workers a megakernel of {@link #RING_SLOTS} slots gets for {@code workers} (0: the default). */
    public static int effectiveWorkers(int workers) {
        return workers != 0 ? workers : dev.vyre.runtime.cpu.CpuBackend.defaultWorkers(RING_SLOTS,
                Runtime.getRuntime().availableProcessors());
    }
}
