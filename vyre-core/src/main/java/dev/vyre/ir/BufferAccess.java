package dev.vyre.ir;

/** How a program may touch a buffer (VIR0.md: {@code ReadOnly=0, ReadWrite=1, Uniform=2, Workgroup=3, WriteOnly=4}). */
public enum BufferAccess {
    READ_ONLY(0), READ_WRITE(1), UNIFORM(2), WORKGROUP(3), WRITE_ONLY(4);

    private final int tag;

    BufferAccess(int tag) {
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /** The access mode with this tag, or null. */
    public static BufferAccess fromTag(int tag) {
        for (BufferAccess a : values()) {
            if (a.tag == tag) {
                return a;
            }
        }
        return null;
    }

    /** True where stores are allowed. */
    public boolean writable() {
        return this == READ_WRITE || this == WORKGROUP || this == WRITE_ONLY;
    }
}
