package dev.vyre.cuda.ptx;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.ScalarType;

/**
 * How lowered code reaches one buffer: where its base address and element count live and which state space and
 * memory-ordering qualifiers its loads, stores and atomics carry.
 * <ul>
 *   <li>{@link #global}: a kernel parameter buffer or a handler's argument scratch; weak {@code ld/st.global},
 *       {@code atom.global} (gpu scope).</li>
 *   <li>{@link #shared}: a {@code Workgroup} buffer as a {@code .shared} array with 32-bit addresses.</li>
 *   <li>{@link #mapped}: a handler's control block or data region, or a kernel buffer the system-memory profile
 *       maps, in pinned, device-mapped host memory; every access is system scope ({@code ld.relaxed.sys.global},
 *       {@code st.relaxed.sys.global}, {@code atom.relaxed.sys.global}; acquire loads and release stores and
 *       atomics where the profile's mode says so).</li>
 * </ul>
 */
final class BufferRef {
    private final BufferDecl decl;
    private final ScalarType element;
    private final String base;
    private final String length;
    /** The state space and ordering of loads, of stores and of atomics (for mapped memory they may differ). */
    private final String loadSpace;
    private final String storeSpace;
    private final String atomSpace;
    private final boolean wideAddress;
    private final boolean mapped;

    private BufferRef(BufferDecl decl, String base, String length, String space, boolean wideAddress,
                      boolean mapped) {
        this(decl, base, length, space, space, space, wideAddress, mapped);
    }

    private BufferRef(BufferDecl decl, String base, String length, String loadSpace, String storeSpace,
                      String atomSpace, boolean wideAddress, boolean mapped) {
        this.decl = decl;
        this.element = (ScalarType) decl.elementType();
        this.base = base;
        this.length = length;
        this.loadSpace = loadSpace;
        this.storeSpace = storeSpace;
        this.atomSpace = atomSpace;
        this.wideAddress = wideAddress;
        this.mapped = mapped;
    }

    /** A global buffer: its 64-bit global address in {@code base}, its count in {@code length}. */
    static BufferRef global(BufferDecl decl, String base, String length) {
        return new BufferRef(decl, base, length, "global", true, false);
    }

    /** A shared array whose 32-bit shared address is in {@code base}; its count is the declared one. */
    static BufferRef shared(BufferDecl decl, String base) {
        return new BufferRef(decl, base, PtxCode.hex(decl.count()), "shared", false, false);
    }

    /** A mapped host buffer at the 64-bit global address in {@code base}, with {@code length} elements. */
    static BufferRef mapped(BufferDecl decl, String base, String length) {
        return mapped(decl, base, length, false, false);
    }

    /**
     * As {@link #mapped(BufferDecl, String, String)}, with acquire loads ({@code ld.acquire.sys}) where
     * {@code acquire} and release stores and atomics ({@code st.release.sys}, {@code atom.release.sys};
     * {@code atom.acq_rel.sys} with both) where {@code release} (the system-memory modes).
     */
    static BufferRef mapped(BufferDecl decl, String base, String length, boolean acquire, boolean release) {
        return mapped(decl, base, length, acquire, release, false);
    }

    /**
     * As {@link #mapped(BufferDecl, String, String, boolean, boolean)}; with {@code device} the buffer is device
     * memory that the dispatch shares (the system-memory mode DEVICE) and every ordering is {@code .gpu} scope.
     */
    static BufferRef mapped(BufferDecl decl, String base, String length, boolean acquire, boolean release,
                            boolean device) {
        String atom = acquire && release ? "acq_rel" : acquire ? "acquire" : release ? "release" : "relaxed";
        String scope = device ? ".gpu.global" : ".sys.global";
        return new BufferRef(decl, base, length, (acquire ? "acquire" : "relaxed") + scope,
                (release ? "release" : "relaxed") + scope, atom + scope, true, true);
    }

    /** Whether this is mapped host memory (system scope), whose changes the host sees whatever the run's fate. */
    boolean mapped() {
        return mapped;
    }

    BufferDecl decl() {
        return decl;
    }

    /** The register holding the address of element 0 (64-bit global, or 32-bit shared). */
    String baseAddress() {
        return base;
    }

    ScalarType element() {
        return element;
    }

    /** The element count as an operand (register or immediate): BufLen and the bound of every access. */
    String length() {
        return length;
    }

    /** The type a Load gives and a Store takes. */
    ScalarType valueType() {
        return element == ScalarType.BYTES ? ScalarType.U32 : element;
    }

    /**
     * A predicate register that is true when {@code index} (U32 or I32) lies in {@code [0, length)}; a negative
     * I32 index is out of bounds.
     */
    String inBounds(PtxCode code, Value index) {
        String in = code.pred();
        if (index.type() == ScalarType.I32) {
            String nonNegative = code.pred();
            code.op("setp.ge.s32 " + nonNegative + ", " + index.reg() + ", 0");
            code.op("setp.lt.and.u32 " + in + ", " + index.reg() + ", " + length + ", " + nonNegative);
        } else {
            code.op("setp.lt.u32 " + in + ", " + index.reg() + ", " + length);
        }
        return in;
    }

    /** The address of element {@code index} (only dereferenced where the index is in bounds). */
    String address(PtxCode code, Value index) {
        int bytes = element.byteSize();
        if (wideAddress) {
            String offset = code.b64();
            String address = code.b64();
            code.op("mul.wide.u32 " + offset + ", " + index.reg() + ", " + bytes);
            code.op("add.s64 " + address + ", " + base + ", " + offset);
            return address;
        }
        String address = code.b32();
        code.op("mad.lo.u32 " + address + ", " + index.reg() + ", " + bytes + ", " + base);
        return address;
    }

    /** {@code ld.<space>.u32} or {@code .u8} for Bytes (zero-extended into a 32-bit register). */
    String loadOp() {
        return "ld." + loadSpace + (element == ScalarType.BYTES ? ".u8" : ".u32");
    }

    /**
     * Whether four consecutive elements may be read with one 16-byte vector load ({@link VectorLoads}): a global or
     * mapped buffer (64-bit addresses) of 4-byte elements that load as numbers (U32, I32, F32; not Bool, whose load
     * is a compare, nor Bytes).
     */
    boolean vectorLoadable() {
        return wideAddress && element.byteSize() == Integer.BYTES && element != ScalarType.BOOL;
    }

    /** {@code ld.<space>.v4.u32}: four consecutive 4-byte elements from a 16-byte aligned address. */
    String vectorLoadOp() {
        return "ld." + loadSpace + ".v4.u32";
    }

    /** {@code ld.<space>.u64}: two consecutive 4-byte elements in one single-copy-atomic 8-byte load. */
    String pairLoadOp() {
        return "ld." + loadSpace + ".u64";
    }

    /** {@code st.<space>.u32} or {@code .u8} for Bytes (keeps the low 8 bits). */
    String storeOp() {
        return "st." + storeSpace + (element == ScalarType.BYTES ? ".u8" : ".u32");
    }

    /**
     * Whether an atomic add whose previous value nobody reads may be a {@code red} here: global memory (device or
     * mapped) with relaxed or release semantics ({@code red} has no acquire).
     */
    boolean canReduce() {
        return atomSpace.endsWith("global") && !atomSpace.startsWith("acquire") && !atomSpace.startsWith("acq_rel");
    }

    /** {@code red.<space>.add.u32}: an add that returns nothing (see {@link #canReduce()}). */
    String reduceAddOp() {
        return "red." + atomSpace + ".add.u32";
    }

    /** The atomic instruction for {@code op} on this (U32 or I32) buffer; FetchNand is a CAS loop instead. */
    String atomOp(AtomicOp op) {
        boolean signed = element == ScalarType.I32;
        String suffix = switch (op) {
            case ADD -> "add.u32";
            case OR -> "or.b32";
            case AND -> "and.b32";
            case XOR -> "xor.b32";
            case MIN -> signed ? "min.s32" : "min.u32";
            case MAX -> signed ? "max.s32" : "max.u32";
            case EXCHANGE -> "exch.b32";
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK, FETCH_NAND -> "cas.b32";
            // a monotonic timestamp: stores value when it is larger compared unsigned, whatever the element type
            case LRU_UPDATE -> "max.u32";
        };
        return "atom." + atomSpace + "." + suffix;
    }
}
