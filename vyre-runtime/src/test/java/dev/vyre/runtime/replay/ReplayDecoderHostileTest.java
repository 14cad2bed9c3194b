package dev.vyre.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.testing.Props;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log decoder on random and mutated bytes: a typed error or a valid log, in bounded time. */
class ReplayDecoderHostileTest {
    private static byte[] good;

    @BeforeAll
    static void recordALog(@TempDir Path dir) throws Exception {
        SlotStream stream = SlotStream.random(5, 40, SlotStream.Options.defaults().withSlotCount(16)
                .withUserHandlers(true));
        Path file = dir.resolve("small.vyrl");
        try (Megakernel k = Megakernel.bootstrap(BackendKind.CPU, stream.config().withReplayLog(file))) {
            for (var t : k.publishBatch(stream.slots())) {
                t.await(Duration.ofSeconds(10));
            }
        }
        good = Files.readAllBytes(file);
    }

    @Test
    @Timeout(30)
    void randomAndMutatedBytesGiveOnlyTheTypedErrorOrAValidLog() {
        AtomicInteger valid = new AtomicInteger();
        Props.forAll("replay log decoder on hostile bytes", 6_000, (i, rnd) -> {
            byte[] in;
            switch (i % 3) {
                case 0 -> {
                    in = new byte[rnd.nextInt(400)];
                    rnd.nextBytes(in);
                    if (in.length >= 4 && rnd.nextBoolean()) {
                        in[0] = 'V';
                        in[1] = 'Y';
                        in[2] = 'R';
                        in[3] = 'L';
                    }
                }
                case 1 -> {
                    in = good.clone();
                    for (int k = rnd.nextInt(1, 4); k > 0; k--) {
                        in[rnd.nextInt(in.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                default -> in = Arrays.copyOf(good, rnd.nextInt(good.length + 1));
            }
            try {
                ReplayLog log = ReplayFormat.decode(in);
                valid.incrementAndGet();
                assertTrue(log.records().size() <= (in.length / ReplayFormat.BLOCK_BYTES));
                if (log.complete()) {
                    assertEquals(log.trailer().records(), log.records().size());
                }
            } catch (ReplayFormatException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= in.length, expected.getMessage());
                assertTrue(expected.getMessage().contains("Fix:"));
            }
        });
        assertTrue(valid.get() > 0, "truncations at block boundaries decode as cut-off logs");
    }

    @Test
    void everyCutIsATypedErrorOrAPrefixWithoutTrailer() {
        ReplayLog full = ReplayFormat.decode(good);
        assertEquals(40, full.records().size());
        for (int len = 0; len < good.length; len += len % ReplayFormat.BLOCK_BYTES == 0 ? 1 : 11) {
            byte[] cut = Arrays.copyOf(good, len);
            try {
                ReplayLog log = ReplayFormat.decode(cut);
                assertFalse(log.complete(), "cut at " + len);
                assertEquals(full.records().subList(0, log.records().size()), log.records());
                assertTrue(log.trailingBytes() < ReplayFormat.BLOCK_BYTES);
            } catch (ReplayFormatException expected) {
                assertTrue(expected.offset() <= len);
            }
        }
    }

    @Test
    void eachSingleBitFlipInARecordOrTheHeaderIsDetected() {
        int step = 23;
        for (int bit = 0; bit < good.length * 8; bit += step) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int at = bit / 8;
            assertThrows(ReplayFormatException.class, () -> ReplayFormat.decode(bad), "bit flip at byte " + at);
        }
    }
}
