package dev.vyre.vm;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.ScalarType;
import java.util.Objects;

/**
 * One buffer declaration of an image (a slot): element type (U32, I32, F32, Bool or Bytes), access, declared
 * element count (u32; 0 = the bound buffer's length).
 */
public record VmBufferDecl(ScalarType type, BufferAccess access, int count) {
    public VmBufferDecl {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(access, "access");
    }

    /** Whether STORE and atomics may target it. */
    public boolean writable() {
        return access.writable();
    }

    /** Whether it lives in per-workgroup memory. */
    public boolean workgroup() {
        return access == BufferAccess.WORKGROUP;
    }

    /** Bytes it takes in workgroup memory: {@code ceil(count * elementBytes / 4) * 4}. */
    long workgroupBytes() {
        long bytes = Integer.toUnsignedLong(count) * type.byteSize();
        return (bytes + 3) / 4 * 4;
    }

    /** The KIND word: type tag | access tag << 8. */
    int kindWord() {
        return type.tag() | access.tag() << VmImageLayout.ACCESS_SHIFT;
    }
}
