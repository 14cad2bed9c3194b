package dev.vyre.ir.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Conformance point 4: {@code decode(encode(p)) == p} and {@code encode(decode(encode(p))) == encode(p)}. */
class Vir0RoundTripProperties {

    private static void roundTrip(Program p) {
        byte[] bytes = Vir0Encoder.encode(p);
        Program back = Vir0Decoder.decode(bytes);
        assertEquals(p, back, () -> "decoded program differs from\n" + ProgramPrinter.print(p));
        assertArrayEquals(bytes, Vir0Encoder.encode(back), "re-encoding changed the bytes");
        assertFalse(ProgramPrinter.print(back).isEmpty());
    }

    @Test
    void validProgramsRoundTrip() {
        Props.forAll("valid programs round-trip", 10_000, (i, rnd) -> roundTrip(RandomPrograms.generate(rnd)));
    }

    @Test
    void anyShapeProgramsRoundTrip() {
        Props.forAll("any-shape programs round-trip", 5_000,
                (i, rnd) -> roundTrip(RandomPrograms.generateAnyShape(rnd)));
    }

    /** Two encoders see the same program however its map was built: bytes depend on the program only. */
    @Test
    void encodingDependsOnlyOnTheProgram() {
        Props.forAll("map insertion order does not matter", 500, (i, rnd) -> {
            Program p = RandomPrograms.generateAnyShape(rnd);
            List<Map.Entry<String, Payload>> entries = new ArrayList<>(p.metadata().entrySet());
            Collections.shuffle(entries, new java.util.Random(rnd.nextLong()));
            TreeMap<String, Payload> rebuilt = new TreeMap<>(java.util.Comparator.reverseOrder());
            entries.forEach(e -> rebuilt.put(e.getKey(), e.getValue()));
            Program q = new Program(p.flags(), p.entryOp(), p.workgroupSize(), p.buffers(), rebuilt,
                    p.extensions(), p.body());
            assertArrayEquals(Vir0Encoder.encode(p), Vir0Encoder.encode(q));
        });
    }

    /** The generators are reproducible: the same seed gives the same program. */
    @Test
    void generatorsAreDeterministic() {
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(RandomPrograms.generate(new SplittableRandom(seed)),
                    RandomPrograms.generate(new SplittableRandom(seed)));
            assertEquals(RandomPrograms.generateAnyShape(new SplittableRandom(seed)),
                    RandomPrograms.generateAnyShape(new SplittableRandom(seed)));
        }
    }
}
