package dev.vyre.runtime.automata;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.scan.DfaEngine;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU model of the DFA stage ({@link DfaStage}): each segment stepped from its true state in order, with the
 * counts the resident kernel makes. Slow (it steps every byte, as the host engines do); it exists so that the
 * filtered scan's use of segment results is tested without a GPU.
 */
public final class CpuDfaStage implements DfaStage {
    private final List<DfaEngine> engines;
    private final BatchFilter filter;
    private final long segmentBytes;
    private long nanos;
    private long bytes;

    /** Runs {@code engines} over the staging memory of {@code filter}, in segments of {@code segmentBytes}. */
    public CpuDfaStage(List<DfaEngine> engines, BatchFilter filter, long segmentBytes) {
        this.engines = List.copyOf(engines);
        this.filter = filter;
        this.segmentBytes = segmentBytes;
    }

    @Override
    public List<DfaEngine> engines() {
        return engines;
    }

    @Override
    public List<Segments> run(int slot, long[] pieceStart, long[] pieceEnd, int[][] startStates) {
        long t0 = System.nanoTime();
        MemorySegment data = filter.staging(slot);
        Plan plan = DfaStage.plan(pieceStart, pieceEnd, segmentBytes);
        List<Segments> out = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            Dfa dfa = engines.get(e).dfa();
            int n = plan.size();
            Segments s = new Segments(new int[n], new long[n], new long[n], new int[n], new int[n], new long[n]);
            long[] count = new long[1];
            MatchSink counter = (id, end) -> count[0]++;
            int state = 0;
            for (int i = 0; i < n; i++) {
                int p = plan.piece()[i];
                if (plan.firstOfPiece(i)) {
                    state = startStates[e][p] == FRESH ? dfa.startState(Dfa.CONTEXT_START) : startStates[e][p];
                }
                count[0] = 0;
                s.piece()[i] = p;
                s.start()[i] = plan.start()[i];
                s.end()[i] = plan.end()[i];
                s.used()[i] = state;
                state = dfa.run(data, 0, plan.start()[i], plan.end()[i], state, counter);
                if (plan.end()[i] == pieceEnd[p]) {
                    dfa.reportEnd(state, plan.end()[i], counter);
                }
                s.last()[i] = state;
                s.count()[i] = count[0];
            }
            out.add(s);
            for (int p = 0; p < pieceStart.length; p++) {
                bytes += pieceEnd[p] - pieceStart[p];
            }
        }
        nanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
    }
}
