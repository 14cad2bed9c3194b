package dev.vyre.runtime.automata;

import static dev.vyre.runtime.automata.DfaStepAbi.AUTOMATON;
import static dev.vyre.runtime.automata.DfaStepAbi.BASE_HI;
import static dev.vyre.runtime.automata.DfaStepAbi.BASE_LO;
import static dev.vyre.runtime.automata.DfaStepAbi.CONTROL;
import static dev.vyre.runtime.automata.DfaStepAbi.DROPPED;
import static dev.vyre.runtime.automata.DfaStepAbi.INPUT;
import static dev.vyre.runtime.automata.DfaStepAbi.LENGTH;
import static dev.vyre.runtime.automata.DfaStepAbi.OFFSET;
import static dev.vyre.runtime.automata.DfaStepAbi.OUTPUT;
import static dev.vyre.runtime.automata.DfaStepAbi.PC;
import static dev.vyre.runtime.automata.DfaStepAbi.STATE;
import static dev.vyre.runtime.automata.DfaStepAbi.TAG;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.protocol.ControlView;
import dev.vyre.runtime.Megakernel;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What DFA_STEP slots of one megakernel may reference: the automata (ids 0..n-1, fixed when attached), the input
 * buffers and the match buffers the host registers by id. Attaching makes DFA_STEP executable on that megakernel
 * (the CPU executor finds the unit by the megakernel's control block); without a unit, DFA_STEP faults
 * UNKNOWN_OPCODE as before. Registering an id before publishing a slot that names it is enough: publishing has
 * release ordering, and the tables are read with volatile semantics.
 */
public final class DfaStepUnit implements AutoCloseable {
    /** Input buffer ids are 0..MAX_INPUTS-1. */
    public static final int MAX_INPUTS = 1 << 16;
    /** Match buffer ids are 0..MAX_MATCH_BUFFERS-1. */
    public static final int MAX_MATCH_BUFFERS = 1 << 16;
    /** {@link #execute} result of a slot that ran. */
    public static final int OK = -1;

    private static final Map<Long, DfaStepUnit> UNITS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Collector> COLLECTORS = ThreadLocal.withInitial(Collector::new);

    private final long key;
    private final Dfa[] automata;
    private final AtomicReferenceArray<MemorySegment> inputs = new AtomicReferenceArray<>(MAX_INPUTS);
    private final AtomicReferenceArray<MatchBuffer> outputs = new AtomicReferenceArray<>(MAX_MATCH_BUFFERS);

    private DfaStepUnit(long key, List<Dfa> automata) {
        this.key = key;
        this.automata = automata.toArray(Dfa[]::new);
    }

    /**
     * Attaches {@code automata} (automaton id = list index) to {@code megakernel}; at most one unit per
     * megakernel. {@link #close()} detaches it (do that before closing the megakernel).
     */
    public static DfaStepUnit attach(Megakernel megakernel, List<Dfa> automata) {
        if (megakernel == null || automata == null || automata.stream().anyMatch(Objects::isNull)) {
            throw new ScanException("attach: megakernel and automata must not be null",
                    "pass a bootstrapped Megakernel and the DFAs of a compiled pattern set");
        }
        long key = megakernel.control().segment().address();
        DfaStepUnit unit = new DfaStepUnit(key, automata);
        if (UNITS.putIfAbsent(key, unit) != null) {
            throw new ScanException("a DfaStepUnit is already attached to this megakernel",
                    "close the attached unit first, or reuse it");
        }
        return unit;
    }

    /** The unit attached to the megakernel whose control block is {@code control}, or null. */
    public static DfaStepUnit forControl(ControlView control) {
        return UNITS.get(control.segment().address());
    }

    /** Number of automata (ids 0..n-1). */
    public int automatonCount() {
        return automata.length;
    }

    /** Automaton {@code id}. */
    public Dfa automaton(int id) {
        return automata[id];
    }

    /** Makes {@code segment} input buffer {@code id} (replacing any earlier one). */
    public void registerInput(int id, MemorySegment segment) {
        checkId("input", id, MAX_INPUTS);
        inputs.set(id, segment);
    }

    /** Forgets input buffer {@code id}; slots naming it fault afterwards. */
    public void unregisterInput(int id) {
        checkId("input", id, MAX_INPUTS);
        inputs.set(id, null);
    }

    /** Makes {@code buffer} match buffer {@code id}. */
    public void registerMatchBuffer(int id, MatchBuffer buffer) {
        checkId("match buffer", id, MAX_MATCH_BUFFERS);
        outputs.set(id, buffer);
    }

    /** Forgets match buffer {@code id}. */
    public void unregisterMatchBuffer(int id) {
        checkId("match buffer", id, MAX_MATCH_BUFFERS);
        outputs.set(id, null);
    }

    private static void checkId(String what, int id, int max) {
        if (id < 0 || id >= max) {
            throw new ScanException(what + " id " + id + " is outside 0.." + (max - 1), "use ids below " + max);
        }
    }

    /**
     * Executes one DFA_STEP over its 12 argument words ({@link DfaStepAbi}), which it updates in place (STATE,
     * PC, DROPPED). Every check comes before any effect. Returns {@link #OK}, or the index of the first bad
     * argument word (the slot then faults BAD_ARGUMENT with that detail and has no effect).
     */
    public int execute(int[] args) {
        int a = args[AUTOMATON];
        if (a < 0 || a >= automata.length) {
            return AUTOMATON;
        }
        Dfa dfa = automata[a];
        MatchBuffer out = lookup(outputs, args[OUTPUT]);
        if (out == null) {
            return OUTPUT;
        }
        MemorySegment in = lookup(inputs, args[INPUT]);
        if (in == null) {
            return INPUT;
        }
        long offset = Integer.toUnsignedLong(args[OFFSET]);
        long length = Integer.toUnsignedLong(args[LENGTH]);
        if (offset > in.byteSize()) {
            return OFFSET;
        }
        if (offset + length > in.byteSize()) {
            return LENGTH;
        }
        long base = Integer.toUnsignedLong(args[BASE_LO]) | (long) args[BASE_HI] << 32;
        if (base < 0 || base + length < 0) {
            return BASE_HI;
        }
        long state = Integer.toUnsignedLong(args[STATE]);
        if (state >= dfa.stateCount()) {
            return STATE;
        }
        long pc = Integer.toUnsignedLong(args[PC]);
        if (pc > length) {
            return PC;
        }
        int control = args[CONTROL];
        int budget = control & DfaStepAbi.BUDGET_MASK;
        boolean quiet = (control & DfaStepAbi.QUIET) != 0;
        long to = budget == 0 ? length : Math.min(length, pc + budget);
        Collector c = COLLECTORS.get();
        c.size = 0;
        MatchSink sink = quiet ? Collector.NONE : c;
        // The CPU executor steps a heap copy of the bytes (the DFA's array loop beats per-byte segment reads) in
        // coordinates relative to byte PC; the collector adds BASE + PC to the offsets it reports.
        int n = (int) (to - pc);
        if (c.bytes.length < n) {
            c.bytes = new byte[Math.max(n, c.bytes.length * 2)];
        }
        MemorySegment.copy(in, offset + pc, MemorySegment.ofArray(c.bytes), 0, n);
        c.shift = base + pc;
        int s = dfa.run(MemorySegment.ofArray(c.bytes), 0, 0, n, (int) state, sink);
        if (s == dfa.deadState()) {
            to = length;
        }
        if (to == length && !quiet && (control & DfaStepAbi.END) != 0) {
            dfa.reportEnd(s, length - pc, c);
        }
        args[STATE] = s;
        args[PC] = (int) to;
        args[DROPPED] = out.append(args[TAG], c.ids, c.ends, c.size);
        return OK;
    }

    private static <T> T lookup(AtomicReferenceArray<T> table, int id) {
        return id >= 0 && id < table.length() ? table.get(id) : null;
    }

    /** Detaches the unit: later DFA_STEP slots of the megakernel fault UNKNOWN_OPCODE. Idempotent. */
    @Override
    public void close() {
        UNITS.remove(key, this);
    }

    /** A worker's matches of one slot, appended to the match buffer in one reservation. */
    private static final class Collector implements MatchSink {
        static final MatchSink NONE = (id, end) -> { };
        int[] ids = new int[256];
        long[] ends = new long[256];
        byte[] bytes = new byte[1 << 16];
        long shift;
        int size;

        @Override
        public void onMatch(int patternId, long endOffset) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            ids[size] = patternId;
            ends[size++] = endOffset + shift;
        }
    }
}
