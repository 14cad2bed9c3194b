package dev.vyre.runtime.cuda;

import dev.vyre.ir.Program;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.parity.SlotStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random slot streams for fused-handler parity: mostly user-handler slots, plus an unregistered user opcode, slots
 * refused by tenant masks that lack handler bits, and built-ins (ATOMIC_ADD on the shared counters, STORE_U32 into
 * the slot's private words, NOP). Every slot carries the argument convention of {@link HandlerPrograms}:
 * {@code args[10]} is one of {@link #SHARED_COUNTERS} shared counters (observables 1..16), {@code args[11]} the
 * first of the slot's own {@link #PRIVATE_WORDS} control words; the other words are random. Handlers that keep the
 * convention make the final state independent of worker interleaving, so two backends must agree on it exactly.
 */
final class HandlerStream {
    /** Argument words of a slot. */
    static final int ARG_WORDS = SlotLayout.ARGS_PER_SLOT;
    /** Private control words per slot. */
    static final int PRIVATE_WORDS = 8;
    /** Shared counters, observables 1..16. */
    static final int SHARED_COUNTERS = 16;
    /** Control index of shared counter 0. */
    static final int FIRST_SHARED = ControlLayout.OBSERVABLE_BASE + 1;
    /** Control index of slot 0's private words. */
    static final int FIRST_PRIVATE = ControlLayout.OBSERVABLE_BASE + 32;
    /** Opcode of the first registered handler; handler k gets {@code FIRST_OPCODE + k}. */
    static final int FIRST_OPCODE = 0x100;
    /** A user opcode no stream registers: it faults UNKNOWN_OPCODE. */
    static final int UNREGISTERED = 0x7777;

    private HandlerStream() {
    }

    /** Opcodes {@link #FIRST_OPCODE}, +1, ... for {@code programs} in order. */
    static Map<Integer, Program> register(List<Program> programs) {
        Map<Integer, Program> m = new LinkedHashMap<>();
        for (int k = 0; k < programs.size(); k++) {
            m.put(FIRST_OPCODE + k, programs.get(k));
        }
        return m;
    }

    /** {@code n} slots that all run {@code program} (opcode {@link #FIRST_OPCODE}, tenant 0) with random data. */
    static SlotStream uniform(long seed, int n, Program program, long budget, int slotCount) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(slotCount)
                .withObservables(FIRST_PRIVATE - ControlLayout.OBSERVABLE_BASE + PRIVATE_WORDS * n)
                .withDebugRecords(1).withHandlerStepBudget(budget).withHandler(FIRST_OPCODE, program);
        List<Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.add(new Slot(SlotState.PUBLISHED, FIRST_OPCODE, 0, Priority.NORMAL, conventionalArgs(rnd, i)));
        }
        return new SlotStream(seed, slots, config);
    }

    /** Random words; {@code args[10]} a shared counter, {@code args[11]} the first of slot {@code i}'s own words. */
    private static int[] conventionalArgs(SplittableRandom rnd, int i) {
        int[] args = new int[ARG_WORDS];
        for (int k = 0; k < ARG_WORDS; k++) {
            args[k] = rnd.nextInt();
        }
        args[HandlerPrograms.SHARED_ARG] = FIRST_SHARED + rnd.nextInt(SHARED_COUNTERS);
        args[HandlerPrograms.PRIVATE_ARG] = FIRST_PRIVATE + PRIVATE_WORDS * i;
        return args;
    }

    /**
     * {@code n} slots from {@code seed} that run {@code programs} (at most 20) with {@code budget} steps per run on
     * a ring of {@code slotCount} slots. Tenant 0 may run everything, tenant 1 neither odd-numbered handler, tenant
     * 2 only NOP and ATOMIC_ADD.
     */
    static SlotStream random(long seed, int n, List<Program> programs, long budget, int slotCount) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Integer, Program> handlers = register(programs);
        HandlerTable table = HandlerTable.of(handlers);
        int oddHandlers = 0;
        for (int k = 1; k < programs.size(); k += 2) {
            oddHandlers |= 1 << table.permissionBit(FIRST_OPCODE + k);
        }
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(slotCount)
                .withObservables(FIRST_PRIVATE - ControlLayout.OBSERVABLE_BASE + PRIVATE_WORDS * n)
                .withDebugRecords(1).withHandlerStepBudget(budget)
                .withTenantMask(0, Permissions.ALL)
                .withTenantMask(1, Permissions.ALL & ~oddHandlers)
                .withTenantMask(2, Permissions.maskOf(table, Opcodes.NOP, Opcodes.ATOMIC_ADD));
        for (Map.Entry<Integer, Program> h : handlers.entrySet()) {
            config = config.withHandler(h.getKey(), h.getValue());
        }
        List<Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] args = conventionalArgs(rnd, i);
            int shared = args[HandlerPrograms.SHARED_ARG];
            int own = args[HandlerPrograms.PRIVATE_ARG];
            int tenant = 0;
            int opcode;
            int roll = rnd.nextInt(100);
            if (roll < 72) {
                opcode = FIRST_OPCODE + rnd.nextInt(programs.size());
                int t = rnd.nextInt(20);
                tenant = t < 17 ? 0 : t < 19 ? 1 : 2;
            } else if (roll < 77) {
                opcode = UNREGISTERED;
            } else if (roll < 87) {
                opcode = Opcodes.ATOMIC_ADD;
                args[1] = shared;
                tenant = rnd.nextInt(3);
            } else if (roll < 95) {
                opcode = Opcodes.STORE_U32;
                args[1] = own + rnd.nextInt(PRIVATE_WORDS);
            } else {
                opcode = Opcodes.NOP;
            }
            slots.add(new Slot(SlotState.PUBLISHED, opcode, tenant,
                    Priority.values()[rnd.nextInt(Priority.values().length)], args));
        }
        return new SlotStream(seed, slots, config);
    }
}
