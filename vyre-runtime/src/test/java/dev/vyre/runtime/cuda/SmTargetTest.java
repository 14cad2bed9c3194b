package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmTargetTest {

    @Test
    void devicesGetTheirOwnTargetOrTheNewestBelow() {
        assertEquals("sm_90", SmTarget.forDevice(9, 0).smName());
        assertEquals("sm_86", SmTarget.forDevice(8, 6).smName());
        assertEquals("sm_80", SmTarget.forDevice(8, 1).smName(), "no sm_81: the newest known below");
        assertEquals("sm_75", SmTarget.forDevice(7, 5).smName());
        assertEquals("sm_90", SmTarget.forDevice(10, 0).smName(), "newer GPUs JIT sm_90 PTX");
        assertEquals("sm_90", SmTarget.forDevice(12, 0).smName());
    }

    @Test
    void olderDevicesAndUnknownTargetsAreRefused() {
        CudaBackendException e = assertThrows(CudaBackendException.class, () -> SmTarget.forDevice(6, 1));
        assertTrue(e.getMessage().contains("6.1") && e.getMessage().contains("Fix: "), e.getMessage());
        assertThrows(CudaBackendException.class, () -> new SmTarget(8, 1));
        assertThrows(CudaBackendException.class, () -> new SmTarget(9, 10));
    }

    @Test
    void headerNamesVersionAndTarget() {
        assertEquals(".version 8.0\n.target sm_89\n.address_size 64\n", new SmTarget(8, 9).header());
    }
}
