package dev.vyre.runtime.isolated;

import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.SlotObserver;
import java.lang.invoke.VarHandle;

/**
 * The parent's copy of the words 1..15 of every slot as the host published them (docs/TENANTS.md, isolated
 * backend). A worker writes its results into the slot's argument words before it commits STATUS, so a child that
 * dies between the two leaves a CLAIMED slot whose arguments are already (partly) results; before such a slot runs
 * again, {@link RingRepair} puts the published words back, so that the re-run starts from what the host published,
 * as a first run would. Fed by {@link #published} on the publishing thread, before the slot's STATUS becomes
 * PUBLISHED; read only while no child runs.
 */
final class PublishedWords implements SlotObserver {
    private final int[] words;

    PublishedWords(int slots) {
        this.words = new int[slots * SlotLayout.SLOT_WORDS];
    }

    @Override
    public void published(long sequence, int slot, RingView ring) {
        int base = slot * SlotLayout.SLOT_WORDS;
        for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
            words[base + w] = ring.word(slot, w);
        }
        // the copy before the STATUS store that publishes the slot (the supervisor reads it after a death)
        VarHandle.releaseFence();
    }

    /** Writes the published words 1..15 of {@code slot} back into {@code ring} (STATUS is left alone). */
    void restore(int slot, RingView ring) {
        VarHandle.acquireFence();
        int base = slot * SlotLayout.SLOT_WORDS;
        for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
            ring.setWord(slot, w, words[base + w]);
        }
    }

    @Override
    public void finished(long sequence, int slot, RingView ring) {
    }

    @Override
    public void close() {
    }
}
