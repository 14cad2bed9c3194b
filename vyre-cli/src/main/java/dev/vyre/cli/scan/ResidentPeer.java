package dev.vyre.cli.scan;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.regex.Analysis;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.cuda.CudaDriver;
import dev.vyre.runtime.automata.ScanException;
import dev.vyre.runtime.cuda.DfaResidentPtx;
import dev.vyre.runtime.cuda.ResidentDfaScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * vyre's DFA kernel over input already in device memory ({@link ResidentDfaScan}): the files are uploaded by the
 * untimed first scan, the timed scans run the kernel alone, so the row shows what the automaton does on the GPU
 * without PCIe ingest. Needs a CUDA device, and a pattern set that compiles to one DFA (prefilter off, no pattern
 * over the state cap).
 */
public final class ResidentPeer implements ScanPeer {
    /** Smallest segment a thread scans. */
    static final int MIN_SEGMENT = 2048;
    /** Warm-up of guessed starts when matches are unbounded. */
    static final int WARMUP = 256;
    /** Threads per SM the segment size aims at. */
    static final int THREADS_PER_SM = 1024;

    @Override
    public String name() {
        return "vyre-cuda-resident";
    }

    @Override
    public Optional<String> unavailable() {
        return CountingListener.cudaUnavailable();
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        CompiledAutomaton automaton = VyreScan.compile(patterns);
        if (automaton.engines().size() != 1 || !(automaton.engines().getFirst() instanceof DfaEngine dfa)) {
            throw new ScanException("the resident kernel runs one DFA, but the rules compile to "
                    + automaton.engines().size() + " engines", "bench rules that fit one DFA (the state cap)");
        }
        return new Prepared() {
            private List<Path> uploaded;
            private ResidentDfaScan scan;

            @Override
            public long scan(List<Path> files) throws Exception {
                if (!files.equals(uploaded)) {
                    close();
                    List<byte[]> bytes = new ArrayList<>();
                    for (Path f : files) {
                        bytes.add(Files.readAllBytes(f));
                    }
                    scan = open(dfa, bytes);
                    uploaded = List.copyOf(files);
                }
                return scan.run().count();
            }

            @Override
            public void close() {
                if (scan != null) {
                    scan.close();
                    scan = null;
                    uploaded = null;
                }
            }
        };
    }

    /**
     * Uploads {@code files} for the resident kernel over {@code dfa}: segments sized for about
     * {@link #THREADS_PER_SM} threads per SM (at least {@link #MIN_SEGMENT}, at most 1 MiB), warm-up the longest
     * match when bounded, else {@link #WARMUP}.
     */
    static ResidentDfaScan open(DfaEngine dfa, List<byte[]> files) {
        long max = dfa.maxMatchLength();
        int warmup = max == Analysis.UNBOUNDED || max > WARMUP * 16L ? WARMUP : (int) max;
        int sms = CudaDriver.probe().devices().getFirst().multiprocessors();
        long total = files.stream().mapToLong(b -> b.length).sum();
        long per = total / ((long) sms * THREADS_PER_SM) + 1;
        int block = DfaResidentPtx.BLOCK_BYTES;
        int segment = (int) Math.min(1 << 20, Math.max(MIN_SEGMENT, (per + block - 1) / block * block));
        return ResidentDfaScan.open(dfa.dfa(), files, segment, warmup);
    }
}
