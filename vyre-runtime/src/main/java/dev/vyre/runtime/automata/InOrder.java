package dev.vyre.runtime.automata;

import java.util.Arrays;

/**
 * Results waiting for their turn: a scan's listener hears files in id order (ids 0..n-1 over files and failures),
 * each as soon as every smaller id was heard. An array by id, not a sorted map: with tens of thousands of small
 * files the map was a visible share of a filtered scan. Used by {@link FilteredScanner} and {@link RingScanner}.
 */
final class InOrder {
    private Runnable[] byId;
    private int next;

    /** For about {@code ids} ids (the array grows for larger ones). */
    InOrder(int ids) {
        byId = new Runnable[Math.max(1, ids)];
    }

    /** The next id to be heard: every smaller id was. */
    int next() {
        return next;
    }

    /** Queues the result of id {@code id}. */
    void put(int id, Runnable r) {
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(id + 1, 2 * byId.length));
        }
        byId[id] = r;
    }

    /** Runs the waiting results from the next id on, up to the first id still missing. */
    void emit() {
        while (next < byId.length && byId[next] != null) {
            Runnable r = byId[next];
            byId[next++] = null;
            r.run();
        }
    }

    /** Runs every result left, in id order (the end of a scan: no id is missing any more). */
    void flush() {
        for (; next < byId.length; next++) {
            Runnable r = byId[next];
            if (r != null) {
                byId[next] = null;
                r.run();
            }
        }
    }
}
