package dev.vyre.runtime.isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parent's repair of a ring that a dead child left behind: a CLAIMED slot whose worker had already written
 * results into its argument words gets the words it was published with back before it runs again (the half-run
 * slot of {@code CudaIsolatedGpuTest}, which re-ran on its own result), while DONE, FAULT and PUBLISHED slots keep
 * theirs.
 */
class RingRepairTest {
    private static final int SLOTS = 16;
    private static final int WORKERS = 4;

    @Test
    void claimedSlotsGetTheirPublishedWordsBackAndOthersKeepTheirs() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            try (Arena arena = Arena.ofConfined()) {
                RingView ring = RingView.allocate(arena, SLOTS);
                IsolationHeader header = new IsolationHeader(arena.allocate(IsolationHeader.bytes(SLOTS), 64), SLOTS);
                PublishedWords published = new PublishedWords(SLOTS);
                int[][] original = new int[SLOTS][];
                SlotState[] states = new SlotState[SLOTS];
                for (int s = 0; s < SLOTS; s++) {
                    original[s] = rnd.ints(SlotLayout.ARGS_PER_SLOT).toArray();
                    ring.publish(s, 0x100 + s, s % 30, Priority.NORMAL, original[s]);
                    published.published(s, s, ring);
                    // what the child did before it died: claimed some (and wrote results into a few), finished others
                    states[s] = s % WORKERS == round % WORKERS ? SlotState.CLAIMED
                            : List.of(SlotState.PUBLISHED, SlotState.DONE, SlotState.FAULT).get(rnd.nextInt(3));
                    ring.transition(s, SlotState.PUBLISHED, states[s]);
                    if (states[s] != SlotState.PUBLISHED && rnd.nextBoolean()) {
                        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
                            ring.setArg(s, i, ~original[s][i]);
                        }
                    }
                }
                int[][] before = new int[SLOTS][];
                for (int s = 0; s < SLOTS; s++) {
                    before[s] = words(ring, s);
                }
                RingRepair repair = new RingRepair(ring, header, WORKERS, published);
                if (round % 2 == 0) {
                    repair.holdAll();
                } else {
                    repair.holdClaimed();
                }
                for (int s = 0; s < SLOTS; s++) {
                    int[] now = words(ring, s);
                    if (states[s] == SlotState.CLAIMED) {
                        assertEquals(SlotState.EMPTY, ring.status(s), "slot " + s);
                        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
                            assertEquals(original[s][i], ring.arg(s, i), "slot " + s + " arg " + i + ", round " + round);
                        }
                        assertEquals(0x100 + s, ring.word(s, SlotLayout.OPCODE));
                    } else {
                        for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
                            assertEquals(before[s][w], now[w], "slot " + s + " (" + states[s] + ") word " + w);
                        }
                    }
                }
            }
        }
    }

    private static int[] words(RingView ring, int slot) {
        int[] w = new int[SlotLayout.SLOT_WORDS];
        for (int i = 0; i < w.length; i++) {
            w[i] = ring.word(slot, i);
        }
        return w;
    }
}
