package dev.vyre.runtime.cuda;

import dev.vyre.cuda.ptx.PtxKernel;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Wire;

/**
 * Tenant confinement in the megakernel (docs/TENANTS.md, "Confinement"), emitted into {@link MegakernelPtx}'s entry
 * when {@link MegakernelPtx.Options#confined()}: some tenant is confined. Kernels without confined tenants contain
 * none of it.
 *
 * <p>The kernel reads the {@link TenantWindows} table ({@link MegakernelPtx.Param#WINDOWS}): its confined mask at
 * launch, and per slot that is not a NOP the slot's tenant's entry (one vector load; an unconfined tenant's entry is
 * the whole block and region, so every check passes for it). Built-ins: every control word the slot would touch is
 * checked against the window right after its block-bounds check, in the CPU executor's order and with its details
 * ({@code SlotExecutor}), before any effect. User handlers get their {@code control} and {@code data} bases and
 * lengths from the entry (index 0 = the window's first word), count their out-of-bounds accesses into two words
 * after the worker's argument scratch, and a confined tenant's run that counted any faults OUT_OF_REGION with the
 * count as detail (saturated to 0xFFFFFFFF).
 */
final class ConfinementPtx {
    /** Label of the OUT_OF_REGION fault (the detail register already holds the detail). */
    static final String OUT_OF_REGION = "L_OUT_OF_REGION";
    /** Byte offset of the out-of-bounds counters in a worker's scratch (after its argument words). */
    static final int COUNTER_BYTE = MegakernelPtx.ARG_SCRATCH_WORDS * Wire.WORD_BYTES;

    // ---- registers ----
    /** The window table (global address). */
    private static final String TABLE = "%win";
    /** Its confined mask, read at launch. */
    private static final String MASK = "%win_mask";
    /** The slot's window: first control word, control words, data offset, data bytes. */
    static final String FIRST = "%win_first";
    static final String WORDS = "%win_words";
    private static final String DATA_OFFSET = "%win_doff";
    static final String DATA_BYTES = "%win_dbytes";
    /** first + words, the detail of a range that leaves the window at its end. */
    private static final String END = "%win_end";
    private static final String FIRST64 = "%win_first64";
    private static final String WORDS64 = "%win_words64";
    /** The handler's control and data bases for the slot. */
    static final String CONTROL = "%win_ctl";
    static final String DATA = "%win_data";
    /** This worker's out-of-bounds counters. */
    static final String COUNTERS = "%win_oob";
    private static final String IN_START = "%win_p1";
    private static final String IN_LAST = "%win_p2";

    private final PtxBuilder out;
    private final boolean handlers;

    /** @param handlers whether the kernel fuses user handlers (they need the bases and counters) */
    ConfinementPtx(PtxBuilder out, boolean handlers) {
        this.out = out;
        this.handlers = handlers;
    }

    void declare() {
        out.ins(".reg .u64 " + String.join(", ", TABLE, FIRST64, WORDS64));
        out.ins(".reg .u32 " + String.join(", ", MASK, FIRST, WORDS, DATA_OFFSET, DATA_BYTES, END));
        out.ins(".reg .pred " + IN_START + ", " + IN_LAST);
        if (handlers) {
            out.ins(".reg .u64 " + String.join(", ", CONTROL, DATA, COUNTERS));
        }
    }

    void loadParams() {
        out.loadParam(MegakernelPtx.Param.WINDOWS, TABLE);
        out.ins("cvta.to.global.u64 " + TABLE + ", " + TABLE);
    }

    /** At launch: the confined mask (the table is written before the launch and never changes). */
    void launch() {
        out.comment("confined tenants (the window table's mask), read once at launch");
        out.ins("ld.global.u32 " + MASK + ", [" + TABLE + "+" + TenantWindows.CONFINED_MASK * Wire.WORD_BYTES + "]");
    }

    /** After the worker's scratch address is known: its out-of-bounds counters follow its argument words. */
    void counters(String scratch) {
        if (handlers) {
            out.ins("add.u64 " + COUNTERS + ", " + scratch + ", " + COUNTER_BYTE);
        }
    }

    /** The window of tenant {@code tenant} (a register, 0..29): one vector load of its entry, then derived values. */
    void loadWindow(String tenant) {
        String x0 = MegakernelPtx.X0;
        out.comment("the tenant's window (TenantWindows entry): first word, words, data offset, data bytes");
        out.ins("mul.wide.u32 " + x0 + ", " + tenant + ", " + TenantWindows.ENTRY_BYTES);
        out.ins("add.u64 " + x0 + ", " + x0 + ", " + TABLE);
        out.ins("ld.global.v4.u32 {" + FIRST + ", " + WORDS + ", " + DATA_OFFSET + ", " + DATA_BYTES + "}, [" + x0
                + "+" + TenantWindows.FIRST_ENTRY_BYTE + "]");
        out.ins("cvt.u64.u32 " + FIRST64 + ", " + FIRST);
        out.ins("cvt.u64.u32 " + WORDS64 + ", " + WORDS);
        out.ins("add.u32 " + END + ", " + FIRST + ", " + WORDS);
        if (handlers) {
            out.ins("mul.wide.u32 " + x0 + ", " + FIRST + ", " + Wire.WORD_BYTES);
            out.ins("add.u64 " + CONTROL + ", " + MegakernelPtx.CTL + ", " + x0);
            out.ins("cvt.u64.u32 " + x0 + ", " + DATA_OFFSET);
            out.ins("add.u64 " + DATA + ", " + MegakernelPtx.DATA + ", " + x0);
        }
    }

    /**
     * OUT_OF_REGION with the index as detail unless control word {@code index} (a u64 register, already inside the
     * block) lies in the window.
     */
    void requireWord(String index) {
        String x1 = MegakernelPtx.X1;
        out.ins("sub.u64 " + x1 + ", " + index + ", " + FIRST64);
        out.ins("setp.ge.u64 " + IN_START + ", " + x1 + ", " + WORDS64);
        out.when(IN_START, "cvt.u32.u64 " + MegakernelPtx.FDETAIL + ", " + index);
        out.when(IN_START, "bra " + OUT_OF_REGION);
    }

    /** As {@link #requireWord(String)} for the constant control word {@code index}. */
    void requireWord(int index) {
        out.ins("mov.u64 " + MegakernelPtx.X0 + ", " + index);
        requireWord(MegakernelPtx.X0);
    }

    /**
     * OUT_OF_REGION unless the range {@code [first, first + count)} (u32 registers, already inside the block) is
     * empty or lies in the window; the detail is {@code first} when it starts outside, else the window's end.
     */
    void requireRange(String first, String count) {
        String x0 = MegakernelPtx.X0;
        String x1 = MegakernelPtx.X1;
        String p = MegakernelPtx.P;
        out.ins("cvt.u64.u32 " + x0 + ", " + first);
        out.ins("sub.u64 " + x1 + ", " + x0 + ", " + FIRST64);
        out.ins("setp.lt.u64 " + IN_START + ", " + x1 + ", " + WORDS64);
        out.ins("cvt.u64.u32 " + x1 + ", " + count);
        out.ins("add.u64 " + x0 + ", " + x0 + ", " + x1);
        out.ins("sub.u64 " + x0 + ", " + x0 + ", 1");
        out.ins("sub.u64 " + x0 + ", " + x0 + ", " + FIRST64);
        out.ins("setp.lt.u64 " + IN_LAST + ", " + x0 + ", " + WORDS64);
        out.ins("and.pred " + IN_LAST + ", " + IN_LAST + ", " + IN_START);
        out.ins("setp.eq.u32 " + p + ", " + count + ", 0");
        out.ins("or.pred " + IN_LAST + ", " + IN_LAST + ", " + p);
        out.when("!" + IN_LAST, "selp.b32 " + MegakernelPtx.FDETAIL + ", " + END + ", " + first + ", " + IN_START);
        out.when("!" + IN_LAST, "bra " + OUT_OF_REGION);
    }

    /** Before a handler call: its out-of-bounds counters start at 0. */
    void zeroCounters() {
        out.ins("st.global.u32 [" + COUNTERS + "+" + PtxKernel.OOB_LOADS_WORD * Wire.WORD_BYTES + "], 0");
        out.ins("st.global.u32 [" + COUNTERS + "+" + PtxKernel.OOB_STORES_WORD * Wire.WORD_BYTES + "], 0");
    }

    /**
     * After a handler returned OK: a confined tenant's ({@code tenant}, a register) run that counted out-of-bounds
     * accesses faults OUT_OF_REGION with their number; anything else continues.
     */
    void checkCounters(String tenant) {
        String t0 = MegakernelPtx.T0;
        String t1 = MegakernelPtx.T1;
        String x0 = MegakernelPtx.X0;
        String x1 = MegakernelPtx.X1;
        String p = MegakernelPtx.P;
        out.comment("a confined tenant's run that reached outside its regions faults OUT_OF_REGION (detail: how many)");
        out.ins("shr.b32 " + t0 + ", " + MASK + ", " + tenant);
        out.ins("and.b32 " + t0 + ", " + t0 + ", 1");
        out.ins("setp.ne.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "ld.global.v2.u32 {" + t0 + ", " + t1 + "}, [" + COUNTERS + "]");
        out.when("!" + p, "mov.u32 " + t0 + ", 0");
        out.when("!" + p, "mov.u32 " + t1 + ", 0");
        out.ins("cvt.u64.u32 " + x0 + ", " + t0);
        out.ins("cvt.u64.u32 " + x1 + ", " + t1);
        out.ins("add.u64 " + x0 + ", " + x0 + ", " + x1);
        out.ins("min.u64 " + x0 + ", " + x0 + ", 0xFFFFFFFF");
        out.ins("cvt.u32.u64 " + MegakernelPtx.FDETAIL + ", " + x0);
        out.ins("setp.ne.u32 " + p + ", " + MegakernelPtx.FDETAIL + ", 0");
        out.when(p, "bra " + OUT_OF_REGION);
    }

    /** The OUT_OF_REGION fault: the code, then the kernel's FAULT path. */
    void faultLabel(String fault) {
        out.label(OUT_OF_REGION);
        out.comment("the detail register already holds the detail");
        out.ins("mov.u32 " + MegakernelPtx.FCODE + ", " + FaultCode.OUT_OF_REGION.wire());
        out.ins("bra " + fault);
    }
}
