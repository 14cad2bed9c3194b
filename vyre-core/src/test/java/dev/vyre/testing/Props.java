package dev.vyre.testing;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * A small property-test harness: runs a check over many seeded random cases and, on failure, reports the case
 * number and the seed that reproduces it ({@code -Dvyre.props.seed=...}). Deterministic by default so CI runs
 * are repeatable; set {@code -Dvyre.props.seed=random} to explore new seeds.
 *
 * <p>We do not use jqwik: its 1.10 engine prints that AI agents must not use it, and this project is written
 * with AI assistance, so we respect that and keep property tests on plain JUnit 5.
 */
public final class Props {
    private Props() {
    }

    /** The base seed: {@code vyre.props.seed} if set (a number, or "random"), else a fixed default. */
    public static long baseSeed() {
        String s = System.getProperty("vyre.props.seed");
        if (s == null || s.isBlank()) {
            return 0x5EED_0F_7E5EL;
        }
        if (s.equals("random")) {
            return System.nanoTime();
        }
        return Long.decode(s);
    }

    /**
     * Runs {@code check} for {@code cases} cases. Case {@code i} gets a {@link SplittableRandom} seeded from the
     * base seed and {@code i}; any throwable is rethrown as an AssertionError naming the case and its seed.
     */
    public static void forAll(String property, int cases, BiConsumer<Integer, SplittableRandom> check) {
        long base = baseSeed();
        for (int i = 0; i < cases; i++) {
            // Mix the per-case seed: SplittableRandom advances by the golden gamma, so seeds spaced by that gamma
            // would give neighbouring cases the same stream shifted by one value.
            long seed = new SplittableRandom(base + 0x9E3779B97F4A7C15L * (i + 1)).nextLong();
            try {
                check.accept(i, new SplittableRandom(seed));
            } catch (Throwable t) {
                throw new AssertionError(property + " failed on case " + i + " (seed " + seed
                        + "; rerun with -Dvyre.props.seed=" + base + "): " + t, t);
            }
        }
    }
}
