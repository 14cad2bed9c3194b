package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre replay}: exit 0 without divergence, 1 with one, 2 for a bad log. */
class ReplayCommandTest {
    @TempDir
    Path dir;

    private Path record() {
        Path log = dir.resolve("run.vyrl");
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(32).withObservables(16).withReplayLog(log);
        try (Megakernel k = Megakernel.bootstrap(BackendKind.CPU, config)) {
            for (int i = 0; i < 100; i++) {
                k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, i, 170).await(Duration.ofSeconds(5));
            }
            k.call(Opcodes.LOAD_U32, 0, Priority.NORMAL, 170, 1);
        }
        return log;
    }

    @Test
    void cleanLogExitsZero() {
        CliRun run = CliRun.of("replay", record().toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("101 records"), run.out());
        assertTrue(run.out().contains("no divergence: 101 slots replayed"), run.out());
    }

    @Test
    void divergenceExitsOneAndNamesTheRecord() throws Exception {
        Path log = record();
        ReplayLogBytes.changeResultWord(log, 100, 4, 12345);
        CliRun run = CliRun.of("replay", log.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("divergence at record 100 (sequence 100, slot 4, opcode LOAD_U32)"), run.out());
    }

    @Test
    void badLogExitsTwo() throws Exception {
        Path bad = Files.write(dir.resolve("bad.vyrl"), new byte[] {1, 2, 3});
        CliRun run = CliRun.of("replay", bad.toString());
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("replay log at byte 0"), run.err());
        assertEquals(2, CliRun.of("replay", dir.resolve("missing.vyrl").toString()).exit());
    }

    /** Rewrites one result word of one record, with its CRC. */
    static final class ReplayLogBytes {
        static void changeResultWord(Path log, int index, int word, int value) throws Exception {
            byte[] bytes = Files.readAllBytes(log);
            var decoded = dev.vyre.runtime.replay.ReplayFormat.decode(bytes);
            var r = decoded.records().get(index);
            int[] result = r.result();
            result[word] = value;
            var changed = new dev.vyre.runtime.replay.ReplayRecord(r.sequence(), r.slot(), r.finalStatus(),
                    r.publishNanos(), r.finishNanos(), r.published(), result);
            int header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
            dev.vyre.runtime.replay.ReplayFormat.encodeRecord(changed, ByteBuffer.wrap(bytes)
                    .position(header + index * dev.vyre.runtime.replay.ReplayFormat.BLOCK_BYTES));
            Files.write(log, bytes);
        }
    }
}
