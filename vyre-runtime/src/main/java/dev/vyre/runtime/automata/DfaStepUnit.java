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
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What DFA_STEP slots of one megakernel may reference: the automata (ids 0..n-1, registered at bootstrap with
 * {@link dev.vyre.runtime.MegakernelConfig#withAutomata}), the input buffers and the match buffers the host
 * registers by id ({@link Megakernel#dfaStep()} returns the megakernel's unit). Without automata in the
 * configuration a megakernel has no unit and DFA_STEP faults UNKNOWN_OPCODE.
 *
 * <p>Registering an id before publishing a slot that names it is enough: publishing has release ordering. The CPU
 * executor reads the Java tables (volatile); a device executor reads the descriptor tables
 * ({@link DfaDeviceLayout}) in shared memory, which hold each buffer's device address: inputs and match buffers
 * must then be memory the backend's workers see ({@link Megakernel#allocateShared}, the data region).
 */
public final class DfaStepUnit {
    /** Input buffer ids are 0..MAX_INPUTS-1. */
    public static final int MAX_INPUTS = 1 << 16;
    /** Match buffer ids are 0..MAX_MATCH_BUFFERS-1. */
    public static final int MAX_MATCH_BUFFERS = 1 << 16;
    /** {@link #execute} result of a slot that ran. */
    public static final int OK = -1;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final ThreadLocal<Collector> COLLECTORS = ThreadLocal.withInitial(Collector::new);

    private final List<Dfa> automataList;
    private final Dfa[] automata;
    private final AtomicReferenceArray<MemorySegment> inputs = new AtomicReferenceArray<>(MAX_INPUTS);
    private final AtomicReferenceArray<MatchBuffer> outputs = new AtomicReferenceArray<>(MAX_MATCH_BUFFERS);
    private final MemorySegment tables;
    private final Backend backend;

    private DfaStepUnit(List<Dfa> automata, MemorySegment tables, Backend backend) {
        this.automataList = List.copyOf(automata);
        this.automata = automata.toArray(Dfa[]::new);
        this.tables = tables;
        this.backend = backend;
    }

    /**
     * The unit of a megakernel being bootstrapped on {@code backend}: its descriptor tables are allocated there
     * ({@link DfaDeviceLayout#TABLE_BYTES} of shared memory). Called by the bootstrap, not by applications.
     */
    public static DfaStepUnit allocate(Backend backend, List<Dfa> automata) {
        if (backend == null || automata == null || automata.isEmpty() || automata.stream().anyMatch(Objects::isNull)) {
            throw new ScanException("a DFA_STEP unit needs a backend and at least one non-null DFA",
                    "pass the DFAs of a compiled pattern set (RingScanner.ringAutomata)");
        }
        return new DfaStepUnit(automata, backend.allocateShared(DfaDeviceLayout.TABLE_BYTES, 16), backend);
    }

    /** The automata, automaton id = index. */
    public List<Dfa> automata() {
        return automataList;
    }

    /** The descriptor tables ({@link DfaDeviceLayout}), in the backend's shared memory. */
    public MemorySegment tables() {
        return tables;
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
        if (segment == null) {
            throw new ScanException("input buffer " + id + " is null", "pass a segment, or unregisterInput");
        }
        long address = segment.byteSize() == 0 ? 0 : backend.deviceAddress(segment);
        long entry = DfaDeviceLayout.INPUTS_OFFSET + (long) id * DfaDeviceLayout.INPUT_ENTRY_BYTES;
        tables.set(ValueLayout.JAVA_LONG, entry + DfaDeviceLayout.IN_ADDRESS * 4L, address);
        tables.set(ValueLayout.JAVA_INT, entry + DfaDeviceLayout.IN_BYTES_LO * 4L, (int) segment.byteSize());
        INT.setRelease(tables, entry + DfaDeviceLayout.IN_BYTES_HI * 4L,
                (int) (segment.byteSize() >>> 32) | DfaDeviceLayout.REGISTERED);
        inputs.set(id, segment);
    }

    /** Forgets input buffer {@code id}; slots naming it fault afterwards. */
    public void unregisterInput(int id) {
        checkId("input", id, MAX_INPUTS);
        inputs.set(id, null);
        INT.setRelease(tables, DfaDeviceLayout.INPUTS_OFFSET + (long) id * DfaDeviceLayout.INPUT_ENTRY_BYTES
                + DfaDeviceLayout.IN_BYTES_HI * 4L, 0);
    }

    /** Makes {@code buffer} match buffer {@code id}. */
    public void registerMatchBuffer(int id, MatchBuffer buffer) {
        checkId("match buffer", id, MAX_MATCH_BUFFERS);
        if (buffer == null) {
            throw new ScanException("match buffer " + id + " is null", "pass a buffer, or unregisterMatchBuffer");
        }
        LONG.setRelease(tables, outputEntry(id), backend.deviceAddress(buffer.segment()));
        outputs.set(id, buffer);
    }

    /** Forgets match buffer {@code id}. */
    public void unregisterMatchBuffer(int id) {
        checkId("match buffer", id, MAX_MATCH_BUFFERS);
        outputs.set(id, null);
        LONG.setRelease(tables, outputEntry(id), 0L);
    }

    private static long outputEntry(int id) {
        return DfaDeviceLayout.OUTPUTS_OFFSET + (long) id * DfaDeviceLayout.OUTPUT_ENTRY_BYTES;
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
