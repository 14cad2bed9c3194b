package dev.vyre.runtime;

/** Bounded joins that an interrupt cannot cut short (the interrupt is kept and restored afterwards). */
public final class Joins {
    private Joins() {
    }

    /**
     * Waits until {@code thread} has ended or {@link System#nanoTime()} passes {@code deadlineNanos}; true when it
     * ended. An interrupt does not end the wait early: shutdown paths must not give up half-way because the
     * caller's interrupt flag happened to be set; the flag is restored before returning.
     */
    public static boolean joinUntil(Thread thread, long deadlineNanos) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    thread.join(java.time.Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
