package dev.vyre.ir;

import java.util.Objects;

/**
 * A buffer declaration in a program's metadata.
 *
 * @param name        identifier used by Load/Store/Atomic/BufLen
 * @param binding     binding slot (u32), unique per program
 * @param access      how the program may touch it
 * @param elementType element type
 * @param count       element count (u32); 0 means sized by the caller at run time
 * @param output      whether the host reads it back as an output
 * @param outputRange optional byte range {@code [start, end)} of the output that matters, or null
 * @param hints       memory hint bits (u32), preserved verbatim
 */
public record BufferDecl(String name, int binding, BufferAccess access, DataType elementType, int count,
                         boolean output, ByteRange outputRange, int hints) {

    public BufferDecl {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(elementType, "elementType");
    }

    /** A plain buffer: no output range, no hints. */
    public static BufferDecl of(String name, int binding, BufferAccess access, DataType type, int count, boolean output) {
        return new BufferDecl(name, binding, access, type, count, output, null, 0);
    }

    /** Byte range {@code [start, end)}, both u32. */
    public record ByteRange(int start, int end) {
    }
}
