package dev.vyre.uring;

import java.util.Arrays;

/**
 * The slots of an io_uring's sparse fixed-file table. A claimed slot points at an open file until the slot is
 * claimed again or the table is cleared: a released slot still holds the kernel's reference to its (closed) file,
 * which saves a syscall per file, and {@link #clear()} drops them all at the end of a read.
 */
final class FixedFileTable {
    private final IoUring ring;
    private final int[] free;
    private int freeCount;
    private boolean used;

    private FixedFileTable(IoUring ring, int slots) {
        this.ring = ring;
        this.free = new int[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    /** Registers a table of {@code slots} empty slots with {@code ring}; throws UringException where refused. */
    static FixedFileTable register(IoUring ring, int slots) {
        int[] empty = new int[slots];
        Arrays.fill(empty, -1);
        ring.registerFiles(empty);
        return new FixedFileTable(ring, slots);
    }

    int size() {
        return free.length;
    }

    /** Points a free slot at {@code fd}; -1 when no slot is free or the kernel refuses the update. */
    int claim(int fd) {
        if (freeCount == 0) {
            return -1;
        }
        int slot = free[freeCount - 1];
        try {
            ring.updateFiles(slot, fd);
        } catch (UringException e) {
            return -1; // the plain descriptor works as well, one fget per request slower
        }
        freeCount--;
        used = true;
        return slot;
    }

    /** Gives a slot back; it keeps its file until claimed again or cleared. */
    void release(int slot) {
        free[freeCount++] = slot;
    }

    /** Empties every slot (one update), dropping the kernel's references to closed files. */
    void clear() {
        if (used && ring.isOpen()) {
            int[] empty = new int[free.length];
            Arrays.fill(empty, -1);
            ring.updateFiles(0, empty);
            used = false;
        }
    }
}
