package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DFA_STEP slots on the CPU backend: matches, continuations, END, QUIET, overflow, faults. */
class DfaStepTest {
    private static final List<String> PATTERNS = List.of("ab+c", "[0-9]{3}", "x[^x]*y", "cab");
    private static final List<Integer> IDS = List.of(1, 2, 3, 1);
    private static final int INPUT = 5;
    private static final int OUT = 7;

    private Arena arena;
    private Megakernel kernel;
    private DfaStepUnit unit;
    private Dfa dfa;
    private MatchBuffer out;

    @BeforeEach
    void setUp() {
        arena = Arena.ofShared();
        dfa = compile(PATTERNS, IDS);
        kernel = Kernels.cpu(Kernels.small().withAutomata(List.of(dfa)));
        unit = kernel.dfaStep();
        out = MatchBuffer.allocate(arena, 4096);
        unit.registerMatchBuffer(OUT, out);
    }

    @AfterEach
    void tearDown() {
        kernel.close();
        arena.close();
    }

    static Dfa compile(List<String> patterns, List<Integer> ids) {
        List<PatternSpec> specs = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            specs.add(PatternSpec.of(ids.get(i), patterns.get(i)));
        }
        List<Engine> engines = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false)).engines();
        assertEquals(1, engines.size(), "one DFA engine");
        return ((DfaEngine) engines.getFirst()).dfa();
    }

    private MemorySegment input(byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, bytes.length);
        MemorySegment in = s.asSlice(0, bytes.length);
        unit.registerInput(INPUT, in);
        return in;
    }

    private SlotOutcome step(int[] args) {
        return Kernels.run(kernel, Opcodes.DFA_STEP, args);
    }

    private List<Match> records(int tag) {
        List<Match> m = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (tag < 0 || out.tag(i) == tag) {
                m.add(new Match(out.patternId(i), out.endOffset(i)));
            }
        }
        return m;
    }

    private static byte[] randomText(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        String alphabet = "abcxy0123\n";
        for (int i = 0; i < n; i++) {
            b[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
        return b;
    }

    @Test
    void wholeSpanMatchesTheRegexOracle() {
        byte[] text = "zabbbc 1234 xqqy cab abc\nx\ny 987".getBytes(StandardCharsets.ISO_8859_1);
        input(text);
        SlotOutcome o = step(DfaStepAbi.args(0, OUT, INPUT, 0, text.length, 0, 42, true, false, 0,
                dfa.startState(Dfa.CONTEXT_START), 0));
        assertTrue(o.isDone(), o.toString());
        assertEquals(text.length, o.arg(DfaStepAbi.PC));
        assertEquals(0, o.arg(DfaStepAbi.DROPPED));
        assertEquals(RegexOracle.matches(PATTERNS, IDS, text), new ArrayList<>(new TreeSet<>(records(42))));
        assertEquals(records(42).size(), new TreeSet<>(records(42)).size(), "each (id, end) once");
    }

    @Test
    void chainedSpansAndBudgetedContinuationsEqualOneSpan() {
        Props.forAll("dfa-step chains", 40, (i, rnd) -> {
            byte[] text = randomText(rnd, 1 + rnd.nextInt(600));
            input(text);
            out.reset();
            long base = rnd.nextInt(3) == 0 ? (1L << 33) + rnd.nextInt(1000) : 0;
            int state = dfa.startState(base == 0 ? Dfa.CONTEXT_START : Dfa.CONTEXT_OTHER);
            int pos = 0;
            int tag = 0;
            while (pos < text.length) {
                int len = Math.min(text.length - pos, 1 + rnd.nextInt(200));
                int pc = 0;
                boolean last = pos + len == text.length;
                int budget = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(50);
                while (true) {
                    SlotOutcome o = step(DfaStepAbi.args(0, OUT, INPUT, pos, len, base + pos, tag++, last, false,
                            budget, state, pc));
                    assertTrue(o.isDone(), o.toString());
                    state = o.arg(DfaStepAbi.STATE);
                    int newPc = o.arg(DfaStepAbi.PC);
                    assertTrue(newPc > pc && (budget == 0 || newPc - pc <= budget), "progress within the budget");
                    pc = newPc;
                    if (pc == len) {
                        break;
                    }
                }
                pos += len;
            }
            List<Match> expected = new ArrayList<>();
            for (Match m : RegexOracle.matches(PATTERNS, IDS, text)) {
                expected.add(new Match(m.patternId(), m.endOffset() + base));
            }
            // these patterns have no anchors, so a stream that starts at a later base reports the same shifted
            assertEquals(expected, sorted(records(-1)));
        });
    }

    private static List<Match> sorted(List<Match> m) {
        List<Match> s = new ArrayList<>(m);
        s.sort(null);
        return s;
    }

    @Test
    void quietStepsReportNothingButReachTheSameState() {
        byte[] text = "abbc 123 cab xay".getBytes(StandardCharsets.ISO_8859_1);
        input(text);
        int start = dfa.startState(Dfa.CONTEXT_START);
        SlotOutcome quiet = step(DfaStepAbi.args(0, OUT, INPUT, 0, text.length, 0, 1, true, true, 0, start, 0));
        assertEquals(0, out.cursor());
        SlotOutcome loud = step(DfaStepAbi.args(0, OUT, INPUT, 0, text.length, 0, 2, true, false, 0, start, 0));
        assertEquals(loud.arg(DfaStepAbi.STATE), quiet.arg(DfaStepAbi.STATE));
        assertTrue(out.cursor() > 0);
    }

    @Test
    void overflowDropsAndCountsRecords() {
        MatchBuffer tiny = MatchBuffer.allocate(arena, 3);
        unit.registerMatchBuffer(OUT + 1, tiny);
        byte[] text = "123456789".getBytes(StandardCharsets.ISO_8859_1);
        input(text);
        SlotOutcome o = step(DfaStepAbi.args(0, OUT + 1, INPUT, 0, text.length, 0, 9, true, false, 0,
                dfa.startState(Dfa.CONTEXT_START), 0));
        int expected = RegexOracle.matches(PATTERNS, IDS, text).size();
        assertEquals(7, expected);
        assertEquals(expected - 3, o.arg(DfaStepAbi.DROPPED));
        assertEquals(expected, tiny.cursor());
        assertEquals(expected - 3, tiny.dropped());
        assertEquals(3, tiny.size());
        tiny.reset();
        assertEquals(0, tiny.size());
    }

    @Test
    void badArgumentsFaultWithTheirIndexAndChangeNothing() {
        byte[] text = "abc".getBytes(StandardCharsets.ISO_8859_1);
        input(text);
        int s0 = dfa.startState(Dfa.CONTEXT_START);
        int[][] cases = {
            DfaStepAbi.args(1, OUT, INPUT, 0, 3, 0, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT + 9, INPUT, 0, 3, 0, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT, INPUT + 1, 0, 3, 0, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT, INPUT, 4, 0, 0, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT, INPUT, 1, 3, 0, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT, INPUT, 0, 3, -1L, 0, false, false, 0, s0, 0),
            DfaStepAbi.args(0, OUT, INPUT, 0, 3, 0, 0, false, false, 0, dfa.stateCount(), 0),
            DfaStepAbi.args(0, OUT, INPUT, 0, 3, 0, 0, false, false, 0, s0, 4),
        };
        int[] details = {0, 1, 2, 3, 4, 6, 9, 10};
        for (int c = 0; c < cases.length; c++) {
            SlotOutcome o = step(cases[c]);
            assertEquals(FaultCode.BAD_ARGUMENT, o.fault(), "case " + c);
            assertEquals(details[c], o.faultDetail(), "case " + c);
            int[] kept = o.args();
            for (int w = 2; w < 12; w++) {
                assertEquals(cases[c][w], kept[w], "case " + c + " word " + w);
            }
        }
        assertEquals(0, out.cursor(), "faulting slots append nothing");
    }

    @Test
    void withoutAUnitOrPermissionItFaults() {
        byte[] text = "abc".getBytes(StandardCharsets.ISO_8859_1);
        input(text);
        int[] args = DfaStepAbi.args(0, OUT, INPUT, 0, 3, 0, 0, false, false, 0, dfa.startState(0), 0);
        try (Megakernel masked = Kernels.cpu(Kernels.small().withTenantMask(0, Permissions.NONE)
                .withAutomata(List.of(dfa)))) {
            DfaStepUnit u = masked.dfaStep();
            u.registerInput(INPUT, MemorySegment.ofArray(text));
            u.registerMatchBuffer(OUT, out);
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, Kernels.run(masked, Opcodes.DFA_STEP, args).fault());
        }
        SlotOutcome o;
        try (Megakernel plain = Kernels.cpu(Kernels.small())) {
            assertThrows(ScanException.class, plain::dfaStep, "no automata registered at bootstrap");
            o = Kernels.run(plain, Opcodes.DFA_STEP, args);
        }
        assertEquals(FaultCode.UNKNOWN_OPCODE, o.fault());
        assertArrayEquals(new int[] {FaultCode.UNKNOWN_OPCODE.wire(), 0}, new int[] {o.arg(0), o.arg(1)});
    }
}
