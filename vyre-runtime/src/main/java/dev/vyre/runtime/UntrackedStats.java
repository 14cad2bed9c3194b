package dev.vyre.runtime;

/**
 * What became of the untracked slots of a megakernel ({@link Megakernel#submit}) so far. A fault is counted once,
 * by whoever sees it first: the publisher that recycles the slot, {@link Megakernel#awaitDone}, or
 * {@link Megakernel#close} (which accounts for every slot). So after {@code awaitDone(end, ...)} returns, every
 * untracked fault below {@code end} is counted, and after {@code close()} every one is.
 *
 * @param faults      untracked slots that ended in FAULT
 * @param notExecuted untracked slots published after the workers stopped (a SHUTDOWN slot ran first, or the
 *                    backend's workers died), found by the final sweep
 * @param firstFault  the faulted untracked slot with the lowest sequence number counted so far, or null
 */
public record UntrackedStats(long faults, long notExecuted, UntrackedFault firstFault) {
}
