package dev.vyre.runtime;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission of slots published through tenant handles (docs/TENANTS.md): a slot is admitted when its tenant has
 * fewer than its quota in flight and fewer than {@code capacity} handle slots are in flight in all. When several
 * tenants wait, the one with the smallest pass goes first (stride scheduling): each admission advances a tenant's
 * pass by {@code STRIDE / share}, and a tenant that starts waiting after being idle starts at the current virtual
 * time, so it cannot bank credit while idle. Waiting is parking on a condition, not spinning.
 */
final class TenantGate {
    /** Pass units of one admission at share 1. */
    static final long STRIDE = 1L << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition[] turns = new Condition[Permissions.TENANTS];
    private final int[] quota = new int[Permissions.TENANTS];
    private final long[] stride = new long[Permissions.TENANTS];
    private final int[] inFlight = new int[Permissions.TENANTS];
    private final int[] waiting = new int[Permissions.TENANTS];
    private final long[] pass = new long[Permissions.TENANTS];
    private final long[] admitted = new long[Permissions.TENANTS];
    private final int capacity;
    private int total;
    private long virtualTime;

    TenantGate(Tenants tenants) {
        this.capacity = tenants.admissionSlots();
        for (int t = 0; t < Permissions.TENANTS; t++) {
            turns[t] = lock.newCondition();
            TenantSpec spec = tenants.spec(t);
            if (spec != null) {
                quota[t] = tenants.quota(t);
                stride[t] = STRIDE / spec.share();
            }
        }
    }

    /**
     * Admits one slot of {@code tenant}: waits up to {@code nanos} (negative: forever; zero: does not wait). True
     * when admitted; the caller must {@link #release} it once the slot finished (or was never published).
     */
    boolean acquire(int tenant, long nanos) {
        lock.lock();
        try {
            if (waiting[tenant] == 0 && inFlight[tenant] == 0) {
                pass[tenant] = Math.max(pass[tenant], virtualTime);
            }
            waiting[tenant]++;
            boolean interrupted = false;
            try {
                long left = nanos;
                while (!admissible(tenant)) {
                    if (nanos == 0 || nanos > 0 && left <= 0) {
                        return false;
                    }
                    if (nanos < 0) {
                        turns[tenant].awaitUninterruptibly();
                    } else {
                        try {
                            left = turns[tenant].awaitNanos(left);
                        } catch (InterruptedException e) {
                            interrupted = true;
                            return false;
                        }
                    }
                }
                virtualTime = Math.max(virtualTime, pass[tenant]);
                pass[tenant] += stride[tenant];
                inFlight[tenant]++;
                total++;
                admitted[tenant]++;
                return true;
            } finally {
                waiting[tenant]--;
                signalNext();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns one admission of {@code tenant} and wakes the waiter that goes next. */
    void release(int tenant) {
        lock.lock();
        try {
            inFlight[tenant]--;
            total--;
            signalNext();
        } finally {
            lock.unlock();
        }
    }

    /** Slots of {@code tenant} admitted and not yet released. */
    int inFlight(int tenant) {
        lock.lock();
        try {
            return inFlight[tenant];
        } finally {
            lock.unlock();
        }
    }

    /** Slots of {@code tenant} admitted since bootstrap. */
    long admitted(int tenant) {
        lock.lock();
        try {
            return admitted[tenant];
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code tenant} may be admitted now: room in its quota and the window, and no waiter ahead of it. */
    private boolean admissible(int tenant) {
        if (inFlight[tenant] >= quota[tenant] || total >= capacity) {
            return false;
        }
        for (int u = 0; u < Permissions.TENANTS; u++) {
            if (u != tenant && waiting[u] > 0 && inFlight[u] < quota[u] && ahead(u, tenant)) {
                return false;
            }
        }
        return true;
    }

    private boolean ahead(int u, int t) {
        return pass[u] < pass[t] || pass[u] == pass[t] && u < t;
    }

    /** Wakes the waiting tenant that may go next (all its waiters re-check). */
    private void signalNext() {
        int best = -1;
        for (int u = 0; u < Permissions.TENANTS; u++) {
            if (waiting[u] > 0 && inFlight[u] < quota[u] && (best < 0 || ahead(u, best))) {
                best = u;
            }
        }
        if (best >= 0 && total < capacity) {
            turns[best].signalAll();
        }
    }
}
