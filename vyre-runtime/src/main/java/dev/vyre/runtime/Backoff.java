package dev.vyre.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * How an idle thread waits, by how long it has been idle: {@link Thread#onSpinWait()} at first, then
 * {@link Thread#yield()} (cheap when another thread needs the core, and far below the ~50 us that the smallest
 * park really takes on Linux), then {@link LockSupport#parkNanos} with a doubling pause up to a bound. A busy ring
 * is answered in about a microsecond; a ring idle for longer than the yield phase costs a wake-up per park, so an
 * idle machine stays cool. Not thread-safe: one instance per waiting thread.
 */
public final class Backoff {
    /** Idle time spent spinning. */
    public static final long DEFAULT_SPIN_NANOS = 10_000;
    /** Idle time after which the thread parks instead of yielding. */
    public static final long DEFAULT_YIELD_NANOS = 200_000;
    /** First park. */
    public static final long MIN_PARK_NANOS = 1_000;
    /** Longest park. */
    public static final long DEFAULT_MAX_PARK_NANOS = 50_000;

    private final long spinNanos;
    private final long yieldNanos;
    private final long maxPark;
    private boolean idle;
    private long idleSince;
    private long park = MIN_PARK_NANOS;

    /** A backoff with the default phases and the 50 us bound. */
    public Backoff() {
        this(DEFAULT_SPIN_NANOS, DEFAULT_YIELD_NANOS, DEFAULT_MAX_PARK_NANOS);
    }

    /**
     * A backoff that spins for the first {@code spinNanos} of idleness, yields until {@code yieldNanos}, then parks
     * from 1 us doubling up to {@code maxParkNanos}.
     */
    public Backoff(long spinNanos, long yieldNanos, long maxParkNanos) {
        this.spinNanos = spinNanos;
        this.yieldNanos = Math.max(spinNanos, yieldNanos);
        this.maxPark = Math.max(MIN_PARK_NANOS, maxParkNanos);
    }

    /** Starts over after useful work. */
    public void reset() {
        idle = false;
        park = MIN_PARK_NANOS;
    }

    /** Waits one round. */
    public void pause() {
        long now = System.nanoTime();
        if (!idle) {
            idle = true;
            idleSince = now;
        }
        long idleFor = now - idleSince;
        if (idleFor < spinNanos) {
            Thread.onSpinWait();
        } else if (idleFor < yieldNanos) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, maxPark);
        }
    }
}
