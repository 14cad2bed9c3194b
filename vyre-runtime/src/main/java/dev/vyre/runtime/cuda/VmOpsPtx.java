package dev.vyre.runtime.cuda;

import static dev.vyre.runtime.cuda.VmPtx.DA;
import static dev.vyre.runtime.cuda.VmPtx.FULL;
import static dev.vyre.runtime.cuda.VmPtx.IMM;
import static dev.vyre.runtime.cuda.VmPtx.ISSUE;
import static dev.vyre.runtime.cuda.VmPtx.LANE;
import static dev.vyre.runtime.cuda.VmPtx.LID;
import static dev.vyre.runtime.cuda.VmPtx.LIVE;
import static dev.vyre.runtime.cuda.VmPtx.NO_PC;
import static dev.vyre.runtime.cuda.VmPtx.OOB_LOADS;
import static dev.vyre.runtime.cuda.VmPtx.OOB_STORES;
import static dev.vyre.runtime.cuda.VmPtx.OP;
import static dev.vyre.runtime.cuda.VmPtx.P;
import static dev.vyre.runtime.cuda.VmPtx.PARKED;
import static dev.vyre.runtime.cuda.VmPtx.PC;
import static dev.vyre.runtime.cuda.VmPtx.PRED;
import static dev.vyre.runtime.cuda.VmPtx.PRED2;
import static dev.vyre.runtime.cuda.VmPtx.Q0;
import static dev.vyre.runtime.cuda.VmPtx.Q1;
import static dev.vyre.runtime.cuda.VmPtx.RES;
import static dev.vyre.runtime.cuda.VmPtx.T0;
import static dev.vyre.runtime.cuda.VmPtx.T1;
import static dev.vyre.runtime.cuda.VmPtx.T2;
import static dev.vyre.runtime.cuda.VmPtx.T3;
import static dev.vyre.runtime.cuda.VmPtx.T4;
import static dev.vyre.runtime.cuda.VmPtx.WID;
import static dev.vyre.runtime.cuda.VmPtx.WS;
import static dev.vyre.runtime.cuda.VmPtx.X;
import static dev.vyre.runtime.cuda.VmPtx.Y;
import static dev.vyre.runtime.cuda.VmPtx.Z;
import static dev.vyre.runtime.cuda.PtxBuilder.u32;

import dev.vyre.cuda.ptx.FdlibmPtx;
import dev.vyre.cuda.ptx.OpBlocks;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.vm.VmImageLayout;
import dev.vyre.vm.VmOp;
import java.util.Set;

/**
 * The instruction handlers of the device interpreter ({@link VmPtx}): the {@code brx.idx} jump table over the 256
 * opcode values, one handler per {@link VmOp}, the parking of collectives and their execution once every live
 * lane waits at one. Arithmetic handlers are the PTX emitter's own operator sequences ({@link OpBlocks}), so they
 * compute exactly what the fused kernel computes; the transcendental opcodes ({@code COS_F32 .. EXP2_F32}) call the
 * emitter's fdlibm functions, whose definitions the module holds once ({@link #SUPPORT}). Every handler runs on all 32 lanes; only issuing lanes
 * ({@link VmPtx#ISSUE}) write a register, memory or their pc.
 */
final class VmOpsPtx {
    /** Label of the scheduling step. */
    static final String STEP = "L_VM_STEP";
    /** No lane is active: the wave ended, or every live lane is parked at a collective. */
    static final String STALL = "L_VM_STALL";
    /** The active lanes at P park at a collective. */
    static final String PARK = "L_VM_PARK";
    /** An opcode the device does not know: HANDLER_FAULT BAD_IMAGE | pc (the pc in {@link VmPtx#FDETAIL_TMP}). */
    static final String BAD_IMAGE = "L_VM_BAD_IMAGE";
    /** Live lanes parked at different collectives: HANDLER_FAULT DIVERGENT | lowest pc. */
    static final String DIVERGENT = "L_VM_DIVERGENT";
    /** Collectives: BARRIER, SHUFFLE, BALLOT, WAVE_REDUCE have consecutive codes from BARRIER's. */
    static final int COLLECTIVES = 4;
    /** VIR0 access tag of Workgroup buffers. */
    static final int ACCESS_WORKGROUP = 3;
    /** VIR0 element type tags. */
    static final int TYPE_BOOL = 3;
    static final int TYPE_BYTES = 4;
    /**
     * The operators whose module-scope functions the handlers call: every transcendental one
     * ({@link FdlibmPtx#OPERATORS}). The megakernel's module places {@code FdlibmPtx.definitions(SUPPORT)} once,
     * before its entry (a superset of what its user handlers call).
     */
    static final Set<UnaryOp> SUPPORT = FdlibmPtx.OPERATORS;
    private static final String TABLE = "vm_ops";
    private static final String UNKNOWN = "L_VM_UNKNOWN";
    private static final String[] WAVE_REDUCE_INT = {"add", "min", "max", "and", "or", "xor"};

    // handler-local registers
    private static final String K = "%vk";
    private static final String MASK = "%vmask";
    private static final String ACC = "%vacc";
    private static final String GOT = "%vgot";
    private static final String[] FOLDED = {"%vfold0", "%vfold1", "%vfold2"};
    private static final String STARTED = "%vstarted";
    private static final String IN_BOUNDS = "%vinb";
    private static final String BYTE = "%vbyte";

    private final PtxBuilder out;
    private final VmPtx vm;
    private final OpBlocks blocks = new OpBlocks("vo");

    VmOpsPtx(PtxBuilder out, VmPtx vm) {
        this.out = out;
        this.vm = vm;
    }

    static {
        for (int i = 0; i < COLLECTIVES; i++) {
            VmOp op = VmOp.fromCode(VmOp.BARRIER.code() + i);
            if (op == null || !op.collective()) {
                throw new IllegalStateException("VmOp codes " + VmOp.BARRIER.code() + ".." + (VmOp.BARRIER.code()
                        + COLLECTIVES - 1) + " are no longer the collectives; VmOpsPtx parks by that range");
            }
        }
    }

    void declare() {
        out.ins(".reg .b32 " + String.join(", ", K, MASK, ACC, GOT) + ", " + String.join(", ", FOLDED));
        out.ins(".reg .pred " + String.join(", ", STARTED, IN_BOUNDS, BYTE));
    }

    /** The jump: one {@code brx.idx} over the 256 opcode values. */
    void dispatch() {
        StringBuilder targets = new StringBuilder();
        for (int code = 0; code < 256; code++) {
            VmOp op = VmOp.fromCode(code);
            targets.append(code == 0 ? "" : ", ").append(op == null ? UNKNOWN : op.collective() ? PARK : label(op));
        }
        out.raw(TABLE + ": .branchtargets " + targets + ";");
        out.ins("brx.idx.uni " + OP + ", " + TABLE);
    }

    private static String label(VmOp op) {
        return "L_VM_" + op.name();
    }

    /** Every handler, the park and the collective execution. */
    void emit() {
        out.section("VM handlers: all lanes run them, issuing lanes write");
        out.label(UNKNOWN);
        out.ins("mov.u32 " + VmPtx.FDETAIL_TMP + ", " + P);
        out.ins("bra " + BAD_IMAGE);
        for (VmOp op : VmOp.values()) {
            if (op.collective()) {
                continue;
            }
            out.label(label(op));
            handler(op);
        }
        park();
        stall();
    }

    private void handler(VmOp op) {
        String block = arithmetic(op);
        if (block != null && op.transcendental()) {
            String skip = label(op) + "_SKIP";
            out.comment("only issuing lanes call the fdlibm function: a lane's slow path (a huge argument) would");
            out.comment("cost the whole warp; the others branch past it and rejoin at the write");
            out.when("!" + ISSUE, "bra " + skip);
            out.raw(block);
            out.label(skip);
            write();
            return;
        }
        if (block != null) {
            out.raw(block);
            write();
            return;
        }
        switch (op) {
            case CONST -> {
                out.ins("mov.u32 " + RES + ", " + IMM);
                write();
            }
            case MOV -> {
                out.ins("mov.u32 " + RES + ", " + X);
                write();
            }
            case ADD_IMM -> {
                out.ins("add.u32 " + RES + ", " + X + ", " + IMM);
                write();
            }
            case LNOT -> {
                out.ins("xor.b32 " + RES + ", " + X + ", 1");
                write();
            }
            case LOCAL_ID, WORKGROUP_ID, INVOCATION_ID -> {
                ids(op);
                write();
            }
            case BUF_LEN -> {
                descriptor();
                out.ins("mov.u32 " + RES + ", " + T2);
                write();
            }
            case SELECT -> {
                thirdOperand(0);
                out.raw(blocks.select(ScalarType.U32, RES, X, Y, Z));
                write();
            }
            case FMA_F32 -> {
                thirdOperand(0);
                out.raw(blocks.fma(RES, X, Y, Z));
                write();
            }
            case LOAD -> load();
            case STORE -> store();
            case JMP -> {
                out.when(ISSUE, "mov.u32 " + PC + ", " + IMM);
                out.ins("bra " + STEP);
            }
            case BRZ -> {
                out.ins("setp.eq.u32 " + PRED + ", " + X + ", 0");
                out.ins("and.pred " + PRED + ", " + PRED + ", " + ISSUE);
                out.when(PRED, "mov.u32 " + PC + ", " + IMM);
                out.ins("bra " + STEP);
            }
            case RET -> {
                out.comment("the lane stops being live");
                out.when(ISSUE, "setp.ne.u32 " + LIVE + ", " + LANE + ", " + LANE);
                out.when(ISSUE, "mov.u32 " + PC + ", " + NO_PC);
                out.ins("bra " + STEP);
            }
            default -> {
                if (!op.atomic()) {
                    throw new IllegalStateException("no device handler for " + op);
                }
                atomic(op);
            }
        }
    }

    /** Issuing lanes write RES to register d; then the next step. */
    private void write() {
        out.when(ISSUE, "st.global.u32 [" + DA + "], " + RES);
        out.ins("bra " + STEP);
    }

    /** Z = the value of register {@code (imm >> shift) & 127}. */
    private void thirdOperand(int shift) {
        if (shift != 0) {
            out.ins("shr.u32 " + T0 + ", " + IMM + ", " + shift);
            out.ins("and.b32 " + T0 + ", " + T0 + ", " + (VmImageLayout.MAX_REGISTERS - 1));
        } else {
            out.ins("and.b32 " + T0 + ", " + IMM + ", " + (VmImageLayout.MAX_REGISTERS - 1));
        }
        vm.registerAddress(Q0, T0);
        out.ins("ld.global.u32 " + Z + ", [" + Q0 + "]");
    }

    /** The operator block of an arithmetic opcode, or null for the others. */
    private String arithmetic(VmOp op) {
        ScalarType u = ScalarType.U32;
        ScalarType i = ScalarType.I32;
        ScalarType f = ScalarType.F32;
        return switch (op) {
            case ADD -> bin(BinaryOp.ADD, u);
            case SUB -> bin(BinaryOp.SUB, u);
            case MUL -> bin(BinaryOp.MUL, u);
            case DIV_U32 -> bin(BinaryOp.DIV, u);
            case DIV_I32 -> bin(BinaryOp.DIV, i);
            case MOD_U32 -> bin(BinaryOp.MOD, u);
            case MOD_I32 -> bin(BinaryOp.MOD, i);
            case AND -> bin(BinaryOp.BIT_AND, u);
            case OR -> bin(BinaryOp.BIT_OR, u);
            case XOR -> bin(BinaryOp.BIT_XOR, u);
            case SHL -> bin(BinaryOp.SHL, u);
            case SHR_U32 -> bin(BinaryOp.SHR, u);
            case SHR_I32 -> blocks.binary(BinaryOp.SHR, i, u, RES, X, Y);
            case ROTL -> bin(BinaryOp.ROTATE_LEFT, u);
            case ROTR -> bin(BinaryOp.ROTATE_RIGHT, u);
            case EQ -> bin(BinaryOp.EQ, u);
            case NE -> bin(BinaryOp.NE, u);
            case LT_U32 -> bin(BinaryOp.LT, u);
            case LT_I32 -> bin(BinaryOp.LT, i);
            case GT_U32 -> bin(BinaryOp.GT, u);
            case GT_I32 -> bin(BinaryOp.GT, i);
            case LE_U32 -> bin(BinaryOp.LE, u);
            case LE_I32 -> bin(BinaryOp.LE, i);
            case GE_U32 -> bin(BinaryOp.GE, u);
            case GE_I32 -> bin(BinaryOp.GE, i);
            case ABS_DIFF_U32 -> bin(BinaryOp.ABS_DIFF, u);
            case ABS_DIFF_I32 -> bin(BinaryOp.ABS_DIFF, i);
            case MIN_U32 -> bin(BinaryOp.MIN, u);
            case MIN_I32 -> bin(BinaryOp.MIN, i);
            case MAX_U32 -> bin(BinaryOp.MAX, u);
            case MAX_I32 -> bin(BinaryOp.MAX, i);
            case SAT_ADD_U32 -> bin(BinaryOp.SATURATING_ADD, u);
            case SAT_ADD_I32 -> bin(BinaryOp.SATURATING_ADD, i);
            case SAT_SUB_U32 -> bin(BinaryOp.SATURATING_SUB, u);
            case SAT_SUB_I32 -> bin(BinaryOp.SATURATING_SUB, i);
            case SAT_MUL_U32 -> bin(BinaryOp.SATURATING_MUL, u);
            case SAT_MUL_I32 -> bin(BinaryOp.SATURATING_MUL, i);
            case MUL_HIGH_U32 -> bin(BinaryOp.MUL_HIGH, u);
            case MUL_HIGH_I32 -> bin(BinaryOp.MUL_HIGH, i);
            case ADD_F32 -> bin(BinaryOp.ADD, f);
            case SUB_F32 -> bin(BinaryOp.SUB, f);
            case MUL_F32 -> bin(BinaryOp.MUL, f);
            case DIV_F32 -> bin(BinaryOp.DIV, f);
            case MOD_F32 -> bin(BinaryOp.MOD, f);
            case EQ_F32 -> bin(BinaryOp.EQ, f);
            case NE_F32 -> bin(BinaryOp.NE, f);
            case LT_F32 -> bin(BinaryOp.LT, f);
            case GT_F32 -> bin(BinaryOp.GT, f);
            case LE_F32 -> bin(BinaryOp.LE, f);
            case GE_F32 -> bin(BinaryOp.GE, f);
            case ABS_DIFF_F32 -> bin(BinaryOp.ABS_DIFF, f);
            case MIN_F32 -> bin(BinaryOp.MIN, f);
            case MAX_F32 -> bin(BinaryOp.MAX, f);
            case NEG -> un(UnaryOp.NEGATE, u);
            case NOT -> un(UnaryOp.BIT_NOT, u);
            case POPCOUNT -> un(UnaryOp.POPCOUNT, u);
            case CLZ -> un(UnaryOp.CLZ, u);
            case CTZ -> un(UnaryOp.CTZ, u);
            case REVERSE_BITS -> un(UnaryOp.REVERSE_BITS, u);
            case ABS_I32 -> un(UnaryOp.ABS, i);
            case SIGN_I32 -> un(UnaryOp.SIGN, i);
            case UNPACK4_LOW -> un(UnaryOp.UNPACK4_LOW, u);
            case UNPACK4_HIGH -> un(UnaryOp.UNPACK4_HIGH, u);
            case UNPACK8_LOW -> un(UnaryOp.UNPACK8_LOW, u);
            case UNPACK8_HIGH -> un(UnaryOp.UNPACK8_HIGH, u);
            case NEG_F32 -> un(UnaryOp.NEGATE, f);
            case ABS_F32 -> un(UnaryOp.ABS, f);
            case SIGN_F32 -> un(UnaryOp.SIGN, f);
            case SQRT_F32 -> un(UnaryOp.SQRT, f);
            case FLOOR_F32 -> un(UnaryOp.FLOOR, f);
            case CEIL_F32 -> un(UnaryOp.CEIL, f);
            case ROUND_F32 -> un(UnaryOp.ROUND, f);
            case TRUNC_F32 -> un(UnaryOp.TRUNC, f);
            case RECIPROCAL_F32 -> un(UnaryOp.RECIPROCAL, f);
            case INVERSE_SQRT_F32 -> un(UnaryOp.INVERSE_SQRT, f);
            case IS_NAN -> un(UnaryOp.IS_NAN, f);
            case IS_INF -> un(UnaryOp.IS_INF, f);
            case IS_FINITE -> un(UnaryOp.IS_FINITE, f);
            case COS_F32 -> un(UnaryOp.COS, f);
            case SIN_F32 -> un(UnaryOp.SIN, f);
            case TAN_F32 -> un(UnaryOp.TAN, f);
            case ACOS_F32 -> un(UnaryOp.ACOS, f);
            case ASIN_F32 -> un(UnaryOp.ASIN, f);
            case ATAN_F32 -> un(UnaryOp.ATAN, f);
            case TANH_F32 -> un(UnaryOp.TANH, f);
            case SINH_F32 -> un(UnaryOp.SINH, f);
            case COSH_F32 -> un(UnaryOp.COSH, f);
            case EXP_F32 -> un(UnaryOp.EXP, f);
            case LOG_F32 -> un(UnaryOp.LOG, f);
            case LOG2_F32 -> un(UnaryOp.LOG2, f);
            case EXP2_F32 -> un(UnaryOp.EXP2, f);
            case U32_TO_F32 -> blocks.cast(f, u, RES, X);
            case I32_TO_F32 -> blocks.cast(f, i, RES, X);
            case F32_TO_U32 -> blocks.cast(u, f, RES, X);
            case F32_TO_I32 -> blocks.cast(i, f, RES, X);
            case INT_TO_BOOL -> blocks.cast(ScalarType.BOOL, u, RES, X);
            case F32_TO_BOOL -> blocks.cast(ScalarType.BOOL, f, RES, X);
            default -> null;
        };
    }

    private String bin(BinaryOp op, ScalarType type) {
        return blocks.binary(op, type, type, RES, X, Y);
    }

    private String un(UnaryOp op, ScalarType type) {
        return blocks.unary(op, type, RES, X);
    }

    /** RES = the id of axis IMM (0..2; another value reads as 2, the verifier allows only 0..2). */
    private void ids(VmOp op) {
        String[] values = new String[3];
        for (int axis = 0; axis < 3; axis++) {
            values[axis] = switch (op) {
                case LOCAL_ID -> LID[axis];
                case WORKGROUP_ID -> WID[axis];
                default -> {
                    String t = new String[] {T1, T2, T3}[axis];
                    out.ins("mad.lo.u32 " + t + ", " + WID[axis] + ", " + WS[axis] + ", " + LID[axis]);
                    yield t;
                }
            };
        }
        out.ins("mov.u32 " + RES + ", " + values[2]);
        out.ins("setp.eq.u32 " + PRED + ", " + IMM + ", 1");
        out.when(PRED, "mov.u32 " + RES + ", " + values[1]);
        out.ins("setp.eq.u32 " + PRED + ", " + IMM + ", 0");
        out.when(PRED, "mov.u32 " + RES + ", " + values[0]);
    }

    /** T0/T1 = the slot's address, T2 its count, T3 its kind; the slot is IMM bits 0..7, masked to 0..15. */
    private void descriptor() {
        out.ins("and.b32 " + T0 + ", " + IMM + ", " + (VmImageLayout.MAX_BUFFERS - 1));
        out.ins("mul.wide.u32 " + Q0 + ", " + T0 + ", " + VmScratchLayout.DESCRIPTOR_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + VmPtx.DESC);
        out.ins("ld.global.v4.u32 {" + T0 + ", " + T1 + ", " + T2 + ", " + T3 + "}, [" + Q0 + "]");
    }

    /**
     * The descriptor of the access, then: IN_BOUNDS = the index X lies in [0, count) (an I32 index with
     * SIGNED_INDEX: negative is out); BYTE = byte elements; Q0 = the element's address; counts the issuing lanes
     * that are out of bounds into {@code counter}; IN_BOUNDS is and-ed with ISSUE.
     */
    private void access(String counter, boolean atomic) {
        descriptor();
        out.ins("setp.lt.u32 " + IN_BOUNDS + ", " + X + ", " + T2);
        out.ins("and.b32 " + T4 + ", " + IMM + ", " + VmImageLayout.MEM_SIGNED_INDEX);
        out.ins("setp.ne.u32 " + PRED + ", " + T4 + ", 0");
        out.ins("setp.lt.s32 " + PRED2 + ", " + X + ", 0");
        out.ins("and.pred " + PRED + ", " + PRED + ", " + PRED2);
        out.ins("not.pred " + PRED + ", " + PRED);
        out.ins("and.pred " + IN_BOUNDS + ", " + IN_BOUNDS + ", " + PRED);
        out.ins("and.b32 " + T4 + ", " + T3 + ", " + VmScratchLayout.KIND_BYTES);
        out.ins("setp.ne.u32 " + BYTE + ", " + T4 + ", 0");
        if (atomic) {
            out.comment("atomics are on word slots only (verified); a byte slot is out of bounds, never misaligned");
            out.ins("not.pred " + PRED + ", " + BYTE);
            out.ins("and.pred " + IN_BOUNDS + ", " + IN_BOUNDS + ", " + PRED);
        }
        out.comment("out-of-bounds issuing lanes: the warp's count of them to the counter");
        out.ins("not.pred " + PRED + ", " + IN_BOUNDS);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + ISSUE);
        out.ins("vote.sync.ballot.b32 " + T4 + ", " + PRED + ", " + FULL);
        out.ins("popc.b32 " + T4 + ", " + T4);
        out.ins("cvt.u64.u32 " + Q1 + ", " + T4);
        out.ins("add.u64 " + counter + ", " + counter + ", " + Q1);
        out.ins("and.pred " + IN_BOUNDS + ", " + IN_BOUNDS + ", " + ISSUE);
        out.comment("the element's address: base + index * (1 or 4)");
        out.ins("selp.u32 " + T4 + ", 1, 4, " + BYTE);
        out.ins("mul.wide.u32 " + Q1 + ", " + X + ", " + T4);
        out.ins("cvt.u64.u32 " + Q0 + ", " + T1);
        out.ins("shl.b64 " + Q0 + ", " + Q0 + ", 32");
        out.ins("cvt.u64.u32 " + VmPtx.OOB_SPARE + ", " + T0);
        out.ins("or.b64 " + Q0 + ", " + Q0 + ", " + VmPtx.OOB_SPARE);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q1);
    }

    private void load() {
        access(OOB_LOADS, false);
        out.ins("mov.u32 " + RES + ", 0");
        out.ins("not.pred " + PRED + ", " + BYTE);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + IN_BOUNDS);
        out.when(PRED, "ld.global.u32 " + RES + ", [" + Q0 + "]");
        out.ins("and.pred " + PRED + ", " + BYTE + ", " + IN_BOUNDS);
        out.when(PRED, "ld.global.u8 " + RES + ", [" + Q0 + "]");
        out.comment("a Bool element: non-zero loads as 1");
        out.ins("and.b32 " + T4 + ", " + T3 + ", " + VmScratchLayout.KIND_BOOL);
        out.ins("setp.ne.u32 " + PRED + ", " + T4 + ", 0");
        out.ins("setp.ne.u32 " + PRED2 + ", " + RES + ", 0");
        out.ins("and.pred " + PRED + ", " + PRED + ", " + PRED2);
        out.when(PRED, "mov.u32 " + RES + ", 1");
        write();
    }

    private void store() {
        access(OOB_STORES, false);
        out.ins("not.pred " + PRED + ", " + BYTE);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + IN_BOUNDS);
        out.when(PRED, "st.global.u32 [" + Q0 + "], " + Y);
        out.ins("and.pred " + PRED + ", " + BYTE + ", " + IN_BOUNDS);
        out.when(PRED, "st.global.u8 [" + Q0 + "], " + Y);
        out.ins("bra " + STEP);
    }

    private void atomic(VmOp op) {
        if (op == VmOp.ATOMIC_CMPXCHG) {
            thirdOperand(VmImageLayout.MEM_C_SHIFT);
        }
        access(OOB_STORES, true);
        out.ins("mov.u32 " + RES + ", 0");
        String at = "[" + Q0 + "]";
        switch (op) {
            case ATOMIC_ADD -> out.when(IN_BOUNDS, "atom.global.add.u32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_OR -> out.when(IN_BOUNDS, "atom.global.or.b32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_AND -> out.when(IN_BOUNDS, "atom.global.and.b32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_XOR -> out.when(IN_BOUNDS, "atom.global.xor.b32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_MIN_U32 -> out.when(IN_BOUNDS, "atom.global.min.u32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_MIN_I32 -> out.when(IN_BOUNDS, "atom.global.min.s32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_MAX_U32, ATOMIC_LRU_UPDATE ->
                    out.when(IN_BOUNDS, "atom.global.max.u32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_MAX_I32 -> out.when(IN_BOUNDS, "atom.global.max.s32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_EXCHANGE -> out.when(IN_BOUNDS, "atom.global.exch.b32 " + RES + ", " + at + ", " + Y);
            case ATOMIC_CMPXCHG -> out.when(IN_BOUNDS, "atom.global.cas.b32 " + RES + ", " + at + ", " + Z + ", "
                    + Y);
            case ATOMIC_FETCH_NAND -> fetchNand(at);
            default -> throw new IllegalStateException("no device atomic for " + op);
        }
        write();
    }

    /** {@code ~(old & value)} by a compare-and-swap loop of each in-bounds issuing lane; RES = the old value. */
    private void fetchNand(String at) {
        String loop = label(VmOp.ATOMIC_FETCH_NAND) + "_LOOP";
        String done = label(VmOp.ATOMIC_FETCH_NAND) + "_DONE";
        out.when("!" + IN_BOUNDS, "bra " + done);
        out.ins("ld.global.u32 " + RES + ", " + at);
        out.label(loop);
        out.ins("and.b32 " + T4 + ", " + RES + ", " + Y);
        out.ins("not.b32 " + T4 + ", " + T4);
        out.ins("atom.global.cas.b32 " + GOT + ", " + at + ", " + RES + ", " + T4);
        out.ins("setp.ne.u32 " + PRED + ", " + GOT + ", " + RES);
        out.when(PRED, "mov.u32 " + RES + ", " + GOT);
        out.when(PRED, "bra " + loop);
        out.label(done);
    }

    /** The active lanes at P park (no step); the step loop goes on with the others. */
    private void park() {
        out.label(PARK);
        out.when(ISSUE, "setp.eq.u32 " + PARKED + ", " + LANE + ", " + LANE);
        out.ins("bra " + STEP);
    }

    /**
     * No lane is active. No lane live: the wave ends. Else every live lane is parked: at one pc Q the collective
     * runs once for all of them (one step) and they go on at Q + 1; at different pcs the slot faults DIVERGENT
     * with the lowest.
     */
    private void stall() {
        out.label(STALL);
        out.ins("vote.sync.ballot.b32 " + MASK + ", " + LIVE + ", " + FULL);
        out.ins("setp.eq.u32 " + PRED + ", " + MASK + ", 0");
        out.when(PRED, "bra " + VmPtx.LABEL + "_WAVE_END");
        out.ins("selp.u32 " + T0 + ", " + PC + ", " + NO_PC + ", " + LIVE);
        out.ins("redux.sync.min.u32 " + P + ", " + T0 + ", " + FULL);
        out.ins("selp.u32 " + T0 + ", " + PC + ", 0, " + LIVE);
        out.ins("redux.sync.max.u32 " + T1 + ", " + T0 + ", " + FULL);
        out.ins("setp.ne.u32 " + PRED + ", " + P + ", " + T1);
        out.when(PRED, "mov.u32 " + VmPtx.FDETAIL_TMP + ", " + P);
        out.when(PRED, "bra " + DIVERGENT);
        vm.countStep();
        out.ins("mov.pred " + ISSUE + ", " + LIVE);
        vm.fetch(P);
        String after = "L_VM_COLLECTIVE_DONE";
        for (VmOp op : new VmOp[] {VmOp.BARRIER, VmOp.SHUFFLE, VmOp.BALLOT, VmOp.WAVE_REDUCE}) {
            out.ins("setp.eq.u32 " + PRED + ", " + OP + ", " + op.code());
            out.when(PRED, "bra " + label(op));
        }
        out.ins("mov.u32 " + VmPtx.FDETAIL_TMP + ", " + P);
        out.ins("bra " + BAD_IMAGE);
        out.label(label(VmOp.BARRIER));
        out.comment("every live lane is here: the warp barrier orders their memory effects");
        out.ins("bar.warp.sync " + FULL);
        out.ins("bra " + after);
        out.label(label(VmOp.SHUFFLE));
        out.comment("a of lane b & 31, 0 when that lane is not live");
        out.ins("and.b32 " + T0 + ", " + Y + ", 31");
        out.ins("shfl.sync.idx.b32 " + GOT + ", " + X + ", " + T0 + ", 31, " + FULL);
        out.ins("shr.b32 " + T1 + ", " + MASK + ", " + T0);
        out.ins("and.b32 " + T1 + ", " + T1 + ", 1");
        out.ins("setp.ne.u32 " + PRED + ", " + T1 + ", 0");
        out.ins("selp.u32 " + RES + ", " + GOT + ", 0, " + PRED);
        out.ins("bra " + after + "_WRITE");
        out.label(label(VmOp.BALLOT));
        out.comment("bit i: lane i live and its a != 0; then & b");
        out.ins("setp.ne.u32 " + PRED + ", " + X + ", 0");
        out.ins("and.pred " + PRED + ", " + PRED + ", " + LIVE);
        out.ins("vote.sync.ballot.b32 " + RES + ", " + PRED + ", " + FULL);
        out.ins("and.b32 " + RES + ", " + RES + ", " + Y);
        out.ins("bra " + after + "_WRITE");
        waveReduce(after + "_WRITE");
        out.label(after + "_WRITE");
        out.when(ISSUE, "st.global.u32 [" + DA + "], " + RES);
        out.label(after);
        out.when(LIVE, "add.u32 " + PC + ", " + P + ", 1");
        out.ins("setp.ne.u32 " + PARKED + ", " + LANE + ", " + LANE);
        out.ins("bra " + STEP);
    }

    /**
     * WAVE_REDUCE, imm = kind | type << 8: integers by {@code redux.sync} (order-independent) with the identity for
     * lanes that are not live; F32 as the contract's left fold in lane order, lowest live lane first.
     */
    private void waveReduce(String write) {
        String base = label(VmOp.WAVE_REDUCE);
        out.label(base);
        String[] types = {"u32", "s32"};
        for (int type = 0; type < types.length; type++) {
            for (int kind = 0; kind < WAVE_REDUCE_INT.length; kind++) {
                out.ins("setp.eq.u32 " + PRED + ", " + IMM + ", " + (kind | type << VmImageLayout.REDUCE_TYPE_SHIFT));
                out.when(PRED, "bra " + base + "_" + types[type] + "_" + WAVE_REDUCE_INT[kind]);
            }
        }
        out.ins("shr.u32 " + T0 + ", " + IMM + ", " + VmImageLayout.REDUCE_TYPE_SHIFT);
        out.ins("and.b32 " + T1 + ", " + IMM + ", 255");
        out.ins("setp.eq.u32 " + PRED + ", " + T0 + ", 2");
        out.ins("setp.lt.u32 " + PRED2 + ", " + T1 + ", 3");
        out.ins("and.pred " + PRED + ", " + PRED + ", " + PRED2);
        out.when(PRED, "bra " + base + "_f32");
        out.ins("mov.u32 " + VmPtx.FDETAIL_TMP + ", " + P);
        out.ins("bra " + BAD_IMAGE);
        for (int type = 0; type < types.length; type++) {
            for (int kind = 0; kind < WAVE_REDUCE_INT.length; kind++) {
                String how = WAVE_REDUCE_INT[kind];
                out.label(base + "_" + types[type] + "_" + how);
                out.ins("selp.u32 " + T0 + ", " + X + ", " + u32(identity(how, type == 1)) + ", " + LIVE);
                String qualifier = kind >= 3 ? how + ".b32" : how + "." + types[type];
                out.ins("redux.sync." + qualifier + " " + RES + ", " + T0 + ", " + FULL);
                out.ins("bra " + write);
            }
        }
        out.label(base + "_f32");
        out.comment("F32: acc = a of the lowest live lane, then acc = acc op a of each next live lane");
        out.ins("mov.u32 " + ACC + ", 0");
        out.ins("setp.ne.u32 " + STARTED + ", " + LANE + ", " + LANE);
        out.ins("mov.u32 " + K + ", 0");
        out.label(base + "_f32_LOOP");
        out.ins("shfl.sync.idx.b32 " + GOT + ", " + X + ", " + K + ", 31, " + FULL);
        BinaryOp[] folds = {BinaryOp.ADD, BinaryOp.MIN, BinaryOp.MAX};
        for (int kind = 0; kind < folds.length; kind++) {
            out.raw(blocks.binary(folds[kind], ScalarType.F32, ScalarType.F32, FOLDED[kind], ACC, GOT));
        }
        out.ins("mov.u32 " + T2 + ", " + FOLDED[0]);
        out.ins("setp.eq.u32 " + PRED + ", " + T1 + ", 1");
        out.when(PRED, "mov.u32 " + T2 + ", " + FOLDED[1]);
        out.ins("setp.eq.u32 " + PRED + ", " + T1 + ", 2");
        out.when(PRED, "mov.u32 " + T2 + ", " + FOLDED[2]);
        out.ins("selp.u32 " + T2 + ", " + T2 + ", " + GOT + ", " + STARTED);
        out.ins("shr.b32 " + T3 + ", " + MASK + ", " + K);
        out.ins("and.b32 " + T3 + ", " + T3 + ", 1");
        out.ins("setp.ne.u32 " + PRED + ", " + T3 + ", 0");
        out.ins("selp.u32 " + ACC + ", " + T2 + ", " + ACC + ", " + PRED);
        out.ins("or.pred " + STARTED + ", " + STARTED + ", " + PRED);
        out.ins("add.u32 " + K + ", " + K + ", 1");
        out.ins("setp.lt.u32 " + PRED + ", " + K + ", 32");
        out.when(PRED, "bra " + base + "_f32_LOOP");
        out.ins("mov.u32 " + RES + ", " + ACC);
        out.ins("bra " + write);
    }

    /** The value a lane that is not live contributes to an integer reduction. */
    private static int identity(String how, boolean signed) {
        return switch (how) {
            case "min" -> signed ? Integer.MAX_VALUE : -1;
            case "max" -> signed ? Integer.MIN_VALUE : 0;
            case "and" -> -1;
            default -> 0;
        };
    }
}
