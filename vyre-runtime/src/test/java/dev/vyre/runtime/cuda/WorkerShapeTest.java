package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkerShapeTest {

    @Test
    void blocksHoldEveryWorker() {
        for (WorkerShape shape : WorkerShape.values()) {
            for (int w : new int[] {1, 3, 4, 5, 127, 128, 129, 1000}) {
                long threads = (long) shape.blocks(w) * WorkerShape.BLOCK_THREADS;
                long needed = (long) w * shape.lanesPerWorker();
                assertEquals(true, threads >= needed && threads - needed < WorkerShape.BLOCK_THREADS,
                        shape + " with " + w + " workers: " + shape.blocks(w) + " blocks");
            }
        }
    }

    @Test
    void laneBitsShiftAThreadToItsWorker() {
        assertEquals(0, WorkerShape.THREAD.laneBits());
        assertEquals(5, WorkerShape.WARP.laneBits());
        assertEquals(1, 1 << WorkerShape.THREAD.laneBits());
        assertEquals(32, 1 << WorkerShape.WARP.laneBits());
    }

    @Test
    void residentWorkersFollowTheThreadBudget() {
        assertEquals(132 * 512, WorkerShape.THREAD.maxResidentWorkers(132), "65,536 registers per SM at the 128-register cap");
        assertEquals(132 * 512 / 32, WorkerShape.WARP.maxResidentWorkers(132));
    }
}
