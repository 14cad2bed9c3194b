package dev.vyre.core;

import java.util.List;

/** Small thread helpers shared by the modules. */
public final class Threads {
    private Threads() {
    }

    /**
     * Waits for every thread in {@code threads} to end, whatever interrupts arrive meanwhile (for threads that write
     * into memory the caller frees or reads afterwards, so none may outlive the call); an interrupt received while
     * waiting is restored on the calling thread before returning.
     */
    public static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
