package dev.vyre.runtime.isolated;

import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotState;
import java.util.ArrayList;
import java.util.List;

/**
 * What the parent does to the shared ring while no child runs (docs/TENANTS.md, isolated backend): finds the slots
 * that were in flight, works out where each worker must restart, and holds back published slots (STATUS back to
 * EMPTY, which no worker claims and no host code touches) while the suspects are run one at a time. DONE and FAULT
 * slots are never touched, so nothing that reported a result runs again.
 */
final class RingRepair {
    private static final int PUBLISHED = SlotState.PUBLISHED.wire();
    private static final int CLAIMED = SlotState.CLAIMED.wire();

    private final RingView ring;
    private final IsolationHeader header;
    private final int workers;
    private final List<Integer> held = new ArrayList<>();
    private final PublishedWords published;

    RingRepair(RingView ring, IsolationHeader header, int workers, PublishedWords published) {
        this.ring = ring;
        this.header = header;
        this.workers = workers;
        this.published = published;
    }

    /** Slots whose STATUS is CLAIMED, in ring order: at most one per worker. */
    List<Integer> claimed() {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < ring.slotCount(); s++) {
            if (ring.statusWord(s) == CLAIMED) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether a slot is PUBLISHED or CLAIMED: work that should make DONE_COUNT move. */
    boolean outstanding() {
        for (int s = 0; s < ring.slotCount(); s++) {
            int st = ring.statusWord(s);
            if (st == PUBLISHED || st == CLAIMED) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where each worker restarts: at its CLAIMED slot if it has one (the worker stores its next cursor only just
     * before it commits, so a slot still CLAIMED was never committed), else at its cursor word. A cursor word that is
     * not one of the worker's slots (a child that died before it wrote them) restarts the worker at its first slot.
     */
    int[] cursors() {
        int[] c = new int[workers];
        for (int w = 0; w < workers; w++) {
            int word = header.cursor(w);
            c[w] = word >= 0 && word < ring.slotCount() && word % workers == w ? word : w;
        }
        for (int s : claimed()) {
            c[s % workers] = s;
        }
        return c;
    }

    /**
     * Moves every CLAIMED slot and every PUBLISHED slot to EMPTY; the PUBLISHED ones are held for later. A CLAIMED
     * slot gets its published words back (its worker may have written results into them before it died).
     */
    void holdAll() {
        for (int s = 0; s < ring.slotCount(); s++) {
            if (unclaim(s)) {
                continue;
            }
            if (ring.transition(s, SlotState.PUBLISHED, SlotState.EMPTY)) {
                held.add(s);
            }
        }
    }

    /**
     * Moves every CLAIMED slot to EMPTY with its published words back (new suspects, to be run alone); PUBLISHED
     * slots stay published.
     */
    void holdClaimed() {
        for (int s = 0; s < ring.slotCount(); s++) {
            unclaim(s);
        }
    }

    /** CLAIMED to EMPTY, then the published words 1..15 back; false when the slot was not CLAIMED. */
    private boolean unclaim(int slot) {
        if (!ring.transition(slot, SlotState.CLAIMED, SlotState.EMPTY)) {
            return false;
        }
        published.restore(slot, ring);
        return true;
    }

    /** Moves {@code slot} (held, or a suspect) from EMPTY back to PUBLISHED. */
    void publish(int slot) {
        ring.transition(slot, SlotState.EMPTY, SlotState.PUBLISHED);
    }

    /** Publishes every held slot again; returns how many. */
    int releaseHeld() {
        for (int s : held) {
            publish(s);
        }
        int n = held.size();
        held.clear();
        return n;
    }

    /** The slot worker {@code slot % W} visits after {@code slot}. */
    int next(int slot) {
        int n = slot + workers;
        return n >= ring.slotCount() ? n - ring.slotCount() : n;
    }
}
