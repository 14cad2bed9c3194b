package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import org.junit.jupiter.api.Test;

/** The permission-bit table, against the documented layout. */
class PermissionsTest {
    @Test
    void systemBitsFollowTheTable() {
        for (int op = 0; op <= 7; op++) {
            assertEquals(op, Permissions.systemBit(op));
            assertEquals(SpecModel.bit(op), Permissions.systemBit(op));
        }
        assertEquals(8, Permissions.systemBit(0xFFFD));
        assertEquals(9, Permissions.systemBit(0xFFFE));
        assertEquals(10, Permissions.systemBit(0x8000_0001));
        assertEquals(11, Permissions.systemBit(0xFFFF_FFFF));
        for (int op : new int[] {8, 0xFFF0, 0xFFFC, 0x8000_0000, 0x8000_0003, 0xFFFF_FFFE, 0x100, -8}) {
            assertEquals(-1, Permissions.systemBit(op), Opcodes.name(op));
        }
        assertEquals(12, Permissions.FIRST_USER_BIT);
        assertEquals(20, Permissions.MAX_USER_HANDLERS);
        assertEquals(30, Permissions.TENANTS);
    }

    @Test
    void permitsReadsOneBit() {
        for (int bit = 0; bit < 32; bit++) {
            assertTrue(Permissions.permits(1 << bit, bit));
            assertFalse(Permissions.permits(~(1 << bit), bit));
        }
        assertEquals(1 << 9 | 1 << 10 | 1, Permissions.maskOf(HandlerTable.empty(), Opcodes.PRINTF,
                Opcodes.PACKED_SLOT, Opcodes.NOP));
    }
}
