package dev.vyre.cuda;

import dev.vyre.testing.Props;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packing of cuLaunchKernel's {@code void** kernelParams}, decoded the way the driver reads it. */
@SuppressWarnings("restricted") // native memory and library access is what this class is for
class KernelParamsTest {
    /** Reads parameter {@code i} as the driver does: follow pointer {@code i}, read the value's bytes there. */
    private static MemorySegment valueAt(MemorySegment packed, int i) {
        return packed.reinterpret((i + 1) * ValueLayout.ADDRESS.byteSize())
                .getAtIndex(ValueLayout.ADDRESS, i).reinterpret(8);
    }

    @Test
    void eachKindLandsAtItsPointer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = KernelParams.pack(arena, 0xCAFEBABE, 0x0123456789ABCDEFL, 1.5f,
                    new DevicePtr(0x7f00_0000_1000L), -1);
            assertEquals(0xCAFEBABE, valueAt(p, 0).get(ValueLayout.JAVA_INT, 0));
            assertEquals(0x0123456789ABCDEFL, valueAt(p, 1).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(Float.floatToRawIntBits(1.5f), valueAt(p, 2).get(ValueLayout.JAVA_INT, 0));
            assertEquals(0x7f00_0000_1000L, valueAt(p, 3).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-1, valueAt(p, 4).get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void noParamsIsNull() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(MemorySegment.NULL, KernelParams.pack(arena));
        }
    }

    @Test
    void randomMixesRoundTripAndSlotsAreAlignedAndDisjoint() {
        Props.forAll("kernel params round trip", 300, (i, rnd) -> {
            int n = 1 + rnd.nextInt(12);
            Object[] params = new Object[n];
            for (int k = 0; k < n; k++) {
                params[k] = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt();
                    case 1 -> rnd.nextLong();
                    case 2 -> Float.intBitsToFloat(rnd.nextInt());
                    default -> new DevicePtr(rnd.nextLong());
                };
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment p = KernelParams.pack(arena, params);
                java.util.Set<Long> addresses = new java.util.HashSet<>();
                for (int k = 0; k < n; k++) {
                    MemorySegment v = valueAt(p, k);
                    assertEquals(0, v.address() % 8, "slot " + k + " not 8-aligned");
                    assertTrue(addresses.add(v.address()), "slot " + k + " shares an address");
                    switch (params[k]) {
                        case Integer x -> assertEquals(x, v.get(ValueLayout.JAVA_INT, 0));
                        case Long x -> assertEquals(x, v.get(ValueLayout.JAVA_LONG, 0));
                        case Float x -> assertEquals(Float.floatToRawIntBits(x), v.get(ValueLayout.JAVA_INT, 0));
                        case DevicePtr x -> assertEquals(x.address(), v.get(ValueLayout.JAVA_LONG, 0));
                        default -> throw new AssertionError(params[k]);
                    }
                }
            }
        });
    }

    @Test
    void unsupportedTypesAreTypedErrorsNamingTheIndex() {
        try (Arena arena = Arena.ofConfined()) {
            CudaUsageException e = assertThrows(CudaUsageException.class,
                    () -> KernelParams.pack(arena, 1, "text"));
            assertTrue(e.getMessage().contains("kernel parameter 1 is a java.lang.String"), e.getMessage());
            assertTrue(e.getMessage().contains("Fix: pass Integer"), e.getMessage());
            CudaUsageException n = assertThrows(CudaUsageException.class, () -> KernelParams.pack(arena, 1, 2L,
                    null));
            assertTrue(n.getMessage().contains("kernel parameter 2 is a null"), n.getMessage());
            assertThrows(CudaUsageException.class, () -> KernelParams.pack(arena, 2.0));
        }
    }

    @Test
    void launchDimensionsMustBePositive() {
        assertEquals(new Dim3(7, 1, 1), Dim3.of(7));
        assertEquals(42L * 3, Dim3.of(42, 3).volume());
        CudaUsageException e = assertThrows(CudaUsageException.class, () -> new Dim3(1, 0, 1));
        assertTrue(e.getMessage().contains("(1, 0, 1)"), e.getMessage());
        assertThrows(CudaUsageException.class, () -> Dim3.of(-5));
    }
}
