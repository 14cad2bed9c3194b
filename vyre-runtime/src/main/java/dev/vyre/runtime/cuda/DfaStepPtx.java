package dev.vyre.runtime.cuda;

import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.dfa.DfaImage;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.automata.DfaDeviceLayout;
import dev.vyre.runtime.automata.DfaStepAbi;
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.automata.MatchBufferLayout;

/**
 * The DFA_STEP built-in of the megakernel (docs/SCAN.md "DFA_STEP", "DFA_STEP on CUDA"): the same checks in the
 * same order as the CPU executor ({@link DfaStepUnit#execute}), each a BAD_ARGUMENT fault with the argument word as
 * detail and no effect; then the automaton ({@link DfaImage} words in the device blob of {@link DfaDeviceLayout})
 * advances over the span. Input bytes come in 64-byte blocks of four 16-byte loads issued together (so four are in
 * flight), with single-byte loads before the first 16-byte boundary and after the last full block; the class map
 * and the transitions are read through the read-only cache (device memory that never changes). Every report
 * reserves one record with a 64-bit atomic add on the match buffer's CURSOR (docs/SCAN.md allows a record at a
 * time: the same records and counts result); one that does not fit adds to DROPPED and to the slot's DROPPED word.
 * Every number comes from {@link DfaStepAbi}, {@link DfaImage}, {@link DfaDeviceLayout} and
 * {@link MatchBufferLayout}.
 *
 * <p>Emitted by {@link MegakernelPtx} into its entry when the options ask for DFA_STEP; the entry provides the
 * slot's argument registers, the slot address, a predicate, the fault registers and the FAULT and DONE labels.
 */
final class DfaStepPtx {
    /** Label of the section: the dispatch branches here for DFA_STEP. */
    static final String LABEL = "L_OP_DFA_STEP";
    /** Bytes per block of wide loads. */
    static final int BLOCK_BYTES = 64;
    /** Bytes per vector load. */
    private static final int VECTOR_BYTES = 16;
    private static final int BLOCK_WORDS = BLOCK_BYTES / Wire.WORD_BYTES;

    // ---- registers (declared by declare(), prefixed %d) ----
    private static final String BLOB = "%dfa_blob";
    private static final String COUNT = "%dfa_count";
    private static final String TABLES = "%dfa_tables";
    private static final String Q0 = "%dq0";
    private static final String Q1 = "%dq1";
    private static final String OUT = "%dout";
    private static final String PTR = "%dptr";
    private static final String END = "%dend";
    private static final String ABS = "%dabs";
    private static final String IMG = "%dimg";
    private static final String CMAP = "%dcmap";
    private static final String TRANS = "%dtrans";
    private static final String AOFF = "%daoff";
    private static final String AIDS = "%daids";
    private static final String CAP = "%dcap";
    private static final String T0 = "%dt0";
    private static final String T1 = "%dt1";
    private static final String T2 = "%dt2";
    private static final String T3 = "%dt3";
    private static final String S = "%ds";
    private static final String K = "%dk";
    private static final String LIMIT = "%dlim";
    private static final String DEAD = "%ddead";
    private static final String TO = "%dto";
    private static final String B = "%db";
    private static final String CUR = "%dcur";
    private static final String LEFT = "%dleft";
    private static final String WORD_LEFT = "%dwl";
    private static final String DROPPED = "%ddrop";
    private static final String J = "%dj";
    private static final String JEND = "%djend";
    private static final String AT_END = "%dend_rep";
    private static final String P = "%dp";

    private final PtxBuilder out;
    private final String[] args;
    private final String slot;
    private final String fcode;
    private final String fdetail;
    private final String faultLabel;
    private final String doneLabel;

    /**
     * @param args       registers of ARG0..ARG11 (loaded at the claim)
     * @param slot       register with the slot's address
     * @param fcode      fault code register
     * @param fdetail    fault detail register
     * @param faultLabel where a fault goes once both registers are set
     * @param doneLabel  where a slot that ran goes (STATUS = DONE with release)
     */
    DfaStepPtx(PtxBuilder out, String[] args, String slot, String fcode, String fdetail, String faultLabel,
               String doneLabel) {
        this.out = out;
        this.args = args.clone();
        this.slot = slot;
        this.fcode = fcode;
        this.fdetail = fdetail;
        this.faultLabel = faultLabel;
        this.doneLabel = doneLabel;
    }

    /** Register declarations of the section. */
    void declare() {
        out.ins(".reg .u64 " + String.join(", ", BLOB, TABLES, Q0, Q1, OUT, PTR, END, ABS, IMG, CMAP, TRANS, AOFF,
                AIDS, CAP));
        out.ins(".reg .u32 " + String.join(", ", COUNT, T0, T1, T2, T3, S, K, LIMIT, DEAD, TO, B, CUR, LEFT,
                WORD_LEFT, DROPPED, J, JEND, AT_END));
        out.ins(".reg .u32 %dw<" + BLOCK_WORDS + ">");
        out.ins(".reg .pred " + P);
    }

    /** Loads the section's kernel parameters. */
    void loadParams() {
        out.loadParam(MegakernelPtx.Param.DFA_BLOB, BLOB);
        out.ins("cvta.to.global.u64 " + BLOB + ", " + BLOB);
        out.loadParam(MegakernelPtx.Param.DFA_COUNT, COUNT);
        out.loadParam(MegakernelPtx.Param.DFA_TABLES, TABLES);
    }

    /** The section: checks, the stepping loop, reports, the END report and the continuation words. */
    void emit() {
        out.section("DFA_STEP: checks in the CPU executor's order (BAD_ARGUMENT, detail = argument word), then the"
                + " automaton over the span, matches to the match buffer, STATE/PC/DROPPED written back");
        out.label(LABEL);
        checks();
        setup();
        loop();
        report();
        finish();
    }

    private String arg(int i) {
        return args[i];
    }

    /** Faults BAD_ARGUMENT with detail {@code word} where {@link #P} holds. */
    private void badWhen(int word) {
        out.when(P, "mov.u32 " + fdetail + ", " + word);
        out.when(P, "bra " + LABEL + "_BAD");
    }

    private void checks() {
        out.comment("1. AUTOMATON < automata");
        out.ins("setp.ge.u32 " + P + ", " + arg(DfaStepAbi.AUTOMATON) + ", " + COUNT);
        badWhen(DfaStepAbi.AUTOMATON);
        out.comment("2. OUTPUT names a registered match buffer (descriptor: its u64 device address, 0 = none)");
        out.ins("setp.ge.u32 " + P + ", " + arg(DfaStepAbi.OUTPUT) + ", " + DfaStepUnit.MAX_MATCH_BUFFERS);
        badWhen(DfaStepAbi.OUTPUT);
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(DfaStepAbi.OUTPUT) + ", " + DfaDeviceLayout.OUTPUT_ENTRY_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + TABLES);
        out.ins("ld.relaxed.sys.global.u64 " + OUT + ", [" + Q0 + "+" + DfaDeviceLayout.OUTPUTS_OFFSET + "]");
        out.ins("setp.eq.u64 " + P + ", " + OUT + ", 0");
        badWhen(DfaStepAbi.OUTPUT);
        out.comment("3. INPUT names a registered input (descriptor: address, bytes, REGISTERED bit)");
        out.ins("setp.ge.u32 " + P + ", " + arg(DfaStepAbi.INPUT) + ", " + DfaStepUnit.MAX_INPUTS);
        badWhen(DfaStepAbi.INPUT);
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(DfaStepAbi.INPUT) + ", " + DfaDeviceLayout.INPUT_ENTRY_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + TABLES);
        out.ins("ld.relaxed.sys.global.v4.u32 {" + T0 + ", " + T1 + ", " + T2 + ", " + T3 + "}, [" + Q0 + "+"
                + DfaDeviceLayout.INPUTS_OFFSET + "]");
        String[] entry = {T0, T1, T2, T3};
        out.ins("and.b32 " + J + ", " + entry[DfaDeviceLayout.IN_BYTES_HI] + ", "
                + PtxBuilder.u32(DfaDeviceLayout.REGISTERED));
        out.ins("setp.eq.u32 " + P + ", " + J + ", 0");
        badWhen(DfaStepAbi.INPUT);
        out.ins("and.b32 " + J + ", " + entry[DfaDeviceLayout.IN_BYTES_HI] + ", "
                + PtxBuilder.u32(~DfaDeviceLayout.REGISTERED));
        wide(CAP, J, entry[DfaDeviceLayout.IN_BYTES_LO]);
        wide(PTR, entry[DfaDeviceLayout.IN_ADDRESS + 1], entry[DfaDeviceLayout.IN_ADDRESS]);
        out.comment("4. OFFSET <= input bytes; 5. OFFSET + LENGTH <= input bytes (64-bit sums)");
        out.ins("cvt.u64.u32 " + Q0 + ", " + arg(DfaStepAbi.OFFSET));
        out.ins("setp.gt.u64 " + P + ", " + Q0 + ", " + CAP);
        badWhen(DfaStepAbi.OFFSET);
        out.ins("add.u64 " + PTR + ", " + PTR + ", " + Q0);
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(DfaStepAbi.LENGTH));
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        out.ins("setp.gt.u64 " + P + ", " + Q0 + ", " + CAP);
        badWhen(DfaStepAbi.LENGTH);
        out.comment("6. BASE < 2^63 and BASE + LENGTH < 2^63");
        out.ins("setp.ge.u32 " + P + ", " + arg(DfaStepAbi.BASE_HI) + ", " + PtxBuilder.u32(Integer.MIN_VALUE));
        badWhen(DfaStepAbi.BASE_HI);
        wide(ABS, arg(DfaStepAbi.BASE_HI), arg(DfaStepAbi.BASE_LO));
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(DfaStepAbi.LENGTH));
        out.ins("add.u64 " + Q0 + ", " + ABS + ", " + Q1);
        out.ins("shr.u64 " + Q0 + ", " + Q0 + ", 63");
        out.ins("setp.ne.u64 " + P + ", " + Q0 + ", 0");
        badWhen(DfaStepAbi.BASE_HI);
        out.comment("7. STATE < the automaton's state count (image i at blob word blob[i])");
        out.ins("mul.wide.u32 " + Q0 + ", " + arg(DfaStepAbi.AUTOMATON) + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + BLOB);
        out.ins("ld.global.nc.u32 " + T0 + ", [" + Q0 + "]");
        out.ins("mul.wide.u32 " + IMG + ", " + T0 + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + IMG + ", " + IMG + ", " + BLOB);
        out.ins("ld.global.nc.u32 " + T0 + ", " + header(DfaImage.W_STATE_COUNT));
        out.ins("setp.ge.u32 " + P + ", " + arg(DfaStepAbi.STATE) + ", " + T0);
        badWhen(DfaStepAbi.STATE);
        out.comment("8. PC <= LENGTH");
        out.ins("setp.gt.u32 " + P + ", " + arg(DfaStepAbi.PC) + ", " + arg(DfaStepAbi.LENGTH));
        badWhen(DfaStepAbi.PC);
    }

    /** {@code dst} (u64) = {@code hi} (u32) : {@code lo} (u32). */
    private void wide(String dst, String hi, String lo) {
        out.ins("cvt.u64.u32 " + dst + ", " + hi);
        out.ins("shl.b64 " + dst + ", " + dst + ", 32");
        out.ins("cvt.u64.u32 " + Q1 + ", " + lo);
        out.ins("or.b64 " + dst + ", " + dst + ", " + Q1);
    }

    private static String header(int word) {
        return "[" + IMG + "+" + word * Wire.WORD_BYTES + "]";
    }

    /** Section addresses, the limits, TO, and the span pointers. */
    private void setup() {
        out.comment("the image's sections and counts");
        section(CMAP, DfaImage.W_CLASS_MAP_OFFSET);
        section(TRANS, DfaImage.W_TRANSITIONS_OFFSET);
        section(AOFF, DfaImage.W_ACCEPT_OFFSETS_OFFSET);
        section(AIDS, DfaImage.W_ACCEPT_IDS_OFFSET);
        out.ins("ld.global.nc.u32 " + K + ", " + header(DfaImage.W_CLASS_COUNT));
        out.ins("ld.global.nc.u32 " + LIMIT + ", " + header(DfaImage.W_MATCH_LIMIT));
        out.ins("ld.global.nc.u32 " + DEAD + ", " + header(DfaImage.W_DEAD_STATE));
        out.comment("QUIET: no state reports (a match limit of 0), and no END report");
        out.ins("and.b32 " + T0 + ", " + arg(DfaStepAbi.CONTROL) + ", " + PtxBuilder.u32(DfaStepAbi.QUIET));
        out.ins("setp.ne.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "mov.u32 " + LIMIT + ", 0");
        out.comment("TO = BUDGET == 0 ? LENGTH : min(LENGTH, PC + BUDGET) (PC + BUDGET in 64 bits)");
        out.ins("and.b32 " + T0 + ", " + arg(DfaStepAbi.CONTROL) + ", " + PtxBuilder.u32(DfaStepAbi.BUDGET_MASK));
        out.ins("cvt.u64.u32 " + Q0 + ", " + T0);
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(DfaStepAbi.PC));
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        out.ins("cvt.u64.u32 " + Q1 + ", " + arg(DfaStepAbi.LENGTH));
        out.ins("min.u64 " + Q0 + ", " + Q0 + ", " + Q1);
        out.ins("cvt.u32.u64 " + TO + ", " + Q0);
        out.ins("setp.eq.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "mov.u32 " + TO + ", " + arg(DfaStepAbi.LENGTH));
        out.comment("bytes [PC, TO) of the span: PTR = input + OFFSET + PC, END = input + OFFSET + TO; ABS = BASE + PC");
        out.ins("cvt.u64.u32 " + Q0 + ", " + TO);
        out.ins("add.u64 " + END + ", " + PTR + ", " + Q0);
        out.ins("cvt.u64.u32 " + Q0 + ", " + arg(DfaStepAbi.PC));
        out.ins("add.u64 " + PTR + ", " + PTR + ", " + Q0);
        out.ins("add.u64 " + ABS + ", " + ABS + ", " + Q0);
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + OUT + "+" + MatchBufferLayout.CAPACITY * Wire.WORD_BYTES
                + "]");
        out.ins("cvt.u64.u32 " + CAP + ", " + T0);
        out.ins("mov.u32 " + S + ", " + arg(DfaStepAbi.STATE));
        out.ins("mov.u32 " + DROPPED + ", 0");
        out.ins("mov.u32 " + LEFT + ", 0");
        out.ins("mov.u32 " + WORD_LEFT + ", 0");
        out.ins("mov.u32 " + AT_END + ", 0");
    }

    private void section(String dst, int headerWord) {
        out.ins("ld.global.nc.u32 " + T0 + ", " + header(headerWord));
        out.ins("mul.wide.u32 " + dst + ", " + T0 + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + dst + ", " + dst + ", " + IMG);
    }

    private void loop() {
        String next = LABEL + "_NEXT";
        String fromBlock = LABEL + "_FROM_BLOCK";
        String step = LABEL + "_STEP";
        String single = LABEL + "_SINGLE";
        out.comment("next byte: from the loaded block while it lasts, else a new block or a single byte");
        out.label(next);
        out.ins("setp.ne.u32 " + P + ", " + LEFT + ", 0");
        out.when(P, "bra " + fromBlock);
        out.ins("setp.ge.u64 " + P + ", " + PTR + ", " + END);
        out.when(P, "bra " + LABEL + "_LOOP_END");
        out.comment("the dead state never leaves and reports nothing: stop (checked once per block)");
        out.ins("setp.eq.u32 " + P + ", " + S + ", " + DEAD);
        out.when(P, "bra " + LABEL + "_LOOP_END");
        out.ins("and.b64 " + Q0 + ", " + PTR + ", " + (VECTOR_BYTES - 1));
        out.ins("setp.ne.u64 " + P + ", " + Q0 + ", 0");
        out.when(P, "bra " + single);
        out.ins("sub.u64 " + Q0 + ", " + END + ", " + PTR);
        out.ins("setp.lt.u64 " + P + ", " + Q0 + ", " + BLOCK_BYTES);
        out.when(P, "bra " + single);
        out.comment(BLOCK_BYTES / VECTOR_BYTES + " 16-byte loads issued together (weak loads: the poll's acquire"
                + " made the host's bytes visible)");
        for (int v = 0; v < BLOCK_WORDS; v += 4) {
            out.ins("ld.global.v4.u32 {" + blockWord(v) + ", " + blockWord(v + 1) + ", " + blockWord(v + 2) + ", "
                    + blockWord(v + 3) + "}, [" + PTR + "+" + v * Wire.WORD_BYTES + "]");
        }
        out.ins("add.u64 " + PTR + ", " + PTR + ", " + BLOCK_BYTES);
        out.ins("mov.u32 " + LEFT + ", " + BLOCK_BYTES);
        out.label(fromBlock);
        out.ins("setp.ne.u32 " + P + ", " + WORD_LEFT + ", 0");
        out.when(P, "bra " + fromBlock + "_BYTE");
        out.comment("next word of the block: the block's words move down one register");
        out.ins("mov.u32 " + CUR + ", " + blockWord(0));
        for (int w = 0; w + 1 < BLOCK_WORDS; w++) {
            out.ins("mov.u32 " + blockWord(w) + ", " + blockWord(w + 1));
        }
        out.ins("mov.u32 " + WORD_LEFT + ", " + Wire.WORD_BYTES);
        out.label(fromBlock + "_BYTE");
        out.ins("and.b32 " + B + ", " + CUR + ", 255");
        out.ins("shr.u32 " + CUR + ", " + CUR + ", 8");
        out.ins("sub.u32 " + WORD_LEFT + ", " + WORD_LEFT + ", 1");
        out.ins("sub.u32 " + LEFT + ", " + LEFT + ", 1");
        out.ins("bra " + step);
        out.label(single);
        out.ins("ld.global.u8 " + B + ", [" + PTR + "]");
        out.ins("add.u64 " + PTR + ", " + PTR + ", 1");
        out.comment("before the byte: report accepts(s, lookahead of the byte) when s < match limit");
        out.label(step);
        out.ins("setp.lt.u32 " + P + ", " + S + ", " + LIMIT);
        out.when(P, "bra " + LABEL + "_REPORT");
        out.label(LABEL + "_TRANSITION");
        out.comment("s = T[s * classCount + class(byte)]");
        out.ins("cvt.u64.u32 " + Q0 + ", " + B);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + CMAP);
        out.ins("ld.global.nc.u8 " + T0 + ", [" + Q0 + "]");
        out.ins("mad.lo.u32 " + T0 + ", " + S + ", " + K + ", " + T0);
        out.ins("mul.wide.u32 " + Q0 + ", " + T0 + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + TRANS);
        out.ins("ld.global.nc.u32 " + S + ", [" + Q0 + "]");
        out.ins("add.u64 " + ABS + ", " + ABS + ", 1");
        out.ins("bra " + next);
    }

    private static String blockWord(int w) {
        return "%dw" + w;
    }

    /**
     * Reports accepts(s, la) at ABS: la = END after the span (AT_END set), else NEWLINE for a '\n' byte, else BYTE.
     * One record per id, reserved with a 64-bit atomic add on CURSOR.
     */
    private void report() {
        String loop = LABEL + "_REPORT_LOOP";
        String after = LABEL + "_REPORT_AFTER";
        out.label(LABEL + "_REPORT");
        out.ins("setp.eq.u32 " + P + ", " + B + ", " + (int) '\n');
        out.ins("selp.u32 " + T0 + ", " + Dfa.LOOKAHEAD_NEWLINE + ", " + Dfa.LOOKAHEAD_BYTE + ", " + P);
        out.ins("setp.ne.u32 " + P + ", " + AT_END + ", 0");
        out.when(P, "mov.u32 " + T0 + ", " + Dfa.LOOKAHEAD_END);
        out.ins("mad.lo.u32 " + T0 + ", " + S + ", " + Dfa.LOOKAHEADS + ", " + T0);
        out.ins("mul.wide.u32 " + Q0 + ", " + T0 + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + AOFF);
        out.ins("ld.global.nc.u32 " + J + ", [" + Q0 + "]");
        out.ins("ld.global.nc.u32 " + JEND + ", [" + Q0 + "+" + Wire.WORD_BYTES + "]");
        out.label(loop);
        out.ins("setp.ge.u32 " + P + ", " + J + ", " + JEND);
        out.when(P, "bra " + after);
        out.ins("mul.wide.u32 " + Q0 + ", " + J + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + AIDS);
        out.ins("ld.global.nc.u32 " + T1 + ", [" + Q0 + "]");
        out.ins("add.u32 " + J + ", " + J + ", 1");
        out.ins("atom.relaxed.sys.global.add.u64 " + Q0 + ", [" + OUT + "+" + MatchBufferLayout.CURSOR
                * Wire.WORD_BYTES + "], 1");
        out.ins("setp.ge.u64 " + P + ", " + Q0 + ", " + CAP);
        out.when(P, "add.u32 " + DROPPED + ", " + DROPPED + ", 1");
        out.when(P, "red.relaxed.sys.global.add.u64 [" + OUT + "+" + MatchBufferLayout.DROPPED * Wire.WORD_BYTES
                + "], 1");
        out.when(P, "bra " + loop);
        out.comment("record CURSOR: TAG, PATTERN_ID, END_LO, END_HI (two 8-byte stores: the buffer is 8-byte"
                + " aligned)");
        out.ins("shl.b64 " + Q0 + ", " + Q0 + ", " + Integer.numberOfTrailingZeros(
                MatchBufferLayout.RECORD_WORDS * Wire.WORD_BYTES));
        out.ins("add.u64 " + Q0 + ", " + Q0 + ", " + OUT);
        String[] record = new String[MatchBufferLayout.RECORD_WORDS];
        record[MatchBufferLayout.R_TAG] = arg(DfaStepAbi.TAG);
        record[MatchBufferLayout.R_PATTERN] = T1;
        record[MatchBufferLayout.R_END_LO] = T2;
        record[MatchBufferLayout.R_END_HI] = T3;
        out.ins("cvt.u32.u64 " + T2 + ", " + ABS);
        out.ins("shr.u64 " + Q1 + ", " + ABS + ", 32");
        out.ins("cvt.u32.u64 " + T3 + ", " + Q1);
        int first = MatchBufferLayout.HEADER_WORDS * Wire.WORD_BYTES;
        out.ins("st.relaxed.sys.global.v2.u32 [" + Q0 + "+" + first + "], {" + record[0] + ", " + record[1] + "}");
        out.ins("st.relaxed.sys.global.v2.u32 [" + Q0 + "+" + (first + 2 * Wire.WORD_BYTES) + "], {" + record[2]
                + ", " + record[3] + "}");
        out.ins("bra " + loop);
        out.label(after);
        out.ins("setp.ne.u32 " + P + ", " + AT_END + ", 0");
        out.when(P, "bra " + LABEL + "_WRITE_BACK");
        out.ins("bra " + LABEL + "_TRANSITION");
    }

    private void finish() {
        out.label(LABEL + "_LOOP_END");
        out.comment("stopped in the dead state: the rest of the span cannot match, TO = LENGTH");
        out.ins("setp.eq.u32 " + P + ", " + S + ", " + DEAD);
        out.when(P, "mov.u32 " + TO + ", " + arg(DfaStepAbi.LENGTH));
        out.comment("END report at BASE + LENGTH when TO == LENGTH, END is set and QUIET is not");
        out.ins("setp.ne.u32 " + P + ", " + TO + ", " + arg(DfaStepAbi.LENGTH));
        out.when(P, "bra " + LABEL + "_WRITE_BACK");
        out.ins("and.b32 " + T0 + ", " + arg(DfaStepAbi.CONTROL) + ", " + PtxBuilder.u32(DfaStepAbi.END | DfaStepAbi.QUIET));
        out.ins("setp.ne.u32 " + P + ", " + T0 + ", " + PtxBuilder.u32(DfaStepAbi.END));
        out.when(P, "bra " + LABEL + "_WRITE_BACK");
        out.ins("setp.ge.u32 " + P + ", " + S + ", " + LIMIT);
        out.when(P, "bra " + LABEL + "_WRITE_BACK");
        wide(ABS, arg(DfaStepAbi.BASE_HI), arg(DfaStepAbi.BASE_LO));
        out.ins("cvt.u64.u32 " + Q0 + ", " + arg(DfaStepAbi.LENGTH));
        out.ins("add.u64 " + ABS + ", " + ABS + ", " + Q0);
        out.ins("mov.u32 " + AT_END + ", 1");
        out.ins("bra " + LABEL + "_REPORT");
        out.label(LABEL + "_WRITE_BACK");
        out.comment("STATE, PC, DROPPED (released with STATUS)");
        int argBase = SlotLayout.ARG0 * Wire.WORD_BYTES;
        out.ins("st.relaxed.sys.global.u32 [" + slot + "+" + (argBase + DfaStepAbi.STATE * Wire.WORD_BYTES) + "], " + S);
        out.ins("st.relaxed.sys.global.u32 [" + slot + "+" + (argBase + DfaStepAbi.PC * Wire.WORD_BYTES) + "], " + TO);
        out.ins("st.relaxed.sys.global.u32 [" + slot + "+" + (argBase + DfaStepAbi.DROPPED * Wire.WORD_BYTES) + "], "
                + DROPPED);
        out.ins("bra " + doneLabel);
        out.label(LABEL + "_BAD");
        out.ins("mov.u32 " + fcode + ", " + FaultCode.BAD_ARGUMENT.wire());
        out.ins("bra " + faultLabel);
    }
}
