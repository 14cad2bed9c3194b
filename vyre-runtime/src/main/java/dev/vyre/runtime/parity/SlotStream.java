package dev.vyre.runtime.parity;

import static dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.exec.SlotExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random stream of slots whose final state does not depend on how the workers interleave, so that two backends
 * (or one backend with different worker counts) must produce identical {@link RunSnapshot}s.
 *
 * <p>Determinism rules, kept by construction:
 * <ul>
 *   <li>Observable 0 is written only by BATCH_FENCE, always with the stream's one tag; EPOCH counts fences.</li>
 *   <li>Observables 1..16 are shared counters, changed only by ATOMIC_ADD and the counting handler's atomic add
 *       (commutative).</li>
 *   <li>A slot that needs private words gets a fresh <em>unit</em>: four words {@code in..in+3} and the four words
 *       {@code out = in + 160} where LOAD_U32 and COMPARE_SWAP put their results (they write
 *       {@code control[OBSERVABLE_BASE + x]}). Units are laid out in blocks of 40: block {@code b} holds the 160
 *       {@code in} words of its units, then their 160 {@code out} words. STORE_U32, ATOMIC_ADD, LOAD_U32,
 *       COMPARE_SWAP and MEMCPY of a slot touch only its own unit (LOAD_U32 may also read tenant-mask words and
 *       reserved words, which nothing changes), so the slots of a PACKED_SLOT see each other's effects in order
 *       and no other slot's.</li>
 *   <li>Faults are checked before any effect (MEGAKERNEL.md), so faulting slots change nothing but themselves;
 *       tenant masks are fixed by the stream, so which slots are refused is deterministic.</li>
 *   <li>PRINTF records include the slot base, which depends only on the sequence number; the debug log holds one
 *       more record than the stream has PRINTF slots, so nothing is dropped.</li>
 * </ul>
 *
 * @param seed   the seed it was generated from
 * @param slots  the slots in publish order (status PUBLISHED)
 * @param config the configuration to run it with (ring size, observables, debug capacity, masks, handlers)
 */
public record SlotStream(long seed, List<Slot> slots, MegakernelConfig config) {
    /** Shared counters (observables 1..16). */
    public static final int SHARED_COUNTERS = 16;
    /** Control index of shared counter 0. */
    public static final int FIRST_SHARED = OBSERVABLE_BASE + 1;
    /** Control index where the unit blocks start. */
    public static final int UNIT_AREA = OBSERVABLE_BASE + 32;
    /** Words in each half of a unit. */
    public static final int UNIT_WORDS = 4;
    /** Units per block: the {@code in} halves of a block fill exactly the 160 words below its {@code out} halves. */
    public static final int UNITS_PER_BLOCK = OBSERVABLE_BASE / UNIT_WORDS;
    /** Control words per block. */
    public static final int BLOCK_WORDS = 2 * OBSERVABLE_BASE;
    /** Step budget of the stream's handlers (the spinning handler always exhausts it). */
    public static final long STEP_BUDGET = 5_000;

    public SlotStream {
        slots = List.copyOf(slots);
    }

    /**
     * What a random stream contains.
     *
     * @param slotCount    ring slots to run it on
     * @param tenants      tenants used, 1..30: tenant 0 may do everything, 1 neither PRINTF nor ATOMIC_ADD, 2 only
     *                     NOP, STORE_U32, LOAD_U32 and PACKED_SLOT, the others a random mask
     * @param userHandlers whether to register and use {@link StreamHandlers}
     * @param faultPercent percentage (0..100) of slots built to fault (unknown opcodes, out-of-range words, bad
     *                     packed sub-ops); refusals by tenant masks come on top
     */
    public record Options(int slotCount, int tenants, boolean userHandlers, int faultPercent) {
        public Options {
            if (slotCount < 1 || tenants < 1 || tenants > Permissions.TENANTS || faultPercent < 0
                    || faultPercent > 100) {
                throw new MegakernelException("stream options slotCount=" + slotCount + " tenants=" + tenants
                        + " faultPercent=" + faultPercent + " are out of range", "use slotCount >= 1, tenants 1.."
                        + Permissions.TENANTS + ", faultPercent 0..100");
            }
        }

        /** 1024 slots, 4 tenants, no user handlers, 10% faults. */
        public static Options defaults() {
            return new Options(1024, 4, false, 10);
        }

        public Options withSlotCount(int n) {
            return new Options(n, tenants, userHandlers, faultPercent);
        }

        public Options withUserHandlers(boolean on) {
            return new Options(slotCount, tenants, on, faultPercent);
        }
    }

    /** A stream of {@code n} slots generated from {@code seed}; equal arguments give equal streams. */
    public static SlotStream random(long seed, int n, Options options) {
        if (n < 0) {
            throw new MegakernelException("stream length " + n + " is negative", "pass n >= 0");
        }
        return new Generator(seed, options).generate(n);
    }

    /** Control index of the first {@code in} word of unit {@code u}. */
    public static int unitIn(int u) {
        return UNIT_AREA + BLOCK_WORDS * (u / UNITS_PER_BLOCK) + UNIT_WORDS * (u % UNITS_PER_BLOCK);
    }

    /** Observables needed by {@code units} units. */
    public static long observablesFor(int units) {
        long blocks = (units + UNITS_PER_BLOCK - 1) / UNITS_PER_BLOCK;
        return UNIT_AREA - OBSERVABLE_BASE + blocks * BLOCK_WORDS;
    }

    /** Builds one stream; not thread-safe. */
    private static final class Generator {
        private static final int UNKNOWN_USER_OPCODE = 0x7777;
        private static final int[] BAD_SUB_OPS = {Opcodes.DFA_STEP, Opcodes.PRINTF, Opcodes.SHUTDOWN,
            Opcodes.LOAD_MISS, Opcodes.PACKED_SLOT, StreamHandlers.COUNTING, 8};

        private final long seed;
        private final Options options;
        private final SplittableRandom rnd;
        private final int fenceTag;
        private int units;
        private int printfs;

        Generator(long seed, Options options) {
            this.seed = seed;
            this.options = options;
            this.rnd = new SplittableRandom(seed);
            this.fenceTag = rnd.nextInt();
        }

        SlotStream generate(int n) {
            List<Slot> slots = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                slots.add(next());
            }
            long observables = observablesFor(units);
            if (observables > ControlLayout.MAX_ENCODED_OBSERVABLE_SLOTS) {
                throw new MegakernelException("a stream of " + n + " slots needs " + observables + " observables,"
                        + " more than " + ControlLayout.MAX_ENCODED_OBSERVABLE_SLOTS, "generate at most about"
                        + " 130,000 slots per stream");
            }
            MegakernelConfig config = MegakernelConfig.defaults().withSlots(options.slotCount())
                    .withObservables((int) observables).withDebugRecords(printfs + 1)
                    .withHandlerStepBudget(STEP_BUDGET);
            for (int t = 0; t < options.tenants(); t++) {
                config = config.withTenantMask(t, mask(t));
            }
            if (options.userHandlers()) {
                config = config.withHandler(StreamHandlers.COUNTING, StreamHandlers.counting())
                        .withHandler(StreamHandlers.SPINNING, StreamHandlers.spinning());
            }
            return new SlotStream(seed, slots, config);
        }

        private int mask(int tenant) {
            return switch (tenant) {
                case 0 -> Permissions.ALL;
                case 1 -> Permissions.ALL & ~(1 << Permissions.PRINTF_BIT) & ~(1 << Opcodes.ATOMIC_ADD);
                case 2 -> 1 << Opcodes.NOP | 1 << Opcodes.STORE_U32 | 1 << Opcodes.LOAD_U32
                        | 1 << Permissions.PACKED_SLOT_BIT;
                default -> rnd.nextInt();
            };
        }

        private Slot next() {
            int[] args = junk();
            int opcode;
            if (rnd.nextInt(100) < options.faultPercent()) {
                opcode = faulting(args);
            } else {
                int kind = rnd.nextInt(options.userHandlers() ? 100 : 94);
                if (kind < 5) {
                    opcode = Opcodes.NOP;
                } else if (kind < 45) {
                    opcode = unitOp(newUnit(), args, -1);
                } else if (kind < 55) {
                    opcode = sharedAdd(args, -1);
                } else if (kind < 60) {
                    opcode = fence(args, -1);
                } else if (kind < 66) {
                    printfs++;
                    opcode = Opcodes.PRINTF;
                } else if (kind < 94) {
                    opcode = packed(args);
                } else if (kind < 99) {
                    opcode = counting(args);
                } else {
                    opcode = StreamHandlers.SPINNING;
                }
            }
            return new Slot(SlotState.PUBLISHED, opcode, rnd.nextInt(options.tenants()),
                    Priority.values()[rnd.nextInt(Priority.values().length)], args);
        }

        private int[] junk() {
            int[] args = new int[SlotLayout.ARGS_PER_SLOT];
            for (int i = 0; i < args.length; i++) {
                args[i] = rnd.nextInt();
            }
            return args;
        }

        private int newUnit() {
            return units++;
        }

        /**
         * Writes sub-op {@code op, a0, a1, a2} at {@code args[at..at+3]}, or, with {@code at = -1} (a plain slot),
         * {@code a0, a1, a2} at {@code args[0..2]}; returns {@code op}.
         */
        private static int put(int[] args, int at, int op, int a0, int a1, int a2) {
            if (at < 0) {
                args[0] = a0;
                args[1] = a1;
                args[2] = a2;
            } else {
                args[at] = op;
                args[at + 1] = a0;
                args[at + 2] = a1;
                args[at + 3] = a2;
            }
            return op;
        }

        /** A built-in confined to unit {@code u}, as a plain slot ({@code at = -1}) or the sub-op at {@code at}. */
        private int unitOp(int u, int[] args, int at) {
            int in = unitIn(u);
            int out = in + OBSERVABLE_BASE;
            int k = rnd.nextInt(UNIT_WORDS);
            return switch (rnd.nextInt(5)) {
                case 0 -> put(args, at, Opcodes.STORE_U32, rnd.nextInt(), (rnd.nextBoolean() ? in : out) + k, 0);
                case 1 -> put(args, at, Opcodes.ATOMIC_ADD, rnd.nextInt(), (rnd.nextBoolean() ? in : out) + k, 0);
                // the result goes to control[OBSERVABLE_BASE + (in + k)] = out + k
                case 2 -> put(args, at, Opcodes.LOAD_U32, stableOrOwn(in), in + k, 0);
                // the previous value goes to control[OBSERVABLE_BASE + in + k] = out + k
                case 3 -> put(args, at, Opcodes.COMPARE_SWAP, in + k, rnd.nextBoolean() ? 0 : rnd.nextInt(),
                        rnd.nextInt());
                default -> memcpy(in, out, args, at);
            };
        }

        /** A word LOAD_U32 may read: one of its unit's words, a tenant mask or a reserved control word. */
        private int stableOrOwn(int in) {
            return switch (rnd.nextInt(3)) {
                case 0 -> in + rnd.nextInt(UNIT_WORDS);
                case 1 -> in + OBSERVABLE_BASE + rnd.nextInt(UNIT_WORDS);
                default -> rnd.nextBoolean() ? ControlLayout.TENANT_BASE + rnd.nextInt(ControlLayout.TENANT_SLOTS)
                        : ControlLayout.PRIORITY_FAIRNESS_BASE + ControlLayout.PRIORITY_FAIRNESS_SLOTS
                        + rnd.nextInt(ControlLayout.CONTROL_MIN_WORDS - ControlLayout.PRIORITY_FAIRNESS_BASE
                        - ControlLayout.PRIORITY_FAIRNESS_SLOTS);
            };
        }

        /** MEMCPY inside the in half, inside the out half, or from in to out, possibly overlapping. */
        private int memcpy(int in, int out, int[] args, int at) {
            int s = rnd.nextInt(UNIT_WORDS);
            int d = rnd.nextInt(UNIT_WORDS);
            int len = rnd.nextInt(UNIT_WORDS - Math.max(s, d) + 1);
            int srcBase = rnd.nextBoolean() ? in : out;
            int dstBase = srcBase == out || rnd.nextBoolean() ? srcBase : out;
            return put(args, at, Opcodes.MEMCPY, srcBase + s, dstBase + d, len);
        }

        private int sharedAdd(int[] args, int at) {
            return put(args, at, Opcodes.ATOMIC_ADD, rnd.nextInt(1, 1000),
                    FIRST_SHARED + rnd.nextInt(SHARED_COUNTERS), 0);
        }

        private int fence(int[] args, int at) {
            return put(args, at, Opcodes.BATCH_FENCE, rnd.nextInt(), fenceTag, 0);
        }

        /** PACKED_SLOT: each of the three sub-op positions empty or a unit op, shared add or fence. */
        private int packed(int[] args) {
            int u = -1;
            for (int k = 0; k < SlotExecutor.PACKED_SUB_OPS; k++) {
                int at = k * SlotExecutor.PACKED_SUB_OP_WORDS;
                switch (rnd.nextInt(6)) {
                    case 0 -> args[at] = Opcodes.NOP;
                    case 1 -> sharedAdd(args, at);
                    case 2 -> fence(args, at);
                    default -> {
                        if (u < 0) {
                            u = newUnit();
                        }
                        unitOp(u, args, at);
                    }
                }
            }
            return Opcodes.PACKED_SLOT;
        }

        private int counting(int[] args) {
            int in = unitIn(newUnit());
            args[2] = FIRST_SHARED + rnd.nextInt(SHARED_COUNTERS);
            args[3] = in + rnd.nextInt(UNIT_WORDS);
            return StreamHandlers.COUNTING;
        }

        /** A slot built to fault; its effects, by the check-first rule, are none. */
        private int faulting(int[] args) {
            long huge = 0x8000_0000L + rnd.nextInt(Integer.MAX_VALUE);
            return switch (rnd.nextInt(7)) {
                case 0 -> UNKNOWN_USER_OPCODE;
                case 1 -> rnd.nextBoolean() ? Opcodes.DFA_STEP : Opcodes.LOAD_MISS;
                case 2 -> put(args, -1, Opcodes.STORE_U32, rnd.nextInt(), (int) huge, 0);
                case 3 -> put(args, -1, Opcodes.LOAD_U32, unitIn(newUnit()), (int) huge, 0);
                case 4 -> put(args, -1, Opcodes.MEMCPY, unitIn(newUnit()), unitIn(units - 1) + OBSERVABLE_BASE,
                        (int) huge);
                case 5 -> {
                    packed(args);
                    int at = rnd.nextInt(SlotExecutor.PACKED_SUB_OPS) * SlotExecutor.PACKED_SUB_OP_WORDS;
                    args[at] = BAD_SUB_OPS[rnd.nextInt(BAD_SUB_OPS.length)];
                    yield Opcodes.PACKED_SLOT;
                }
                default -> {
                    packed(args);
                    int at = rnd.nextInt(SlotExecutor.PACKED_SUB_OPS) * SlotExecutor.PACKED_SUB_OP_WORDS;
                    put(args, at, Opcodes.COMPARE_SWAP, (int) huge, 0, 0);
                    yield Opcodes.PACKED_SLOT;
                }
            };
        }
    }
}
