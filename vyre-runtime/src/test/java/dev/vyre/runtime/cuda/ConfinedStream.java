package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.parity.StreamRun;
import dev.vyre.runtime.stream.ChunkHandlers;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random slot streams for confined tenants (docs/TENANTS.md, "Confinement"), shared by the simulator and GPU parity
 * tests: tenants 1, 2 and 4 confined (4 to an empty window and range), 3 declared unconfined and 0 undeclared;
 * built-ins and user handlers whose control indices and data offsets fall in the slot's window, on its edges, in
 * another tenant's window, on the fixed words or past the block. Unconfined slots never write the fixed words (a
 * SHUTDOWN or DONE_COUNT store would end the run), which confined ones may try (they fault).
 */
final class ConfinedStream {
    static final int OBS = ControlLayout.OBSERVABLE_BASE;
    static final int OBSERVABLES = 256;
    static final int CONTROL_WORDS = OBS + OBSERVABLES;
    static final int DATA_BYTES = 4096;
    /** A handler that writes, reads and adds control words at argument indices (see {@link #controlHandler}). */
    static final int CONTROL_RW = 0x200;
    /** {@link SimDataHandlersTest#writer()}: data atomics, a store and a load at ARG9. */
    static final int DATA_WRITER = 0x201;
    /** FNV-1a over a byte range of the data region ({@link ChunkHandlers#fnv1a()}): many loads, counted each. */
    static final int FNV = 0x202;
    /** Adds to one control and one data word (commutative: the multi-worker stream). */
    static final int ADDER = 0x203;
    /** Cooperative: the warp's word sum over a data range ({@link ChunkHandlers#warpWordSum()}). */
    static final int WARP_SUM = 0x204;
    /** Cooperative: lane l adds 1 to control[ARG0 + l]. */
    static final int WARP_COUNT = 0x205;

    /** Regions of tenants 1, 2 and 4 as {controlFirst, controlWords, dataOffset, dataBytes}. */
    static final int[][] REGIONS = {null, {OBS, 16, 0, 1024}, {OBS + 16, 12, 1024, 2048}, null, {OBS + 40, 0, 0, 0}};
    static final int TENANTS = REGIONS.length;

    /** One slot: opcode, tenant, ARG0..ARG11. */
    record Work(int opcode, int tenant, int[] args) {
    }

    /** What a run left: outcomes in publish order, the whole control block and the data region. */
    record Snapshot(List<SlotOutcome> outcomes, int[] control, byte[] data) {
        /** The first difference from {@code other}, or null. */
        String differenceFrom(Snapshot other) {
            for (int i = 0; i < outcomes.size(); i++) {
                if (!outcomes.get(i).equals(other.outcomes.get(i))) {
                    return "outcome " + i + ": " + outcomes.get(i) + " vs " + other.outcomes.get(i);
                }
            }
            for (int i = 0; i < control.length; i++) {
                if (control[i] != other.control[i]) {
                    return "control[" + i + "]: " + control[i] + " vs " + other.control[i];
                }
            }
            return Arrays.equals(data, other.data) ? null : "data region at byte " + Arrays.mismatch(data, other.data);
        }
    }

    private ConfinedStream() {
    }

    private static Expr arg(int i) {
        return load(HandlerTable.ARGS, u32(i));
    }

    private static List<BufferDecl> buffers(boolean data) {
        List<BufferDecl> b = new ArrayList<>(List.of(
                BufferDecl.of(HandlerTable.ARGS, 0, BufferAccess.READ_WRITE, ScalarType.U32, SlotLayout.ARGS_PER_SLOT,
                        true),
                BufferDecl.of(HandlerTable.CONTROL, 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, false)));
        if (data) {
            b.add(BufferDecl.of(HandlerTable.DATA, 2, BufferAccess.READ_WRITE, ScalarType.U32, 0, true));
        }
        return b;
    }

    /**
     * {@code control[ARG0] = ARG1; ARG2 = control[ARG3]; ARG4 = len(control); control[ARG5] += 1 (atomic, ARG6 = the
     * old value)}.
     */
    static Program controlHandler() {
        return Program.of(Program.WorkgroupSize.of(1), buffers(false), List.of(
                new Node.Store(HandlerTable.CONTROL, arg(0), arg(1)),
                new Node.Store(HandlerTable.ARGS, u32(2), load(HandlerTable.CONTROL, arg(3))),
                new Node.Store(HandlerTable.ARGS, u32(4), new Expr.BufLen(HandlerTable.CONTROL)),
                new Node.Store(HandlerTable.ARGS, u32(6), new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL, arg(5),
                        null, u32(1)))));
    }

    /** {@code control[ARG0] += ARG1; data[ARG2] += ARG3} (atomics); {@code ARG4 = len(control), ARG5 = len(data)}. */
    static Program adder() {
        return Program.of(Program.WorkgroupSize.of(1), buffers(true), List.of(
                new Node.Let("a", new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL, arg(0), null, arg(1))),
                new Node.Let("b", new Expr.Atomic(AtomicOp.ADD, HandlerTable.DATA, arg(2), null, arg(3))),
                new Node.Store(HandlerTable.ARGS, u32(4), new Expr.BufLen(HandlerTable.CONTROL)),
                new Node.Store(HandlerTable.ARGS, u32(5), new Expr.BufLen(HandlerTable.DATA))));
    }

    /** Cooperative: lane l adds 1 to {@code control[ARG0 + l]} (out of range: dropped, not counted). */
    static Program warpCount() {
        return CoopPrograms.coop(List.of(new Node.Let("old", new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL,
                Expr.add(arg(0), new Expr.LocalId(0)), null, u32(1)))));
    }

    /** The configuration: the handlers, confined tenants 1, 2, 4, unconfined 3 (0 undeclared). */
    static MegakernelConfig config(int workers, boolean cooperative) {
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(64).withWorkers(workers)
                .withObservables(OBSERVABLES).withDataBytes(DATA_BYTES).withHandlerStepBudget(100_000)
                .withHandler(CONTROL_RW, controlHandler()).withHandler(DATA_WRITER, SimDataHandlersTest.writer())
                .withHandler(FNV, ChunkHandlers.fnv1a()).withHandler(ADDER, adder());
        if (cooperative) {
            c = c.withHandler(WARP_SUM, ChunkHandlers.warpWordSum()).withHandler(WARP_COUNT, warpCount());
        }
        List<Integer> ops = new ArrayList<>(List.of(Opcodes.NOP, Opcodes.STORE_U32, Opcodes.ATOMIC_ADD,
                Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP, Opcodes.MEMCPY, Opcodes.BATCH_FENCE, Opcodes.PACKED_SLOT,
                CONTROL_RW, DATA_WRITER, FNV, ADDER));
        if (cooperative) {
            ops.addAll(List.of(WARP_SUM, WARP_COUNT));
        }
        int[] allowed = ops.stream().mapToInt(Integer::intValue).toArray();
        for (int t = 1; t < TENANTS; t++) {
            TenantSpec spec = TenantSpec.allowing(allowed);
            int[] r = REGIONS[t];
            c = c.withTenant(t, r == null ? spec : spec.confinedTo(r[0], r[1], r[2], r[3]));
        }
        return c;
    }

    /** Runs {@code work} on {@code backend}: publishes all, awaits every outcome and DONE_COUNT, then snapshots. */
    static Snapshot run(Backend backend, MegakernelConfig config, byte[] contents, List<Work> work) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            kernel.dataRegion().segment().copyFrom(MemorySegment.ofArray(contents));
            List<Ticket> tickets = new ArrayList<>();
            for (Work w : work) {
                tickets.add(kernel.publish(w.opcode(), w.tenant(), Priority.NORMAL, w.args()));
            }
            List<SlotOutcome> outcomes = new ArrayList<>();
            for (Ticket t : tickets) {
                outcomes.add(t.await(StreamRun.SLOT_TIMEOUT));
            }
            CudaTests.awaitDoneCount(kernel.control(), work.size());
            int[] control = new int[CONTROL_WORDS];
            for (int i = 0; i < CONTROL_WORDS; i++) {
                control[i] = kernel.control().load(i);
            }
            return new Snapshot(outcomes, control, kernel.dataRegion().segment().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** Random region contents. */
    static byte[] contents(long seed) {
        byte[] b = new byte[DATA_BYTES];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /**
     * {@code n} random slots of every kind (for one worker: reads and writes overlap, so the order matters), or with
     * {@code commutative} only atomic adds, whose final memory does not depend on the order (for several workers).
     */
    static List<Work> random(long seed, int n, boolean commutative, boolean cooperative) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Work> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int tenant = rnd.nextInt(TENANTS);
            int[] args = new int[SlotLayout.ARGS_PER_SLOT];
            for (int k = 0; k < args.length; k++) {
                args[k] = rnd.nextInt(1000);
            }
            int opcode = commutative ? commutativeSlot(rnd, tenant, args, cooperative)
                    : anySlot(rnd, tenant, args, cooperative);
            out.add(new Work(opcode, tenant, args));
        }
        return out;
    }

    private static int commutativeSlot(SplittableRandom rnd, int tenant, int[] args, boolean cooperative) {
        switch (rnd.nextInt(cooperative ? 4 : 3)) {
            case 0 -> {
                args[0] = rnd.nextInt(100);
                args[1] = target(rnd, tenant);
                return Opcodes.ATOMIC_ADD;
            }
            case 1 -> {
                for (int k = 0; k < 3; k++) {
                    int at = 4 * k;
                    args[at] = rnd.nextInt(4) == 0 ? Opcodes.NOP : Opcodes.ATOMIC_ADD;
                    args[at + 1] = rnd.nextInt(100);
                    args[at + 2] = target(rnd, tenant);
                }
                return Opcodes.PACKED_SLOT;
            }
            case 2 -> {
                args[0] = handlerTarget(rnd, tenant);
                args[2] = dataWord(rnd, tenant);
                return ADDER;
            }
            default -> {
                args[0] = handlerTarget(rnd, tenant);
                return WARP_COUNT;
            }
        }
    }

    private static int anySlot(SplittableRandom rnd, int tenant, int[] args, boolean cooperative) {
        int kinds = cooperative ? 13 : 11;
        switch (rnd.nextInt(kinds)) {
            case 0 -> {
                args[1] = target(rnd, tenant);
                return Opcodes.STORE_U32;
            }
            case 1 -> {
                args[1] = target(rnd, tenant);
                return Opcodes.ATOMIC_ADD;
            }
            case 2 -> {
                args[0] = source(rnd, tenant);
                args[1] = target(rnd, tenant) - OBS;
                return Opcodes.LOAD_U32;
            }
            case 3 -> {
                args[0] = target(rnd, tenant);
                args[1] = rnd.nextInt(3);
                return Opcodes.COMPARE_SWAP;
            }
            case 4 -> {
                args[0] = source(rnd, tenant);
                args[1] = target(rnd, tenant);
                args[2] = rnd.nextInt(16) == 0 ? -1 : rnd.nextInt(7);
                if (!confined(tenant) && args[1] + args[2] > OBS + OBSERVABLES) {
                    args[2] = 0;
                }
                return Opcodes.MEMCPY;
            }
            case 5 -> {
                return Opcodes.BATCH_FENCE;
            }
            case 6 -> {
                for (int k = 0; k < 3; k++) {
                    int at = 4 * k;
                    int[] subs = {Opcodes.NOP, Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.BATCH_FENCE};
                    args[at] = subs[rnd.nextInt(subs.length)];
                    args[at + 2] = target(rnd, tenant);
                }
                return Opcodes.PACKED_SLOT;
            }
            case 7 -> {
                args[0] = handlerTarget(rnd, tenant);
                args[3] = handlerTarget(rnd, tenant);
                args[5] = handlerTarget(rnd, tenant);
                return CONTROL_RW;
            }
            case 8 -> {
                args[9] = dataWord(rnd, tenant);
                return DATA_WRITER;
            }
            case 9 -> {
                args[0] = handlerTarget(rnd, tenant);
                args[2] = dataWord(rnd, tenant);
                return ADDER;
            }
            case 10 -> {
                dataRange(rnd, tenant, args);
                return FNV;
            }
            case 11 -> {
                dataRange(rnd, tenant, args);
                args[dev.vyre.runtime.stream.ChunkSlot.DATA_OFFSET] &= ~3;
                return WARP_SUM;
            }
            default -> {
                args[0] = handlerTarget(rnd, tenant);
                return WARP_COUNT;
            }
        }
    }

    static boolean confined(int tenant) {
        return REGIONS[tenant] != null;
    }

    /** A control word a built-in may try to write: unconfined tenants stay in the observables. */
    private static int target(SplittableRandom rnd, int tenant) {
        int word = word(rnd, tenant);
        if (!confined(tenant) && (word < OBS || word >= CONTROL_WORDS)) {
            word = OBS + rnd.nextInt(OBSERVABLES);
        }
        return word;
    }

    /** A control word a built-in may read (any, also past the block). */
    private static int source(SplittableRandom rnd, int tenant) {
        return word(rnd, tenant);
    }

    /** In the window, on its edges, in another window, free observables, fixed words, past the block. */
    private static int word(SplittableRandom rnd, int tenant) {
        int[] r = REGIONS[confined(tenant) ? tenant : 1 + rnd.nextInt(2)];
        int[] other = REGIONS[1 + rnd.nextInt(2)];
        return switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> r[0] + (r[1] == 0 ? 0 : rnd.nextInt(r[1]));
            case 3 -> r[0] - 1;
            case 4 -> r[0] + r[1] - (rnd.nextBoolean() ? 0 : 1);
            case 5 -> other[0] + rnd.nextInt(other[1]);
            case 6 -> OBS + 44 + rnd.nextInt(OBSERVABLES - 44);
            case 7 -> rnd.nextInt(OBS);
            case 8 -> CONTROL_WORDS + rnd.nextInt(3);
            default -> rnd.nextBoolean() ? -1 - rnd.nextInt(4) : r[0] + rnd.nextInt(4);
        };
    }

    /** A handler's control index: relative to the window for confined tenants, absolute (observables) else. */
    private static int handlerTarget(SplittableRandom rnd, int tenant) {
        if (!confined(tenant)) {
            return rnd.nextInt(8) == 0 ? CONTROL_WORDS + rnd.nextInt(4) : OBS + rnd.nextInt(OBSERVABLES);
        }
        int[] r = REGIONS[tenant];
        int[] other = REGIONS[tenant == 1 ? 2 : 1];
        return switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> rnd.nextInt(r[1] + 1);
            case 3 -> other[0] - r[0] + rnd.nextInt(other[1]);
            case 4 -> -1 - rnd.nextInt(200);
            default -> r[1] + rnd.nextInt(3);
        };
    }

    /** A data word index for a handler: in the tenant's range, on its end, another tenant's, far. */
    private static int dataWord(SplittableRandom rnd, int tenant) {
        int words = confined(tenant) ? REGIONS[tenant][3] / 4 : DATA_BYTES / 4;
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> words == 0 ? 0 : rnd.nextInt(words);
            case 2 -> words - 1;
            case 3 -> 256 + rnd.nextInt(512);
            default -> words + rnd.nextInt(300);
        };
    }

    /** A byte range for FNV or the warp sum, often reaching past the tenant's range. */
    private static void dataRange(SplittableRandom rnd, int tenant, int[] args) {
        int bytes = confined(tenant) ? REGIONS[tenant][3] : DATA_BYTES;
        args[dev.vyre.runtime.stream.ChunkSlot.DATA_OFFSET] = rnd.nextInt(Math.max(1, bytes + 64));
        args[dev.vyre.runtime.stream.ChunkSlot.LENGTH] = rnd.nextInt(300);
        args[dev.vyre.runtime.stream.ChunkSlot.OVERLAP_OFFSET] = rnd.nextInt(Math.max(1, bytes));
        args[dev.vyre.runtime.stream.ChunkSlot.OVERLAP_LENGTH] = rnd.nextInt(40);
    }
}
