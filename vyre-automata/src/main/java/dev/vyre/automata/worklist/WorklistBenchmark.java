package dev.vyre.automata.worklist;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.ScanMode;
import dev.vyre.automata.scan.ScanOptions;
import dev.vyre.automata.scan.ScanStream;
import dev.vyre.automata.scan.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one corpus slice in blocking and non-blocking mode, checks match parity, and asks the policy for a
 * recommendation with evidence, so that the policy's choice can be checked against measurement.
 */
public final class WorklistBenchmark {
    private WorklistBenchmark() {
    }

    /**
     * Scans {@code corpus} in both lane modes with {@code base}'s lanes, quantum, warm-up and executor.
     * The request's depth is the number of state/index pairs the worklists start with (one per lane of each DFA
     * engine, plus one start pair per byte for an NFA engine); the visit count is the non-blocking run's state
     * visits; the occupancy proxy is the share of those visits that a single sequential pass would also need
     * ({@code bytes x engines / visits}, in basis points).
     *
     * @throws AutomataException when the two modes report different matches
     */
    public static WorklistDecision measure(CompiledAutomaton automaton, byte[] corpus, ScanOptions base,
            WorklistPolicy policy) {
        List<Match> blocking = new ArrayList<>();
        long t0 = System.nanoTime();
        scan(automaton, corpus, base.withMode(ScanMode.BLOCKING), blocking);
        long t1 = System.nanoTime();
        List<Match> nonBlocking = new ArrayList<>();
        long visits = scan(automaton, corpus, base.withMode(ScanMode.NON_BLOCKING), nonBlocking);
        long t2 = System.nanoTime();
        if (!blocking.equals(nonBlocking)) {
            throw new AutomataException("blocking and non-blocking scans of the same " + corpus.length
                    + "-byte slice disagree (" + blocking.size() + " vs " + nonBlocking.size() + " matches)",
                    "report this as a bug with the patterns and the slice");
        }
        long depth = 0;
        for (Engine e : automaton.engines()) {
            depth += switch (e.kind()) {
                case DFA -> Math.min(base.lanes(), corpus.length);
                case NFA -> corpus.length;
                case LITERAL, PREFILTER, LINE -> 0;
            };
        }
        long needed = (long) corpus.length * automaton.engines().size();
        int occupancy = visits == 0 ? 0 : (int) Math.min(WorklistPolicy.MAX_OCCUPANCY_BPS,
                needed * WorklistPolicy.MAX_OCCUPANCY_BPS / visits);
        WorklistRequest request = new WorklistRequest((int) Math.min(depth, 0xFFFF_FFFFL), visits, occupancy,
                t1 - t0, t2 - t1);
        return policy.recommendWithEvidence(request);
    }

    private static long scan(CompiledAutomaton automaton, byte[] corpus, ScanOptions options, List<Match> out) {
        ScanStream s = new Scanner(automaton, options).stream();
        s.feed(corpus, 0, corpus.length, (id, end) -> out.add(new Match(id, end)));
        s.finish((id, end) -> out.add(new Match(id, end)));
        return s.stateVisits();
    }
}
