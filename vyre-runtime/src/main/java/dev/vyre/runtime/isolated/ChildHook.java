package dev.vyre.runtime.isolated;

import dev.vyre.protocol.RingView;

/**
 * Test-only fault injection for the isolated backend's child process with the CPU backend inside
 * ({@link IsolatedOptions#withChildHook}): called on a child worker after it read a claimed slot and before it runs
 * it. A hook may halt the child JVM ({@code Runtime.halt}) or block, to stand in for a kernel that faults or hangs.
 * The class needs a public no-argument constructor; the child creates one instance.
 */
@FunctionalInterface
public interface ChildHook {
    void beforeExecute(RingView ring, int slot);
}
