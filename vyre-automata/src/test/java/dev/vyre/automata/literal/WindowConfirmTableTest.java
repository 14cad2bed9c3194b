package dev.vyre.automata.literal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The device confirm table of a {@link WindowFilter} ({@link WindowConfirmTable#keep}, the contract the CUDA kernel
 * runs): on random factor sets (word-form factors, caseless ones, undecidable ones with ranges or under 8 bytes) over
 * text seeded with occurrences and one-bit near misses, with random {@code keepFrom} and batch ends,
 * <ul>
 * <li>the host confirmation given only the kept windows finds every occurrence {@link WindowFilter.Cursor#scan}
 * finds (the kept windows are a superset of the windows that hold an occurrence);</li>
 * <li>every kept window is explained: its bytes are a window of some factor whose occurrence there is undecidable,
 * not wholly inside {@code [keepFrom, bytes)} or real (brute force over the factors' byte sets);</li>
 * <li>on text made of the factors' own common words, with few real occurrences, far fewer windows are kept than
 * are registered (the reduction the device confirm is for).</li>
 * </ul>
 */
class WindowConfirmTableTest {
    private static final java.lang.foreign.ValueLayout.OfInt BE = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
            .withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    @Test
    void keptWindowsAreTheOccurrencesAndTheUndecidable() {
        long[] registered = {0};
        long[] kept = {0};
        long[] unexplainedChecks = {0};
        Props.forAll("confirm table keeps occurrences", 300, (i, rnd) -> {
            int stride = rnd.nextInt(1, 6);
            List<Factor> factors = new ArrayList<>();
            int want = rnd.nextInt(1, 12);
            boolean allWords = rnd.nextBoolean();
            while (factors.size() < want) {
                Factor f = WindowFilterWordsTest.randomFactor(rnd);
                if (WindowFilter.usable(f, stride) && (!allWords || WindowFilter.wordsOf(f) != null)) {
                    factors.add(f);
                }
            }
            byte[] text = WindowFilterWordsTest.seeded(rnd, factors, rnd.nextInt(64, 3000));
            WindowFilter filter = new WindowFilter(factors, stride);
            WindowConfirmTable table = filter.confirmTable();
            MemorySegment data = MemorySegment.ofArray(text);
            long bytes = text.length;
            long keepFrom = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(0, Math.min(64, text.length));
            List<Long> windows = new ArrayList<>();
            for (long q = 0; q + WindowFilter.WINDOW <= bytes; q++) {
                int w = data.get(BE, q);
                boolean keep = table.keep(data, bytes, q, keepFrom);
                if (allWords && q % stride == 0 && filter.registered(w)) {
                    registered[0]++;
                    kept[0] += keep ? 1 : 0;
                }
                assertTrue(!keep || filter.registered(w), "kept an unregistered window at " + q);
                if (keep) {
                    unexplainedChecks[0]++;
                    assertTrue(explained(factors, text, q, keepFrom), "case " + i + ": window at " + q
                            + " kept without a reason, factors " + factors);
                    if (q % stride == 0) {
                        windows.add(q);
                    }
                }
            }
            TreeSet<String> full = hits(filter, text, null);
            TreeSet<String> viaKept = hits(filter, text, windows.stream().mapToLong(Long::longValue).toArray());
            assertEquals(full, viaKept, "case " + i + ": factors " + factors + ", stride " + stride + ", keepFrom "
                    + keepFrom);
        });
        assertTrue(kept[0] < registered[0], "the confirm dropped none of " + registered[0] + " registered windows");
        assertTrue(unexplainedChecks[0] > 1000, "only " + unexplainedChecks[0] + " kept windows checked");
    }

    @Test
    void commonWindowsWithoutOccurrencesAreDropped() {
        String[] vocabulary = {"the", "nation", "station", "and", "of", "motion", "then", "tion"};
        Props.forAll("confirm drops common windows", 20, (i, rnd) -> {
            int stride = rnd.nextInt(1, 5);
            List<Factor> factors = new ArrayList<>();
            List<String> phrases = new ArrayList<>();
            while (factors.size() < 6) {
                String phrase = vocabulary[rnd.nextInt(8)] + " " + vocabulary[rnd.nextInt(8)] + " "
                        + vocabulary[rnd.nextInt(8)];
                Factor f = literal(phrase);
                if (phrase.length() >= 12 && WindowFilter.usable(f, stride)) {
                    factors.add(f);
                    phrases.add(phrase);
                }
            }
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 20_000) {
                sb.append(vocabulary[rnd.nextInt(8)]).append(rnd.nextInt(3) == 0 ? "\n" : " ");
            }
            for (int k = 0; k < 5; k++) {
                String p = phrases.get(rnd.nextInt(phrases.size()));
                int at = rnd.nextInt(sb.length() - p.length());
                sb.replace(at, at + p.length(), p);
            }
            byte[] text = sb.toString().getBytes();
            WindowFilter filter = new WindowFilter(factors, stride);
            WindowConfirmTable table = filter.confirmTable();
            MemorySegment data = MemorySegment.ofArray(text);
            long registered = 0;
            List<Long> kept = new ArrayList<>();
            for (long q = 0; q + WindowFilter.WINDOW <= text.length; q += stride) {
                if (filter.registered(data.get(BE, q))) {
                    registered++;
                    if (table.keep(data, text.length, q, 0)) {
                        kept.add(q);
                    }
                }
            }
            TreeSet<String> full = hits(filter, text, null);
            assertEquals(full, hits(filter, text, kept.stream().mapToLong(Long::longValue).toArray()));
            assertTrue(!full.isEmpty(), "the seeded occurrences are found");
            assertTrue(kept.size() * 10 < registered, "case " + i + ": kept " + kept.size() + " of " + registered
                    + " registered windows, " + full.size() + " occurrences, phrases " + phrases);
        });
    }

    /** A window near the batch end or before {@code keepFrom} is kept whatever its bytes; inside, it is decided. */
    @Test
    void boundariesKeepWhatTheBatchCannotDecide() {
        Factor f = literal("needle-in-a-haystack");
        WindowFilter filter = new WindowFilter(List.of(f), 1);
        WindowConfirmTable table = filter.confirmTable();
        byte[] needle = "needle-in-a-haystack".getBytes();
        int[] offsets = offsetsOf(filter, needle, 0);
        assertEquals(1, offsets.length, "stride 1: one registered window");
        // A near miss: one byte outside the registered window changed.
        byte[] miss = needle.clone();
        miss[offsets[0] >= WindowFilter.WINDOW ? 0 : needle.length - 1] ^= 1;
        byte[] text = ("xxxx" + new String(miss) + "xxxxxxxxxxxxxxx" + new String(needle)).getBytes();
        MemorySegment data = MemorySegment.ofArray(text);
        int first = 4;
        int second = text.length - f.length();
        for (int o : offsets) {
            // The real occurrence is kept; the near miss is dropped inside the batch...
            assertTrue(table.keep(data, text.length, second + o, 0));
            assertTrue(!table.keep(data, text.length, first + o, 0), "near miss at " + (first + o));
            // ... but kept when it would start before keepFrom or end past the batch's bytes.
            assertTrue(table.keep(data, text.length, first + o, first + 1));
            assertTrue(table.keep(data, first + f.length() - 1, first + o, 0));
            assertTrue(!table.keep(data, first + f.length(), first + o, first), "inside [keepFrom, bytes)");
        }
    }

    /** Offsets o such that the window at {@code start + o} is one the filter registered. */
    private static int[] offsetsOf(WindowFilter filter, byte[] text, int start) {
        MemorySegment data = MemorySegment.ofArray(text);
        List<Integer> out = new ArrayList<>();
        for (int o = 0; start + o + WindowFilter.WINDOW <= text.length; o++) {
            if (filter.registered(data.get(BE, start + o))) {
                out.add(o);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether some factor has the window at {@code q} at some offset o with a reason to keep it at q - o. */
    private static boolean explained(List<Factor> factors, byte[] text, long q, long keepFrom) {
        for (Factor f : factors) {
            for (int o = 0; o + WindowFilter.WINDOW <= f.length(); o++) {
                boolean window = true;
                for (int j = 0; j < WindowFilter.WINDOW && window; j++) {
                    window = f.positions().get(o + j).contains(text[(int) q + j] & 0xFF);
                }
                long s = q - o;
                if (window && (s < keepFrom || s + f.length() > text.length || WindowFilter.wordsOf(f) == null
                        || occurs(f, text, (int) s))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean occurs(Factor f, byte[] text, int s) {
        for (int j = 0; j < f.length(); j++) {
            if (!f.positions().get(j).contains(text[s + j] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** (factor, end) of every occurrence the host finds, over all windows (null) or only {@code windows}. */
    private static TreeSet<String> hits(WindowFilter filter, byte[] text, long[] windows) {
        TreeSet<String> out = new TreeSet<>();
        AhoCorasick.History none = p -> {
            throw new AssertionError("no history before offset 0: " + p);
        };
        MemorySegment data = MemorySegment.ofArray(text);
        if (windows == null) {
            filter.open().scan(data, 0, 0, text.length, none, (f, end) -> out.add(f + "@" + end));
        } else {
            filter.open().scanWindows(data, 0, 0, text.length, none, windows, windows.length,
                    (f, end) -> out.add(f + "@" + end));
        }
        return out;
    }

    private static Factor literal(String s) {
        List<ByteSet> pos = new ArrayList<>();
        for (char c : s.toCharArray()) {
            pos.add(ByteSet.of(c));
        }
        return new Factor(pos);
    }

    @Test
    void layoutSectionsAreOrderedAndAligned() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Factor> factors = new ArrayList<>();
        while (factors.size() < 20) {
            Factor f = WindowFilterWordsTest.randomFactor(rnd);
            if (WindowFilter.usable(f, 3)) {
                factors.add(f);
            }
        }
        WindowFilter filter = new WindowFilter(factors, 3);
        WindowConfirmTable t = filter.confirmTable();
        int slots = 1 << t.slotBits();
        assertTrue(slots >= 2 * filter.windows().length, "at most half the slots used");
        assertEquals((slots + 1) * WindowConfirmTable.SLOT_INTS, t.candidatesAt());
        int[] ints = t.ints();
        int candidates = ints[slots * WindowConfirmTable.SLOT_INTS + WindowConfirmTable.SLOT_ROW];
        assertEquals(t.candidatesAt() + candidates, t.factorsAt());
        assertEquals(0, t.wordsAt() % 2, "words are 8-byte aligned");
        assertTrue(t.wordsAt() >= t.factorsAt() + (factors.size() + 1) * WindowConfirmTable.FACTOR_INTS);
        long triples = factors.stream().map(WindowFilter::wordsOf).filter(w -> w != null)
                .mapToLong(w -> w.length / 3).sum();
        assertEquals(t.wordsAt() + triples * 6, ints.length);
        assertEquals(ints.length * 4L, t.byteSize());
        int used = (int) Arrays.stream(filter.windows()).count();
        int nonEmpty = 0;
        for (int s = 0; s < slots; s++) {
            nonEmpty += ints[s * 2 + 1] != ints[s * 2 + 3] ? 1 : 0;
        }
        assertEquals(used, nonEmpty, "one slot per registered window");
    }
}
