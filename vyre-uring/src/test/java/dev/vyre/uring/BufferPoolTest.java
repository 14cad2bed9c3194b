package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void buffersAreAlignedDisjointAndSized() {
        try (BufferPool pool = BufferPool.offHeap(5, 5000)) {
            assertEquals(5, pool.count());
            assertEquals(5000, pool.bufferSize());
            List<MemorySegment> buffers = pool.buffers();
            for (int i = 0; i < buffers.size(); i++) {
                MemorySegment b = buffers.get(i);
                assertEquals(5000, b.byteSize());
                assertEquals(0, b.address() % BufferPool.DEFAULT_ALIGNMENT, "buffer " + i);
                for (int j = 0; j < i; j++) {
                    MemorySegment o = buffers.get(j);
                    assertTrue(b.address() >= o.address() + o.byteSize() || o.address() >= b.address() + 5000);
                }
            }
        }
    }

    @Test
    void acquireReleaseRecyclesAndTracksAvailability() throws InterruptedException {
        try (BufferPool pool = BufferPool.offHeap(3, 64)) {
            List<BufferHandle> taken = new ArrayList<>();
            Set<Integer> indices = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                BufferHandle h = i == 0 ? pool.acquire() : pool.tryAcquire().orElseThrow();
                assertEquals(0, h.length());
                assertEquals(pool.buffers().get(h.index()), h.segment());
                indices.add(h.index());
                taken.add(h);
            }
            assertEquals(Set.of(0, 1, 2), indices);
            assertEquals(0, pool.available());
            assertEquals(Optional.empty(), pool.tryAcquire());
            BufferHandle used = taken.get(1).withLength(10);
            used.segment().set(ValueLayout.JAVA_BYTE, 3, (byte) 7);
            assertEquals(10, used.data().byteSize());
            assertEquals(7, used.data().get(ValueLayout.JAVA_BYTE, 3));
            used.release();
            assertEquals(1, pool.available());
            BufferHandle again = pool.tryAcquire().orElseThrow();
            assertEquals(taken.get(1).index(), again.index());
            assertTrue(again.lease() != taken.get(1).lease(), "a new lease");
        }
    }

    @Test
    void doubleStaleAndForeignReleasesAreTypedErrors() {
        try (BufferPool pool = BufferPool.offHeap(2, 64); BufferPool other = BufferPool.offHeap(2, 64)) {
            BufferHandle h = pool.tryAcquire().orElseThrow();
            h.release();
            BufferPoolException twice = assertThrows(BufferPoolException.class, h::release);
            assertTrue(twice.getMessage().contains("already released") && twice.getMessage().contains("Fix: "));
            BufferHandle again = pool.tryAcquire().orElseThrow();
            assertEquals(h.index(), again.index(), "the last buffer released is lent first");
            // the stale handle names a buffer that is lent again: it must not end the new lease
            assertThrows(BufferPoolException.class, h::release);
            assertEquals(1, pool.available());
            again.release();
            assertEquals(2, pool.available());
            BufferHandle foreign = other.tryAcquire().orElseThrow();
            assertThrows(BufferPoolException.class, () -> pool.release(foreign));
            assertThrows(BufferPoolException.class, () -> h.withLength(65));
        }
    }

    @Test
    void acquireWaitsForAReleaseFromAnotherThread() throws Exception {
        try (BufferPool pool = BufferPool.offHeap(1, 64)) {
            BufferHandle held = pool.acquire();
            CompletableFuture<BufferHandle> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.acquire();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(50);
            assertFalse(waiter.isDone(), "acquire must block while every buffer is lent");
            held.release();
            assertEquals(held.index(), waiter.get(5, TimeUnit.SECONDS).index());
        }
    }

    @Test
    void timedAcquireGivesUpAndCloseWakesWaiters() throws Exception {
        BufferPool pool = BufferPool.offHeap(1, 64);
        BufferHandle held = pool.acquire();
        long t0 = System.nanoTime();
        assertEquals(Optional.empty(), pool.acquire(Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - t0 >= 90_000_000L);
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                pool.acquire();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(50);
        pool.close();
        assertTrue(waiter.get(5, TimeUnit.SECONDS) instanceof BufferPoolException);
        held.release(); // after close: harmless
        assertThrows(BufferPoolException.class, pool::tryAcquire);
        assertThrows(IllegalStateException.class, () -> held.segment().get(ValueLayout.JAVA_BYTE, 0),
                "the memory is freed with the pool");
        pool.close();
    }

    @Test
    void badSizesAreTypedErrorsAndCloseTheAllocator() {
        for (int[] bad : new int[][] {{0, 64}, {BufferPool.MAX_BUFFERS + 1, 64}, {1, 0}, {1, -5}}) {
            BufferAllocator allocator = BufferAllocator.offHeap();
            assertThrows(BufferPoolException.class, () -> BufferPool.create(allocator, bad[0], bad[1]));
            assertThrows(BufferPoolException.class, () -> allocator.allocate(8, 8), "closed by the failed create");
        }
        assertThrows(BufferPoolException.class, () -> BufferPool.create(BufferAllocator.offHeap(), 1, 64, 3));
    }

    @Test
    void registrationFollowsThePool() {
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        try (IoUring ring = IoUring.open(4); IoUring second = IoUring.open(4)) {
            BufferPool pool = BufferPool.offHeap(2, 4096);
            pool.registerWith(ring);
            assertTrue(pool.isRegisteredWith(ring));
            assertEquals(pool.buffers(), ring.registeredBuffers());
            assertThrows(BufferPoolException.class, () -> pool.registerWith(ring), "once per ring");
            assertThrows(UringException.class, () -> ring.registerBuffers(pool.buffers()), "already registered");
            pool.registerWith(second); // a parallel read registers the pool with every reader's ring
            assertTrue(pool.isRegisteredWith(ring) && pool.isRegisteredWith(second));
            pool.unregisterFrom(second);
            assertFalse(pool.isRegisteredWith(second));
            assertTrue(pool.isRegisteredWith(ring), "the other ring keeps the buffers");
            pool.registerWith(second);
            pool.close();
            assertTrue(ring.registeredBuffers().isEmpty() && second.registeredBuffers().isEmpty(),
                    "closing the pool unregistered its buffers from every ring");
            assertFalse(pool.isRegisteredWith(ring));
        }
    }
}
