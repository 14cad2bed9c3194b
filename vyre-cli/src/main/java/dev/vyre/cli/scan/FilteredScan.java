package dev.vyre.cli.scan;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.LineEngine;
import dev.vyre.automata.scan.WindowedScan;
import dev.vyre.runtime.automata.BatchFilter;
import dev.vyre.runtime.automata.CpuBatchFilter;
import dev.vyre.runtime.automata.CpuDfaStage;
import dev.vyre.runtime.automata.FilteredScanner;
import dev.vyre.runtime.automata.ScanException;
import dev.vyre.runtime.automata.ScanListener;
import dev.vyre.runtime.automata.ScanReport;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.cuda.DeviceDfaStage;
import dev.vyre.runtime.cuda.DeviceWindowFilter;
import dev.vyre.runtime.automata.DfaStage;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The filtered scan path of {@code vyre scan --path filter} and the {@code vyre-*-filter} bench peers (docs/SCAN.md
 * "Filtered scan"): patterns compiled with the line prefilter; the prefilter of the line engine's factors runs on
 * the CUDA device ({@link DeviceWindowFilter}) or as its CPU model ({@link CpuBatchFilter}); host threads confirm.
 *
 * @param filter     "cuda" (the device kernel) or "cpu" (the CPU model)
 * @param threads    host threads (0: one per processor)
 * @param batchBytes bytes per batch
 * @param slots      batches in flight
 * @param hashBits   the device table's size (2^hashBits bits)
 * @param confirm    whether the prefilter confirms factors itself (the device confirm, {@link WindowConfirmTable}):
 *                   only windows that may hold a factor occurrence reach the host; false: every window whose bit is
 *                   set does (the bit test alone, as before)
 */
public record FilteredScan(String filter, int threads, long batchBytes, int slots, int hashBits, boolean confirm) {
    /** System property that keeps the DFAs of the non-factor patterns on the host also on CUDA (for comparison). */
    public static final String HOST_DFA_PROPERTY = "vyre.filter.hostDfa";
    /**
     * System property that runs the CPU model of the DFA stage ({@link CpuDfaStage}, 1 MiB segments) on the CPU
     * backend: slower than the host engines, but the host confirmation then does what it does on CUDA, so its share
     * can be measured without a GPU.
     */
    public static final String CPU_DFA_STAGE_PROPERTY = "vyre.filter.cpuDfaStage";
    /**
     * Default batch: 64 MiB, four in flight (on the H100 host, logcheck rules over /usr/share + /usr/include, 4 x 64
     * MiB gave 4.7 to 6.4 GB/s against 4.2 to 5.7 for 3 x 128, 5.4 to 5.6 for 8 x 32 and 4.2 to 4.4 for 2 x 256:
     * enough batches to overlap reading, the device and confirmation, few enough that the per-batch DFA stage passes
     * stay cheap).
     */
    public static final long DEFAULT_BATCH = 64L << 20;

    public FilteredScan {
        filter = filter.toLowerCase(Locale.ROOT);
        if (!List.of("cpu", "cuda").contains(filter)) {
            throw new ScanException("filtered scan: filter '" + filter + "' is not cpu or cuda",
                    "use the CUDA prefilter (cuda) or its CPU model (cpu)");
        }
    }

    /** With the device confirm. */
    public FilteredScan(String filter, int threads, long batchBytes, int slots, int hashBits) {
        this(filter, threads, batchBytes, slots, hashBits, true);
    }

    /** System property: bytes per batch in MiB (default {@link #DEFAULT_BATCH}), for measuring other shapes. */
    public static final String BATCH_MIB_PROPERTY = "vyre.filter.batchMiB";
    /** System property: batches in flight (default {@link #DEFAULT_SLOTS}). */
    public static final String SLOTS_PROPERTY = "vyre.filter.slots";
    /** Default batches in flight. */
    public static final int DEFAULT_SLOTS = 4;

    /**
     * The defaults for {@code filter}: one thread per processor, four 64 MiB batches (or {@link #BATCH_MIB_PROPERTY}
     * and {@link #SLOTS_PROPERTY}), 2^22-bit table, the device confirm.
     */
    public static FilteredScan defaults(String filter) {
        long batch = Long.getLong(BATCH_MIB_PROPERTY, DEFAULT_BATCH >> 20) << 20;
        int slots = Integer.getInteger(SLOTS_PROPERTY, DEFAULT_SLOTS);
        if (batch < (1L << 20) || batch > (4L << 30) || slots < 1 || slots > 64) {
            throw new ScanException("filtered scan: " + BATCH_MIB_PROPERTY + "=" + (batch >> 20) + " and "
                    + SLOTS_PROPERTY + "=" + slots + " are out of range",
                    "give batches of 1 to 4096 MiB and 1 to 64 slots");
        }
        return new FilteredScan(filter, 0, batch, slots, WindowBitmap.DEFAULT_HASH_BITS);
    }

    /** This setup with the device confirm on or off. */
    public FilteredScan withConfirm(boolean on) {
        return new FilteredScan(filter, threads, batchBytes, slots, hashBits, on);
    }

    /** The patterns as this path runs them: the line prefilter on (what the CPU backend compiles too). */
    public static CompiledAutomaton compile(List<PatternSpec> patterns) {
        return RegexCompiler.compile(patterns, CompileOptions.defaults().withPrefilter(false)
                .withLinePrefilter(true));
    }

    /** The effective host threads. */
    public int hostThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Opens the prefilter stage for {@code automaton} (a table over no windows when it has no line engine). */
    public BatchFilter openFilter(CompiledAutomaton automaton) {
        LineEngine line = new WindowedScan(automaton, dev.vyre.automata.scan.ScanOptions.defaults()).lineEngine();
        WindowBitmap bitmap = line == null ? WindowBitmap.of(new int[0], hashBits)
                : WindowBitmap.of(line.matcher(), hashBits);
        WindowConfirmTable table = line == null || !confirm ? null : line.matcher().confirmTable();
        return filter.equals("cuda") ? DeviceWindowFilter.open(bitmap, table, slots, batchBytes)
                : new CpuBatchFilter(bitmap, table, slots, batchBytes);
    }

    /**
     * The DFA stage for {@code automaton}'s DFA engines (the patterns without a long factor): on CUDA the resident DFA
     * kernel over each batch ({@link DeviceDfaStage}), so the host steps only segments that hold a match; null on the
     * CPU (the host engines step every byte, faster than the stage's CPU model would; with {@value
     * #CPU_DFA_STAGE_PROPERTY} true the CPU model) and when the system property {@value #HOST_DFA_PROPERTY} is true.
     */
    public DfaStage openStage(CompiledAutomaton automaton, BatchFilter batchFilter) {
        if (Boolean.getBoolean(HOST_DFA_PROPERTY)) {
            return null;
        }
        List<DfaEngine> dfas = automaton.engines(Engine.Kind.DFA).stream().map(e -> (DfaEngine) e).toList();
        if (dfas.isEmpty()) {
            return null;
        }
        if (batchFilter instanceof DeviceWindowFilter device) {
            return new DeviceDfaStage(device, dfas);
        }
        return Boolean.getBoolean(CPU_DFA_STAGE_PROPERTY) ? new CpuDfaStage(dfas, batchFilter, 1 << 20) : null;
    }

    /** A scanner over {@code batchFilter} and {@code stage} (may be null; the caller closes all three). */
    public FilteredScanner scanner(CompiledAutomaton automaton, BatchFilter batchFilter, DfaStage stage) {
        return new FilteredScanner(automaton, batchFilter, stage, hostThreads());
    }

    /**
     * Scans the files under {@code roots} with {@code automaton} (from {@link #compile}); results go to
     * {@code listener} in file order. The report is a {@link ScanReport} with no ring slots (nothing runs on the ring).
     */
    public ScanReport run(CompiledAutomaton automaton, List<Path> roots, ScanListener listener) {
        try (BatchFilter f = openFilter(automaton)) {
            DfaStage stage = openStage(automaton, f);
            try (FilteredScanner s = scanner(automaton, f, stage)) {
                FilteredScanner.Report r = s.scanPaths(roots, listener);
                return new ScanReport(r.files(), r.failedFiles(), r.bytes(), r.matches(), 0, 0, 0, 0, 0, List.of(),
                        r.elapsedNanos());
            } finally {
                if (stage != null) {
                    stage.close();
                }
            }
        }
    }

    /** The filter a {@code vyre scan --path filter} uses for the backend {@code kind}. */
    public static FilteredScan forBackend(BackendKind kind, int threads) {
        FilteredScan d = defaults(kind == BackendKind.CUDA ? "cuda" : "cpu");
        return new FilteredScan(d.filter(), threads, d.batchBytes(), d.slots(), d.hashBits(), d.confirm());
    }
}
