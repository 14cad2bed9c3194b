package dev.vyre.vm;

import static dev.vyre.vm.VmImageLayout.A_SHIFT;
import static dev.vyre.vm.VmImageLayout.B_SHIFT;
import static dev.vyre.vm.VmImageLayout.DST_SHIFT;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a VYVM image against every rule of docs/VM-BYTECODE.md (header, declarations, instruction fields,
 * registers, slots and their access, jump targets, collectives, definite assignment of every register read). A
 * corrupt image gets a {@link VmImageException} naming the word or pc; the check is linear in the image size
 * (each instruction's set of defined registers only shrinks in the data-flow pass, so it re-runs at most 129 times), so hostile images cannot make it hang.
 */
public final class VmVerifier {
    private static final String FIX = "register images that VmLowering produced (VmImage.bytes()), unmodified";

    private VmVerifier() {
    }

    /** Verifies {@code w}; returns its buffer declarations. */
    public static List<VmBufferDecl> verify(int[] w) {
        if (w.length < VmImageLayout.HEADER_WORDS) {
            throw bad("the image has " + w.length + " words, fewer than the " + VmImageLayout.HEADER_WORDS
                    + "-word header");
        }
        expect(w, VmImageLayout.MAGIC, VmImageLayout.MAGIC_VALUE, "MAGIC");
        if (w[VmImageLayout.VERSION] != VmImageLayout.VERSION_VALUE) {
            throw new VmImageException("image VERSION is " + Integer.toUnsignedString(w[VmImageLayout.VERSION])
                    + ", this VM reads version " + VmImageLayout.VERSION_VALUE,
                    "lower the VIR0 program again with this version of vyre (VmLowering)");
        }
        expect(w, VmImageLayout.FLAGS, 0, "FLAGS");
        expect(w, VmImageLayout.RESERVED0, 0, "reserved word 10");
        expect(w, VmImageLayout.RESERVED1, 0, "reserved word 11");
        int registers = range(w, VmImageLayout.REGISTERS, "REGISTERS", 1, VmImageLayout.MAX_REGISTERS);
        long invocations = 1;
        for (int axis = 0; axis < 3; axis++) {
            invocations *= range(w, VmImageLayout.WORKGROUP_X + axis, "WORKGROUP_" + "XYZ".charAt(axis), 1,
                    VmImageLayout.MAX_WORKGROUP_INVOCATIONS);
        }
        if (invocations > VmImageLayout.MAX_WORKGROUP_INVOCATIONS) {
            throw bad("the workgroup has " + invocations + " invocations, more than "
                    + VmImageLayout.MAX_WORKGROUP_INVOCATIONS);
        }
        int buffers = range(w, VmImageLayout.BUFFERS, "BUFFERS", 0, VmImageLayout.MAX_BUFFERS);
        int count = range(w, VmImageLayout.INSTRUCTIONS, "INSTRUCTIONS", 1, VmImageLayout.MAX_INSTRUCTIONS);
        long expected = VmImageLayout.imageWords(buffers, count);
        if (w.length != expected) {
            throw bad("the image has " + w.length + " words; its header (" + buffers + " buffers, " + count
                    + " instructions) needs exactly " + expected);
        }
        List<VmBufferDecl> decls = declarations(w, buffers);
        Instructions code = new Instructions(w, buffers, count, registers, decls, (int) invocations);
        code.checkFields();
        code.checkAssignment();
        return decls;
    }

    private static List<VmBufferDecl> declarations(int[] w, int buffers) {
        List<VmBufferDecl> decls = new ArrayList<>(buffers);
        long workgroupBytes = 0;
        for (int slot = 0; slot < buffers; slot++) {
            int kind = w[VmImageLayout.bufferWord(slot, VmImageLayout.BUFFER_KIND)];
            int count = w[VmImageLayout.bufferWord(slot, VmImageLayout.BUFFER_COUNT)];
            ScalarType type = ScalarType.fromTag(kind & 0xFF);
            BufferAccess access = BufferAccess.fromTag(kind >>> VmImageLayout.ACCESS_SHIFT & 0xFF);
            if (type == null || type.tag() > ScalarType.BYTES.tag() || access == null || kind >>> 16 != 0) {
                throw bad("buffer slot " + slot + " has KIND word 0x" + Integer.toHexString(kind) + ": it must be an "
                        + "element type 0..4 (U32, I32, F32, Bool, Bytes) | access 0..4 << 8");
            }
            VmBufferDecl d = new VmBufferDecl(type, access, count);
            if (d.workgroup()) {
                if (count == 0) {
                    throw bad("Workgroup buffer slot " + slot + " declares count 0");
                }
                workgroupBytes += d.workgroupBytes();
            }
            decls.add(d);
        }
        if (workgroupBytes > VmImageLayout.MAX_WORKGROUP_BYTES) {
            throw new VmImageException("the Workgroup buffers need " + workgroupBytes + " bytes, more than "
                    + VmImageLayout.MAX_WORKGROUP_BYTES, "keep Workgroup buffers within 16 KiB per workgroup");
        }
        if (w[VmImageLayout.WORKGROUP_BYTES] != workgroupBytes) {
            throw bad("WORKGROUP_BYTES is " + Integer.toUnsignedString(w[VmImageLayout.WORKGROUP_BYTES])
                    + " but the Workgroup buffers take " + workgroupBytes);
        }
        return decls;
    }

    /** The instruction checks, over the decoded fields. */
    private static final class Instructions {
        private final int count;
        private final int registers;
        private final List<VmBufferDecl> decls;
        private final int invocations;
        private final VmOp[] ops;
        private final int[] d;
        private final int[] a;
        private final int[] b;
        private final int[] imm;

        Instructions(int[] w, int buffers, int count, int registers, List<VmBufferDecl> decls, int invocations) {
            this.count = count;
            this.registers = registers;
            this.decls = decls;
            this.invocations = invocations;
            ops = new VmOp[count];
            d = new int[count];
            a = new int[count];
            b = new int[count];
            imm = new int[count];
            for (int pc = 0; pc < count; pc++) {
                int at = VmImageLayout.instructionWord(buffers, pc);
                int word = w[at];
                ops[pc] = VmOp.fromCode(word & 0xFF);
                if (ops[pc] == null) {
                    throw bad("pc " + pc + " has opcode 0x" + Integer.toHexString(word & 0xFF) + ", which is not a"
                            + " VYVM opcode");
                }
                d[pc] = word >>> DST_SHIFT & 0xFF;
                a[pc] = word >>> A_SHIFT & 0xFF;
                b[pc] = word >>> B_SHIFT & 0xFF;
                imm[pc] = w[at + 1];
            }
        }

        void checkFields() {
            for (int pc = 0; pc < count; pc++) {
                VmOp op = ops[pc];
                VmOp.Format f = op.format();
                boolean usesD = f.writesDst();
                boolean usesA = usesA(f);
                boolean usesB = f == VmOp.Format.D_A_B || f == VmOp.Format.D_A_B_C || f == VmOp.Format.STORE
                        || f == VmOp.Format.ATOMIC;
                field(pc, "dst", d[pc], usesD);
                field(pc, "a", a[pc], usesA);
                field(pc, "b", b[pc], usesB);
                checkImm(pc, op, f);
                if (op == VmOp.BARRIER && invocations > VmImageLayout.MAX_BARRIER_INVOCATIONS) {
                    throw new VmImageException("pc " + pc + ": BARRIER in an image of " + invocations
                            + " invocations per workgroup (sequential waves cannot meet at a barrier)",
                            "use a workgroup of at most 32 invocations, or remove the Barrier");
                }
            }
            VmOp last = ops[count - 1];
            if (last != VmOp.RET && last != VmOp.JMP) {
                throw bad("the last instruction (pc " + (count - 1) + ") is " + last + "; it must be RET or JMP so"
                        + " that no lane runs past the end");
            }
        }

        private static boolean usesA(VmOp.Format f) {
            return switch (f) {
                case NONE, D_IMM, D_AXIS, D_SLOT, JUMP -> false;
                default -> true;
            };
        }

        private void field(int pc, String name, int value, boolean used) {
            if (!used && value != 0) {
                throw bad("pc " + pc + " (" + ops[pc] + ") has " + name + " = " + value + " in a field it does not"
                        + " use (must be 0)");
            }
            if (used && value >= registers) {
                throw bad("pc " + pc + " (" + ops[pc] + ") names register r" + value + " as " + name + " but the image"
                        + " has " + registers + " registers");
            }
        }

        private void checkImm(int pc, VmOp op, VmOp.Format f) {
            int v = imm[pc];
            switch (f) {
                case NONE -> zero(pc, v, "imm");
                case D_AXIS -> {
                    if (Integer.compareUnsigned(v, 2) > 0) {
                        throw bad("pc " + pc + " (" + op + ") has axis " + Integer.toUnsignedString(v) + ", not 0..2");
                    }
                }
                case D_SLOT -> slot(pc, v);
                case D_A_B_C -> {
                    zero(pc, v & ~0xFF, "imm bits 8..31");
                    field(pc, "c", v & 0xFF, true);
                }
                case LOAD, STORE, ATOMIC -> memory(pc, op, v);
                case JUMP -> target(pc, v, false);
                case BRANCH -> target(pc, v, true);
                case REDUCE -> {
                    int kind = v & 0xFF;
                    int type = v >>> VmImageLayout.REDUCE_TYPE_SHIFT & 0xFF;
                    if (v >>> 16 != 0 || type > 2 || kind > 5 || type == 2 && kind > 2) {
                        throw bad("pc " + pc + " (WAVE_REDUCE) has imm 0x" + Integer.toHexString(v) + ": kind 0..5 |"
                                + " type 0..2 << 8 (F32: kinds 0..2)");
                    }
                }
                default -> {
                    // D_IMM, D_A, D_A_IMM, D_A_B: any immediate for D_IMM and D_A_IMM, zero otherwise
                    if (f == VmOp.Format.D_A || f == VmOp.Format.D_A_B) {
                        zero(pc, v, "imm");
                    }
                }
            }
        }

        private void memory(int pc, VmOp op, int v) {
            boolean cas = op == VmOp.ATOMIC_CMPXCHG;
            int allowed = VmImageLayout.MEM_SLOT_MASK | VmImageLayout.MEM_SIGNED_INDEX
                    | (cas ? 0xFF << VmImageLayout.MEM_C_SHIFT : 0);
            zero(pc, v & ~allowed, "memory immediate bits");
            if (cas) {
                field(pc, "c", v >>> VmImageLayout.MEM_C_SHIFT & 0xFF, true);
            }
            VmBufferDecl decl = slot(pc, v & VmImageLayout.MEM_SLOT_MASK);
            int slot = v & VmImageLayout.MEM_SLOT_MASK;
            if (op != VmOp.LOAD && !decl.writable()) {
                throw new VmImageException("pc " + pc + ": " + op + " writes slot " + slot + ", a " + decl.access()
                        + " buffer", "store and use atomics only on ReadWrite, WriteOnly or Workgroup buffers");
            }
            if (op.atomic()) {
                boolean signedOp = op == VmOp.ATOMIC_MIN_I32 || op == VmOp.ATOMIC_MAX_I32;
                boolean unsignedOp = op == VmOp.ATOMIC_MIN_U32 || op == VmOp.ATOMIC_MAX_U32;
                if (decl.type() != ScalarType.U32 && decl.type() != ScalarType.I32
                        || signedOp && decl.type() != ScalarType.I32 || unsignedOp && decl.type() != ScalarType.U32) {
                    throw new VmImageException("pc " + pc + ": " + op + " on slot " + slot + " of element type "
                            + decl.type(), "use atomics on U32 or I32 buffers, MIN/MAX of the element's signedness");
                }
            }
        }

        private VmBufferDecl slot(int pc, int v) {
            if (Integer.compareUnsigned(v, decls.size()) >= 0) {
                throw bad("pc " + pc + " (" + ops[pc] + ") names buffer slot " + Integer.toUnsignedString(v)
                        + " but the image declares " + decls.size());
            }
            return decls.get(v);
        }

        private void target(int pc, int v, boolean forward) {
            if (Integer.compareUnsigned(v, count) >= 0 || forward && v <= pc) {
                throw bad("pc " + pc + " (" + ops[pc] + ") jumps to " + Integer.toUnsignedString(v) + "; targets are"
                        + " instruction indices below " + count + (forward ? ", and BRZ jumps forward only" : ""));
            }
        }

        private void zero(int pc, int v, String what) {
            if (v != 0) {
                throw bad("pc " + pc + " (" + ops[pc] + ") has " + what + " 0x" + Integer.toHexString(v)
                        + " that must be 0");
            }
        }

        /**
         * Every register an instruction reads was written on every path from pc 0: a forward must-analysis over
         * {@link RegisterSet}s (meet = intersection), iterated to its fixed point.
         */
        void checkAssignment() {
            RegisterSet[] in = new RegisterSet[count];
            in[0] = new RegisterSet();
            int[] work = new int[count];
            boolean[] queued = new boolean[count];
            int head = 0;
            int size = 1;
            work[0] = 0;
            queued[0] = true;
            while (size > 0) {
                int pc = work[head];
                head = (head + 1) % count;
                size--;
                queued[pc] = false;
                RegisterSet out = in[pc].copy();
                if (ops[pc].format().writesDst()) {
                    out.add(d[pc]);
                }
                for (int next : successors(pc)) {
                    if (in[next] == null) {
                        in[next] = out.copy();
                    } else if (!in[next].retainAll(out)) {
                        continue;
                    }
                    if (!queued[next]) {
                        queued[next] = true;
                        work[(head + size) % count] = next;
                        size++;
                    }
                }
            }
            for (int pc = 0; pc < count; pc++) {
                if (in[pc] != null) {
                    reads(pc, in[pc]);
                }
            }
        }

        private int[] successors(int pc) {
            return switch (ops[pc]) {
                case RET -> new int[0];
                case JMP -> new int[] {imm[pc]};
                case BRZ -> new int[] {pc + 1, imm[pc]};
                default -> new int[] {pc + 1};
            };
        }

        private void reads(int pc, RegisterSet defined) {
            VmOp.Format f = ops[pc].format();
            if (usesA(f)) {
                read(pc, "a", a[pc], defined);
            }
            if (f == VmOp.Format.D_A_B || f == VmOp.Format.D_A_B_C || f == VmOp.Format.STORE
                    || f == VmOp.Format.ATOMIC) {
                read(pc, "b", b[pc], defined);
            }
            if (f == VmOp.Format.D_A_B_C) {
                read(pc, "c", imm[pc] & 0xFF, defined);
            }
            if (ops[pc] == VmOp.ATOMIC_CMPXCHG) {
                read(pc, "c", imm[pc] >>> VmImageLayout.MEM_C_SHIFT & 0xFF, defined);
            }
        }

        private void read(int pc, String name, int reg, RegisterSet defined) {
            if (!defined.contains(reg)) {
                throw bad("pc " + pc + " (" + ops[pc] + ") reads r" + reg + " as " + name + ", which is not written on"
                        + " every path from pc 0");
            }
        }
    }

    /** A set of register numbers 0..127. */
    private static final class RegisterSet {
        private long low;
        private long high;

        RegisterSet copy() {
            RegisterSet s = new RegisterSet();
            s.low = low;
            s.high = high;
            return s;
        }

        void add(int r) {
            if (r < 64) {
                low |= 1L << r;
            } else {
                high |= 1L << (r - 64);
            }
        }

        boolean contains(int r) {
            return r < 64 ? (low >>> r & 1) != 0 : (high >>> (r - 64) & 1) != 0;
        }

        /** Intersects with {@code other}; true when this set changed. */
        boolean retainAll(RegisterSet other) {
            long l = low & other.low;
            long h = high & other.high;
            boolean changed = l != low || h != high;
            low = l;
            high = h;
            return changed;
        }
    }

    private static void expect(int[] w, int word, int value, String name) {
        if (w[word] != value) {
            throw bad("header word " + word + " (" + name + ") is 0x" + Integer.toHexString(w[word]) + ", expected 0x"
                    + Integer.toHexString(value));
        }
    }

    private static int range(int[] w, int word, String name, int min, int max) {
        int v = w[word];
        if (v < min || v > max) {
            throw bad("header word " + word + " (" + name + ") is " + Integer.toUnsignedString(v) + ", not " + min
                    + ".." + max);
        }
        return v;
    }

    private static VmImageException bad(String problem) {
        return new VmImageException(problem, FIX);
    }
}
