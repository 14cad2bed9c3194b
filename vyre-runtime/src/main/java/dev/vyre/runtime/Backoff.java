package dev.vyre.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * How an idle thread waits: {@link Thread#onSpinWait()} for a few rounds, then {@link LockSupport#parkNanos} with a
 * doubling pause up to a bound, so that an idle machine stays cool while a busy one answers in microseconds.
 * Not thread-safe: one instance per waiting thread.
 */
public final class Backoff {
    /** Spin rounds of the workers and publishers before they park. */
    public static final int DEFAULT_SPINS = 256;
    /** First park of a backoff. */
    public static final long MIN_PARK_NANOS = 1_000;
    /** Longest park of the workers and publishers. */
    public static final long DEFAULT_MAX_PARK_NANOS = 50_000;

    private final int spinLimit;
    private final long maxPark;
    private int spins;
    private long park = MIN_PARK_NANOS;

    /** A backoff with the default spin count and the 50 us bound. */
    public Backoff() {
        this(DEFAULT_SPINS, DEFAULT_MAX_PARK_NANOS);
    }

    /** A backoff that spins {@code spinLimit} rounds, then parks from 1 us doubling up to {@code maxParkNanos}. */
    public Backoff(int spinLimit, long maxParkNanos) {
        this.spinLimit = spinLimit;
        this.maxPark = Math.max(MIN_PARK_NANOS, maxParkNanos);
    }

    /** Starts over after useful work. */
    public void reset() {
        spins = 0;
        park = MIN_PARK_NANOS;
    }

    /** Waits one round. */
    public void pause() {
        if (spins < spinLimit) {
            spins++;
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, maxPark);
        }
    }
}
