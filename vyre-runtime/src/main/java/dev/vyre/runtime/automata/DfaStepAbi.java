package dev.vyre.runtime.automata;

/**
 * The argument words of a DFA_STEP slot (opcode 6), docs/SCAN.md "DFA_STEP". A slot advances one registered
 * automaton over one span of a registered input buffer, appends its matches to a registered match buffer and
 * writes its continuation (state, byte index) back, so that the host can chain spans or requeue the pair.
 *
 * <pre>
 * ARG0  AUTOMATON  in   automaton id (registered with {@link DfaStepUnit#attach})
 * ARG1  OUTPUT     in   match buffer id ({@link DfaStepUnit#registerMatchBuffer})
 * ARG2  INPUT      in   input buffer id ({@link DfaStepUnit#registerInput})
 * ARG3  OFFSET     in   byte offset of span byte 0 in the input buffer (u32)
 * ARG4  LENGTH     in   bytes in the span (u32)
 * ARG5  BASE_LO    in   absolute stream offset of span byte 0, low word
 * ARG6  BASE_HI    in   ... high word (u64 together)
 * ARG7  TAG        in   written into every match record of this slot
 * ARG8  CONTROL    in   bit 31 END, bit 30 QUIET, bits 0..29 BUDGET (bytes; 0 = to the end of the span)
 * ARG9  STATE      in   state at span byte PC;   out: state at the new PC (continuation_data)
 * ARG10 PC         in   span byte to resume at;  out: span byte reached (continuation_pc)
 * ARG11 DROPPED    out  match records of this slot that did not fit the match buffer
 * </pre>
 */
public final class DfaStepAbi {
    public static final int AUTOMATON = 0;
    public static final int OUTPUT = 1;
    public static final int INPUT = 2;
    public static final int OFFSET = 3;
    public static final int LENGTH = 4;
    public static final int BASE_LO = 5;
    public static final int BASE_HI = 6;
    public static final int TAG = 7;
    public static final int CONTROL = 8;
    public static final int STATE = 9;
    public static final int PC = 10;
    public static final int DROPPED = 11;

    /** CONTROL bit: once PC reaches LENGTH, report the end-of-input accepts of the state at BASE + LENGTH. */
    public static final int END = 1 << 31;
    /** CONTROL bit: step the bytes but report nothing (a warm-up). END is ignored with it. */
    public static final int QUIET = 1 << 30;
    /** CONTROL bits 0..29: the most bytes one slot advances (0: the rest of the span). */
    public static final int BUDGET_MASK = (1 << 30) - 1;

    private DfaStepAbi() {
    }

    /**
     * The 12 argument words of a DFA_STEP slot.
     *
     * @param budget bytes this slot may advance, 0..{@link #BUDGET_MASK} (0: to the end of the span)
     */
    public static int[] args(int automaton, int output, int input, int offset, int length, long base, int tag,
            boolean end, boolean quiet, int budget, int state, int pc) {
        if ((budget & ~BUDGET_MASK) != 0) {
            throw new ScanException("DFA_STEP budget " + budget + " does not fit CONTROL bits 0..29",
                    "pass a budget of 0 (the whole span) to " + BUDGET_MASK + " bytes");
        }
        int[] a = new int[12];
        a[AUTOMATON] = automaton;
        a[OUTPUT] = output;
        a[INPUT] = input;
        a[OFFSET] = offset;
        a[LENGTH] = length;
        a[BASE_LO] = (int) base;
        a[BASE_HI] = (int) (base >>> 32);
        a[TAG] = tag;
        a[CONTROL] = (end ? END : 0) | (quiet ? QUIET : 0) | budget;
        a[STATE] = state;
        a[PC] = pc;
        return a;
    }
}
