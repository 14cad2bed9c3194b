package dev.vyre.automata.scan;

import dev.vyre.automata.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Feeds inputs to streams in random pieces. */
final class Chunks {
    private Chunks() {
    }

    /** Scans {@code input} through a stream of {@code scanner}, cut into random chunks (empty ones included). */
    static List<Match> scan(Scanner scanner, byte[] input, SplittableRandom rnd, int maxChunk) {
        List<Match> out = new ArrayList<>();
        ScanStream s = scanner.stream();
        int off = 0;
        while (off < input.length) {
            int len = Math.min(input.length - off, rnd.nextInt(maxChunk + 1));
            s.feed(input, off, len, (id, end) -> out.add(new Match(id, end)));
            off += len;
        }
        s.feed(input, off, 0, (id, end) -> out.add(new Match(id, end)));
        s.finish((id, end) -> out.add(new Match(id, end)));
        return out;
    }
}
