package dev.vyre.runtime;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.check.Problem;
import dev.vyre.ir.check.Validator;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The user handlers of one megakernel, sorted by opcode (unsigned); handler {@code i} has permission bit
 * {@code Permissions.FIRST_USER_BIT + i}.
 *
 * <p>A handler is a VIR0 program run once per slot: as one invocation (workgroup size 1x1x1) or, a
 * <em>cooperative</em> handler (workgroup size {@value #COOPERATIVE_LANES}x1x1), as one workgroup of
 * {@value #COOPERATIVE_LANES} invocations with independent lanes (docs/MEGAKERNEL.md, "Cooperative handlers";
 * {@link dev.vyre.ir.interp.ReferenceInterpreter#runLanes}). It must pass {@link Validator} and declare two buffers: {@value #ARGS} ({@code U32}, count 12: the slot's 12 argument
 * words) and {@value #CONTROL} ({@code U32}, count 0: the whole control block, observables included); it may
 * declare a third, {@value #DATA} ({@code U32} or {@code Bytes}, count 0: the megakernel's data region,
 * {@link RingBuffers#data()}, where GpuStream's chunks are). Each is ReadOnly, Uniform or ReadWrite (WriteOnly
 * would zero them, Workgroup is not shared memory).
 */
public final class HandlerTable {
    /** Name of the buffer bound to the slot's argument words. */
    public static final String ARGS = "args";
    /** Name of the buffer bound to the control block. */
    public static final String CONTROL = "control";
    /** Name of the optional buffer bound to the data region ({@link RingBuffers#data()}). */
    public static final String DATA = "data";

    /** Invocations of a cooperative handler: one warp. */
    public static final int COOPERATIVE_LANES = 32;

    private static final HandlerTable EMPTY = new HandlerTable(new int[0], new Program[0]);

    private final int[] opcodes;
    private final Program[] programs;

    private HandlerTable(int[] opcodes, Program[] programs) {
        this.opcodes = opcodes;
        this.programs = programs;
    }

    /** No handlers. */
    public static HandlerTable empty() {
        return EMPTY;
    }

    /** Checks and sorts {@code handlers}; see the class comment for the rules. */
    public static HandlerTable of(Map<Integer, Program> handlers) {
        if (handlers == null) {
            throw new BootstrapException("user handler map is null", "pass Map.of() for no handlers");
        }
        if (handlers.size() > Permissions.MAX_USER_HANDLERS) {
            throw new BootstrapException(handlers.size() + " user handlers registered, at most "
                    + Permissions.MAX_USER_HANDLERS + " fit the permission mask (bits 12..31)",
                    "merge handlers: one handler can switch on an argument word");
        }
        Integer[] sorted = handlers.keySet().toArray(new Integer[0]);
        Arrays.sort(sorted, Integer::compareUnsigned);
        int[] ops = new int[sorted.length];
        Program[] progs = new Program[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            ops[i] = sorted[i];
            progs[i] = check(ops[i], handlers.get(sorted[i]));
        }
        return new HandlerTable(ops, progs);
    }

    /** Number of handlers. */
    public int size() {
        return opcodes.length;
    }

    /** Opcode of handler {@code i}. */
    public int opcode(int i) {
        return opcodes[i];
    }

    /** Program of handler {@code i}. */
    public Program program(int i) {
        return programs[i];
    }

    /** Index of the handler for {@code opcode}, or -1. */
    public int indexOf(int opcode) {
        int lo = 0;
        int hi = opcodes.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(opcodes[mid], opcode);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** Permission bit of the handler for {@code opcode}, or -1 when there is none. */
    public int permissionBit(int opcode) {
        int i = indexOf(opcode);
        return i < 0 ? -1 : Permissions.FIRST_USER_BIT + i;
    }

    private static Program check(int opcode, Program program) {
        String who = "user handler " + Opcodes.name(opcode);
        if (Opcodes.isSystem(opcode)) {
            throw new BootstrapException(who + ": opcode is in the system range (high bit set, 0xFFF0..0xFFFF,"
                    + " or <= 7)", "number user opcodes from 8 up, below 0xFFF0 or between 0x10000 and 0x7FFFFFFF");
        }
        if (program == null) {
            throw new BootstrapException(who + " has no program", "pass a VIR0 program for every user opcode");
        }
        List<Problem> problems = Validator.check(program);
        if (!problems.isEmpty()) {
            throw new BootstrapException(who + " fails validation with " + problems.size() + " problem(s): "
                    + problems.subList(0, Math.min(3, problems.size())),
                    "fix the program so that Validator.check returns no problems");
        }
        Program.WorkgroupSize ws = program.workgroupSize();
        boolean single = ws.x() == 1 && ws.y() == 1 && ws.z() == 1;
        boolean cooperative = ws.x() == COOPERATIVE_LANES && ws.y() == 1 && ws.z() == 1;
        if (!single && !cooperative) {
            throw new BootstrapException(who + " has workgroup size " + ws.x() + "x" + ws.y() + "x" + ws.z()
                    + "; a handler runs as one invocation (1x1x1) or as one cooperative warp ("
                    + COOPERATIVE_LANES + "x1x1) per slot", "declare workgroup size 1x1x1, or "
                    + COOPERATIVE_LANES + "x1x1 for a cooperative handler");
        }
        boolean data = program.buffer(DATA) != null;
        if (program.buffers().size() != (data ? 3 : 2)) {
            throw new BootstrapException(who + " declares " + program.buffers().size() + " buffers; a handler sees"
                    + " '" + ARGS + "', '" + CONTROL + "' and optionally '" + DATA + "'", "declare only " + ARGS
                    + " (U32, count " + SlotLayout.ARGS_PER_SLOT + "), " + CONTROL + " (U32, count 0) and, to read"
                    + " the data region, " + DATA + " (U32 or Bytes, count 0)");
        }
        checkBuffer(who, program.buffer(ARGS), ARGS, SlotLayout.ARGS_PER_SLOT, false);
        checkBuffer(who, program.buffer(CONTROL), CONTROL, 0, false);
        if (data) {
            checkBuffer(who, program.buffer(DATA), DATA, 0, true);
        }
        return program;
    }

    /** Whether handler {@code i} is cooperative: workgroup size {@value #COOPERATIVE_LANES}x1x1. */
    public boolean cooperative(int i) {
        return programs[i].workgroupSize().x() == COOPERATIVE_LANES;
    }

    /** Whether any handler is cooperative (a CUDA megakernel then keeps a whole warp per worker). */
    public boolean anyCooperative() {
        for (int i = 0; i < programs.length; i++) {
            if (cooperative(i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether handler {@code i} declares the {@value #DATA} buffer. */
    public boolean readsData(int i) {
        return programs[i].buffer(DATA) != null;
    }

    private static void checkBuffer(String who, BufferDecl d, String name, int count, boolean bytesAllowed) {
        String fix = "declare " + name + " as a ReadOnly, Uniform or ReadWrite " + (bytesAllowed ? "U32 or Bytes"
                : "U32") + " buffer with count " + count;
        if (d == null) {
            throw new BootstrapException(who + " does not declare buffer '" + name + "'", fix);
        }
        boolean typeOk = d.elementType() == ScalarType.U32 || bytesAllowed && d.elementType() == ScalarType.BYTES;
        if (!typeOk || d.count() != count) {
            throw new BootstrapException(who + " declares '" + name + "' as " + d.elementType() + " with count "
                    + Integer.toUnsignedString(d.count()), fix);
        }
        if (d.access() == BufferAccess.WORKGROUP || d.access() == BufferAccess.WRITE_ONLY) {
            throw new BootstrapException(who + " declares '" + name + "' " + d.access() + ", which would not show"
                    + " the slot's words", fix);
        }
    }
}
