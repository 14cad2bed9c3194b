package dev.vyre.runtime.cuda;

import static dev.vyre.runtime.cuda.PtxBuilder.u32;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImageLayout;
import dev.vyre.vm.VmTableLayout;

/**
 * The VIR0 bytecode interpreter of the megakernel (VM_EXEC, docs/VM-BYTECODE.md; docs/MEGAKERNEL-CUDA.md, "The
 * device VIR0 interpreter"). A worker's whole warp runs it: lane 0 claimed the slot and sent lanes 1..31 here; the
 * arguments are broadcast from lane 0; the program and buffer-set entries are read from the tables in pinned host
 * memory ({@code .sys} loads, STATE with acquire) and checked in the contract's order; the image is copied into the
 * warp's device-memory cache ({@link VmScratchLayout}) unless the cache already holds this entry's generation;
 * then every workgroup FIRST..FIRST+COUNT-1 runs, wave by wave, lane i of the warp being invocation
 * {@code 32 * wave + i}.
 *
 * <p>Scheduling is the contract's minimum-pc rule, executed uniformly by all 32 lanes: one {@code redux.sync.min}
 * gives the lowest pc P of the active lanes, the instruction at P is fetched once (the same address for every
 * lane), decoded, and dispatched through one {@code brx.idx} jump table of 256 entries; every lane runs the
 * handler, and only the lanes whose pc is P ("issuing") write their register, memory or pc. Registers live in
 * device memory laid out register-major ({@code [r][lane]}), so one register of the warp is one 128-byte line.
 * Collectives park the active lanes at P; when no lane is active and every live lane is parked at one pc the
 * collective runs once for all of them, with the warp's {@code shfl/vote/redux}. Every fault is warp-uniform.
 */
final class VmPtx {
    /** Label of the section (all 32 lanes come here). */
    static final String LABEL = "L_VM";
    /** Member mask of the whole warp: every lane runs every step. */
    static final String FULL = "0xFFFFFFFF";
    /** The pc of a lane that is not active. */
    static final String NO_PC = "0xFFFFFFFF";

    /**
     * What the entry provides.
     *
     * @param args       registers of ARG0..ARG11 (lane 0's are loaded; the section broadcasts them)
     * @param tenant     register of the slot's TENANT word (lane 0's)
     * @param worker     register of the worker index (the same on all lanes of its warp)
     * @param slot       register with the slot's address (lane 0 writes the results there)
     * @param fcode      fault code register
     * @param fdetail    fault detail register
     * @param faultLabel where lane 0 faults once both registers are set
     * @param doneLabel  where lane 0 completes the slot
     * @param lanesWait  where lanes 1..31 wait for lane 0's next command
     */
    record Frame(String[] args, String tenant, String worker, String slot, String fcode, String fdetail,
                 String faultLabel, String doneLabel, String lanesWait) {
        Frame {
            args = args.clone();
        }
    }

    // ---- registers ----
    static final String TABLES = "%vtab";
    static final String SCRATCH = "%vscr";
    static final String RF = "%vrf";
    static final String CACHE = "%vcache";
    static final String INS = "%vins";
    static final String HOST_INS = "%vhins";
    static final String IMG = "%vimg";
    static final String Q0 = "%vq0";
    static final String Q1 = "%vq1";
    static final String Q2 = "%vq2";
    static final String OOB_LOADS = "%voobl";
    static final String OOB_STORES = "%voobs";
    static final String WGM = "%vwgm";
    /** This warp's slot descriptors. */
    static final String DESC = "%vdesc";
    static final String DA = "%vda";
    static final String AA = "%vaa";
    static final String BA = "%vba";
    static final String LANE = "%vlane";
    static final String PC = "%vpc";
    static final String P = "%vP";
    static final String KEY = "%vkey";
    static final String STEPS = "%vsteps";
    static final String I0 = "%vi0";
    static final String OP = "%vop";
    static final String D = "%vd";
    static final String A = "%va";
    static final String B = "%vb";
    static final String IMM = "%vimm";
    static final String X = "%vx";
    static final String Y = "%vy";
    static final String Z = "%vz";
    static final String RES = "%vres";
    static final String T0 = "%vt0";
    static final String T1 = "%vt1";
    static final String T2 = "%vt2";
    static final String T3 = "%vt3";
    static final String T4 = "%vt4";
    static final String T5 = "%vt5";
    static final String REGS = "%vregs";
    static final String INV = "%vinv";
    static final String WAVES = "%vwaves";
    static final String WAVE = "%vwave";
    static final String L = "%vL";
    static final String LEND = "%vLend";
    static final String BUFS = "%vbufs";
    static final String NINS = "%vnins";
    static final String CACHED_INS = "%vcins";
    static final String WG_WORDS = "%vwgw";
    static final String PSTATE = "%vpst";
    static final String[] WS = {"%vws0", "%vws1", "%vws2"};
    static final String[] LID = {"%vlid0", "%vlid1", "%vlid2"};
    static final String[] WID = {"%vwid0", "%vwid1", "%vwid2"};
    static final String PRED = "%vp";
    static final String PRED2 = "%vp2";
    static final String ISSUE = "%vissue";
    static final String LIVE = "%vlive";
    static final String PARKED = "%vparked";
    static final String IN_CACHE = "%vinc";

    private final PtxBuilder out;
    private final Frame frame;
    private final VmOpsPtx ops;

    VmPtx(PtxBuilder out, Frame frame) {
        this.out = out;
        this.frame = frame;
        this.ops = new VmOpsPtx(out, this);
    }

    /** Register declarations of the section. */
    void declare() {
        out.ins(".reg .u64 " + String.join(", ", TABLES, SCRATCH, RF, CACHE, INS, HOST_INS, IMG, Q0, Q1, Q2,
                OOB_LOADS, OOB_STORES, WGM, DA, AA, BA, OOB_SPARE, DESC));
        out.ins(".reg .b32 " + String.join(", ", LANE, PC, P, KEY, STEPS, I0, OP, D, A, B, IMM, X, Y, Z, RES, T0,
                T1, T2, T3, T4, T5, REGS, INV, WAVES, WAVE, L, LEND, BUFS, NINS, CACHED_INS, WG_WORDS, PSTATE)
                + ", " + String.join(", ", WS) + ", " + String.join(", ", LID) + ", " + String.join(", ", WID));
        out.ins(".reg .pred " + String.join(", ", PRED, PRED2, ISSUE, LIVE, PARKED, IN_CACHE));
        ops.declare();
    }

    /** Loads the section's kernel parameters and this warp's scratch address. */
    void loadParams() {
        out.loadParam(MegakernelPtx.Param.VM_TABLES, TABLES);
        out.loadParam(MegakernelPtx.Param.VM_SCRATCH, SCRATCH);
        out.ins("cvta.to.global.u64 " + SCRATCH + ", " + SCRATCH);
    }

    /** The section. */
    void emit() {
        out.section("VM_EXEC: the VIR0 bytecode interpreter (docs/VM-BYTECODE.md), run by the worker's whole warp");
        out.label(LABEL);
        broadcast();
        checkEntries();
        cacheImage();
        header();
        checkBuffers();
        checkGrid();
        descriptors();
        run();
        ops.emit();
        finish();
    }

    private String arg(int i) {
        return frame.args()[i];
    }

    /** Lane 0's argument and tenant words to every lane; this warp's scratch and lane register file. */
    private void broadcast() {
        out.comment("lane 0's ARG0..ARG11 and TENANT to every lane");
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            out.ins("shfl.sync.idx.b32 " + arg(i) + ", " + arg(i) + ", 0, 31, " + FULL);
        }
        out.ins("shfl.sync.idx.b32 " + frame.tenant() + ", " + frame.tenant() + ", 0, 31, " + FULL);
        out.ins("mov.u32 " + LANE + ", %laneid");
        out.comment("this warp's scratch: worker * " + VmScratchLayout.WARP_BYTES + " bytes");
        out.ins("mul.wide.u32 " + Q0 + ", " + frame.worker() + ", " + VmScratchLayout.WARP_BYTES);
        out.ins("add.u64 " + Q2 + ", " + SCRATCH + ", " + Q0);
        out.ins("mul.wide.u32 " + Q0 + ", " + LANE + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + RF + ", " + Q2 + ", " + Q0);
        out.ins("add.u64 " + RF + ", " + RF + ", " + VmScratchLayout.REGISTERS);
        out.ins("add.u64 " + CACHE + ", " + Q2 + ", " + VmScratchLayout.IMAGE);
        out.ins("add.u64 " + WGM + ", " + Q2 + ", " + VmScratchLayout.WORKGROUP);
        out.ins("add.u64 " + DESC + ", " + Q2 + ", " + VmScratchLayout.DESCRIPTORS);
    }

    /** {@code Q2} = this warp's scratch base (kept from {@link #broadcast}: recomputed where needed). */
    private void scratchBase(String dst) {
        out.ins("sub.u64 " + dst + ", " + CACHE + ", " + VmScratchLayout.IMAGE);
    }

    /** Checks 1..4: the program and buffer-set entries exist, are READY and belong to the slot's tenant. */
    private void checkEntries() {
        out.comment("1. PROGRAM < MAX_PROGRAMS and READY (STATE read with acquire): else BAD_ARGUMENT 0");
        out.ins("setp.ge.u32 " + PRED + ", " + arg(VmExecAbi.PROGRAM) + ", " + VmTableLayout.MAX_PROGRAMS);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.PROGRAM);
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(VmExecAbi.PROGRAM) + ", " + VmTableLayout.PROGRAM_ENTRY_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + TABLES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + VmTableLayout.PROGRAMS_OFFSET);
        out.ins("ld.acquire.sys.global.u32 " + PSTATE + ", [" + Q0 + "+" + VmTableLayout.P_STATE * 4 + "]");
        out.ins("and.b32 " + T0 + ", " + PSTATE + ", " + u32(VmTableLayout.READY));
        out.ins("setp.eq.u32 " + PRED + ", " + T0 + ", 0");
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.PROGRAM);
        out.comment("2. the program's OWNER is the slot's TENANT: else NOT_OWNER 0");
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + Q0 + "+" + VmTableLayout.P_OWNER * 4 + "]");
        out.ins("setp.ne.u32 " + PRED + ", " + T0 + ", " + frame.tenant());
        faultWhen(FaultCode.NOT_OWNER, VmExecAbi.PROGRAM);
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + Q0 + "+" + VmTableLayout.P_IMAGE_ADDRESS * 4 + "]");
        out.ins("ld.relaxed.sys.global.u32 " + T1 + ", [" + Q0 + "+" + (VmTableLayout.P_IMAGE_ADDRESS + 1) * 4 + "]");
        out.ins("ld.relaxed.sys.global.u32 " + T2 + ", [" + Q0 + "+" + VmTableLayout.P_IMAGE_WORDS * 4 + "]");
        wide(IMG, T1, T0);
        out.comment("3. BUFFER_SET < MAX_BUFFER_SETS and READY: else BAD_ARGUMENT 1; 4. its OWNER: else NOT_OWNER 1");
        out.ins("setp.ge.u32 " + PRED + ", " + arg(VmExecAbi.BUFFER_SET) + ", " + VmTableLayout.MAX_BUFFER_SETS);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        setEntry(Q1);
        out.ins("ld.acquire.sys.global.u32 " + T3 + ", [" + Q1 + "+" + VmTableLayout.S_STATE * 4 + "]");
        out.ins("and.b32 " + T3 + ", " + T3 + ", " + u32(VmTableLayout.READY));
        out.ins("setp.eq.u32 " + PRED + ", " + T3 + ", 0");
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        out.ins("ld.relaxed.sys.global.u32 " + T3 + ", [" + Q1 + "+" + VmTableLayout.S_OWNER * 4 + "]");
        out.ins("setp.ne.u32 " + PRED + ", " + T3 + ", " + frame.tenant());
        faultWhen(FaultCode.NOT_OWNER, VmExecAbi.BUFFER_SET);
    }

    /** {@code dst} = the address of the slot's buffer-set entry. */
    private void setEntry(String dst) {
        out.ins("mul.wide.u32 " + dst + ", " + arg(VmExecAbi.BUFFER_SET) + ", "
                + VmTableLayout.BUFFER_SET_ENTRY_BYTES);
        out.ins("add.u64 " + dst + ", " + dst + ", " + TABLES);
        out.ins("add.u64 " + dst + ", " + dst + ", " + VmTableLayout.BUFFER_SETS_OFFSET);
    }

    /**
     * The image into the warp's cache unless the cache holds this program index with this STATE (READY and the
     * generation): an image never changes while its entry keeps one generation (docs/VM-BYTECODE.md). Each lane
     * copies every 32nd word, four loads in flight.
     */
    private void cacheImage() {
        String copy = LABEL + "_COPY";
        String cached = LABEL + "_CACHED";
        out.comment("the image cache: key (program, STATE) at the scratch's start; T2 = the image's words");
        scratchBase(Q2);
        out.ins("ld.global.v2.u32 {" + T0 + ", " + T1 + "}, [" + Q2 + "+" + VmScratchLayout.KEY_PROGRAM + "]");
        out.ins("ld.global.u32 " + T4 + ", [" + Q2 + "+" + VmScratchLayout.KEY_WORDS + "]");
        out.ins("setp.eq.u32 " + PRED + ", " + T0 + ", " + arg(VmExecAbi.PROGRAM));
        out.ins("setp.eq.u32 " + PRED2 + ", " + T1 + ", " + PSTATE);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + PRED2);
        out.comment("one decision for the warp, taken before lane 0 rewrites the key (the ballot waits for all)");
        out.ins("vote.sync.ballot.b32 " + T5 + ", " + PRED + ", " + FULL);
        out.ins("setp.eq.u32 " + PRED + ", " + T5 + ", " + FULL);
        out.when(PRED, "bra " + cached);
        out.ins("min.u32 " + T4 + ", " + T2 + ", " + VmScratchLayout.CACHE_WORDS);
        out.ins("mov.u32 " + T3 + ", " + LANE);
        out.label(copy);
        out.ins("setp.ge.u32 " + PRED + ", " + T3 + ", " + T4);
        out.when(PRED, "bra " + copy + "_END");
        String[] words = {X, Y, Z, RES};
        for (int k = 0; k < words.length; k++) {
            out.ins("add.u32 " + T5 + ", " + T3 + ", " + 32 * k);
            out.ins("setp.lt.u32 " + PRED2 + ", " + T5 + ", " + T4);
            out.ins("mul.wide.u32 " + Q0 + ", " + T5 + ", " + Wire.WORD_BYTES);
            out.ins("add.u64 " + Q1 + ", " + Q0 + ", " + IMG);
            out.when(PRED2, "ld.relaxed.sys.global.u32 " + words[k] + ", [" + Q1 + "]");
        }
        for (int k = 0; k < words.length; k++) {
            out.ins("add.u32 " + T5 + ", " + T3 + ", " + 32 * k);
            out.ins("setp.lt.u32 " + PRED2 + ", " + T5 + ", " + T4);
            out.ins("mul.wide.u32 " + Q0 + ", " + T5 + ", " + Wire.WORD_BYTES);
            out.ins("add.u64 " + Q1 + ", " + Q0 + ", " + CACHE);
            out.when(PRED2, "st.global.u32 [" + Q1 + "], " + words[k]);
        }
        out.ins("add.u32 " + T3 + ", " + T3 + ", " + 32 * words.length);
        out.ins("bra " + copy);
        out.label(copy + "_END");
        out.ins("setp.eq.u32 " + PRED + ", " + LANE + ", 0");
        out.when(PRED, "st.global.v2.u32 [" + Q2 + "+" + VmScratchLayout.KEY_PROGRAM + "], {" + arg(VmExecAbi.PROGRAM)
                + ", " + PSTATE + "}");
        out.when(PRED, "st.global.u32 [" + Q2 + "+" + VmScratchLayout.KEY_WORDS + "], " + T4);
        out.label(cached);
        out.comment("the copy (this warp's weak stores) before any lane reads it");
        out.ins("bar.warp.sync " + FULL);
        out.comment("T4 = cached words");
    }

    /** Header words from the cache; instruction 0's address in the cache and in host memory. */
    private void header() {
        out.ins("ld.global.u32 " + REGS + ", " + cacheWord(VmImageLayout.REGISTERS));
        out.ins("ld.global.u32 " + WS[0] + ", " + cacheWord(VmImageLayout.WORKGROUP_X));
        out.ins("ld.global.u32 " + WS[1] + ", " + cacheWord(VmImageLayout.WORKGROUP_Y));
        out.ins("ld.global.u32 " + WS[2] + ", " + cacheWord(VmImageLayout.WORKGROUP_Z));
        out.ins("ld.global.u32 " + BUFS + ", " + cacheWord(VmImageLayout.BUFFERS));
        out.ins("ld.global.u32 " + NINS + ", " + cacheWord(VmImageLayout.INSTRUCTIONS));
        out.ins("ld.global.u32 " + WG_WORDS + ", " + cacheWord(VmImageLayout.WORKGROUP_BYTES));
        out.ins("shr.u32 " + WG_WORDS + ", " + WG_WORDS + ", 2");
        out.ins("min.u32 " + WG_WORDS + ", " + WG_WORDS + ", " + VmImageLayout.MAX_WORKGROUP_BYTES / 4);
        out.ins("min.u32 " + BUFS + ", " + BUFS + ", " + VmImageLayout.MAX_BUFFERS);
        out.ins("min.u32 " + REGS + ", " + REGS + ", " + VmImageLayout.MAX_REGISTERS);
        out.comment("instruction 0 at word HEADER + BUFFERS * BUFFER_WORDS; the cache holds CACHED_INS of them");
        out.ins("mad.lo.u32 " + T0 + ", " + BUFS + ", " + VmImageLayout.BUFFER_WORDS + ", "
                + VmImageLayout.HEADER_WORDS);
        out.ins("mul.wide.u32 " + Q0 + ", " + T0 + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + INS + ", " + CACHE + ", " + Q0);
        out.ins("add.u64 " + HOST_INS + ", " + IMG + ", " + Q0);
        out.ins("sub.u32 " + T1 + ", " + T4 + ", " + T0);
        out.ins("shr.u32 " + CACHED_INS + ", " + T1 + ", 1");
        out.ins("setp.lt.u32 " + PRED + ", " + T4 + ", " + T0);
        out.when(PRED, "mov.u32 " + CACHED_INS + ", 0");
    }

    private static String cacheWord(int word) {
        return "[" + CACHE + "+" + word * Wire.WORD_BYTES + "]";
    }

    /**
     * Check 5: the set has the image's buffer count, and lane i < BUFFERS checks slot i (a non-Workgroup slot
     * needs the declared element type and at least the declared count); any failing lane faults BAD_ARGUMENT 1.
     */
    private void checkBuffers() {
        out.comment("5. the set matches the program: BUFFER_COUNT, then lane i checks slot i");
        setEntry(Q1);
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + Q1 + "+" + VmTableLayout.S_BUFFER_COUNT * 4 + "]");
        out.ins("setp.ne.u32 " + PRED + ", " + T0 + ", " + BUFS);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        out.comment("lane i: X = declared kind word, Y = declared count, Z = set's ELEMENTS, RES = set's TYPE");
        out.ins("setp.lt.u32 " + PRED2 + ", " + LANE + ", " + BUFS);
        out.ins("mul.lo.u32 " + T0 + ", " + LANE + ", " + VmImageLayout.BUFFER_WORDS * Wire.WORD_BYTES);
        out.ins("cvt.u64.u32 " + Q0 + ", " + T0);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + CACHE);
        out.ins("mov.u32 " + X + ", 0");
        out.ins("mov.u32 " + Y + ", 0");
        out.ins("mov.u32 " + Z + ", 0");
        out.ins("mov.u32 " + RES + ", 0");
        out.ins("mov.u32 " + T1 + ", 0");
        out.ins("mov.u32 " + T2 + ", 0");
        out.when(PRED2, "ld.global.u32 " + X + ", [" + Q0 + "+" + VmImageLayout.bufferWord(0,
                VmImageLayout.BUFFER_KIND) * Wire.WORD_BYTES + "]");
        out.when(PRED2, "ld.global.u32 " + Y + ", [" + Q0 + "+" + VmImageLayout.bufferWord(0,
                VmImageLayout.BUFFER_COUNT) * Wire.WORD_BYTES + "]");
        out.ins("mul.wide.u32 " + Q0 + ", " + LANE + ", " + VmTableLayout.BUFFER_DESCRIPTOR_WORDS * 4);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        String desc = "[" + Q0 + "+";
        int first = VmTableLayout.S_BUFFERS * 4;
        out.when(PRED2, "ld.relaxed.sys.global.u32 " + T1 + ", " + desc + (first + VmTableLayout.B_ADDRESS * 4) + "]");
        out.when(PRED2, "ld.relaxed.sys.global.u32 " + T2 + ", " + desc + (first + VmTableLayout.B_ADDRESS * 4 + 4)
                + "]");
        out.when(PRED2, "ld.relaxed.sys.global.u32 " + Z + ", " + desc + (first + VmTableLayout.B_ELEMENTS * 4) + "]");
        out.when(PRED2, "ld.relaxed.sys.global.u32 " + RES + ", " + desc + (first + VmTableLayout.B_TYPE * 4) + "]");
        out.comment("T3 = element type tag, T4 := access tag (T4, the cached words, is not needed any more)");
        out.ins("and.b32 " + T3 + ", " + X + ", 255");
        out.ins("shr.u32 " + T4 + ", " + X + ", " + VmImageLayout.ACCESS_SHIFT);
        out.ins("and.b32 " + T4 + ", " + T4 + ", 255");
        out.ins("and.b32 " + RES + ", " + RES + ", 255");
        out.comment("bad: a non-Workgroup slot whose type differs or whose declared count exceeds ELEMENTS");
        out.ins("setp.ne.u32 " + PRED + ", " + RES + ", " + T3);
        out.ins("setp.gt.u32 " + ISSUE + ", " + Y + ", " + Z);
        out.ins("or.pred " + PRED + ", " + PRED + ", " + ISSUE);
        out.ins("setp.ne.u32 " + ISSUE + ", " + T4 + ", " + VmOpsPtx.ACCESS_WORKGROUP);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + ISSUE);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + PRED2);
        anyLane(PRED);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
    }

    /** Checks 6..8: grid axes, FIRST and COUNT (64-bit), BUDGET, RESERVED. */
    private void checkGrid() {
        for (int axis = 0; axis < 3; axis++) {
            out.ins("setp.eq.u32 " + PRED + ", " + arg(VmExecAbi.GRID_X + axis) + ", 0");
            faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.GRID_X + axis);
        }
        out.comment("7. FIRST < GX*GY*GZ, COUNT >= 1 and FIRST + COUNT <= GX*GY*GZ (64 bits, the product saturated)");
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(VmExecAbi.GRID_X) + ", " + arg(VmExecAbi.GRID_Y));
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(VmExecAbi.GRID_Z));
        out.ins("mul.hi.u64 " + Q2 + ", " + Q0 + ", " + Q1);
        out.ins("mul.lo.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        out.ins("setp.ne.u64 " + PRED + ", " + Q2 + ", 0");
        out.when(PRED, "mov.u64 " + Q0 + ", -1");
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(VmExecAbi.FIRST));
        out.ins("setp.ge.u64 " + PRED + ", " + Q1 + ", " + Q0);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.FIRST);
        out.ins("setp.eq.u32 " + PRED + ", " + arg(VmExecAbi.COUNT) + ", 0");
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.COUNT);
        out.ins("cvt.u64.u32 " + Q2 + ", " + arg(VmExecAbi.COUNT));
        out.ins("add.u64 " + Q1 + ", " + Q1 + ", " + Q2);
        out.ins("setp.gt.u64 " + PRED + ", " + Q1 + ", " + Q0);
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.COUNT);
        out.comment("8. BUDGET >= 1, RESERVED == 0");
        out.ins("setp.eq.u32 " + PRED + ", " + arg(VmExecAbi.BUDGET) + ", 0");
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.BUDGET);
        out.ins("setp.ne.u32 " + PRED + ", " + arg(VmExecAbi.RESERVED) + ", 0");
        faultWhen(FaultCode.BAD_ARGUMENT, VmExecAbi.RESERVED);
    }

    /**
     * Lane i < 16 writes slot i's descriptor: Workgroup slots at their running offset in the warp's Workgroup
     * memory (an exclusive prefix sum of the slots' rounded byte sizes, by shuffles) with the declared count;
     * the others at the set's address with the declared count, or the set's ELEMENTS when it is 0. Slots past
     * BUFFERS get count 0, so a corrupt slot operand can only be out of bounds. Registers from
     * {@link #checkBuffers}: X kind word, Y declared count, Z ELEMENTS, T1/T2 address, T3 type, T4 access.
     */
    private void descriptors() {
        out.comment("descriptors: T5 = Workgroup bytes of this lane's slot, rounded up to words");
        out.ins("setp.eq.u32 " + PRED + ", " + T3 + ", " + VmOpsPtx.TYPE_BYTES);
        out.ins("selp.u32 " + T5 + ", 1, 4, " + PRED);
        out.ins("mul.lo.u32 " + T5 + ", " + T5 + ", " + Y);
        out.ins("add.u32 " + T5 + ", " + T5 + ", 3");
        out.ins("and.b32 " + T5 + ", " + T5 + ", " + u32(~3));
        out.ins("setp.eq.u32 " + ISSUE + ", " + T4 + ", " + VmOpsPtx.ACCESS_WORKGROUP);
        out.ins("and.pred " + ISSUE + ", " + ISSUE + ", " + PRED2);
        out.ins("selp.u32 " + T5 + ", " + T5 + ", 0, " + ISSUE);
        out.comment("inclusive prefix sum of T5 over lanes (shuffles), then exclusive: RES");
        out.ins("mov.u32 " + RES + ", " + T5);
        for (int k = 1; k < VmImageLayout.MAX_BUFFERS; k <<= 1) {
            out.ins("sub.u32 " + T0 + ", " + LANE + ", " + k);
            out.ins("setp.lt.u32 " + PRED + ", " + LANE + ", " + k);
            out.when(PRED, "mov.u32 " + T0 + ", " + LANE);
            out.ins("shfl.sync.idx.b32 " + OP + ", " + RES + ", " + T0 + ", 31, " + FULL);
            out.when("!" + PRED, "add.u32 " + RES + ", " + RES + ", " + OP);
        }
        out.ins("sub.u32 " + RES + ", " + RES + ", " + T5);
        out.comment("address: Workgroup memory + offset, else the set's; count: declared, or ELEMENTS when 0");
        out.ins("cvt.u64.u32 " + Q0 + ", " + RES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + WGM);
        wide(Q1, T2, T1);
        out.ins("selp.b64 " + Q1 + ", " + Q0 + ", " + Q1 + ", " + ISSUE);
        out.ins("cvt.u32.u64 " + T1 + ", " + Q1);
        out.ins("shr.u64 " + Q1 + ", " + Q1 + ", 32");
        out.ins("cvt.u32.u64 " + T2 + ", " + Q1);
        out.ins("setp.eq.u32 " + PRED + ", " + Y + ", 0");
        out.ins("not.pred " + ISSUE + ", " + ISSUE);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + ISSUE);
        out.ins("selp.u32 " + Y + ", " + Z + ", " + Y + ", " + PRED);
        out.ins("selp.u32 " + Y + ", " + Y + ", 0, " + PRED2);
        out.ins("setp.eq.u32 " + PRED + ", " + T3 + ", " + VmOpsPtx.TYPE_BYTES);
        out.ins("selp.u32 " + X + ", " + VmScratchLayout.KIND_BYTES + ", 0, " + PRED);
        out.ins("setp.eq.u32 " + PRED + ", " + T3 + ", " + VmOpsPtx.TYPE_BOOL);
        out.ins("selp.u32 " + Z + ", " + VmScratchLayout.KIND_BOOL + ", 0, " + PRED);
        out.ins("or.b32 " + X + ", " + X + ", " + Z);
        scratchBase(Q2);
        out.ins("mul.wide.u32 " + Q0 + ", " + LANE + ", " + VmScratchLayout.DESCRIPTOR_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q2);
        out.ins("setp.lt.u32 " + PRED + ", " + LANE + ", " + VmImageLayout.MAX_BUFFERS);
        out.when(PRED, "st.global.v4.u32 [" + Q0 + "+" + VmScratchLayout.DESCRIPTORS + "], {" + T1 + ", " + T2 + ", "
                + Y + ", " + X + "}");
        out.ins("bar.warp.sync " + FULL);
    }

    /** The workgroup, wave and step loops. */
    private void run() {
        String wg = LABEL + "_WG";
        String wave = LABEL + "_WAVE";
        out.comment("run: STEPS, the OOB counters (64-bit, saturated at the end), invocations per workgroup, waves");
        out.ins("mov.u32 " + STEPS + ", 0");
        out.ins("mov.u64 " + OOB_LOADS + ", 0");
        out.ins("mov.u64 " + OOB_STORES + ", 0");
        out.ins("mul.lo.u32 " + INV + ", " + WS[0] + ", " + WS[1]);
        out.ins("mul.lo.u32 " + INV + ", " + INV + ", " + WS[2]);
        out.ins("add.u32 " + WAVES + ", " + INV + ", 31");
        out.ins("shr.u32 " + WAVES + ", " + WAVES + ", 5");
        out.ins("mov.u32 " + L + ", " + arg(VmExecAbi.FIRST));
        out.ins("add.u32 " + LEND + ", " + L + ", " + arg(VmExecAbi.COUNT));
        out.label(wg);
        out.ins("setp.eq.u32 " + PRED + ", " + L + ", " + LEND);
        out.when(PRED, "bra " + LABEL + "_DONE");
        out.comment("WorkgroupId = (L mod GX, (L / GX) mod GY, L / (GX*GY))");
        out.ins("rem.u32 " + WID[0] + ", " + L + ", " + arg(VmExecAbi.GRID_X));
        out.ins("div.u32 " + T0 + ", " + L + ", " + arg(VmExecAbi.GRID_X));
        out.ins("rem.u32 " + WID[1] + ", " + T0 + ", " + arg(VmExecAbi.GRID_Y));
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(VmExecAbi.GRID_X) + ", " + arg(VmExecAbi.GRID_Y));
        out.ins("cvt.u64.u32 " + Q1 + ", " + L);
        out.ins("div.u64 " + Q1 + ", " + Q1 + ", " + Q0);
        out.ins("cvt.u32.u64 " + WID[2] + ", " + Q1);
        out.comment("Workgroup memory zeroed when each workgroup starts");
        zeroColumn(WG_WORDS, WGM, Wire.WORD_BYTES * 32, true);
        out.ins("mov.u32 " + WAVE + ", 0");
        out.label(wave);
        out.comment("wave: lane i is invocation li = 32 * wave + i of the workgroup, live when li < invocations");
        out.ins("shl.b32 " + T0 + ", " + WAVE + ", 5");
        out.ins("add.u32 " + T0 + ", " + T0 + ", " + LANE);
        out.ins("setp.lt.u32 " + LIVE + ", " + T0 + ", " + INV);
        out.ins("setp.ne.u32 " + PARKED + ", " + LANE + ", " + LANE);
        out.ins("mov.u32 " + PC + ", 0");
        out.comment("LocalId = (li mod WX, (li / WX) mod WY, li / (WX*WY))");
        out.ins("rem.u32 " + LID[0] + ", " + T0 + ", " + WS[0]);
        out.ins("div.u32 " + T1 + ", " + T0 + ", " + WS[0]);
        out.ins("rem.u32 " + LID[1] + ", " + T1 + ", " + WS[1]);
        out.ins("div.u32 " + LID[2] + ", " + T1 + ", " + WS[1]);
        out.comment("registers r0..REGISTERS-1 of this lane are 0 when the invocation starts");
        zeroColumn(REGS, RF, VmScratchLayout.REGISTER_ROW_BYTES, false);
        out.ins("bar.warp.sync " + FULL);
        step();
        out.label(LABEL + "_WAVE_END");
        out.ins("add.u32 " + WAVE + ", " + WAVE + ", 1");
        out.ins("setp.lt.u32 " + PRED + ", " + WAVE + ", " + WAVES);
        out.when(PRED, "bra " + wave);
        out.ins("add.u32 " + L + ", " + L + ", 1");
        out.ins("bra " + wg);
    }

    /**
     * Zeroes {@code count} words: with {@code strided} lane i the words i, i+32, ... of the area at {@code base}
     * (the Workgroup memory); else the lane's own column {@code base + k * stride} for k < count (its registers).
     */
    private void zeroColumn(String count, String base, int stride, boolean strided) {
        String loop = LABEL + (strided ? "_ZERO_WG" : "_ZERO_REGS");
        out.ins("mov.u32 " + T1 + ", " + (strided ? LANE : "0"));
        out.ins("mov.u64 " + Q0 + ", " + base);
        if (strided) {
            out.ins("mul.wide.u32 " + Q1 + ", " + LANE + ", " + Wire.WORD_BYTES);
            out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        }
        out.label(loop);
        out.ins("setp.ge.u32 " + PRED + ", " + T1 + ", " + count);
        out.when(PRED, "bra " + loop + "_END");
        out.ins("st.global.u32 [" + Q0 + "], 0");
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + stride);
        out.ins("add.u32 " + T1 + ", " + T1 + ", " + (strided ? 32 : 1));
        out.ins("bra " + loop);
        out.label(loop + "_END");
    }

    /** One scheduling step: minimum pc, park or issue, fetch, decode, dispatch. */
    private void step() {
        out.label(VmOpsPtx.STEP);
        out.comment("P = lowest pc of the active (live, not parked) lanes; none active: the wave ends or a collective");
        out.ins("not.pred " + PRED + ", " + PARKED);
        out.ins("and.pred " + PRED + ", " + PRED + ", " + LIVE);
        out.ins("selp.u32 " + KEY + ", " + PC + ", " + NO_PC + ", " + PRED);
        out.ins("redux.sync.min.u32 " + P + ", " + KEY + ", " + FULL);
        out.ins("setp.eq.u32 " + PRED + ", " + P + ", " + NO_PC);
        out.when(PRED, "bra " + VmOpsPtx.STALL);
        out.ins("setp.eq.u32 " + ISSUE + ", " + KEY + ", " + P);
        fetch(P);
        out.comment("a collective parks the lanes at P (no step)");
        out.ins("sub.u32 " + T0 + ", " + OP + ", " + dev.vyre.vm.VmOp.BARRIER.code());
        out.ins("setp.lt.u32 " + PRED + ", " + T0 + ", " + VmOpsPtx.COLLECTIVES);
        out.when(PRED, "bra " + VmOpsPtx.PARK);
        countStep();
        out.ins("@" + ISSUE + " add.u32 " + PC + ", " + P + ", 1");
        ops.dispatch();
    }

    /**
     * Faults BAD_IMAGE unless {@code pc} < INSTRUCTIONS; then fetches instruction {@code pc} (from the cache when it
     * holds it, else from the registered image) and decodes it: OP, D/A/B (register fields, masked to the register
     * file), IMM, the operand values X (register a) and Y (register b), and D's address.
     */
    void fetch(String pc) {
        out.ins("setp.ge.u32 " + PRED + ", " + pc + ", " + NINS);
        out.when(PRED, "or.b32 " + FDETAIL_TMP + ", " + pc + ", 0");
        out.when(PRED, "bra " + VmOpsPtx.BAD_IMAGE);
        out.ins("setp.lt.u32 " + IN_CACHE + ", " + pc + ", " + CACHED_INS);
        out.ins("mul.wide.u32 " + Q0 + ", " + pc + ", " + VmImageLayout.INSTRUCTION_WORDS * Wire.WORD_BYTES);
        out.ins("add.u64 " + Q1 + ", " + Q0 + ", " + INS);
        out.when(IN_CACHE, "ld.global.v2.u32 {" + I0 + ", " + IMM + "}, [" + Q1 + "]");
        out.ins("add.u64 " + Q1 + ", " + Q0 + ", " + HOST_INS);
        out.when("!" + IN_CACHE, "ld.relaxed.sys.global.u32 " + I0 + ", [" + Q1 + "]");
        out.when("!" + IN_CACHE, "ld.relaxed.sys.global.u32 " + IMM + ", [" + Q1 + "+" + Wire.WORD_BYTES + "]");
        out.ins("and.b32 " + OP + ", " + I0 + ", 255");
        field(D, VmImageLayout.DST_SHIFT);
        field(A, VmImageLayout.A_SHIFT);
        field(B, VmImageLayout.B_SHIFT);
        registerAddress(DA, D);
        registerAddress(AA, A);
        registerAddress(BA, B);
        out.ins("ld.global.u32 " + X + ", [" + AA + "]");
        out.ins("ld.global.u32 " + Y + ", [" + BA + "]");
    }

    /** The scratch register {@link VmOpsPtx} uses for a BAD_IMAGE pc. */
    static final String FDETAIL_TMP = "%vt5";

    private void field(String dst, int shift) {
        out.ins("shr.u32 " + dst + ", " + I0 + ", " + shift);
        out.ins("and.b32 " + dst + ", " + dst + ", " + (VmImageLayout.MAX_REGISTERS - 1));
    }

    /** {@code dst} = this lane's address of register {@code reg} (0..127). */
    void registerAddress(String dst, String reg) {
        out.ins("mul.wide.u32 " + dst + ", " + reg + ", " + VmScratchLayout.REGISTER_ROW_BYTES);
        out.ins("add.u64 " + dst + ", " + dst + ", " + RF);
    }

    /** Faults STEP_BUDGET (detail BUDGET) when STEPS == BUDGET; else STEPS += 1. */
    void countStep() {
        out.ins("setp.eq.u32 " + PRED + ", " + STEPS + ", " + arg(VmExecAbi.BUDGET));
        out.when(PRED, "bra " + LABEL + "_BUDGET");
        out.ins("add.u32 " + STEPS + ", " + STEPS + ", 1");
    }

    /** The completions: DONE with the result words, and the faults (every one warp-uniform). */
    private void finish() {
        out.label(LABEL + "_DONE");
        out.comment("STEPS, OOB_LOADS, OOB_STORES (saturated), RESERVED = 0 to the slot, by lane 0");
        fenceAndSplit();
        out.ins("min.u64 " + OOB_LOADS + ", " + OOB_LOADS + ", 0xFFFFFFFF");
        out.ins("min.u64 " + OOB_STORES + ", " + OOB_STORES + ", 0xFFFFFFFF");
        out.ins("cvt.u32.u64 " + T0 + ", " + OOB_LOADS);
        out.ins("cvt.u32.u64 " + T1 + ", " + OOB_STORES);
        int at = (SlotLayout.ARG0 + VmExecAbi.STEPS) * Wire.WORD_BYTES;
        out.ins("st.relaxed.sys.global.u32 [" + frame.slot() + "+" + at + "], " + STEPS);
        out.ins("st.relaxed.sys.global.u32 [" + frame.slot() + "+" + (at + 4) + "], " + T0);
        out.ins("st.relaxed.sys.global.u32 [" + frame.slot() + "+" + (at + 8) + "], " + T1);
        out.ins("st.relaxed.sys.global.u32 [" + frame.slot() + "+" + (at + 12) + "], 0");
        out.ins("bra " + frame.doneLabel());
        out.label(LABEL + "_BUDGET");
        out.ins("mov.u32 " + frame.fcode() + ", " + FaultCode.STEP_BUDGET.wire());
        out.ins("mov.u32 " + frame.fdetail() + ", " + arg(VmExecAbi.BUDGET));
        out.ins("bra " + LABEL + "_FAULT");
        out.label(VmOpsPtx.BAD_IMAGE);
        out.ins("and.b32 " + FDETAIL_TMP + ", " + FDETAIL_TMP + ", " + u32(VmExecAbi.DETAIL_PC_MASK));
        out.ins("or.b32 " + frame.fdetail() + ", " + FDETAIL_TMP + ", " + u32(VmExecAbi.BAD_IMAGE));
        out.ins("mov.u32 " + frame.fcode() + ", " + FaultCode.HANDLER_FAULT.wire());
        out.ins("bra " + LABEL + "_FAULT");
        out.label(VmOpsPtx.DIVERGENT);
        out.ins("and.b32 " + FDETAIL_TMP + ", " + FDETAIL_TMP + ", " + u32(VmExecAbi.DETAIL_PC_MASK));
        out.ins("or.b32 " + frame.fdetail() + ", " + FDETAIL_TMP + ", " + u32(VmExecAbi.DIVERGENT));
        out.ins("mov.u32 " + frame.fcode() + ", " + FaultCode.HANDLER_FAULT.wire());
        out.label(LABEL + "_FAULT");
        out.comment("a fault keeps the memory effects made before it");
        fenceAndSplit();
        out.ins("bra " + frame.faultLabel());
    }

    /**
     * Every lane's stores before lane 0's completion: a system-scope fence on every lane, then the warp barrier;
     * lanes 1..31 go back to waiting, lane 0 goes on.
     */
    private void fenceAndSplit() {
        out.ins("fence.acq_rel.sys");
        out.ins("bar.warp.sync " + FULL);
        out.ins("setp.ne.u32 " + PRED + ", " + LANE + ", 0");
        out.when(PRED, "bra " + frame.lanesWait());
    }

    /** {@code pred} := whether it holds on any lane (a ballot of the whole warp). */
    void anyLane(String pred) {
        out.ins("vote.sync.ballot.b32 " + T0 + ", " + pred + ", " + FULL);
        out.ins("setp.ne.u32 " + pred + ", " + T0 + ", 0");
    }

    /** Where {@link #PRED} holds: fault {@code code} with detail {@code detail} (all lanes agree). */
    private void faultWhen(FaultCode code, int detail) {
        out.when(PRED, "mov.u32 " + frame.fcode() + ", " + code.wire());
        out.when(PRED, "mov.u32 " + frame.fdetail() + ", " + detail);
        out.when(PRED, "bra " + LABEL + "_FAULT");
    }

    /** {@code dst} (u64) = {@code hi} : {@code lo}. */
    private void wide(String dst, String hi, String lo) {
        out.ins("cvt.u64.u32 " + dst + ", " + hi);
        out.ins("shl.b64 " + dst + ", " + dst + ", 32");
        out.ins("cvt.u64.u32 " + OOB_SPARE + ", " + lo);
        out.ins("or.b64 " + dst + ", " + dst + ", " + OOB_SPARE);
    }

    /** A 64-bit temporary of {@link #wide} only. */
    static final String OOB_SPARE = "%vwide";
}
