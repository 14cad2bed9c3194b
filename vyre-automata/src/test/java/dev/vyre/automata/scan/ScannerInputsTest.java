package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arrays with offsets, heap slices and native segments are scanned alike; offsets are relative to the range. */
class ScannerInputsTest {
    @Test
    void everyInputFormGivesTheSameMatches() {
        Props.forAll("input forms", 300, (i, rnd) -> {
            List<PatternSpec> specs = new ArrayList<>();
            for (int p = 0; p < rnd.nextInt(1, 4); p++) {
                specs.add(RegexGen.pattern(rnd).spec(p));
            }
            CompiledAutomaton a = RegexCompiler.compile(specs,
                    CompileOptions.defaults().withPrefilter(rnd.nextBoolean()));
            byte[] input = RegexGen.input(rnd, 50);
            int pad = rnd.nextInt(5);
            byte[] padded = new byte[input.length + 2 * pad];
            System.arraycopy(input, 0, padded, pad, input.length);
            for (ScanMode mode : ScanMode.values()) {
                Scanner s = new Scanner(a, ScanOptions.defaults().withMode(mode).withLanes(3));
                List<Match> expected = s.scan(input);
                List<Match> fromArray = new ArrayList<>();
                s.scan(padded, pad, input.length, (id, e) -> fromArray.add(new Match(id, e)));
                assertEquals(expected, fromArray);
                List<Match> fromSlice = new ArrayList<>();
                s.scan(MemorySegment.ofArray(padded), pad, input.length, (id, e) -> fromSlice.add(new Match(id, e)));
                assertEquals(expected, fromSlice);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment nat = arena.allocate(Math.max(1, padded.length));
                    MemorySegment.copy(MemorySegment.ofArray(padded), 0, nat, 0, padded.length);
                    List<Match> fromNative = new ArrayList<>();
                    s.scan(nat, pad, input.length, (id, e) -> fromNative.add(new Match(id, e)));
                    assertEquals(expected, fromNative, mode.toString());
                }
            }
        });
    }
}
