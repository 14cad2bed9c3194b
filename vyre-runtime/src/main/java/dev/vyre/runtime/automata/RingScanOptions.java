package dev.vyre.runtime.automata;

import dev.vyre.automata.worklist.WorklistPolicy;

/**
 * How {@link RingScanner} cuts chunks into DFA_STEP work.
 *
 * @param mode          blocking lanes, non-blocking state/index worklists, or {@link Mode#AUTO}: the worklist policy
 *                      decides per corpus slice from a measurement of both
 * @param lanes         spans a chunk is cut into per DFA (each lane but the first guesses its start state)
 * @param minLaneBytes  the shortest lane worth a slot of its own
 * @param quantum       bytes one non-blocking DFA_STEP advances before its continuation is requeued; also the
 *                      checkpoint interval at which a fix-up meets the guessed run
 * @param warmup        warm-up bytes before a lane of patterns with unbounded matches (bounded patterns warm up
 *                      over their longest match, which makes the guess exact)
 * @param matchCapacity match records per chunk buffer (records past it are dropped by the slot, then the span is
 *                      run again into a buffer of the exact size)
 * @param sliceBytes    bytes per corpus slice in AUTO mode: each slice starts with a measurement of both modes
 * @param policy        the worklist policy of AUTOMATA.md
 */
public record RingScanOptions(Mode mode, int lanes, int minLaneBytes, int quantum, int warmup, int matchCapacity,
        long sliceBytes, WorklistPolicy policy) {

    /** How lanes advance. */
    public enum Mode {
        /** Measure both modes at the start of every slice and let the policy choose. */
        AUTO,
        /** Each lane is one DFA_STEP over its whole span; a wrong guess re-runs the whole lane. */
        BLOCKING,
        /**
         * Each lane is a chain of state/index pairs, one DFA_STEP per quantum, requeued as it completes; a fix-up
         * stops where it meets the guessed run.
         */
        NON_BLOCKING
    }

    public RingScanOptions {
        if (mode == null || policy == null) {
            throw new ScanException("scan options: mode and policy must not be null",
                    "start from RingScanOptions.defaults()");
        }
        if (lanes < 1 || minLaneBytes < 1 || quantum < 1 || quantum > DfaStepAbi.BUDGET_MASK || warmup < 0
                || matchCapacity < 1 || matchCapacity > MatchBufferLayout.MAX_CAPACITY || sliceBytes < 1) {
            throw new ScanException("scan options out of range: lanes " + lanes + ", minLaneBytes " + minLaneBytes
                    + ", quantum " + quantum + ", warmup " + warmup + ", matchCapacity " + matchCapacity
                    + ", sliceBytes " + sliceBytes, "use lanes, minLaneBytes, matchCapacity, sliceBytes >= 1,"
                    + " quantum 1.." + DfaStepAbi.BUDGET_MASK + ", warmup >= 0");
        }
    }

    /**
     * AUTO, one lane per available processor, lanes of at least 16 KiB, 64 KiB quanta, 256 bytes of warm-up,
     * 65,536 match records per chunk, 256 MiB slices, the standard policy.
     */
    public static RingScanOptions defaults() {
        return new RingScanOptions(Mode.AUTO, Runtime.getRuntime().availableProcessors(), 16 << 10, 64 << 10, 256,
                65_536, 256L << 20, WorklistPolicy.standard());
    }

    public RingScanOptions withMode(Mode m) {
        return new RingScanOptions(m, lanes, minLaneBytes, quantum, warmup, matchCapacity, sliceBytes, policy);
    }

    public RingScanOptions withLanes(int n) {
        return new RingScanOptions(mode, n, minLaneBytes, quantum, warmup, matchCapacity, sliceBytes, policy);
    }

    public RingScanOptions withMinLaneBytes(int n) {
        return new RingScanOptions(mode, lanes, n, quantum, warmup, matchCapacity, sliceBytes, policy);
    }

    public RingScanOptions withQuantum(int q) {
        return new RingScanOptions(mode, lanes, minLaneBytes, q, warmup, matchCapacity, sliceBytes, policy);
    }

    public RingScanOptions withWarmup(int w) {
        return new RingScanOptions(mode, lanes, minLaneBytes, quantum, w, matchCapacity, sliceBytes, policy);
    }

    public RingScanOptions withMatchCapacity(int c) {
        return new RingScanOptions(mode, lanes, minLaneBytes, quantum, warmup, c, sliceBytes, policy);
    }

    public RingScanOptions withSliceBytes(long b) {
        return new RingScanOptions(mode, lanes, minLaneBytes, quantum, warmup, matchCapacity, b, policy);
    }
}
