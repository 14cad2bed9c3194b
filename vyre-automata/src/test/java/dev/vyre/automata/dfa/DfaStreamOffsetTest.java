package dev.vyre.automata.dfa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chunk far into a stream (past 2 GiB) reports the same matches, shifted, from heap and off-heap memory. */
class DfaStreamOffsetTest {
    @Test
    void heapAndNativeChunksPastTwoGibAgree() {
        Dfa d = ((DfaEngine) RegexCompiler.compile(List.of(PatternSpec.of(7, "ab+c")),
                CompileOptions.defaults().withPrefilter(false)).engines(Engine.Kind.DFA).getFirst()).dfa();
        byte[] input = "xxabbbc..abc".getBytes(StandardCharsets.ISO_8859_1);
        long base = 3L << 30;
        List<Long> atZero = ends(d, MemorySegment.ofArray(input), 0, input.length);
        List<Long> heap = ends(d, MemorySegment.ofArray(input), base, input.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment off = arena.allocate(input.length);
            off.copyFrom(MemorySegment.ofArray(input));
            List<Long> nativeEnds = ends(d, off, base, input.length);
            assertEquals(List.of(7L, 12L), atZero);
            assertEquals(atZero.stream().map(e -> e + base).toList(), heap, "heap chunk at 3 GiB");
            assertEquals(heap, nativeEnds, "off-heap chunk at 3 GiB");
        }
    }

    private static List<Long> ends(Dfa d, MemorySegment chunk, long start, int length) {
        List<Long> out = new ArrayList<>();
        int s = d.run(chunk, start, start, start + length, d.startState(Dfa.CONTEXT_START), (id, e) -> out.add(e));
        d.reportEnd(s, start + length, (id, e) -> out.add(e));
        return out;
    }
}
