package dev.vyre.vm;

/**
 * The instruction opcodes of a VYVM image (docs/VM-BYTECODE.md, Instructions). An instruction is two u32 words:
 * {@code op | dst << 8 | a << 16 | b << 24}, then {@code imm}. {@link #format()} says which fields an opcode uses;
 * unused fields must be 0.
 */
public enum VmOp {
    CONST(0x01, Format.D_IMM),
    MOV(0x02, Format.D_A),
    INVOCATION_ID(0x03, Format.D_AXIS),
    WORKGROUP_ID(0x04, Format.D_AXIS),
    LOCAL_ID(0x05, Format.D_AXIS),
    BUF_LEN(0x06, Format.D_SLOT),
    ADD_IMM(0x07, Format.D_A_IMM),

    ADD(0x10, Format.D_A_B), SUB(0x11, Format.D_A_B), MUL(0x12, Format.D_A_B),
    DIV_U32(0x13, Format.D_A_B), DIV_I32(0x14, Format.D_A_B), MOD_U32(0x15, Format.D_A_B), MOD_I32(0x16, Format.D_A_B),
    AND(0x17, Format.D_A_B), OR(0x18, Format.D_A_B), XOR(0x19, Format.D_A_B),
    SHL(0x1A, Format.D_A_B), SHR_U32(0x1B, Format.D_A_B), SHR_I32(0x1C, Format.D_A_B),
    ROTL(0x1D, Format.D_A_B), ROTR(0x1E, Format.D_A_B),
    EQ(0x1F, Format.D_A_B), NE(0x20, Format.D_A_B),
    LT_U32(0x21, Format.D_A_B), LT_I32(0x22, Format.D_A_B), GT_U32(0x23, Format.D_A_B), GT_I32(0x24, Format.D_A_B),
    LE_U32(0x25, Format.D_A_B), LE_I32(0x26, Format.D_A_B), GE_U32(0x27, Format.D_A_B), GE_I32(0x28, Format.D_A_B),
    ABS_DIFF_U32(0x29, Format.D_A_B), ABS_DIFF_I32(0x2A, Format.D_A_B),
    MIN_U32(0x2B, Format.D_A_B), MIN_I32(0x2C, Format.D_A_B), MAX_U32(0x2D, Format.D_A_B), MAX_I32(0x2E, Format.D_A_B),
    SAT_ADD_U32(0x2F, Format.D_A_B), SAT_ADD_I32(0x30, Format.D_A_B), SAT_SUB_U32(0x31, Format.D_A_B),
    SAT_SUB_I32(0x32, Format.D_A_B), SAT_MUL_U32(0x33, Format.D_A_B), SAT_MUL_I32(0x34, Format.D_A_B),
    MUL_HIGH_U32(0x35, Format.D_A_B), MUL_HIGH_I32(0x36, Format.D_A_B),

    ADD_F32(0x40, Format.D_A_B), SUB_F32(0x41, Format.D_A_B), MUL_F32(0x42, Format.D_A_B),
    DIV_F32(0x43, Format.D_A_B), MOD_F32(0x44, Format.D_A_B),
    EQ_F32(0x45, Format.D_A_B), NE_F32(0x46, Format.D_A_B), LT_F32(0x47, Format.D_A_B), GT_F32(0x48, Format.D_A_B),
    LE_F32(0x49, Format.D_A_B), GE_F32(0x4A, Format.D_A_B),
    ABS_DIFF_F32(0x4B, Format.D_A_B), MIN_F32(0x4C, Format.D_A_B), MAX_F32(0x4D, Format.D_A_B),
    FMA_F32(0x4E, Format.D_A_B_C),

    NEG(0x50, Format.D_A), NOT(0x51, Format.D_A), LNOT(0x52, Format.D_A),
    POPCOUNT(0x53, Format.D_A), CLZ(0x54, Format.D_A), CTZ(0x55, Format.D_A), REVERSE_BITS(0x56, Format.D_A),
    ABS_I32(0x57, Format.D_A), SIGN_I32(0x58, Format.D_A),
    UNPACK4_LOW(0x59, Format.D_A), UNPACK4_HIGH(0x5A, Format.D_A), UNPACK8_LOW(0x5B, Format.D_A),
    UNPACK8_HIGH(0x5C, Format.D_A),

    NEG_F32(0x60, Format.D_A), ABS_F32(0x61, Format.D_A), SIGN_F32(0x62, Format.D_A), SQRT_F32(0x63, Format.D_A),
    FLOOR_F32(0x64, Format.D_A), CEIL_F32(0x65, Format.D_A), ROUND_F32(0x66, Format.D_A),
    TRUNC_F32(0x67, Format.D_A), RECIPROCAL_F32(0x68, Format.D_A), INVERSE_SQRT_F32(0x69, Format.D_A),
    IS_NAN(0x6A, Format.D_A), IS_INF(0x6B, Format.D_A), IS_FINITE(0x6C, Format.D_A),

    U32_TO_F32(0x70, Format.D_A), I32_TO_F32(0x71, Format.D_A), F32_TO_U32(0x72, Format.D_A),
    F32_TO_I32(0x73, Format.D_A), INT_TO_BOOL(0x74, Format.D_A), F32_TO_BOOL(0x75, Format.D_A),
    SELECT(0x78, Format.D_A_B_C),

    COS_F32(0xB0, Format.D_A), SIN_F32(0xB1, Format.D_A), TAN_F32(0xB2, Format.D_A), ACOS_F32(0xB3, Format.D_A),
    ASIN_F32(0xB4, Format.D_A), ATAN_F32(0xB5, Format.D_A), TANH_F32(0xB6, Format.D_A), SINH_F32(0xB7, Format.D_A),
    COSH_F32(0xB8, Format.D_A), EXP_F32(0xB9, Format.D_A), LOG_F32(0xBA, Format.D_A), LOG2_F32(0xBB, Format.D_A),
    EXP2_F32(0xBC, Format.D_A),

    LOAD(0x80, Format.LOAD), STORE(0x81, Format.STORE),
    ATOMIC_ADD(0x82, Format.ATOMIC), ATOMIC_OR(0x83, Format.ATOMIC), ATOMIC_AND(0x84, Format.ATOMIC),
    ATOMIC_XOR(0x85, Format.ATOMIC), ATOMIC_MIN_U32(0x86, Format.ATOMIC), ATOMIC_MIN_I32(0x87, Format.ATOMIC),
    ATOMIC_MAX_U32(0x88, Format.ATOMIC), ATOMIC_MAX_I32(0x89, Format.ATOMIC), ATOMIC_EXCHANGE(0x8A, Format.ATOMIC),
    ATOMIC_CMPXCHG(0x8B, Format.ATOMIC), ATOMIC_FETCH_NAND(0x8C, Format.ATOMIC),
    ATOMIC_LRU_UPDATE(0x8D, Format.ATOMIC),

    JMP(0x90, Format.JUMP), BRZ(0x91, Format.BRANCH), RET(0x93, Format.NONE),

    BARRIER(0xA0, Format.NONE), SHUFFLE(0xA1, Format.D_A_B), BALLOT(0xA2, Format.D_A_B),
    WAVE_REDUCE(0xA3, Format.REDUCE);

    /** Which instruction fields an opcode uses (unused ones must be 0). */
    public enum Format {
        /** No operand. */
        NONE,
        /** dst, imm (any u32). */
        D_IMM,
        /** dst, imm = axis 0..2. */
        D_AXIS,
        /** dst, imm = buffer slot. */
        D_SLOT,
        /** dst, a. */
        D_A,
        /** dst, a, imm (any u32). */
        D_A_IMM,
        /** dst, a, b. */
        D_A_B,
        /** dst, a, b, c = imm bits 0..7. */
        D_A_B_C,
        /** dst, a = index, imm = memory immediate. */
        LOAD,
        /** a = index, b = value, imm = memory immediate. */
        STORE,
        /** dst, a = index, b = value, imm = memory immediate (c = expected, CMPXCHG only). */
        ATOMIC,
        /** imm = absolute target. */
        JUMP,
        /** a = condition, imm = absolute forward target. */
        BRANCH,
        /** dst, a, imm = kind | type << 8. */
        REDUCE;

        /** Whether the format writes {@code dst}. */
        public boolean writesDst() {
            return this != NONE && this != STORE && this != JUMP && this != BRANCH;
        }
    }

    private static final VmOp[] BY_CODE = new VmOp[256];

    static {
        for (VmOp op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final Format format;

    VmOp(int code, Format format) {
        this.code = code;
        this.format = format;
    }

    /** The u8 opcode in bits 0..7 of instruction word 0. */
    public int code() {
        return code;
    }

    public Format format() {
        return format;
    }

    /** The opcode with this u8 code, or null (0x00 and unassigned codes). */
    public static VmOp fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Whether this is a collective (BARRIER and the wave operators): every live lane of the wave must reach it. */
    public boolean collective() {
        return this == BARRIER || this == SHUFFLE || this == BALLOT || this == WAVE_REDUCE;
    }

    /**
     * Whether this is one of the F32 transcendental opcodes ({@code COS_F32 .. EXP2_F32}, codes 0xB0..0xBC):
     * {@code (float) StrictMath.f((double) a)}, which a device computes with its fdlibm port.
     */
    public boolean transcendental() {
        return code >= COS_F32.code && code <= EXP2_F32.code;
    }

    /** Whether this is one of the atomics. */
    public boolean atomic() {
        return format == Format.ATOMIC;
    }
}
