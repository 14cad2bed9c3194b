package dev.vyre.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.regex.RegexSyntaxException;
import dev.vyre.automata.scan.ScanMode;
import dev.vyre.automata.scan.ScanOptions;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Garbage and oversized patterns end in a RegexSyntaxException or a working automaton, in bounded time. */
class HostilePatternTest {
    private static final String PIECES = "()[]{}*+?|^$.\\-,:=!<>&0123456789abxzdswDSWAZkpuQE ";

    @Test
    void randomTextIsRefusedOrCompiles() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Props.forAll("hostile patterns", 5_000, (i, rnd) -> {
            StringBuilder sb = new StringBuilder();
            for (int c = rnd.nextInt(1, 24); c > 0; c--) {
                sb.append(rnd.nextInt(20) == 0 ? (char) rnd.nextInt(0x180) : PIECES.charAt(rnd.nextInt(
                        PIECES.length())));
            }
            String src = sb.toString();
            try {
                CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(9, src, rnd.nextBoolean() ? "im"
                        : "")));
                byte[] input = RegexGen.input(rnd, 40);
                ScanOptions o = ScanOptions.defaults().withMode(ScanMode.values()[rnd.nextInt(3)]).withLanes(3);
                assertEquals(new Scanner(a).scan(input), new Scanner(a, o).scan(input), src);
            } catch (RegexSyntaxException e) {
                assertEquals(9, e.patternId());
                assertTrue(e.column() >= 1 && e.column() <= src.length() + 1, e.getMessage());
                assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            }
        }));
    }

    @Test
    void hugeRepeatsAreRefusedBeforeAnyWork() {
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class,
                () -> RegexCompiler.compile(List.of(PatternSpec.of(1, "(?:(?:a{1000}){1000}){1000}"))));
        assertTrue(e.problem().contains("NFA states"), e.getMessage());
        assertThrows(RegexSyntaxException.class, () -> RegexCompiler.compile(List.of(PatternSpec.of(1,
                "x{5}"), PatternSpec.of(2, "[ab]{2000}"))));
    }

    @Test
    void largeButAllowedPatternsFallBackInBoundedTime() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String longLiteral = "abcdefghij".repeat(10_000);
            for (String src : List.of("(?:(?:a{30}){30}){30}", "(?:a|b)*a[ab]{40}", longLiteral, ".{0,800}x")) {
                CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(4, src)));
                byte[] input = ("ab".repeat(300) + "x").getBytes();
                List<Match> got = new Scanner(a).scan(input);
                assertEquals(new Scanner(a, ScanOptions.defaults().withMode(ScanMode.BLOCKING)).scan(input), got);
            }
        });
    }
}
