package dev.vyre.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.parity.SlotStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Record a run, decode the log, compare it with the run, replay it on the CPU backend. */
class ReplayRoundTripTest {
    @TempDir
    Path dir;

    /** Runs {@code stream} with {@code workers} workers, recording to {@code log}; returns the outcomes in order. */
    private static List<SlotOutcome> record(SlotStream stream, int workers, ReplayOptions log) {
        MegakernelConfig config = stream.config().withWorkers(workers).withReplay(log);
        List<SlotOutcome> outcomes = new ArrayList<>();
        try (Megakernel kernel = Megakernel.bootstrap(BackendKind.CPU, config)) {
            List<Ticket> tickets = new ArrayList<>();
            List<Slot> slots = stream.slots();
            for (int i = 0; i < slots.size(); i += 500) {
                tickets.addAll(kernel.publishBatch(slots.subList(i, Math.min(slots.size(), i + 500))));
            }
            for (Ticket t : tickets) {
                outcomes.add(t.await(Duration.ofSeconds(30)));
            }
        }
        return outcomes;
    }

    @ParameterizedTest(name = "seed {0}, {1} slots, {2} workers, queue {3}")
    @CsvSource({"1, 2000, 4, 65536", "2, 1200, 1, 1", "3, 1500, 2, 7"})
    @Timeout(60)
    void randomStreamsRecordDecodeAndReplayWithoutDivergence(long seed, int n, int workers, int queue) {
        SlotStream stream = SlotStream.random(seed, n,
                SlotStream.Options.defaults().withSlotCount(256).withUserHandlers(true));
        Path file = dir.resolve("run-" + seed + ".vyrl");
        List<SlotOutcome> outcomes = record(stream, workers, new ReplayOptions(file, queue));
        ReplayLog log = ReplayFormat.read(file);
        assertTrue(log.complete());
        assertEquals(new ReplayLog.Trailer(n, 0, 0), log.trailer());
        assertEquals(ReplayHeader.of(stream.config().withWorkers(workers)).fingerprint(), log.header().fingerprint(),
                "the header holds the configuration, handlers included");
        assertEquals(n, log.records().size());
        long lastPublish = -1;
        for (int i = 0; i < n; i++) {
            ReplayRecord r = log.records().get(i);
            Slot s = stream.slots().get(i);
            SlotOutcome o = outcomes.get(i);
            assertEquals(i, r.sequence());
            assertEquals(i % 256, r.slot());
            int[] p = r.published();
            assertEquals(SlotState.PUBLISHED.wire(), p[SlotLayout.STATUS]);
            assertEquals(s.opcode(), p[SlotLayout.OPCODE]);
            assertEquals(s.tenant(), p[SlotLayout.TENANT]);
            assertEquals(s.priority().wire(), p[SlotLayout.PRIORITY]);
            assertArrayEquals(s.args(), Arrays.copyOfRange(p, SlotLayout.ARG0, SlotLayout.SLOT_WORDS));
            int[] q = r.result();
            assertEquals(o.state().wire(), r.finalStatus());
            assertEquals(o.state().wire(), q[SlotLayout.STATUS]);
            assertArrayEquals(o.args(), Arrays.copyOfRange(q, SlotLayout.ARG0, SlotLayout.SLOT_WORDS));
            assertTrue(r.finishNanos() >= r.publishNanos(), "finished after published");
            assertTrue(r.publishNanos() >= lastPublish, "sequence order is publish order");
            lastPublish = r.publishNanos();
        }
        ReplayResult result = Replayer.replay(log);
        assertEquals(new ReplayResult.NoDivergence(n, 0, true), result, result.describe());
    }

    @Test
    @Timeout(30)
    void untrackedSubmitsCallsAndTicketsAreAllRecorded() {
        Path file = dir.resolve("mixed.vyrl");
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(64).withWorkers(2).withObservables(64)
                .withReplayLog(file);
        try (Megakernel kernel = Megakernel.bootstrap(BackendKind.CPU, config)) {
            long end = kernel.submit(Opcodes.ATOMIC_ADD, 0, Priority.LOW, 150, (i, args) -> {
                args[0] = i + 1;
                args[1] = 170;
            });
            kernel.awaitDone(end, Duration.ofSeconds(10));
            SlotOutcome call = kernel.call(Opcodes.LOAD_U32, 0, Priority.HIGH, 170, 3);
            assertTrue(call.isDone());
            kernel.publish(Opcodes.STORE_U32, 0, Priority.NORMAL, 1, 999_999).await(Duration.ofSeconds(5));
            kernel.submit(Opcodes.NOP, 1, Priority.IDLE, 10);
        }
        ReplayLog log = ReplayFormat.read(file);
        assertEquals(162, log.records().size(), "150 + 1 + 1 + 10 slots, untracked ones included");
        int sum = 0;
        for (int i = 0; i < 150; i++) {
            assertEquals(SlotState.DONE.wire(), log.records().get(i).finalStatus());
            sum += i + 1;
        }
        ReplayRecord load = log.records().get(150);
        assertEquals(Opcodes.LOAD_U32, load.opcode());
        ReplayRecord store = log.records().get(151);
        assertEquals(SlotState.FAULT.wire(), store.finalStatus(), "a STORE_U32 out of range faults");
        assertEquals(Integer.toUnsignedLong(sum), Integer.toUnsignedLong(sum), "sanity");
        ReplayResult result = Replayer.replay(log);
        assertInstanceOf(ReplayResult.NoDivergence.class, result, result.describe());
        assertEquals(162, ((ReplayResult.NoDivergence) result).replayed());
    }

    @Test
    @Timeout(30)
    void injectedDivergenceIsReportedAtItsRecord() throws Exception {
        SlotStream stream = SlotStream.random(9, 1500, SlotStream.Options.defaults().withSlotCount(128)
                .withUserHandlers(true));
        Path file = dir.resolve("div.vyrl");
        record(stream, 4, ReplayOptions.to(file));
        byte[] bytes = Files.readAllBytes(file);
        ReplayLog log = ReplayFormat.decode(bytes);
        int victim = 1000;
        while (log.records().get(victim).finalStatus() != SlotState.DONE.wire()) {
            victim++;
        }
        ReplayRecord r = log.records().get(victim);
        int[] result = r.result();
        result[SlotLayout.ARG0 + 5] ^= 0x10;
        ReplayRecord changed = new ReplayRecord(r.sequence(), r.slot(), r.finalStatus(), r.publishNanos(),
                r.finishNanos(), r.published(), result);
        int headerBytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        ReplayFormat.encodeRecord(changed, ByteBuffer.wrap(bytes).position(headerBytes
                + victim * ReplayFormat.BLOCK_BYTES));
        ReplayResult outcome = Replayer.replay(ReplayFormat.decode(bytes));
        ReplayResult.Divergence d = assertInstanceOf(ReplayResult.Divergence.class, outcome);
        assertEquals(victim, d.index());
        assertEquals(r.sequence(), d.sequence());
        assertEquals(r.slot(), d.slot());
        assertEquals(r.opcode(), d.opcode());
        assertArrayEquals(result, d.expected());
        assertArrayEquals(r.result(), d.actual(), "the replay computes what the run did");
        assertEquals(victim, d.replayed(), "every record before it matched");
        assertTrue(d.describe().contains("word  9: expected"), d.describe());
    }
}
