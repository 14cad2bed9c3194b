package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Inputs;
import dev.vyre.automata.Match;
import dev.vyre.automata.Oracle;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.StateIndexPair;
import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskFlags;
import dev.vyre.protocol.TaskState;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunked scans agree with one-shot scans; blocking, non-blocking (any pull order, any thread count), NFA mode,
 * unminimised and unprefiltered compilations all report the same matches, which agree with java.util.regex.
 */
class ScanModeProperties {
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** A random pattern set: generated patterns plus, sometimes, unbounded ones that make lane guesses fail. */
    private static List<PatternSpec> patterns(SplittableRandom rnd, List<RegexGen.Gen> gens, List<Integer> ids) {
        List<PatternSpec> specs = new ArrayList<>();
        int n = rnd.nextInt(1, 5);
        for (int p = 0; p < n; p++) {
            RegexGen.Gen g = RegexGen.pattern(rnd);
            gens.add(g);
            ids.add(p);
            specs.add(g.spec(p));
        }
        if (rnd.nextBoolean()) {
            RegexGen.Gen g = new RegexGen.Gen("a[^\\n]*b", "a[^\\n]*b", false, "");
            gens.add(g);
            ids.add(n);
            specs.add(g.spec(n));
        }
        return specs;
    }

    private static byte[] input(SplittableRandom rnd) {
        return RegexGen.input(rnd, rnd.nextInt(4) == 0 ? 600 : 80);
    }

    @Test
    void everyModeAndChunkingAgrees() {
        Props.forAll("modes agree", 400, (i, rnd) -> {
            List<RegexGen.Gen> gens = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            List<PatternSpec> specs = patterns(rnd, gens, ids);
            CompiledAutomaton a = RegexCompiler.compile(specs);
            byte[] input = input(rnd);
            List<Match> expected = new Scanner(a).scan(input);
            if (input.length <= 80) {
                assertEquals(Oracle.matches(gens, ids, input), expected, () -> specs + " on " + Inputs.show(input));
            }
            int lanes = rnd.nextInt(1, 13);
            int quantum = rnd.nextInt(1, 65);
            int warmup = rnd.nextInt(0, 33);
            ScanOptions base = ScanOptions.defaults().withLanes(lanes).withQuantum(quantum).withWarmup(warmup);
            List<Task> offered = new ArrayList<>();
            ScanOptions[] variants = {
                ScanOptions.defaults(),
                base.withMode(ScanMode.BLOCKING),
                base.withMode(ScanMode.BLOCKING).withExecutor(pool),
                base.withMode(ScanMode.NON_BLOCKING).withQueue(() -> new RandomQueue(rnd.split(), offered)),
                base.withMode(ScanMode.NON_BLOCKING).withExecutor(pool),
            };
            for (ScanOptions o : variants) {
                String what = specs + " on " + Inputs.show(input) + " with " + o.mode() + " lanes " + lanes
                        + " quantum " + quantum + " warmup " + warmup;
                Scanner scanner = new Scanner(a, o);
                assertEquals(expected, scanner.scan(input), what);
                assertEquals(expected, Chunks.scan(scanner, input, rnd, rnd.nextInt(1, 100)), "chunked " + what);
            }
            for (Task t : offered) {
                assertStateIndexTask(t);
            }
            CompiledAutomaton nfa = RegexCompiler.compile(specs, CompileOptions.defaults().withMaxStates(1)
                    .withPrefilter(false));
            // Only a DFA of a single state fits a cap of one; everything else runs in NFA mode.
            assertTrue(nfa.engines().stream().allMatch(e -> e instanceof NfaEngine
                    || e instanceof DfaEngine d && d.dfa().stateCount() == 1), specs::toString);
            assertEquals(expected, Chunks.scan(new Scanner(nfa), input, rnd, 50), "NFA mode " + specs);
            CompiledAutomaton plain = RegexCompiler.compile(specs, CompileOptions.defaults().withMinimise(false)
                    .withPrefilter(false));
            assertEquals(expected, Chunks.scan(new Scanner(plain, base.withMode(ScanMode.NON_BLOCKING)), input, rnd,
                    200), "unminimised, no prefilter " + specs);
        });
    }

    /** Every task the worklist saw is a state/index pair in the shared task ABI. */
    private static void assertStateIndexTask(Task t) {
        assertTrue(t.state() == TaskState.READY || t.state() == TaskState.REQUEUED, t.toString());
        assertEquals(Opcodes.DFA_STEP, t.opHandle());
        assertTrue(t.hasFlag(TaskFlags.REQUEUE_REQUESTED));
        assertEquals(t.param(), t.continuationData());
        StateIndexPair pair = StateIndexPair.fromTask(t);
        assertEquals(t.continuationPc(), pair.byteIndex());
        assertEquals(t.state() == TaskState.READY ? 0 : t.requeueCount(), t.requeueCount());
    }
}
