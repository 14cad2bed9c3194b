package dev.vyre.vm;

/**
 * The argument words of a VM_EXEC slot ({@code Opcodes.VM_EXEC}), as argument indices 0..11 (ARG0 = index 0), and
 * the detail words of its HANDLER_FAULTs (docs/VM-BYTECODE.md, VM_EXEC).
 *
 * <pre>
 * ARG0  PROGRAM     in   program table index
 * ARG1  BUFFER_SET  in   buffer-set table index
 * ARG2  GRID_X      in   dispatch grid in workgroups, each >= 1
 * ARG3  GRID_Y      in
 * ARG4  GRID_Z      in
 * ARG5  FIRST       in   first linear workgroup of this slot (x + y*GX + z*GX*GY)
 * ARG6  COUNT       in   workgroups of this slot, >= 1, FIRST + COUNT <= GX*GY*GZ
 * ARG7  BUDGET      in   step budget, >= 1
 * ARG8  STEPS       out  steps used
 * ARG9  OOB_LOADS   out  out-of-bounds loads (saturating)
 * ARG10 OOB_STORES  out  out-of-bounds stores and atomics (saturating)
 * ARG11 RESERVED    in   0; out 0
 * </pre>
 */
public final class VmExecAbi {
    public static final int PROGRAM = 0;
    public static final int BUFFER_SET = 1;
    public static final int GRID_X = 2;
    public static final int GRID_Y = 3;
    public static final int GRID_Z = 4;
    public static final int FIRST = 5;
    public static final int COUNT = 6;
    public static final int BUDGET = 7;
    public static final int STEPS = 8;
    public static final int OOB_LOADS = 9;
    public static final int OOB_STORES = 10;
    public static final int RESERVED = 11;

    /** HANDLER_FAULT detail: live lanes parked at different collectives; bits 0..23 the lowest parked pc. */
    public static final int DIVERGENT = 0x0100_0000;
    /** HANDLER_FAULT detail: the device met an opcode it does not know; bits 0..23 the pc. */
    public static final int BAD_IMAGE = 0x0200_0000;
    /** Mask of the pc in a HANDLER_FAULT detail. */
    public static final int DETAIL_PC_MASK = 0x00FF_FFFF;

    private VmExecAbi() {
    }

    /** The 12 argument words of a VM_EXEC slot. */
    public static int[] args(int program, int bufferSet, int gridX, int gridY, int gridZ, int first, int count,
            int budget) {
        int[] a = new int[12];
        a[PROGRAM] = program;
        a[BUFFER_SET] = bufferSet;
        a[GRID_X] = gridX;
        a[GRID_Y] = gridY;
        a[GRID_Z] = gridZ;
        a[FIRST] = first;
        a[COUNT] = count;
        a[BUDGET] = budget;
        return a;
    }
}
