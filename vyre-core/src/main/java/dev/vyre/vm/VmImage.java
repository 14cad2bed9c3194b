package dev.vyre.vm;

import static dev.vyre.vm.VmImageLayout.A_SHIFT;
import static dev.vyre.vm.VmImageLayout.B_SHIFT;
import static dev.vyre.vm.VmImageLayout.DST_SHIFT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A verified VYVM image (docs/VM-BYTECODE.md): only {@link #decode} makes one, and it runs {@link VmVerifier}
 * first, so every instance satisfies every rule of the format. Immutable; the decoded instruction fields are
 * kept in arrays for the interpreter.
 */
public final class VmImage {
    private final int[] words;
    private final List<VmBufferDecl> buffers;
    private final VmOp[] ops;
    private final byte[] dst;
    private final byte[] a;
    private final byte[] b;
    private final int[] imm;

    private VmImage(int[] words, List<VmBufferDecl> buffers) {
        this.words = words;
        this.buffers = buffers;
        int n = words[VmImageLayout.INSTRUCTIONS];
        ops = new VmOp[n];
        dst = new byte[n];
        a = new byte[n];
        b = new byte[n];
        imm = new int[n];
        for (int pc = 0; pc < n; pc++) {
            int at = VmImageLayout.instructionWord(buffers.size(), pc);
            int w = words[at];
            ops[pc] = VmOp.fromCode(w & 0xFF);
            dst[pc] = (byte) (w >>> DST_SHIFT);
            a[pc] = (byte) (w >>> A_SHIFT);
            b[pc] = (byte) (w >>> B_SHIFT);
            imm[pc] = words[at + 1];
        }
    }

    /**
     * Verifies {@code words} ({@link VmVerifier#verify}) and decodes them; the array is copied.
     *
     * @throws VmImageException when the image breaks any rule
     */
    public static VmImage decode(int[] words) {
        int[] copy = words.clone();
        List<VmBufferDecl> decls = VmVerifier.verify(copy);
        return new VmImage(copy, decls);
    }

    /** Decodes little-endian image bytes (a whole number of words). */
    public static VmImage decode(byte[] bytes) {
        if (bytes.length % 4 != 0) {
            throw new VmImageException("a VYVM image of " + bytes.length + " bytes is not a whole number of u32 words",
                    "pass the bytes VmImage.bytes() wrote, unmodified");
        }
        int[] w = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(w);
        return decode(w);
    }

    /** The canonical image words (a copy). */
    public int[] words() {
        return words.clone();
    }

    /** The canonical image as little-endian bytes. */
    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asIntBuffer().put(words);
        return out.array();
    }

    public int wordCount() {
        return words.length;
    }

    public int registers() {
        return words[VmImageLayout.REGISTERS];
    }

    /** Workgroup size on axis 0..2. */
    public int workgroupSize(int axis) {
        return words[VmImageLayout.WORKGROUP_X + axis];
    }

    /** Invocations per workgroup. */
    public int invocations() {
        return workgroupSize(0) * workgroupSize(1) * workgroupSize(2);
    }

    public List<VmBufferDecl> buffers() {
        return buffers;
    }

    public int workgroupBytes() {
        return words[VmImageLayout.WORKGROUP_BYTES];
    }

    /** Byte offset of Workgroup slot {@code slot} in workgroup memory (slot must be a Workgroup buffer). */
    public int workgroupOffset(int slot) {
        long at = 0;
        for (int i = 0; i < slot; i++) {
            if (buffers.get(i).workgroup()) {
                at += buffers.get(i).workgroupBytes();
            }
        }
        return (int) at;
    }

    public int instructionCount() {
        return ops.length;
    }

    public VmOp op(int pc) {
        return ops[pc];
    }

    public int dst(int pc) {
        return dst[pc] & 0xFF;
    }

    public int a(int pc) {
        return a[pc] & 0xFF;
    }

    public int b(int pc) {
        return b[pc] & 0xFF;
    }

    public int imm(int pc) {
        return imm[pc];
    }

    /** A readable listing, one instruction a line ({@code pc: OP d, a, b, imm}). */
    public String disassemble() {
        StringBuilder out = new StringBuilder();
        out.append("; VYVM registers=").append(registers()).append(" workgroup=").append(workgroupSize(0)).append('x')
                .append(workgroupSize(1)).append('x').append(workgroupSize(2)).append('\n');
        for (int i = 0; i < buffers.size(); i++) {
            VmBufferDecl d = buffers.get(i);
            out.append("; slot ").append(i).append(": ").append(d.access()).append(' ').append(d.type())
                    .append(" count=").append(Integer.toUnsignedString(d.count())).append('\n');
        }
        for (int pc = 0; pc < ops.length; pc++) {
            out.append(pc).append(": ").append(ops[pc]).append(" d=").append(dst(pc)).append(" a=").append(a(pc))
                    .append(" b=").append(b(pc)).append(" imm=0x").append(Integer.toHexString(imm[pc])).append('\n');
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmImage other && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "VmImage[" + words.length + " words, " + ops.length + " instructions, " + registers() + " registers]";
    }

    /** Assembles image words; {@link #build} verifies them. Used by the lowering and by tests. */
    public static final class Builder {
        private int registers;
        private final int[] workgroup;
        private final List<VmBufferDecl> decls = new ArrayList<>();
        private int[] code = new int[64];
        private int count;

        public Builder(int registers, int wx, int wy, int wz) {
            this.registers = registers;
            this.workgroup = new int[] {wx, wy, wz};
        }

        /** Sets the REGISTERS word. */
        public Builder registers(int count) {
            this.registers = count;
            return this;
        }

        public Builder buffer(VmBufferDecl decl) {
            decls.add(decl);
            return this;
        }

        /** Appends an instruction; returns its pc. */
        public int emit(VmOp op, int d, int a, int b, int imm) {
            if (count * 2 + 2 > code.length) {
                code = Arrays.copyOf(code, code.length * 2);
            }
            code[count * 2] = op.code() | (d & 0xFF) << DST_SHIFT | (a & 0xFF) << A_SHIFT | (b & 0xFF) << B_SHIFT;
            code[count * 2 + 1] = imm;
            return count++;
        }

        /** Sets the immediate of the instruction at {@code pc} (jump patching). */
        public void patchImm(int pc, int imm) {
            code[pc * 2 + 1] = imm;
        }

        /** Instructions emitted so far (the pc of the next one). */
        public int pc() {
            return count;
        }

        /** The image words, unverified (tests corrupt them). */
        public int[] words() {
            long wgBytes = 0;
            for (VmBufferDecl d : decls) {
                if (d.workgroup()) {
                    wgBytes += d.workgroupBytes();
                }
            }
            int[] w = new int[(int) VmImageLayout.imageWords(decls.size(), count)];
            w[VmImageLayout.MAGIC] = VmImageLayout.MAGIC_VALUE;
            w[VmImageLayout.VERSION] = VmImageLayout.VERSION_VALUE;
            w[VmImageLayout.REGISTERS] = registers;
            w[VmImageLayout.WORKGROUP_X] = workgroup[0];
            w[VmImageLayout.WORKGROUP_Y] = workgroup[1];
            w[VmImageLayout.WORKGROUP_Z] = workgroup[2];
            w[VmImageLayout.BUFFERS] = decls.size();
            w[VmImageLayout.INSTRUCTIONS] = count;
            w[VmImageLayout.WORKGROUP_BYTES] = (int) Math.min(wgBytes, Integer.MAX_VALUE);
            for (int i = 0; i < decls.size(); i++) {
                w[VmImageLayout.bufferWord(i, VmImageLayout.BUFFER_KIND)] = decls.get(i).kindWord();
                w[VmImageLayout.bufferWord(i, VmImageLayout.BUFFER_COUNT)] = decls.get(i).count();
            }
            System.arraycopy(code, 0, w, VmImageLayout.instructionWord(decls.size(), 0), count * 2);
            return w;
        }

        /** Verifies and decodes the image. */
        public VmImage build() {
            return decode(words());
        }
    }
}
