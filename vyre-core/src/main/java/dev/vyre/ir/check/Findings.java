package dev.vyre.ir.check;

import java.util.ArrayList;
import java.util.List;

/** Collects problems as they are found and hands them back in program order. */
final class Findings {
    private record Found(Path path, String message, String fix) {
    }

    private record Keyed(long[] ranks, Found found) {
    }

    private final List<Found> found = new ArrayList<>();

    void add(Path path, String message, String fix) {
        found.add(new Found(path, message, fix));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Every problem, sorted by where its path points (textual order); ties keep the order they were found in. */
    List<Problem> sorted() {
        List<Keyed> keyed = new ArrayList<>(found.size());
        for (Found f : found) {
            keyed.add(new Keyed(f.path().ranks(), f));
        }
        keyed.sort((a, b) -> Path.compare(a.ranks(), b.ranks()));
        List<Problem> problems = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            problems.add(new Problem(k.found().path().toString(), k.found().message(), k.found().fix()));
        }
        return List.copyOf(problems);
    }
}
