package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated byte arrays fed to every decoder and every view's wrap: each call ends in a
 * {@link ProtocolException} or a valid result (one that re-encodes to the input), never anything else.
 */
class HostileInputTest {
    private static final int INPUTS = 100_000;
    private static final int[] INTERESTING = {0, 1, 2, 4, 7, 8, 15, 16, 159, 160, 161, 0xFF, 0xFFFF, 1_048_575,
        1_048_576, 1_048_577, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF};

    /** A decoder under test: checks a valid result against the input, or throws. */
    private record Target(String name, Consumer<byte[]> check) {
    }

    private static List<Target> targets() {
        return List.of(
                new Target("ring", b -> assertArrayEquals(b, RingView.encode(RingView.decode(b)))),
                new Target("control", b -> assertArrayEquals(b, ControlView.decode(b).toBytes())),
                new Target("observables", b -> assertArrayEquals(b, Gen.le(ControlView.decodeObservables(b)))),
                new Target("debug log", b -> {
                    DebugLogSnapshot s = DebugLogView.decode(b);
                    assertTrue(s.records().size() <= s.capacity());
                    assertEquals(b.length, s.toBytes().length);
                    assertEquals(s, DebugLogView.decode(s.toBytes()));
                }),
                new Target("task list", b -> assertArrayEquals(b, TaskView.encode(TaskView.decode(b)))),
                new Target("slot", b -> assertArrayEquals(b, Slot.fromBytes(b).toBytes())),
                new Target("task", b -> assertArrayEquals(b, Task.fromBytes(b).toBytes())),
                new Target("ring wrap", b -> {
                    RingView r = RingView.wrap(viewSegment(b));
                    for (int s = 0; s < r.slotCount(); s++) {
                        r.statusWord(s);
                    }
                    assertEquals(b.length / 64, r.slotCount());
                }),
                new Target("control wrap", b -> assertArrayEquals(b, ControlView.wrap(viewSegment(b)).toBytes())),
                new Target("task wrap", b -> assertEquals(b.length / 64, TaskView.wrap(viewSegment(b)).taskCount())),
                new Target("debug log wrap", b -> {
                    DebugLogView log = DebugLogView.wrap(viewSegment(b));
                    int before = log.cursor();
                    boolean written = log.append(1, 2, 3, 4);
                    assertEquals(before < log.capacity(), written);
                    var snapshot = log.tryRead();
                    assertEquals(log.committed() == log.cursor(), snapshot.isPresent(), "in flight: no snapshot");
                    snapshot.ifPresent(s -> assertTrue(s.records().size() <= log.capacity()));
                }));
    }

    /** A writable, int-aligned copy when the length allows it, else a byte[] segment (which wrap must refuse). */
    private static MemorySegment viewSegment(byte[] b) {
        if (b.length % 4 != 0) {
            return MemorySegment.ofArray(b.clone());
        }
        MemorySegment s = MemorySegment.ofArray(new int[b.length / 4]);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, s, 0, b.length);
        return s;
    }

    @Test
    void everyDecoderEndsInProtocolExceptionOrAValidResult() {
        List<Target> targets = targets();
        Map<String, int[]> outcomes = new LinkedHashMap<>();
        for (Target t : targets) {
            outcomes.put(t.name(), new int[2]);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Props.forAll("hostile input", INPUTS, (i, rnd) -> {
            byte[] input = input(rnd);
            for (Target t : targets) {
                try {
                    t.check().accept(input);
                    outcomes.get(t.name())[0]++;
                } catch (ProtocolException e) {
                    assertTrue(e.getMessage().startsWith(e.bufferName() + " buffer: "), e.getMessage());
                    assertTrue(e.getMessage().contains(". Fix: "), e.getMessage());
                    outcomes.get(t.name())[1]++;
                } catch (Throwable e) {
                    throw new AssertionError(t.name() + " decoder threw " + e + " on "
                            + HexFormat.of().formatHex(input), e);
                }
            }
        }));
        for (Map.Entry<String, int[]> e : outcomes.entrySet()) {
            assertTrue(e.getValue()[0] > 100, e.getKey() + " accepted too few inputs: " + e.getValue()[0]);
            assertTrue(e.getValue()[1] > 100, e.getKey() + " refused too few inputs: " + e.getValue()[1]);
        }
    }

    private static byte[] input(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> random(rnd);
            case 1 -> valid(rnd);
            default -> mutate(rnd, valid(rnd));
        };
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 80 : 800)];
        rnd.nextBytes(b);
        return b;
    }

    /** A valid encoding of a random buffer kind. */
    private static byte[] valid(SplittableRandom rnd) {
        switch (rnd.nextInt(6)) {
            case 0 -> {
                List<Slot> slots = new ArrayList<>();
                for (int k = 1 + rnd.nextInt(6); k > 0; k--) {
                    slots.add(Gen.slot(rnd));
                }
                return RingView.encode(slots);
            }
            case 1 -> {
                int[] words = new int[160 + rnd.nextInt(20)];
                for (int k = 0; k < words.length; k++) {
                    words[k] = rnd.nextInt(8) == 0 ? Gen.word(rnd) : 0;
                }
                return Gen.le(words);
            }
            case 2 -> {
                int capacity = rnd.nextInt(12);
                List<DebugRecord> records = new ArrayList<>();
                for (int k = capacity == 0 ? 0 : rnd.nextInt(capacity + 1); k > 0; k--) {
                    records.add(new DebugRecord(Gen.word(rnd), Gen.word(rnd), Gen.word(rnd), Gen.word(rnd)));
                }
                return new DebugLogSnapshot(capacity, rnd.nextLong(0, 0x1_0000_0000L), records).toBytes();
            }
            case 3 -> {
                List<Task> tasks = new ArrayList<>();
                for (int k = rnd.nextInt(6); k > 0; k--) {
                    tasks.add(Gen.task(rnd));
                }
                return TaskView.encode(tasks);
            }
            case 4 -> {
                return Gen.slot(rnd).toBytes();
            }
            default -> {
                return Gen.task(rnd).toBytes();
            }
        }
    }

    private static byte[] mutate(SplittableRandom rnd, byte[] b) {
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            switch (rnd.nextInt(5)) {
                case 0 -> b = Arrays.copyOf(b, Math.max(0, b.length - 1 - rnd.nextInt(Math.max(1, b.length))));
                case 1 -> b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(70));
                case 2 -> {
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                default -> {
                    if (b.length >= 4) {
                        int word = rnd.nextInt(b.length / 4);
                        int v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                        byte[] le = Gen.le(v);
                        System.arraycopy(le, 0, b, word * 4, 4);
                    }
                }
            }
        }
        return b;
    }

    @Test
    void lengthsPastTheLimitsAreRefusedBeforeReading() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate((1_048_576L + 1) * 64, 64);
            ProtocolException e = assertThrows(ProtocolException.class, () -> RingView.decode(ring));
            assertTrue(e.getMessage().contains("MAX_ENCODED_RING_SLOTS"), e.getMessage());
            assertThrows(ProtocolException.class, () -> RingView.decode(ring.asSlice(0, 64 * 3 + 8)));
            assertThrows(ProtocolException.class, () -> RingView.decode(ring.asSlice(0, 64 * 3 + 2)));
            int[] header = {0, 0, 1_048_577, 0};
            assertThrows(ProtocolException.class, () -> DebugLogView.decode(Gen.le(header)));
        }
    }
}
