package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StreamRun#run} with one more step before the snapshot: it waits until {@code control[DONE_COUNT]} counts
 * every slot. Workers increment DONE_COUNT after releasing STATUS (docs/MEGAKERNEL.md), so the last tickets can
 * complete a few microseconds before their increments land; a snapshot taken at once would see a short count.
 */
final class SettledRun {
    private SettledRun() {
    }

    static RunSnapshot run(Backend backend, SlotStream stream, int batch) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, stream.config())) {
            int n = stream.slots().size();
            List<Ticket> tickets = new ArrayList<>(n);
            for (int start = 0; start < n; start += batch) {
                tickets.addAll(kernel.publishBatch(stream.slots().subList(start, Math.min(n, start + batch))));
            }
            List<SlotOutcome> outcomes = new ArrayList<>(n);
            for (Ticket t : tickets) {
                outcomes.add(t.await(StreamRun.SLOT_TIMEOUT));
            }
            CudaTests.awaitDoneCount(kernel.control(), n);
            return RunSnapshot.capture(kernel, outcomes);
        }
    }
}
