package dev.vyre.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vyre.testing.Props;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fingerprints change with any change of any field, and field boundaries cannot be shifted. */
class KeySensitivityTest {
    @Test
    void everyBitOfEveryFieldChangesTheFingerprint() {
        Props.forAll("fingerprint bit sensitivity", 300, (i, rnd) -> {
            byte[] bytes = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(bytes);
            String arch = "sm_" + rnd.nextInt(70, 100);
            long driver = rnd.nextLong();
            Fingerprint base = Fingerprint.builder("d").bytes("vir0", bytes).text("arch", arch)
                    .number("driver", driver).build();
            assertEquals(base, Fingerprint.builder("d").bytes("vir0", bytes.clone()).text("arch", arch)
                    .number("driver", driver).build(), "deterministic");
            int bit = rnd.nextInt(bytes.length * 8);
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertNotEquals(base, Fingerprint.builder("d").bytes("vir0", flipped).text("arch", arch)
                    .number("driver", driver).build(), "bit " + bit);
            assertNotEquals(base, Fingerprint.builder("d").bytes("vir0", bytes).text("arch", arch + "a")
                    .number("driver", driver).build());
            assertNotEquals(base, Fingerprint.builder("d").bytes("vir0", bytes).text("arch", arch)
                    .number("driver", driver ^ 1L << rnd.nextInt(64)).build());
            assertNotEquals(base, Fingerprint.builder("e").bytes("vir0", bytes).text("arch", arch)
                    .number("driver", driver).build());
        });
    }

    @Test
    void fieldBoundariesAreUnambiguous() {
        Set<Fingerprint> seen = new HashSet<>();
        seen.add(Fingerprint.builder("d").text("a", "bc").build());
        seen.add(Fingerprint.builder("d").text("ab", "c").build());
        seen.add(Fingerprint.builder("d").text("a", "b").text("c", "").build());
        seen.add(Fingerprint.builder("d").text("a", "").text("bc", "").build());
        seen.add(Fingerprint.builder("da").text("", "bc").build());
        assertEquals(5, seen.size());
    }

    @Test
    void hexAndBytesAgree() {
        Fingerprint f = Fingerprint.hash(new byte[] {1, 2, 3});
        assertEquals(64, f.hex().length());
        assertEquals(f, Fingerprint.of(java.util.HexFormat.of().parseHex(f.hex())));
    }
}
