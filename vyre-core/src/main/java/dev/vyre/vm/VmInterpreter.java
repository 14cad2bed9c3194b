package dev.vyre.vm;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.BoundBuffer;
import dev.vyre.ir.interp.Ops;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The CPU executor of VYVM images, with exactly the execution model of docs/VM-BYTECODE.md: workgroups
 * {@code first .. first+count-1} in order, each workgroup's waves of 32 lanes in order, minimum-pc scheduling
 * inside a wave, collectives when every live lane is parked at one pc, one step per issue. Operator semantics are
 * the reference interpreter's ({@link Ops}), opcode by opcode.
 *
 * <p>A run is single-threaded; buffers may be shared with other runs (atomics are hardware atomics).
 */
public final class VmInterpreter {
    private final VmImage image;
    private final BoundBuffer[] buffers;
    private final long budget;
    private final int registers;
    private final int[] regs;
    private final int[] pcs = new int[VmImageLayout.WAVE_SIZE];
    private final int[][] localIds = new int[3][VmImageLayout.WAVE_SIZE];
    private final int[] workgroupId = new int[3];
    private final int[] waveL = new int[VmImageLayout.WAVE_SIZE];
    private final int[] waveR = new int[VmImageLayout.WAVE_SIZE];
    private final int[] waveOut = new int[VmImageLayout.WAVE_SIZE];
    private long steps;
    private long oobLoads;
    private long oobStores;

    private VmInterpreter(VmImage image, BoundBuffer[] buffers, long budget) {
        this.image = image;
        this.buffers = buffers;
        this.budget = budget;
        this.registers = image.registers();
        this.regs = new int[VmImageLayout.WAVE_SIZE * registers];
    }

    /**
     * Binds {@code segments} (one per slot; null for Workgroup slots) to {@code image}'s declarations: a slot sees
     * its declared count of elements, else the whole segment.
     *
     * @throws VmBindingException when a segment is missing, bound to a Workgroup slot, too short or not whole
     *                            elements
     */
    public static BoundBuffer[] bind(VmImage image, List<MemorySegment> segments) {
        List<VmBufferDecl> decls = image.buffers();
        if (segments.size() != decls.size()) {
            throw new VmBindingException(segments.size() + " segments for an image of " + decls.size() + " slots",
                    "pass one segment per buffer slot, null for Workgroup slots");
        }
        BoundBuffer[] bound = new BoundBuffer[decls.size()];
        for (int i = 0; i < bound.length; i++) {
            VmBufferDecl d = decls.get(i);
            MemorySegment s = segments.get(i);
            if (d.workgroup()) {
                if (s != null) {
                    throw new VmBindingException("a segment is bound to Workgroup slot " + i,
                            "pass null for Workgroup slots: the VM allocates them per workgroup");
                }
                continue;
            }
            if (s == null) {
                throw new VmBindingException(d.access() + " " + d.type() + " slot " + i + " is not bound",
                        "pass a segment for every buffer slot that is not Workgroup");
            }
            long size = d.type().byteSize();
            long available = s.byteSize() / size;
            long count = Integer.toUnsignedLong(d.count());
            if (s.byteSize() % size != 0 || available < count || available > 0xFFFF_FFFFL && count == 0) {
                throw new VmBindingException("slot " + i + " (" + d.type() + ", declared count " + count + ") is bound"
                        + " to " + s.byteSize() + " bytes", "bind whole elements, at least the declared count and at"
                        + " most 2^32 - 1 of them");
            }
            bound[i] = new BoundBuffer(d.type(), count > 0 ? count : available, s, false);
        }
        return bound;
    }

    /**
     * Runs linear workgroups {@code first .. first+count-1} of the grid {@code gx * gy * gz} (u32 each).
     *
     * @param buffers from {@link #bind}; Workgroup slots are allocated here
     * @param budget  steps, >= 1
     * @throws VmBindingException when the grid, range or budget is invalid (nothing ran)
     */
    public static VmResult run(VmImage image, BoundBuffer[] buffers, int gx, int gy, int gz, long first, long count,
            long budget) {
        long total = Integer.toUnsignedLong(gx) * Integer.toUnsignedLong(gy) * Integer.toUnsignedLong(gz);
        if (total == 0 || first < 0 || count < 1 || first + count > total || budget < 1) {
            throw new VmBindingException("grid " + Integer.toUnsignedString(gx) + "x" + Integer.toUnsignedString(gy)
                    + "x" + Integer.toUnsignedString(gz) + ", workgroups " + first + " + " + count + ", budget "
                    + budget + " is not a valid run", "use a grid of >= 1 workgroup per axis, 0 <= first, count >= 1,"
                    + " first + count <= the grid's workgroups, and a budget >= 1");
        }
        VmInterpreter vm = new VmInterpreter(image, buffers.clone(), budget);
        return vm.runWorkgroups(Integer.toUnsignedLong(gx), Integer.toUnsignedLong(gy), first, count);
    }

    /** Runs the whole grid {@code gx * gy * gz}. */
    public static VmResult run(VmImage image, BoundBuffer[] buffers, int gx, int gy, int gz, long budget) {
        long total = Integer.toUnsignedLong(gx) * Integer.toUnsignedLong(gy) * Integer.toUnsignedLong(gz);
        return run(image, buffers, gx, gy, gz, 0, Math.max(total, 1), budget);
    }

    private VmResult runWorkgroups(long gx, long gy, long first, long count) {
        allocateWorkgroupMemory();
        int invocations = image.invocations();
        int waves = (invocations + VmImageLayout.WAVE_SIZE - 1) / VmImageLayout.WAVE_SIZE;
        for (long l = first; l < first + count; l++) {
            workgroupId[0] = (int) (l % gx);
            workgroupId[1] = (int) (l / gx % gy);
            workgroupId[2] = (int) (l / (gx * gy));
            for (BoundBuffer b : workgroupBuffers) {
                if (b != null) {
                    b.clear();
                }
            }
            for (int w = 0; w < waves; w++) {
                VmResult fault = runWave(w, Math.min(VmImageLayout.WAVE_SIZE, invocations - w * VmImageLayout.WAVE_SIZE));
                if (fault != null) {
                    return fault;
                }
            }
        }
        return result(VmResult.Status.DONE, 0);
    }

    private BoundBuffer[] workgroupBuffers;

    private void allocateWorkgroupMemory() {
        List<VmBufferDecl> decls = image.buffers();
        workgroupBuffers = new BoundBuffer[decls.size()];
        if (image.workgroupBytes() == 0) {
            return;
        }
        MemorySegment memory = MemorySegment.ofArray(new int[image.workgroupBytes() / 4]);
        for (int i = 0; i < decls.size(); i++) {
            VmBufferDecl d = decls.get(i);
            if (d.workgroup()) {
                long bytes = Integer.toUnsignedLong(d.count()) * d.type().byteSize();
                buffers[i] = new BoundBuffer(d.type(), Integer.toUnsignedLong(d.count()),
                        memory.asSlice(image.workgroupOffset(i), bytes), true);
                workgroupBuffers[i] = buffers[i];
            }
        }
    }

    private VmResult result(VmResult.Status status, int pc) {
        return new VmResult(status, steps, oobLoads, oobStores, pc);
    }

    // ---- one wave -----------------------------------------------------------------------------------------------

    private VmResult runWave(int wave, int lanes) {
        int wx = image.workgroupSize(0);
        int wy = image.workgroupSize(1);
        for (int lane = 0; lane < lanes; lane++) {
            int li = wave * VmImageLayout.WAVE_SIZE + lane;
            localIds[0][lane] = li % wx;
            localIds[1][lane] = li / wx % wy;
            localIds[2][lane] = li / (wx * wy);
            pcs[lane] = 0;
        }
        java.util.Arrays.fill(regs, 0);
        int live = lanes == VmImageLayout.WAVE_SIZE ? -1 : (1 << lanes) - 1;
        int parked = 0;
        while (live != 0) {
            int active = live & ~parked;
            if (active == 0) {
                int p = minPc(live);
                if (!allAt(live, p)) {
                    return result(VmResult.Status.DIVERGENT, p);
                }
                if (steps == budget) {
                    return result(VmResult.Status.STEP_BUDGET, p);
                }
                steps++;
                collective(p, live);
                parked = 0;
                continue;
            }
            int p = minPc(active);
            int at = lanesAt(active, p);
            VmOp op = image.op(p);
            if (op.collective()) {
                parked |= at;
                continue;
            }
            if (steps == budget) {
                return result(VmResult.Status.STEP_BUDGET, p);
            }
            steps++;
            for (int m = at; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                int next = execute(lane, p, op);
                if (next < 0) {
                    live &= ~(1 << lane);
                } else {
                    pcs[lane] = next;
                }
            }
        }
        return null;
    }

    private int minPc(int mask) {
        int min = Integer.MAX_VALUE;
        for (int m = mask; m != 0; m &= m - 1) {
            min = Math.min(min, pcs[Integer.numberOfTrailingZeros(m)]);
        }
        return min;
    }

    private int lanesAt(int mask, int pc) {
        int at = 0;
        for (int m = mask; m != 0; m &= m - 1) {
            int lane = Integer.numberOfTrailingZeros(m);
            if (pcs[lane] == pc) {
                at |= 1 << lane;
            }
        }
        return at;
    }

    private boolean allAt(int mask, int pc) {
        return lanesAt(mask, pc) == mask;
    }

    private int reg(int lane, int r) {
        return regs[lane * registers + r];
    }

    private void set(int lane, int r, int value) {
        regs[lane * registers + r] = value;
    }

    /** A collective at {@code p} for the live lanes {@code live} (all parked there). */
    private void collective(int p, int live) {
        VmOp op = image.op(p);
        if (op != VmOp.BARRIER) {
            int imm = image.imm(p);
            for (int m = live; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                waveL[lane] = reg(lane, image.a(p));
                waveR[lane] = op == VmOp.WAVE_REDUCE ? imm & 0xFF : reg(lane, image.b(p));
            }
            BinaryOp wave = switch (op) {
                case SHUFFLE -> BinaryOp.SHUFFLE;
                case BALLOT -> BinaryOp.BALLOT;
                default -> BinaryOp.WAVE_REDUCE;
            };
            ScalarType t = switch (imm >>> VmImageLayout.REDUCE_TYPE_SHIFT & 0xFF) {
                case 1 -> ScalarType.I32;
                case 2 -> op == VmOp.WAVE_REDUCE ? ScalarType.F32 : ScalarType.U32;
                default -> ScalarType.U32;
            };
            Ops.wave(wave, op == VmOp.WAVE_REDUCE ? t : ScalarType.U32, live, waveL, waveR, waveOut);
            for (int m = live; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                set(lane, image.dst(p), waveOut[lane]);
            }
        }
        for (int m = live; m != 0; m &= m - 1) {
            pcs[Integer.numberOfTrailingZeros(m)] = p + 1;
        }
    }

    // ---- one lane, one instruction ------------------------------------------------------------------------------

    /** Executes instruction {@code p} for {@code lane}; returns the next pc, or -1 after RET. */
    private int execute(int lane, int p, VmOp op) {
        int imm = image.imm(p);
        int x = reg(lane, image.a(p));
        int y = reg(lane, image.b(p));
        int d = image.dst(p);
        switch (op.format()) {
            case JUMP -> {
                return imm;
            }
            case BRANCH -> {
                return x == 0 ? imm : p + 1;
            }
            case NONE -> {
                return -1; // RET (BARRIER is a collective and never executes here)
            }
            case STORE -> {
                store(imm, x, y);
                return p + 1;
            }
            case LOAD -> set(lane, d, load(imm, x));
            case ATOMIC -> set(lane, d, atomic(op, imm, x, y, reg(lane, imm >>> VmImageLayout.MEM_C_SHIFT & 0xFF)));
            case D_A_B_C -> set(lane, d, op == VmOp.SELECT ? (x != 0 ? y : reg(lane, imm & 0xFF))
                    : Ops.fma(x, y, reg(lane, imm & 0xFF)));
            default -> set(lane, d, compute(lane, op, x, y, imm));
        }
        return p + 1;
    }

    private int compute(int lane, VmOp op, int x, int y, int imm) {
        return switch (op) {
            case CONST -> imm;
            case MOV -> x;
            case INVOCATION_ID -> workgroupId[imm] * image.workgroupSize(imm) + localIds[imm][lane];
            case WORKGROUP_ID -> workgroupId[imm];
            case LOCAL_ID -> localIds[imm][lane];
            case BUF_LEN -> (int) buffers[imm].length;
            case ADD_IMM -> x + imm;
            default -> VmSemantics.apply(op, x, y);
        };
    }

    private static long index(int raw, int imm) {
        return (imm & VmImageLayout.MEM_SIGNED_INDEX) != 0 ? raw : Integer.toUnsignedLong(raw);
    }

    private int load(int imm, int raw) {
        BoundBuffer b = buffers[imm & VmImageLayout.MEM_SLOT_MASK];
        long i = index(raw, imm);
        if (i < 0 || i >= b.length) {
            oobLoads++;
            return 0;
        }
        return b.get(i);
    }

    private void store(int imm, int raw, int value) {
        BoundBuffer b = buffers[imm & VmImageLayout.MEM_SLOT_MASK];
        long i = index(raw, imm);
        if (i < 0 || i >= b.length) {
            oobStores++;
            return;
        }
        b.set(i, value);
    }

    private int atomic(VmOp op, int imm, int raw, int value, int expected) {
        BoundBuffer b = buffers[imm & VmImageLayout.MEM_SLOT_MASK];
        long i = index(raw, imm);
        if (i < 0 || i >= b.length) {
            oobStores++;
            return 0;
        }
        AtomicOp a = switch (op) {
            case ATOMIC_ADD -> AtomicOp.ADD;
            case ATOMIC_OR -> AtomicOp.OR;
            case ATOMIC_AND -> AtomicOp.AND;
            case ATOMIC_XOR -> AtomicOp.XOR;
            case ATOMIC_MIN_U32, ATOMIC_MIN_I32 -> AtomicOp.MIN;
            case ATOMIC_MAX_U32, ATOMIC_MAX_I32 -> AtomicOp.MAX;
            case ATOMIC_EXCHANGE -> AtomicOp.EXCHANGE;
            case ATOMIC_CMPXCHG -> AtomicOp.COMPARE_EXCHANGE;
            case ATOMIC_FETCH_NAND -> AtomicOp.FETCH_NAND;
            default -> AtomicOp.LRU_UPDATE;
        };
        return b.atomic(a, i, expected, value);
    }

}
