package dev.vyre.runtime.replay;

import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-executes a replay log on the CPU backend and compares every outcome (docs/REPLAY.md). The log's configuration
 * (handlers from its VIR0 bytes) is bootstrapped with one worker, so the slots run in sequence order; slots that
 * never ran in the recording are skipped. Each replayed slot is published with its recorded words, and its final
 * 16 words (STATUS, the unchanged OPCODE/TENANT/PRIORITY, ARG0..ARG11) must equal the recorded ones.
 */
public final class Replayer {
    /** Slots published before their outcomes are compared. */
    static final int BATCH = 1024;
    /** How long one replayed slot may take. */
    static final Duration SLOT_TIMEOUT = Duration.ofSeconds(60);

    private Replayer() {
    }

    /** Replays {@code log} and returns the first divergence or the counts. */
    public static ReplayResult replay(ReplayLog log) {
        List<ReplayRecord> records = log.records();
        long skipped = 0;
        long replayed = 0;
        try (Megakernel kernel = Megakernel.bootstrap(BackendKind.CPU, log.header().toConfig(1))) {
            List<Integer> indexes = new ArrayList<>(BATCH);
            List<Slot> slots = new ArrayList<>(BATCH);
            for (int i = 0; i <= records.size(); i++) {
                if (i < records.size()) {
                    ReplayRecord r = records.get(i);
                    int status = r.finalStatus();
                    if (status != SlotState.DONE.wire() && status != SlotState.FAULT.wire()) {
                        skipped++;
                        continue;
                    }
                    indexes.add(i);
                    slots.add(slotOf(r, i));
                    if (slots.size() < BATCH) {
                        continue;
                    }
                }
                if (slots.isEmpty()) {
                    continue;
                }
                List<Ticket> tickets = publish(kernel, slots, indexes.getFirst());
                for (int k = 0; k < tickets.size(); k++) {
                    ReplayRecord r = records.get(indexes.get(k));
                    int[] actual = words(r, tickets.get(k).await(SLOT_TIMEOUT));
                    if (!Arrays.equals(actual, r.result())) {
                        return new ReplayResult.Divergence(indexes.get(k), r.sequence(), r.slot(), r.opcode(),
                                r.result(), actual, replayed);
                    }
                    replayed++;
                }
                indexes.clear();
                slots.clear();
            }
        }
        return new ReplayResult.NoDivergence(replayed, skipped, log.complete());
    }

    private static List<Ticket> publish(Megakernel kernel, List<Slot> slots, int firstIndex) {
        try {
            return kernel.publishBatch(slots);
        } catch (MegakernelException e) {
            throw new ReplayException("replay log: a record from index " + firstIndex + " cannot be published: "
                    + e.problem(), "the log holds a slot no host would publish; record the run again", e);
        }
    }

    private static Slot slotOf(ReplayRecord r, int index) {
        int[] w = r.published();
        Priority priority;
        try {
            priority = Priority.fromWire(w[SlotLayout.PRIORITY]);
        } catch (RuntimeException e) {
            throw new ReplayException("replay log record " + index + ": priority word "
                    + Integer.toUnsignedString(w[SlotLayout.PRIORITY]) + " is not a priority", "record the run"
                    + " again", e);
        }
        return new Slot(SlotState.PUBLISHED, w[SlotLayout.OPCODE], w[SlotLayout.TENANT], priority,
                Arrays.copyOfRange(w, SlotLayout.ARG0, SlotLayout.SLOT_WORDS));
    }

    /** The 16 words of a replayed outcome, as the recorder reads a slot. */
    private static int[] words(ReplayRecord r, SlotOutcome o) {
        int[] w = r.published();
        w[SlotLayout.STATUS] = o.state().wire();
        System.arraycopy(o.args(), 0, w, SlotLayout.ARG0, SlotLayout.ARGS_PER_SLOT);
        return w;
    }
}
