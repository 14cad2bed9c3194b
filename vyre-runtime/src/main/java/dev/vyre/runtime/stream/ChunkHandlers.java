package dev.vyre.runtime.stream;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Ready-made VIR0 handlers that read a {@link GpuStream} chunk in place through the {@value HandlerTable#DATA}
 * buffer: checksums for tests and the ingest benchmark, and a template for handlers of one's own. Each writes its
 * result to the chunk slot's result words.
 */
public final class ChunkHandlers {
    /** FNV-1a 32-bit offset basis. */
    public static final int FNV_OFFSET_BASIS = 0x811C9DC5;
    /** FNV-1a 32-bit prime. */
    public static final int FNV_PRIME = 0x01000193;
    /** Result word of the checksum. */
    public static final int RESULT_CHECKSUM = ChunkSlot.RESULT_FIRST;
    /** Result word of the number of bytes the checksum covers. */
    public static final int RESULT_BYTES = ChunkSlot.RESULT_FIRST + 1;

    private static final String ARGS = HandlerTable.ARGS;
    private static final String DATA = HandlerTable.DATA;

    private ChunkHandlers() {
    }

    /**
     * FNV-1a (32 bit) over the bytes the slot names: the chunk's own bytes, then its overlap bytes (so the file bytes
     * {@code [fileOffset, fileOffset + length + overlapLength)}). Writes the hash to {@link #RESULT_CHECKSUM} and
     * {@code length + overlapLength} to {@link #RESULT_BYTES}. {@code data} is declared {@code Bytes}.
     */
    public static Program fnv1a() {
        return Program.of(Program.WorkgroupSize.of(1), buffers(ScalarType.BYTES), List.of(
                new Node.Let("h", Expr.u32(FNV_OFFSET_BASIS)),
                new Node.Let("own", arg(ChunkSlot.DATA_OFFSET)),
                new Node.For("i", Expr.u32(0), arg(ChunkSlot.LENGTH), List.of(fnvStep(Expr.var("own"), "i"))),
                new Node.Let("more", arg(ChunkSlot.OVERLAP_OFFSET)),
                new Node.For("j", Expr.u32(0), arg(ChunkSlot.OVERLAP_LENGTH), List.of(fnvStep(Expr.var("more"), "j"))),
                new Node.Store(ARGS, Expr.u32(RESULT_CHECKSUM), Expr.var("h")),
                new Node.Store(ARGS, Expr.u32(RESULT_BYTES), Expr.add(arg(ChunkSlot.LENGTH),
                        arg(ChunkSlot.OVERLAP_LENGTH)))));
    }

    /** {@code h = (h ^ data[base + index]) * FNV_PRIME}. */
    private static Node fnvStep(Expr base, String index) {
        Expr b = Expr.load(DATA, Expr.add(base, Expr.var(index)));
        return new Node.Assign("h", Expr.mul(Expr.bin(BinaryOp.BIT_XOR, Expr.var("h"), b), Expr.u32(FNV_PRIME)));
    }

    /**
     * The wrapping sum of the chunk's own bytes read as little-endian u32 words, the last partial word padded with
     * zero bytes (overlap not included): four bytes per step, the cheap checksum of the ingest benchmark. Writes the
     * sum to {@link #RESULT_CHECKSUM} and the length to {@link #RESULT_BYTES}. {@code data} is declared {@code U32}
     * (chunks start on a page, so at a whole word).
     */
    public static Program wordSum() {
        Expr length = arg(ChunkSlot.LENGTH);
        return Program.of(Program.WorkgroupSize.of(1), buffers(ScalarType.U32), List.of(
                new Node.Let("base", Expr.bin(BinaryOp.SHR, arg(ChunkSlot.DATA_OFFSET), Expr.u32(2))),
                new Node.Let("words", Expr.bin(BinaryOp.SHR, length, Expr.u32(2))),
                new Node.Let("tail", Expr.bin(BinaryOp.BIT_AND, length, Expr.u32(3))),
                new Node.Let("sum", Expr.u32(0)),
                new Node.For("i", Expr.u32(0), Expr.var("words"), List.of(new Node.Assign("sum",
                        Expr.add(Expr.var("sum"), Expr.load(DATA, Expr.add(Expr.var("base"), Expr.var("i"))))))),
                new Node.If(Expr.bin(BinaryOp.NE, Expr.var("tail"), Expr.u32(0)), List.of(
                        new Node.Let("mask", Expr.bin(BinaryOp.SUB, Expr.bin(BinaryOp.SHL, Expr.u32(1),
                                Expr.mul(Expr.var("tail"), Expr.u32(8))), Expr.u32(1))),
                        new Node.Assign("sum", Expr.add(Expr.var("sum"), Expr.bin(BinaryOp.BIT_AND, Expr.var("mask"),
                                Expr.load(DATA, Expr.add(Expr.var("base"), Expr.var("words"))))))), List.of()),
                new Node.Store(ARGS, Expr.u32(RESULT_CHECKSUM), Expr.var("sum")),
                new Node.Store(ARGS, Expr.u32(RESULT_BYTES), length)));
    }

    /** Independent accumulators per lane of {@link #warpWordSum()}: loads each lane keeps in flight per round. */
    public static final int WARP_SUM_ACCUMULATORS = 8;
    /** Words a warp reads per round of {@link #warpWordSum()}: 32 lanes x {@value #WARP_SUM_ACCUMULATORS}. */
    public static final int WARP_SUM_ROUND_WORDS = HandlerTable.COOPERATIVE_LANES * WARP_SUM_ACCUMULATORS;

    /**
     * The sum of {@link #wordSum()} (same words, same result, same {@link #RESULT_CHECKSUM} and
     * {@link #RESULT_BYTES}) by a cooperative handler (workgroup size 32x1x1, docs/MEGAKERNEL.md): in each round the
     * warp reads {@value #WARP_SUM_ROUND_WORDS} consecutive words, lane l the words {@code 32a + l} of the round
     * into accumulator a (a = 0..7), so that each of its loads is one contiguous 128-byte line across the warp and
     * each lane has eight independent loads in flight; the rest of the words (fewer than a round) are shared out the
     * same way, lane 0 adds the masked tail, and a WaveReduce Add combines the lanes. Lane 0 writes the result.
     */
    public static Program warpWordSum() {
        Expr length = arg(ChunkSlot.LENGTH);
        Expr lane = new Expr.LocalId(0);
        List<Node> body = new ArrayList<>(List.of(
                new Node.Let("base", Expr.bin(BinaryOp.SHR, arg(ChunkSlot.DATA_OFFSET), Expr.u32(2))),
                new Node.Let("words", Expr.bin(BinaryOp.SHR, length, Expr.u32(2))),
                new Node.Let("tail", Expr.bin(BinaryOp.BIT_AND, length, Expr.u32(3))),
                new Node.Let("lane", lane),
                new Node.Let("rounds", Expr.bin(BinaryOp.DIV, Expr.var("words"), Expr.u32(WARP_SUM_ROUND_WORDS))),
                new Node.Let("first", Expr.add(Expr.var("base"), Expr.var("lane")))));
        List<Node> round = new ArrayList<>();
        round.add(new Node.Let("at", Expr.add(Expr.var("first"), Expr.mul(Expr.var("r"),
                Expr.u32(WARP_SUM_ROUND_WORDS)))));
        for (int a = 0; a < WARP_SUM_ACCUMULATORS; a++) {
            body.add(new Node.Let("acc" + a, Expr.u32(0)));
            round.add(new Node.Assign("acc" + a, Expr.add(Expr.var("acc" + a), Expr.load(DATA,
                    Expr.add(Expr.var("at"), Expr.u32(a * HandlerTable.COOPERATIVE_LANES))))));
        }
        body.add(new Node.For("r", Expr.u32(0), Expr.var("rounds"), round));
        Expr done = Expr.mul(Expr.var("rounds"), Expr.u32(WARP_SUM_ROUND_WORDS));
        body.add(new Node.For("k", Expr.u32(0), Expr.u32(WARP_SUM_ACCUMULATORS), List.of(
                new Node.Let("w", Expr.add(done, Expr.add(Expr.mul(Expr.var("k"),
                        Expr.u32(HandlerTable.COOPERATIVE_LANES)), Expr.var("lane")))),
                new Node.If(Expr.bin(BinaryOp.LT, Expr.var("w"), Expr.var("words")), List.of(
                        new Node.Assign("acc0", Expr.add(Expr.var("acc0"), Expr.load(DATA,
                                Expr.add(Expr.var("base"), Expr.var("w")))))), List.of()))));
        finishWarpSum(body, WARP_SUM_ACCUMULATORS, length);
        return Program.of(Program.WorkgroupSize.of(HandlerTable.COOPERATIVE_LANES), buffers(ScalarType.U32), body);
    }

    /** Words each lane reads with one vector load in {@link #warpVectorSum(int)}: 16 bytes. */
    public static final int VECTOR_WORDS = 4;
    /** Vector loads per lane and round of {@link #warpVectorSum(int)} in {@code vyre bench ingest}'s warpvec8. */
    public static final int WARP_VEC_GROUPS = 8;
    /** The most vector loads per lane and round {@link #warpVectorSum(int)} takes (registers: 4 per load). */
    public static final int MAX_WARP_VEC_GROUPS = 16;

    /** Words a warp reads per round of {@link #warpVectorSum(int)} with {@code groups} vector loads per lane. */
    public static int warpVectorRoundWords(int groups) {
        return HandlerTable.COOPERATIVE_LANES * VECTOR_WORDS * groups;
    }

    /**
     * The sum of {@link #wordSum()} (same words, same result words) by a cooperative handler whose lanes read 16
     * bytes per load: in each round the warp reads {@code 32 * 4 * groups} consecutive words; for group g, lane l
     * reads the four words {@code p, p + 1, p + 2, p + 3} at {@code p = base + round + 128 g + 4 l}, written as four
     * consecutive {@code Let}s, the pattern the PTX emitter lowers to one {@code ld.v4} when the address is 16-byte
     * aligned and in bounds (docs/PTX-EMITTER.md, "Vector loads"; chunks of a {@link GpuStream} start on a page, so
     * every such load is aligned), so each warp-wide load is 512 contiguous bytes and each lane has {@code groups}
     * such loads in flight. All loads of a round come before their sums. The words after the last whole round (fewer
     * than a round) are shared out a word per lane per step, in as many steps as they need; lane 0 adds the masked
     * tail; a WaveReduce Add combines the lanes; lane 0 writes the result. Any interpreter or backend computes the
     * same sum (wrapping addition in any order).
     *
     * @param groups vector loads per lane and round, 1 to {@value #MAX_WARP_VEC_GROUPS}
     */
    public static Program warpVectorSum(int groups) {
        if (groups < 1 || groups > MAX_WARP_VEC_GROUPS) {
            throw new GpuStreamException("a warp vector sum with " + groups + " vector loads per lane and round",
                    "use 1 to " + MAX_WARP_VEC_GROUPS + " (each takes four registers per lane)");
        }
        int roundWords = warpVectorRoundWords(groups);
        int lanes = HandlerTable.COOPERATIVE_LANES;
        Expr length = arg(ChunkSlot.LENGTH);
        List<Node> body = new ArrayList<>(List.of(
                new Node.Let("base", Expr.bin(BinaryOp.SHR, arg(ChunkSlot.DATA_OFFSET), Expr.u32(2))),
                new Node.Let("words", Expr.bin(BinaryOp.SHR, length, Expr.u32(2))),
                new Node.Let("tail", Expr.bin(BinaryOp.BIT_AND, length, Expr.u32(3))),
                new Node.Let("lane", new Expr.LocalId(0)),
                new Node.Let("rounds", Expr.bin(BinaryOp.DIV, Expr.var("words"), Expr.u32(roundWords))),
                new Node.Let("first", Expr.add(Expr.var("base"), Expr.mul(Expr.var("lane"), Expr.u32(VECTOR_WORDS))))));
        List<Node> round = new ArrayList<>();
        round.add(new Node.Let("at", Expr.add(Expr.var("first"), Expr.mul(Expr.var("r"), Expr.u32(roundWords)))));
        List<Node> sums = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            body.add(new Node.Let("acc" + g, Expr.u32(0)));
            String p = "p" + g;
            round.add(new Node.Let(p, Expr.add(Expr.var("at"), Expr.u32(g * lanes * VECTOR_WORDS))));
            Expr sum = null;
            for (int k = 0; k < VECTOR_WORDS; k++) {
                String w = "w" + g + "_" + k;
                round.add(new Node.Let(w, Expr.load(DATA, k == 0 ? Expr.var(p) : Expr.add(Expr.var(p), Expr.u32(k)))));
                sum = sum == null ? Expr.var(w) : Expr.add(sum, Expr.var(w));
            }
            sums.add(new Node.Assign("acc" + g, Expr.add(Expr.var("acc" + g), sum)));
        }
        round.addAll(sums);
        body.add(new Node.For("r", Expr.u32(0), Expr.var("rounds"), round));
        body.add(new Node.Let("done", Expr.mul(Expr.var("rounds"), Expr.u32(roundWords))));
        body.add(new Node.Let("restSteps", Expr.bin(BinaryOp.SHR, Expr.add(Expr.bin(BinaryOp.SUB, Expr.var("words"),
                Expr.var("done")), Expr.u32(lanes - 1)), Expr.u32(Integer.numberOfTrailingZeros(lanes)))));
        body.add(new Node.For("k", Expr.u32(0), Expr.var("restSteps"), List.of(
                new Node.Let("w", Expr.add(Expr.var("done"), Expr.add(Expr.mul(Expr.var("k"), Expr.u32(lanes)),
                        Expr.var("lane")))),
                new Node.If(Expr.bin(BinaryOp.LT, Expr.var("w"), Expr.var("words")), List.of(
                        new Node.Assign("acc0", Expr.add(Expr.var("acc0"), Expr.load(DATA,
                                Expr.add(Expr.var("base"), Expr.var("w")))))), List.of()))));
        finishWarpSum(body, groups, length);
        return Program.of(Program.WorkgroupSize.of(lanes), buffers(ScalarType.U32), body);
    }

    /**
     * The end of both warp sums: lane 0 adds the tail word masked to its {@code tail} bytes, the lanes' accumulators
     * {@code acc0..acc<n-1>} are added and combined by a WaveReduce Add, and lane 0 writes the result words.
     */
    private static void finishWarpSum(List<Node> body, int accumulators, Expr length) {
        body.add(new Node.If(Expr.bin(BinaryOp.AND, Expr.bin(BinaryOp.EQ, Expr.var("lane"), Expr.u32(0)),
                Expr.bin(BinaryOp.NE, Expr.var("tail"), Expr.u32(0))), List.of(
                new Node.Let("mask", Expr.bin(BinaryOp.SUB, Expr.bin(BinaryOp.SHL, Expr.u32(1),
                        Expr.mul(Expr.var("tail"), Expr.u32(8))), Expr.u32(1))),
                new Node.Assign("acc0", Expr.add(Expr.var("acc0"), Expr.bin(BinaryOp.BIT_AND, Expr.var("mask"),
                        Expr.load(DATA, Expr.add(Expr.var("base"), Expr.var("words"))))))), List.of()));
        Expr sum = Expr.var("acc0");
        for (int a = 1; a < accumulators; a++) {
            sum = Expr.add(sum, Expr.var("acc" + a));
        }
        body.add(new Node.Let("total", Expr.bin(BinaryOp.WAVE_REDUCE, sum, Expr.u32(0))));
        body.add(new Node.If(Expr.bin(BinaryOp.EQ, Expr.var("lane"), Expr.u32(0)), List.of(
                new Node.Store(ARGS, Expr.u32(RESULT_CHECKSUM), Expr.var("total")),
                new Node.Store(ARGS, Expr.u32(RESULT_BYTES), length)), List.of()));
    }

    /** The three handler buffers, {@code data} with {@code dataType} elements. */
    public static List<BufferDecl> buffers(ScalarType dataType) {
        return List.of(
                BufferDecl.of(ARGS, 0, BufferAccess.READ_WRITE, ScalarType.U32, SlotLayout.ARGS_PER_SLOT, true),
                BufferDecl.of(HandlerTable.CONTROL, 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, false),
                BufferDecl.of(DATA, 2, BufferAccess.READ_ONLY, dataType, 0, false));
    }

    private static Expr arg(int word) {
        return Expr.load(ARGS, Expr.u32(word));
    }
}
