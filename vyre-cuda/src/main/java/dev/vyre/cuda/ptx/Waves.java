package dev.vyre.cuda.ptx;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BinaryOp;

/**
 * The wave collectives (Shuffle, WaveBroadcast, Ballot, WaveReduce) over the warp, wave size 32.
 *
 * <p>Every {@code .sync} instruction names the warp's <em>existing</em> lanes ({@code memberMask}: all 32, or the
 * lanes of a partial last warp). Per the PTX ISA such an instruction waits for every <em>non-exited</em> thread of
 * the mask, so lanes that executed {@code Return} (and thereby {@code exit}) drop out, exactly like the reference's
 * live lanes; unlike {@code activemask}, it does not depend on how the warp happens to be converged. The live set
 * itself comes from {@code vote.sync.ballot} of true, to which exited lanes contribute nothing.
 */
final class Waves {
    /** Source-lane clamp operand of {@code shfl.sync.idx} for a full 32-lane segment. */
    private static final String FULL_SEGMENT = "31";

    private final PtxCode c;
    private final Arith arith;
    private final String memberMask;

    /** {@code memberMask}: a register or immediate holding the existing lanes of this thread's warp. */
    Waves(PtxCode code, Arith arith, String memberMask) {
        this.c = code;
        this.arith = arith;
        this.memberMask = memberMask;
    }

    /** The lanes that reached this collective (bit i for lane i). */
    private String liveLanes() {
        String always = c.pred();
        String live = c.b32();
        c.op("mov.pred " + always + ", 1");
        c.op("vote.sync.ballot.b32 " + live + ", " + always + ", " + memberMask);
        return live;
    }

    /** A predicate: bit {@code lane} of {@code mask} is set. */
    private String bit(String mask, String lane) {
        String shifted = c.b32();
        String bit = c.b32();
        String p = c.pred();
        c.op("shr.b32 " + shifted + ", " + mask + ", " + lane);
        c.op("and.b32 " + bit + ", " + shifted + ", 1");
        c.op("setp.ne.u32 " + p + ", " + bit + ", 0");
        return p;
    }

    /** Shuffle and WaveBroadcast: {@code l} of lane {@code r & 31}, or 0 of l's type when that lane is not live. */
    Value shuffle(Value l, Value r) {
        String live = liveLanes();
        String word = l.reg();
        if (l.isBool()) {
            word = c.b32();
            c.op("selp.b32 " + word + ", 1, 0, " + l.reg());
        }
        String src = c.b32();
        String got = c.b32();
        String d = c.b32();
        c.op("and.b32 " + src + ", " + r.reg() + ", 31");
        c.op("shfl.sync.idx.b32 " + got + ", " + word + ", " + src + ", " + FULL_SEGMENT + ", " + memberMask);
        String srcLive = bit(live, src);
        c.op("selp.b32 " + d + ", " + got + ", 0, " + srcLive);
        if (!l.isBool()) {
            return new Value(d, l.type());
        }
        String p = c.pred();
        c.op("setp.ne.u32 " + p + ", " + d + ", 0");
        return new Value(p, BOOL);
    }

    /** Ballot: bit i set when lane i is live and its {@code l} is true, then {@code & r}. */
    Value ballot(Value l, Value r) {
        String votes = c.b32();
        String d = c.b32();
        c.op("vote.sync.ballot.b32 " + votes + ", " + l.reg() + ", " + memberMask);
        c.op("and.b32 " + d + ", " + votes + ", " + r.reg());
        return new Value(d, U32);
    }

    /**
     * WaveReduce with selector {@code kind} (0 Add, 1 Min, 2 Max, 3 BitAnd, 4 BitOr, 5 BitXor). Integer reductions
     * are order-independent and use {@code redux.sync}; F32 ones are the reference's left fold in lane order, lane
     * 0 first, which every lane computes from the 32 shuffled values.
     */
    Value reduce(Value l, int kind) {
        if (l.type() == F32) {
            return foldF32(l, kind);
        }
        String signedness = l.type() == I32 ? "s32" : "u32";
        String op = switch (kind) {
            case 0 -> "add." + signedness;
            case 1 -> "min." + signedness;
            case 2 -> "max." + signedness;
            case 3 -> "and.b32";
            case 4 -> "or.b32";
            case 5 -> "xor.b32";
            default -> throw new IllegalStateException("WaveReduce selector " + kind + " reached lowering");
        };
        String d = c.b32();
        c.op("redux.sync." + op + " " + d + ", " + l.reg() + ", " + memberMask);
        return new Value(d, l.type());
    }

    private Value foldF32(Value l, int kind) {
        BinaryOp fold = switch (kind) {
            case 0 -> BinaryOp.ADD;
            case 1 -> BinaryOp.MIN;
            case 2 -> BinaryOp.MAX;
            default -> throw new IllegalStateException("WaveReduce selector " + kind + " on F32 reached lowering");
        };
        String live = liveLanes();
        String acc = c.b32();
        String started = c.pred();
        String lane = c.b32();
        String got = c.b32();
        String pick = c.b32();
        String more = c.pred();
        String loop = c.label("reduce");
        c.op("mov.b32 " + acc + ", 0");
        c.op("mov.pred " + started + ", 0");
        c.op("mov.b32 " + lane + ", 0");
        c.place(loop);
        c.op("shfl.sync.idx.b32 " + got + ", " + l.reg() + ", " + lane + ", " + FULL_SEGMENT + ", " + memberMask);
        String laneLive = bit(live, lane);
        Value combined = arith.binary(fold, new Value(acc, F32), new Value(got, F32));
        c.op("selp.b32 " + pick + ", " + combined.reg() + ", " + got + ", " + started);
        c.op("selp.b32 " + acc + ", " + pick + ", " + acc + ", " + laneLive);
        c.op("or.pred " + started + ", " + started + ", " + laneLive);
        c.op("add.u32 " + lane + ", " + lane + ", 1");
        c.op("setp.lt.u32 " + more + ", " + lane + ", 32");
        c.guarded(more, "bra " + loop);
        return new Value(acc, F32);
    }
}
