package dev.vyre.runtime;

import dev.vyre.runtime.cpu.CpuBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Backends for lifecycle tests: one whose workers start late, one whose workers never run. */
final class TestBackends {
    private TestBackends() {
    }

    /** A CPU backend whose workers start only when the test opens the gate. */
    static final class Gated implements Backend {
        private final CpuBackend cpu = new CpuBackend();
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile boolean started;

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public MemorySegment allocateShared(long bytes, long alignment) {
            return cpu.allocateShared(bytes, alignment);
        }

        @Override
        public void start(RingBuffers buffers, MegakernelConfig config) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                cpu.start(buffers, config);
                started = true;
            });
        }

        void open() {
            gate.countDown();
        }

        @Override
        public int workers() {
            return cpu.workers();
        }

        /** Waits for the workers to start (once the gate is open), then for them to exit, within {@code timeout}. */
        @Override
        public boolean awaitExit(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!started && gate.getCount() == 0 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            return started && cpu.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }

        @Override
        public void close() {
            cpu.close();
        }
    }

    /** A backend whose workers never run: shared memory only. */
    static class Dead implements Backend {
        private final Arena arena = Arena.ofShared();
        volatile boolean closed;

        @Override
        public String name() {
            return "dead";
        }

        @Override
        public MemorySegment allocateShared(long bytes, long alignment) {
            return arena.allocate(bytes, alignment).fill((byte) 0);
        }

        @Override
        public void start(RingBuffers buffers, MegakernelConfig config) {
            // no workers
        }

        @Override
        public int workers() {
            return 0;
        }

        @Override
        public boolean awaitExit(Duration timeout) {
            return true;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                arena.close();
            }
        }
    }
}
