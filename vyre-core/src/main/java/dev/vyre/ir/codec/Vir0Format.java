package dev.vyre.ir.codec;

/**
 * The byte layout of VIR0 version 1 as this codec reads and writes it: header offsets, metadata field
 * discriminants, node and expression tags, and the hostile-input limits. docs/VIR0-FORMAT.md describes every byte.
 */
public final class Vir0Format {
    private Vir0Format() {
    }

    /** The four magic bytes {@code "VIR0"} (ASCII). */
    public static final String MAGIC = "VIR0";
    /** The only version this codec reads and writes. */
    public static final int VERSION = 1;

    // ---- header: "VIR0" | version u8 | flags u16 LE | metadata_len u32 LE -------------------------------------
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_FLAGS = 5;
    public static final int OFFSET_METADATA_LEN = 7;
    /** Size of the fixed header; the metadata section starts here. */
    public static final int HEADER_SIZE = 11;

    // ---- metadata field discriminants (0x00..0x7F core, 0x80..0xFF extension) ------------------------------------
    public static final int FIELD_ENTRY_OP = 0x00;
    public static final int FIELD_WORKGROUP_SIZE = 0x01;
    public static final int FIELD_BUFFER = 0x02;
    public static final int FIELD_MAP_ENTRY = 0x03;
    /** The first extension discriminant; every discriminant from here to 0xFF is an extension field. */
    public static final int FIRST_EXTENSION_FIELD = 0x80;

    // ---- node tags ----------------------------------------------------------------------------------------------
    public static final int NODE_LET = 0x00;
    public static final int NODE_ASSIGN = 0x01;
    public static final int NODE_STORE = 0x02;
    public static final int NODE_IF = 0x03;
    public static final int NODE_FOR = 0x04;
    public static final int NODE_LOOP = 0x05;
    public static final int NODE_BLOCK = 0x06;
    public static final int NODE_BARRIER = 0x07;
    public static final int NODE_RETURN = 0x08;
    public static final int NODE_INDIRECT_DISPATCH = 0x09;
    public static final int NODE_ASYNC_LOAD = 0x0A;
    public static final int NODE_ASYNC_WAIT = 0x0B;
    public static final int NODE_OPAQUE = 0x80;

    // ---- expression tags ----------------------------------------------------------------------------------------
    public static final int EXPR_LIT_U32 = 0x00;
    public static final int EXPR_LIT_I32 = 0x01;
    public static final int EXPR_LIT_F32 = 0x02;
    public static final int EXPR_LIT_BOOL = 0x03;
    public static final int EXPR_VAR = 0x04;
    public static final int EXPR_LOAD = 0x05;
    public static final int EXPR_BUF_LEN = 0x06;
    public static final int EXPR_INVOCATION_ID = 0x07;
    public static final int EXPR_WORKGROUP_ID = 0x08;
    public static final int EXPR_LOCAL_ID = 0x09;
    public static final int EXPR_BIN_OP = 0x0A;
    public static final int EXPR_UN_OP = 0x0B;
    public static final int EXPR_CALL = 0x0C;
    public static final int EXPR_SELECT = 0x0D;
    public static final int EXPR_CAST = 0x0E;
    public static final int EXPR_FMA = 0x0F;
    public static final int EXPR_ATOMIC = 0x10;
    /** First reserved expression tag; {@code 0x11..0x7F} are reserved. */
    public static final int EXPR_FIRST_RESERVED = 0x11;
    public static final int EXPR_OPAQUE = 0x80;

    // ---- limits -------------------------------------------------------------------------------------------------
    /**
     * The deepest nesting either side accepts, counted separately for node lists (a top-level node is at depth 1),
     * expression trees (a leaf has height 1) and data types (a non-array type has depth 1).
     */
    public static final int MAX_DEPTH = 256;
    /** The smallest arena entry (tag + u8 axis), used to bound the arena count by the bytes that remain. */
    static final int MIN_EXPR_ENTRY_SIZE = 2;
    /** The smallest node (a tag alone), used to bound node counts by the bytes that remain. */
    static final int MIN_NODE_SIZE = 1;
}
