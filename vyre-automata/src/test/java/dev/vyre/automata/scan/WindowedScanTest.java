package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Inputs;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The CPU model of the device prefilter: a line engine fed only the windows whose {@link WindowBitmap} bit is set
 * (per chunk, as a device pass over the chunk finds them) reports exactly what the unfiltered {@link Scanner}
 * reports, on random pattern sets with long factors, random inputs and random chunkings, for tables from nearly full
 * (5 hash bits: almost every window is a candidate) to sparse (22 bits), with and without the device confirm
 * ({@link WindowConfirmTable}: each chunk as a batch whose factors across its ends are kept).
 */
class WindowedScanTest {
    private static final CompileOptions LINES = CompileOptions.defaults().withPrefilter(false)
            .withLinePrefilter(true);

    @Test
    void filteredWindowsGiveTheMatchesOfTheFullScan() {
        AtomicInteger filtered = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger confirmDropped = new AtomicInteger();
        Props.forAll("windowed scan = scanner", 300, (i, rnd) -> {
            int n = rnd.nextInt(1, 8);
            List<PatternSpec> specs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                // Some patterns without keywords: they run in the other engines beside the line engine.
                RegexGen.Gen g = LineEngineTest.withKeyword(rnd);
                if (rnd.nextInt(4) == 0) {
                    g = RegexGen.pattern(rnd);
                    while (g.nullable()) {
                        g = RegexGen.pattern(rnd);
                    }
                }
                specs.add(g.spec(rnd.nextInt(n + 1)));
            }
            CompiledAutomaton a = RegexCompiler.compile(specs, LINES);
            WindowedScan ws = new WindowedScan(a, ScanOptions.defaults());
            if (ws.lineEngine() == null) {
                return;
            }
            filtered.incrementAndGet();
            WindowFilter filter = ws.lineEngine().matcher();
            int bits = rnd.nextBoolean() ? WindowBitmap.MIN_HASH_BITS + rnd.nextInt(4) : WindowBitmap.DEFAULT_HASH_BITS;
            WindowBitmap bitmap = WindowBitmap.of(filter, bits);
            Scanner scanner = new Scanner(a);
            WindowConfirmTable table = rnd.nextBoolean() ? filter.confirmTable() : null;
            for (int t = 0; t < 3; t++) {
                byte[] in = LineEngineTest.input(rnd, 400);
                List<Match> expected = scanner.scan(in);
                List<Match> got = windowed(ws, bitmap, table, filter.stride(), in, rnd, rnd.nextInt(1, 200),
                        table == null ? dropped : confirmDropped);
                assertEquals(expected, got, () -> "hash bits " + bits + ", confirm " + (table != null) + ", "
                        + specs + " on " + Inputs.show(in));
            }
        });
        assertTrue(filtered.get() > 150, "only " + filtered.get() + " of 300 sets had a line engine");
        assertTrue(dropped.get() > 0, "no chunk had a window the bitmap rejected: the filter was never exercised");
        assertTrue(confirmDropped.get() > 0, "no chunk had a window the confirm table rejected");
    }

    /**
     * Feeds {@code in} in random chunks, each with the candidate windows of the chunk alone (those the confirm table
     * keeps with the chunk as its batch, when {@code table} is not null).
     */
    static List<Match> windowed(WindowedScan ws, WindowBitmap bitmap, WindowConfirmTable table, int stride,
            byte[] in, SplittableRandom rnd, int maxChunk, AtomicInteger dropped) {
        List<Match> out = new ArrayList<>();
        WindowedScan.Stream s = ws.stream();
        int off = 0;
        int[] count = new int[1];
        while (off < in.length) {
            int len = Math.min(in.length - off, rnd.nextInt(maxChunk + 1));
            MemorySegment chunk = MemorySegment.ofArray(in).asSlice(off, len);
            long[] windows = bitmap.chunkCandidates(chunk, off, stride, count);
            long aligned = len < WindowFilter.WINDOW ? 0
                    : (off + len - WindowFilter.WINDOW) / stride - (off + stride - 1) / stride + 1;
            if (table != null) {
                // counts chunks where the confirm rejected some of the bitmap's candidates
                aligned = count[0];
                windows = table.chunkKept(chunk, off, windows, count[0]);
                count[0] = windows.length;
            }
            if (count[0] < aligned) {
                dropped.incrementAndGet();
            }
            s.feed(chunk, windows, count[0], (id, end) -> out.add(new Match(id, end)));
            off += len;
        }
        s.finish((id, end) -> out.add(new Match(id, end)));
        return out;
    }
}
