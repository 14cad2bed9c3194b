package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.BackendProvider;
import dev.vyre.runtime.BackendUnavailableException;
import dev.vyre.runtime.Backends;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What the backend decides without a GPU: settings, default workers, registration, the no-driver path. */
class CudaBackendTest {

    @Test
    void defaultWorkersIsTheLargestDivisorWithinTheBound() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            int slots = 1 + rnd.nextInt(1 << 16);
            int bound = 1 + rnd.nextInt(300);
            int w = CudaBackend.defaultWorkers(slots, bound);
            assertTrue(w >= 1 && w <= bound && w <= slots && slots % w == 0, slots + " / " + bound + " -> " + w);
            for (int d = w + 1; d <= Math.min(bound, slots); d++) {
                assertTrue(slots % d != 0, d + " also divides " + slots + " and is within " + bound);
            }
        }
        assertEquals(128, CudaBackend.defaultWorkers(4096, 132));
        assertEquals(1, CudaBackend.defaultWorkers(4099, 132), "a prime ring gets one worker");
    }

    @Test
    void settingsRefuseNonsense() {
        CudaBackend.Settings d = CudaBackend.Settings.defaults();
        assertEquals(WorkerShape.THREAD, d.shape());
        assertThrows(CudaBackendException.class, () -> new CudaBackend.Settings(-1, WorkerShape.WARP, 1, 2, 1));
        assertThrows(CudaBackendException.class, () -> new CudaBackend.Settings(0, null, 1, 2, 1));
        assertThrows(CudaBackendException.class, () -> new CudaBackend.Settings(0, WorkerShape.WARP, 1, 2, 0));
        assertThrows(CudaBackendException.class, () -> d.withBackoff(5, 4));
        assertThrows(CudaBackendException.class, () -> d.withBackoff(0, 4));
        assertEquals(WorkerShape.WARP, d.withShape(WorkerShape.WARP).shape());
        assertThrows(CudaBackendException.class, () -> CudaBackend.open(null));
    }

    @Test
    void theIrKernelSettingKeepsTheOthersAndRefusesWhatItDoesNotRun() {
        CudaBackend.Settings d = CudaBackend.Settings.defaults().withShape(WorkerShape.WARP).withBackoff(2, 128);
        CudaBackend.Settings ir = d.withIrKernel();
        assertTrue(ir.irKernel() && !d.irKernel());
        assertEquals(WorkerShape.THREAD, ir.shape());
        assertEquals(CudaBackend.DEFAULT_DOORBELL_POLLERS, ir.doorbellPollers(), "the pollers are kept");
        assertEquals(2, ir.backoffMinNanos());
        assertEquals(128, ir.backoffMaxNanos());
        assertTrue(ir.withBackoff(1, 64).irKernel() && ir.withDevice(1).irKernel()
                && ir.withCache(dev.vyre.runtime.cache.CacheSettings.disabled()).irKernel());
        CudaBackendException warp = assertThrows(CudaBackendException.class, () -> ir.withShape(WorkerShape.WARP));
        assertTrue(warp.getMessage().contains("Fix: "), warp.getMessage());
        assertTrue(ir.withDoorbell(2).irKernel() && ir.withDoorbell(2).doorbellPollers() == 2);
        assertEquals(0, ir.withDoorbell(0).doorbellPollers());
        assertThrows(CudaBackendException.class, () -> ir.withDoorbell(9));
        // the defaults with the IR kernel keep the default kernel's doorbell and long backoff
        CudaBackend.Settings defaultIr = CudaBackend.Settings.defaults().withIrKernel();
        assertEquals(CudaBackend.DEFAULT_DOORBELL_POLLERS, defaultIr.doorbellPollers());
        assertEquals(CudaBackend.DEFAULT_BACKOFF_MAX_NANOS, defaultIr.backoffMaxNanos());
    }

    @Test
    void theProviderIsRegisteredForCuda() {
        long cuda = ServiceLoader.load(BackendProvider.class).stream()
                .filter(p -> p.type() == CudaBackendProvider.class).count();
        assertEquals(1, cuda, "META-INF/services lists CudaBackendProvider once");
        assertEquals(BackendKind.CUDA, new CudaBackendProvider().kind());
    }

    @Test
    void withoutADriverTheBackendIsUnavailable() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeFalse(probe.available(), "a CUDA GPU is present; the unavailable path is not taken here");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, CudaBackend::open);
        assertTrue(e.getMessage().contains("cuda backend not available") && e.getMessage().contains("Fix: "),
                e.getMessage());
        assertThrows(BackendUnavailableException.class, () -> Backends.create(BackendKind.CUDA));
    }
}
