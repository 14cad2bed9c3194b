package dev.vyre.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * The host thread that completes tickets: it scans the in-flight slots, completes finished ones and recycles them
 * to EMPTY, and ends the megakernel's life once the workers have exited (see {@link Megakernel#tryFinish()}).
 * With no ticket in flight it parks (publishers wake it); otherwise it backs off like a worker.
 */
final class Reaper implements Runnable {
    /** Longest idle park with nothing in flight (bounds how late a device-side SHUTDOWN or a dead worker is seen). */
    static final long IDLE_PARK_NANOS = 2_000_000;

    private final Megakernel kernel;
    private final HostRing host;
    private volatile boolean sleeping;
    private volatile Thread thread;

    Reaper(Megakernel kernel, HostRing host) {
        this.kernel = kernel;
        this.host = host;
    }

    /** Starts the reaper thread (a daemon platform thread). */
    Thread start() {
        Thread t = Thread.ofPlatform().daemon().name("vyre-reaper").unstarted(this);
        thread = t;
        t.start();
        return t;
    }

    /** Unparks the reaper if it sleeps for lack of work. */
    void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff();
        while (true) {
            if (host.reap() > 0) {
                backoff.reset();
                continue;
            }
            if (kernel.tryFinish()) {
                return;
            }
            if (host.ticketsInFlight() == 0) {
                sleeping = true;
                if (host.ticketsInFlight() == 0 && !kernel.closing()) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
                sleeping = false;
                backoff.reset();
            } else {
                backoff.pause();
            }
        }
    }
}
