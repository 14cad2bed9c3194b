package dev.vyre.ir;

import dev.vyre.core.VyreException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The system-memory profile: the smallest VIR0 extension that lets a program talk to a host through shared memory
 * while it runs (the IR-built megakernel, docs/MEGAKERNEL-CUDA.md). It uses only VIR0's own extension points, no new
 * wire tag (docs/VIR0-SEMANTICS.md, "System-memory extension"):
 * <ul>
 *   <li>a program metadata field with discriminant {@link #METADATA_DISCRIMINANT}, payload
 *       {@code u8 version (=1) | u32 count | count x ident} or {@code u8 version (=2) | u32 count |
 *       count x (ident, u8 mode)}: the buffers that are <em>mapped</em> host memory. Every Load, Store and Atomic on
 *       them is a system-scope access (PTX {@code .sys}): relaxed, except that a buffer whose mode has
 *       {@link #ACQUIRE} has acquire loads ({@code ld.acquire.sys}) and one whose mode has {@link #RELEASE} release
 *       stores and atomics ({@code st.release.sys}, {@code atom.release.sys}; both bits: {@code atom.acq_rel.sys}).
 *       Two names may be bound to the same memory, so one program can read a word with acquire through one name and
 *       the words around it relaxed through another;</li>
 *   <li>{@code Opaque} node {@link #FENCE}, payload one byte {@link Ordering}: a system-scope fence
 *       ({@code fence.acq_rel.sys} / {@code fence.sc.sys}). A relaxed access to a mapped buffer followed by an
 *       acquire-release fence is an acquire; a fence followed by a relaxed access is a release (the PTX memory
 *       model's fence patterns);</li>
 *   <li>{@code Opaque} node {@link #SLEEP}, payload an ident: the name of a visible U32 variable; the invocation
 *       idles about that many nanoseconds ({@code nanosleep.u32}; at most 1 ms on the GPU).</li>
 *   <li>{@code Opaque} node {@link #LOAD_PAIR}, payload {@code ident buffer | u32 index | ident low | ident high}:
 *       elements {@code index} (even) and {@code index + 1} of a mapped U32 buffer read by <em>one</em>
 *       single-copy-atomic 8-byte load (with the buffer's ordering; PTX {@code ld.<mode>.sys.global.u64}) into
 *       the declared U32 variables {@code low} and {@code high}: a host's one 8-byte store is seen whole or not at
 *       all (two loads, or a vector load, may tear). Out of bounds, both are 0 (counted as one out-of-bounds
 *       load);</li>
 *   <li>mode bit {@link #DEVICE}: the buffer is not host memory but device memory that the dispatch's invocations
 *       share; its accesses carry the mode's orderings at device scope (PTX {@code .gpu} instead of {@code .sys}),
 *       e.g. claim words that only invocations race for.</li>
 * </ul>
 * The validator accepts the two nodes only in a program that declares the metadata field, and refuses them, with a
 * fix, everywhere else. The codec carries all three verbatim like any other extension.
 */
public final class SystemMemory {
    /** Metadata discriminant of the mapped-buffer declaration (in VIR0's extension range 0x80..0xFF). */
    public static final int METADATA_DISCRIMINANT = 0xC5;
    /** Extension id of the fence node ({@code "sys"} then 1). */
    public static final int FENCE = 0x7379_7301;
    /** Extension id of the sleep node ({@code "sys"} then 2). */
    public static final int SLEEP = 0x7379_7302;
    /** Extension id of the 8-byte pair load ({@code "sys"} then 3). */
    public static final int LOAD_PAIR = 0x7379_7303;

    /** Version of the metadata payload that names buffers only (all relaxed). */
    public static final int VERSION_NAMES = 1;
    /** Version of the metadata payload that gives each buffer a mode byte. */
    public static final int VERSION_MODES = 2;
    /** Mode bit: loads of the buffer are acquire loads. */
    public static final int ACQUIRE = 1;
    /** Mode bit: stores and atomics on the buffer are release operations. */
    public static final int RELEASE = 2;
    /** Mode bit: the buffer is device memory shared by the dispatch; its orderings are device scope (PTX .gpu). */
    public static final int DEVICE = 4;

    /**
     * One mapped buffer and its access mode.
     *
     * @param name the buffer
     * @param mode 0 (relaxed) or a combination of {@link #ACQUIRE} and {@link #RELEASE}
     */
    public record Mapped(String name, int mode) {
        public Mapped {
            java.util.Objects.requireNonNull(name, "name");
            if ((mode & ~(ACQUIRE | RELEASE | DEVICE)) != 0) {
                throw new MalformedException("system-memory mode " + mode + " of buffer '" + name + "' has bits "
                        + "other than ACQUIRE (1), RELEASE (2) and DEVICE (4)", "use 0 to 7");
            }
        }

        /** A relaxed mapped buffer. */
        public static Mapped relaxed(String name) {
            return new Mapped(name, 0);
        }

        /** Whether loads are acquire loads. */
        public boolean acquire() {
            return (mode & ACQUIRE) != 0;
        }

        /** Whether stores and atomics are release operations. */
        public boolean release() {
            return (mode & RELEASE) != 0;
        }

        /** Whether the buffer is device memory whose orderings are device scope rather than system scope. */
        public boolean device() {
            return (mode & DEVICE) != 0;
        }
    }

    /** The ordering of a {@link #FENCE}: its payload byte. */
    public enum Ordering {
        /** {@code fence.acq_rel.sys}: with a relaxed access before it an acquire, after it a release. */
        ACQ_REL,
        /** {@code fence.sc.sys}: sequentially consistent. */
        SC;

        /** The payload byte. */
        public int wire() {
            return ordinal();
        }
    }

    /** A decoded system-memory node. */
    public sealed interface Op {
        /** A system-scope fence. */
        record Fence(Ordering ordering) implements Op {
        }

        /** An idle sleep of {@code variable} (a U32 variable) nanoseconds. */
        record Sleep(String variable) implements Op {
        }

        /**
         * Elements {@code index} and {@code index + 1} of {@code buffer} in one single-copy-atomic 8-byte load, into
         * the U32 variables {@code low} and {@code high}.
         */
        record LoadPair(String buffer, int index, String low, String high) implements Op {
        }
    }

    /** A malformed system-memory extension field or node. */
    public static final class MalformedException extends VyreException {
        private static final long serialVersionUID = 1L;

        MalformedException(String problem, String fix) {
            super(problem, fix);
        }
    }

    private SystemMemory() {
    }

    /** The metadata field declaring {@code mapped} (buffer names, in order) as relaxed mapped host memory. */
    public static MetadataExtension declare(List<String> mapped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION_NAMES);
        writeU32(out, mapped.size());
        for (String name : mapped) {
            writeIdent(out, name);
        }
        return new MetadataExtension(METADATA_DISCRIMINANT, Payload.wrap(out.toByteArray()));
    }

    /** The metadata field declaring {@code mapped} (in order) with their modes (payload version 2). */
    public static MetadataExtension declareModes(List<Mapped> mapped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION_MODES);
        writeU32(out, mapped.size());
        for (Mapped m : mapped) {
            writeIdent(out, m.name());
            out.write(m.mode());
        }
        return new MetadataExtension(METADATA_DISCRIMINANT, Payload.wrap(out.toByteArray()));
    }

    /** A fence node. */
    public static Node fence(Ordering ordering) {
        return new Node.Opaque(FENCE, Payload.of((byte) ordering.wire()));
    }

    /** A sleep node of {@code variable} nanoseconds. */
    public static Node sleep(String variable) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeIdent(out, variable);
        return new Node.Opaque(SLEEP, Payload.wrap(out.toByteArray()));
    }

    /**
     * A pair-load node: elements {@code index} (even) and {@code index + 1} of mapped buffer {@code buffer} in one
     * single-copy-atomic 8-byte load, assigned to the declared U32 variables {@code low} and {@code high}.
     */
    public static Node loadPair(String buffer, int index, String low, String high) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeIdent(out, buffer);
        writeU32(out, index);
        writeIdent(out, low);
        writeIdent(out, high);
        return new Node.Opaque(LOAD_PAIR, Payload.wrap(out.toByteArray()));
    }

    /** Whether {@code extensionId} is one of this profile's node extensions. */
    public static boolean isNode(int extensionId) {
        return extensionId == FENCE || extensionId == SLEEP || extensionId == LOAD_PAIR;
    }

    /**
     * The mapped buffers {@code program} declares, or empty when it does not use the profile.
     *
     * @throws MalformedException for a malformed or repeated declaration
     */
    public static Optional<List<String>> mappedBuffers(Program program) {
        return modes(program).map(list -> list.stream().map(Mapped::name).toList());
    }

    /**
     * The mapped buffers {@code program} declares with their modes, or empty when it does not use the profile.
     *
     * @throws MalformedException for a malformed or repeated declaration
     */
    public static Optional<List<Mapped>> modes(Program program) {
        List<Mapped> found = null;
        for (MetadataExtension e : program.extensions()) {
            if (e.discriminant() != METADATA_DISCRIMINANT) {
                continue;
            }
            if (found != null) {
                throw new MalformedException("the system-memory metadata field (discriminant 0x"
                        + Integer.toHexString(METADATA_DISCRIMINANT) + ") appears twice",
                        "declare every mapped buffer in one field (SystemMemory.declare)");
            }
            found = modes(e);
        }
        return Optional.ofNullable(found);
    }

    /**
     * Decodes a system-memory node.
     *
     * @throws MalformedException for another extension or a malformed payload
     */
    public static Op parse(Node.Opaque node) {
        byte[] bytes = node.payload().toByteArray();
        if (node.extensionId() == FENCE) {
            if (bytes.length != 1 || bytes[0] < 0 || bytes[0] >= Ordering.values().length) {
                throw new MalformedException("system-memory fence payload " + node.payload() + " is not one "
                        + "ordering byte (0 acq_rel, 1 sc)", "build the node with SystemMemory.fence");
            }
            return new Op.Fence(Ordering.values()[bytes[0]]);
        }
        if (node.extensionId() == SLEEP) {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            String variable = readIdent(in, "system-memory sleep payload");
            if (in.hasRemaining()) {
                throw new MalformedException("system-memory sleep payload has " + in.remaining() + " bytes after "
                        + "the variable name", "build the node with SystemMemory.sleep");
            }
            return new Op.Sleep(variable);
        }
        if (node.extensionId() == LOAD_PAIR) {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            String what = "system-memory pair-load payload";
            String buffer = readIdent(in, what);
            if (in.remaining() < Integer.BYTES) {
                throw new MalformedException(what + " lacks the u32 element index", "build the node with "
                        + "SystemMemory.loadPair");
            }
            int index = in.getInt();
            String low = readIdent(in, what);
            String high = readIdent(in, what);
            if (in.hasRemaining()) {
                throw new MalformedException(what + " has " + in.remaining() + " bytes after the high variable",
                        "build the node with SystemMemory.loadPair");
            }
            if ((index & 1) != 0) {
                throw new MalformedException(what + " reads from odd element " + Integer.toUnsignedString(index)
                        + "; an 8-byte load starts at an even U32 element", "load a pair from an even index");
            }
            return new Op.LoadPair(buffer, index, low, high);
        }
        throw new MalformedException("Opaque node of extension 0x" + Integer.toHexString(node.extensionId())
                + " is not a system-memory node", "pass only nodes for which SystemMemory.isNode holds");
    }

    /**
     * The buffer names of one system-memory metadata field.
     *
     * @throws MalformedException for another discriminant or a malformed payload
     */
    public static List<String> mappedBuffers(MetadataExtension field) {
        return modes(field).stream().map(Mapped::name).toList();
    }

    /**
     * The buffers of one system-memory metadata field with their modes (0 for every buffer of a version-1 field).
     *
     * @throws MalformedException for another discriminant or a malformed payload
     */
    public static List<Mapped> modes(MetadataExtension field) {
        if (field.discriminant() != METADATA_DISCRIMINANT) {
            throw new MalformedException("metadata field 0x" + Integer.toHexString(field.discriminant()) + " is not"
                    + " the system-memory field", "pass a field with discriminant 0x"
                    + Integer.toHexString(METADATA_DISCRIMINANT));
        }
        ByteBuffer in = ByteBuffer.wrap(field.payload().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        String what = "system-memory metadata field";
        int version = in.hasRemaining() ? in.get() : -1;
        if (version != VERSION_NAMES && version != VERSION_MODES) {
            throw new MalformedException(what + " does not start with version " + VERSION_NAMES + " or "
                    + VERSION_MODES, "build the field with SystemMemory.declare or SystemMemory.declareModes");
        }
        if (in.remaining() < Integer.BYTES) {
            throw new MalformedException(what + " lacks its u32 buffer count", "build the field with "
                    + "SystemMemory.declare");
        }
        long count = Integer.toUnsignedLong(in.getInt());
        // every name takes at least its 4-byte length: a count past that is hostile, not a reason to allocate
        if (count > in.remaining() / Integer.BYTES) {
            throw new MalformedException(what + " announces " + count + " buffer names in " + in.remaining()
                    + " bytes", "build the field with SystemMemory.declare");
        }
        List<Mapped> names = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            String name = readIdent(in, what);
            if (version == VERSION_NAMES) {
                names.add(Mapped.relaxed(name));
            } else if (!in.hasRemaining()) {
                throw new MalformedException(what + " lacks the mode byte of buffer '" + name + "'",
                        "build the field with SystemMemory.declareModes");
            } else {
                names.add(new Mapped(name, in.get() & 0xFF));
            }
        }
        if (in.hasRemaining()) {
            throw new MalformedException(what + " has " + in.remaining() + " bytes after its last name",
                    "build the field with SystemMemory.declare");
        }
        return List.copyOf(names);
    }

    private static String readIdent(ByteBuffer in, String what) {
        if (in.remaining() < Integer.BYTES) {
            throw new MalformedException(what + " lacks the u32 length of a name", "write every name as u32 "
                    + "length then UTF-8 bytes (SystemMemory builds them)");
        }
        long length = Integer.toUnsignedLong(in.getInt());
        if (length > in.remaining()) {
            throw new MalformedException(what + " names a " + length + "-byte identifier but has " + in.remaining()
                    + " bytes left", "write every name as u32 length then UTF-8 bytes (SystemMemory builds them)");
        }
        byte[] utf8 = new byte[(int) length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeIdent(ByteArrayOutputStream out, String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        writeU32(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < Integer.BYTES; i++) {
            out.write(v >>> (8 * i));
        }
    }
}
