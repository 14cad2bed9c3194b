package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lane schemes fix wrong start-state guesses, and only as far as needed. */
class DfaLanesTest {
    private static final CompileOptions DFA_ONLY = CompileOptions.defaults().withPrefilter(false);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long visits(Scanner scanner, byte[] input, List<Match> out) {
        ScanStream s = scanner.stream();
        s.feed(input, 0, input.length, (id, end) -> out.add(new Match(id, end)));
        s.finish((id, end) -> out.add(new Match(id, end)));
        return s.stateVisits();
    }

    @Test
    void aMatchStartedInTheFirstLaneIsFoundByEveryLaterLane() {
        // Only the first byte opens the match; every other lane's guess ("nothing seen") is wrong until the end.
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "a[^z]*z")), DFA_ONLY);
        assertEquals(List.of(Engine.Kind.DFA), a.engines().stream().map(Engine::kind).toList());
        byte[] input = bytes("a" + "x".repeat(3000) + "z" + "x".repeat(100) + "z");
        List<Match> expected = List.of(new Match(0, 3002));
        assertEquals(expected, new Scanner(a).scan(input));
        ScanOptions base = ScanOptions.defaults().withLanes(8).withQuantum(64).withWarmup(16);
        for (ScanMode mode : new ScanMode[] {ScanMode.BLOCKING, ScanMode.NON_BLOCKING}) {
            List<Task> offered = new ArrayList<>();
            List<Match> got = new ArrayList<>();
            long v = visits(new Scanner(a, base.withMode(mode)
                    .withQueue(() -> new RandomQueue(new SplittableRandom(1), offered))), input, got);
            assertEquals(expected, got, mode.toString());
            assertTrue(v > 2L * input.length - 1000, mode + ": every lane but the first is scanned twice, " + v);
            if (mode == ScanMode.NON_BLOCKING) {
                assertTrue(offered.stream().anyMatch(t -> t.taskId() % 2 == 1), "corrections were queued");
                assertTrue(offered.stream().anyMatch(t -> t.state() == TaskState.REQUEUED && t.requeueCount() > 0));
            }
        }
    }

    @Test
    void aFixUpStopsWhereTheRunsMeet() {
        // Newlines reset the pattern's state, so a wrongly guessed lane converges at the first newline in it.
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "a[^\\n]*z")), DFA_ONLY);
        assertEquals(List.of(Engine.Kind.DFA), a.engines().stream().map(Engine::kind).toList());
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4000) {
            sb.append("a").append("x".repeat(97)).append("z\n");
        }
        byte[] input = bytes(sb.toString());
        List<Match> expected = new Scanner(a).scan(input);
        assertEquals(40, expected.size());
        ScanOptions o = ScanOptions.defaults().withLanes(8).withQuantum(16).withWarmup(4);
        for (ScanMode mode : new ScanMode[] {ScanMode.BLOCKING, ScanMode.NON_BLOCKING}) {
            List<Match> got = new ArrayList<>();
            long v = visits(new Scanner(a, o.withMode(mode)), input, got);
            assertEquals(expected, got);
            assertTrue(v < input.length + 8 * (100 + 16 + 4), mode + ": fix-ups stop at the meeting point, " + v);
        }
    }

    @Test
    void boundedPatternsWarmUpExactlyAndNeedNoFixUp() {
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "a[^a]{0,20}z")), DFA_ONLY);
        assertEquals(List.of(Engine.Kind.DFA), a.engines().stream().map(Engine::kind).toList());
        byte[] input = bytes(("a" + "x".repeat(15) + "z").repeat(100));
        List<Match> expected = new Scanner(a).scan(input);
        List<Match> got = new ArrayList<>();
        ScanOptions o = ScanOptions.defaults().withMode(ScanMode.BLOCKING).withLanes(8).withQuantum(16).withWarmup(0);
        long v = visits(new Scanner(a, o), input, got);
        assertEquals(expected, got);
        assertEquals(input.length + 7L * 22, v, "each lane after the first warms up over the longest match, 22");
    }

    @Test
    void degenerateChunksAndLaneCounts() {
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "ab"), PatternSpec.of(1, "b$")),
                DFA_ONLY);
        for (ScanMode mode : ScanMode.values()) {
            ScanOptions o = ScanOptions.defaults().withMode(mode).withLanes(64).withQuantum(1);
            Scanner s = new Scanner(a, o);
            assertEquals(List.of(), s.scan(new byte[0]));
            assertEquals(List.of(), s.scan(bytes("a")));
            assertEquals(List.of(new Match(0, 2), new Match(1, 2)), s.scan(bytes("ab")));
            assertEquals(List.of(new Match(0, 2)), s.scan(bytes("abc")));
        }
    }

    @Test
    void badOptionsAndStreamMisuseAreRefused() {
        assertThrows(AutomataException.class, () -> ScanOptions.defaults().withLanes(0));
        assertThrows(AutomataException.class, () -> ScanOptions.defaults().withQuantum(0));
        assertThrows(AutomataException.class, () -> ScanOptions.defaults().withWarmup(-1));
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "ab")));
        ScanStream s = new Scanner(a).stream();
        assertThrows(AutomataException.class, () -> s.feed(new byte[4], 2, 3, (id, e) -> { }));
        s.finish((id, e) -> { });
        AutomataException e = assertThrows(AutomataException.class, () -> s.feed(new byte[1], 0, 1, (id, x) -> { }));
        assertTrue(e.getMessage().contains("Fix: "));
        assertThrows(AutomataException.class, () -> s.finish((id, x) -> { }));
        assertThrows(AutomataException.class, () -> new Scanner(a).scan(java.lang.foreign.MemorySegment.ofArray(
                new byte[4]), 3, 2, (id, x) -> { }));
    }
}
