package dev.vyre.ir;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable vyre program: metadata (entry op, workgroup size, buffers, string-to-bytes map, extension fields),
 * the header flags, and a node tree run once per invocation.
 *
 * @param flags         VIR0 header flags (u16), preserved verbatim
 * @param entryOp       optional entry op id, or null
 * @param workgroupSize workgroup size {@code [x, y, z]} (u32 each)
 * @param buffers       buffer declarations in declaration order
 * @param metadata      string-to-bytes map (provenance, hashes), sorted by key
 * @param extensions    extension metadata fields, in wire order
 * @param body          top-level nodes
 */
public record Program(int flags, String entryOp, WorkgroupSize workgroupSize, List<BufferDecl> buffers,
                      SortedMap<String, Payload> metadata, List<MetadataExtension> extensions, List<Node> body) {

    public Program {
        Objects.requireNonNull(workgroupSize, "workgroupSize");
        buffers = List.copyOf(buffers);
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        extensions = List.copyOf(extensions);
        body = List.copyOf(body);
    }

    /** A program with no flags, entry op, metadata or extensions. */
    public static Program of(WorkgroupSize workgroupSize, List<BufferDecl> buffers, List<Node> body) {
        return new Program(0, null, workgroupSize, buffers, new TreeMap<>(), List.of(), body);
    }

    /** The declaration of {@code name}, or null. */
    public BufferDecl buffer(String name) {
        for (BufferDecl b : buffers) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Workgroup size {@code [x, y, z]}, each u32. */
    public record WorkgroupSize(int x, int y, int z) {
        public static WorkgroupSize of(int x) {
            return new WorkgroupSize(x, 1, 1);
        }

        /** Invocations per workgroup, as a long (the product can exceed int). */
        public long invocations() {
            return Integer.toUnsignedLong(x) * Integer.toUnsignedLong(y) * Integer.toUnsignedLong(z);
        }

        public int get(int axis) {
            return switch (axis) {
                case 0 -> x;
                case 1 -> y;
                case 2 -> z;
                default -> throw new IndexOutOfBoundsException("axis " + axis);
            };
        }
    }
}
