package dev.vyre.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * How an idle thread waits: {@link Thread#onSpinWait()} for a few rounds, then {@link Thread#yield()} for a few
 * more (cheap when another thread needs the core, and below the ~50 us that the smallest park really takes on
 * Linux), then {@link LockSupport#parkNanos} with a doubling pause up to a bound, so that an idle machine stays cool
 * while a busy one answers in microseconds. Not thread-safe: one instance per waiting thread.
 */
public final class Backoff {
    /** Spin rounds of the workers and publishers before they yield. */
    public static final int DEFAULT_SPINS = 256;
    /** Yield rounds after the spins, before the first park. */
    public static final int DEFAULT_YIELDS = 64;
    /** First park of a backoff. */
    public static final long MIN_PARK_NANOS = 1_000;
    /** Longest park of the workers and publishers. */
    public static final long DEFAULT_MAX_PARK_NANOS = 50_000;

    private final int spinLimit;
    private final int yieldLimit;
    private final long maxPark;
    private int rounds;
    private long park = MIN_PARK_NANOS;

    /** A backoff with the default spins and yields and the 50 us bound. */
    public Backoff() {
        this(DEFAULT_SPINS, DEFAULT_YIELDS, DEFAULT_MAX_PARK_NANOS);
    }

    /**
     * A backoff that spins {@code spins} rounds, yields {@code yields} rounds, then parks from 1 us doubling up to
     * {@code maxParkNanos}.
     */
    public Backoff(int spins, int yields, long maxParkNanos) {
        this.spinLimit = spins;
        this.yieldLimit = spins + yields;
        this.maxPark = Math.max(MIN_PARK_NANOS, maxParkNanos);
    }

    /** Starts over after useful work. */
    public void reset() {
        rounds = 0;
        park = MIN_PARK_NANOS;
    }

    /** Waits one round. */
    public void pause() {
        if (rounds < spinLimit) {
            rounds++;
            Thread.onSpinWait();
        } else if (rounds < yieldLimit) {
            rounds++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, maxPark);
        }
    }
}
