package dev.vyre.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PropsTest {
    @Test
    void runsEveryCaseAndIsDeterministic() {
        AtomicInteger n = new AtomicInteger();
        long[] first = new long[3];
        long[] second = new long[3];
        Props.forAll("collect", 3, (i, r) -> { first[i] = r.nextLong(); n.incrementAndGet(); });
        Props.forAll("collect", 3, (i, r) -> second[i] = r.nextLong());
        assertEquals(3, n.get());
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
    }

    @Test
    void failureNamesCaseAndSeed() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Props.forAll("fails at 2", 5, (i, r) -> { if (i == 2) throw new IllegalStateException("boom"); }));
        assertTrue(e.getMessage().contains("case 2") && e.getMessage().contains("seed"), e.getMessage());
    }
}
