package dev.vyre.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VyreExceptionTest {
    @Test
    void messageSaysWhatFailedAndEndsWithFix() {
        VyreException e = new VyreException("ring buffer 'ring' has 17 bytes", "pass a multiple of 4 bytes");
        assertEquals("ring buffer 'ring' has 17 bytes. Fix: pass a multiple of 4 bytes", e.getMessage());
        assertEquals("pass a multiple of 4 bytes", e.fix());
    }

    @Test
    void blankPartsStillGiveAFix() {
        VyreException e = new VyreException(" ", null);
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }
}
