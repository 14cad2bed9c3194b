package dev.vyre.cuda.ptx;

/**
 * The collectives of a cooperative megakernel handler (workgroup size 32x1x1: one workgroup of 32 independent
 * lanes, the reference's {@code ReferenceInterpreter.runLanes}), lowered for the 32 lanes of one warp that all call
 * the handler's {@code .func}.
 *
 * <p>A lane that returns cannot {@code exit} (the worker goes on after the call), so the lowering tracks liveness
 * itself. Every collective is a <em>rendezvous</em> of the whole warp: each live lane arriving at collective site
 * {@code s} (numbered 1, 2, ... in program order) contributes {@code s} to {@code redux.sync.min} and
 * {@code redux.sync.max} over all 32 lanes, then votes true in {@code vote.sync.ballot}; a lane that has finished
 * (returned, ended its body, or run out of steps) waits in the <em>retire loop</em>, contributing {@code 0xFFFFFFFF},
 * {@code 0} and a false vote, until every lane has finished. The PTX ISA lets these {@code .sync} instructions meet
 * from different instructions as long as their qualifiers and member mask agree, which they do. So:
 * <ul>
 *   <li>min = max: every live lane is at site s; the ballot is the live set, and the collective itself runs with it
 *       as member mask (only those lanes execute it), exactly the interpreter's live lanes;</li>
 *   <li>min != max: live lanes reached different collectives, the interpreter's divergence: every lane at the
 *       rendezvous fails ({@link PtxEmitter#HANDLER_FAULT}); the retired lanes keep their status;</li>
 *   <li>max = 0 in the retire loop: every lane has finished.</li>
 * </ul>
 * Each rendezvous is preceded by a step checkpoint, so a lane past its cut-off retires (out of steps) before it can
 * take part, as the interpreter stops it. Finally every lane computes the slot's status, that of the lowest lane
 * whose status is not OK, and meets the others at {@code bar.warp.sync}, which orders the lanes' writes to the
 * argument scratch before the caller (lane 0) copies it back.
 */
final class WarpLanes {
    /** Member mask of the whole warp. */
    static final String FULL = "0xFFFFFFFF";

    private final PtxCode c;
    private final StepMeter meter;
    private final String status;
    private final String diverged;
    private int sites;

    /**
     * @param status   the lane's status register, set before a lane retires
     * @param diverged the label a lane at a divergent rendezvous branches to (it sets the fault status)
     */
    WarpLanes(PtxCode code, StepMeter meter, String status, String diverged) {
        this.c = code;
        this.meter = meter;
        this.status = status;
        this.diverged = diverged;
    }

    /** Checkpoint, then the rendezvous of a new collective site; returns the register holding the live lanes. */
    String rendezvous() {
        meter.checkpoint();
        int site = ++sites;
        String siteReg = c.b32();
        String lo = c.b32();
        String hi = c.b32();
        String split = c.pred();
        String yes = c.pred();
        String live = c.b32();
        c.comment("collective site " + site + ": rendezvous of the warp");
        c.op("mov.u32 " + siteReg + ", " + site);
        c.op("redux.sync.min.u32 " + lo + ", " + siteReg + ", " + FULL);
        c.op("redux.sync.max.u32 " + hi + ", " + siteReg + ", " + FULL);
        c.op("setp.ne.u32 " + split + ", " + lo + ", " + hi);
        c.guarded(split, "bra " + diverged);
        c.op("mov.pred " + yes + ", 1");
        c.op("vote.sync.ballot.b32 " + live + ", " + yes + ", " + FULL);
        return live;
    }

    /** Barrier: the rendezvous, then {@code bar.warp.sync} of the live lanes (which also orders their memory). */
    void barrier() {
        String live = rendezvous();
        c.op("bar.warp.sync " + live);
    }

    /**
     * Places the divergence exit, the retire loop (entered at {@code retire}) and the epilogue that returns the
     * slot's status: every lane branches to {@code retire} with its status set.
     */
    void finish(String retire, String returnParam) {
        String epilogue = c.label("lanes_done");
        c.place(diverged);
        c.op("mov.u32 " + status + ", " + PtxEmitter.HANDLER_FAULT);
        c.op("bra " + epilogue);
        String none = c.b32();
        String zero = c.b32();
        String lo = c.b32();
        String hi = c.b32();
        String p = c.pred();
        String no = c.pred();
        String ignored = c.b32();
        c.place(retire);
        c.comment("retired: meet the live lanes' rendezvous until every lane has finished");
        c.op("mov.u32 " + none + ", " + FULL);
        c.op("mov.u32 " + zero + ", 0");
        c.op("redux.sync.min.u32 " + lo + ", " + none + ", " + FULL);
        c.op("redux.sync.max.u32 " + hi + ", " + zero + ", " + FULL);
        c.op("setp.eq.u32 " + p + ", " + hi + ", 0");
        c.guarded(p, "bra " + epilogue);
        c.op("setp.ne.u32 " + p + ", " + lo + ", " + hi);
        c.guarded(p, "bra " + epilogue);
        c.op("mov.pred " + no + ", 0");
        c.op("vote.sync.ballot.b32 " + ignored + ", " + no + ", " + FULL);
        c.op("bra " + retire);
        String bad = c.pred();
        String faulted = c.b32();
        String reversed = c.b32();
        String lowest = c.b32();
        String result = c.b32();
        String clean = c.pred();
        c.place(epilogue);
        c.comment("the slot's status: that of the lowest lane that did not finish OK");
        c.op("setp.ne.u32 " + bad + ", " + status + ", " + PtxEmitter.HANDLER_OK);
        c.op("vote.sync.ballot.b32 " + faulted + ", " + bad + ", " + FULL);
        c.op("brev.b32 " + reversed + ", " + faulted);
        c.op("clz.b32 " + lowest + ", " + reversed);
        c.op("and.b32 " + lowest + ", " + lowest + ", 31");
        c.op("shfl.sync.idx.b32 " + result + ", " + status + ", " + lowest + ", 31, " + FULL);
        c.op("setp.eq.u32 " + clean + ", " + faulted + ", 0");
        c.op("selp.b32 " + result + ", " + PtxEmitter.HANDLER_OK + ", " + result + ", " + clean);
        c.op("bar.warp.sync " + FULL);
        c.op("st.param.b32 [" + returnParam + "], " + result);
        c.op("ret");
    }
}
