package dev.vyre.protocol;

/** Bits of a task's FLAGS word. Other bits are reserved: carried verbatim, never interpreted. */
public final class TaskFlags {
    public static final int PAUSED = 1;
    public static final int YIELDED = 1 << 1;
    public static final int REQUEUE_REQUESTED = 1 << 2;
    public static final int RESUME_READY = 1 << 3;
    /** Every defined flag bit. */
    public static final int KNOWN = PAUSED | YIELDED | REQUEUE_REQUESTED | RESUME_READY;

    private TaskFlags() {
    }

    /** Whether every bit of {@code flag} is set in {@code flags}. */
    public static boolean has(int flags, int flag) {
        return (flags & flag) == flag;
    }
}
