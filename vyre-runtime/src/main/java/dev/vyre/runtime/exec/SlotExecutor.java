package dev.vyre.runtime.exec;

import static dev.vyre.protocol.ControlLayout.EPOCH;
import static dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;

import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.StepBudgetExceededException;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.vm.VmUnit;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Executes claimed slots with the semantics of docs/MEGAKERNEL.md ("Executing a slot"): permission check, the
 * built-in opcodes, PACKED_SLOT, and user handlers through the {@link ReferenceInterpreter}. It writes the result
 * words, stores STATUS=DONE or FAULT with release ordering and increments {@code control[DONE_COUNT]}.
 *
 * <p>This is the Java statement of the semantics every backend implements (the CUDA backend in PTX). One instance
 * per worker thread: it keeps the worker's argument scratch and the detail of the fault it is building.
 *
 * <p>Confined tenants ({@link TenantSpec.Regions}, docs/TENANTS.md): a built-in of such a tenant may address only
 * its control window, else it faults OUT_OF_REGION (detail: the word index) before any effect; its user handlers
 * run with {@code control} bound to the window and {@code data} to its data range, so they cannot reach other
 * memory, and a run with out-of-range accesses (dropped stores, loads that read 0) faults OUT_OF_REGION (detail:
 * how many).
 */
public final class SlotExecutor {
    /** Sub-ops of a PACKED_SLOT: sub-op k is ARG(4k..4k+3) = {opcode, a0, a1, a2}. */
    public static final int PACKED_SUB_OPS = 3;
    /** Argument words per packed sub-op. */
    public static final int PACKED_SUB_OP_WORDS = 4;
    private static final long U32_MAX = 0xFFFF_FFFFL;

    private final RingView ring;
    private final ControlView control;
    private final DebugLogView debug;
    private final HandlerTable handlers;
    private final ReferenceInterpreter interpreter;
    private final int stepBudgetWord;
    private final long controlWords;
    private final int[] argWords = new int[SlotLayout.ARGS_PER_SLOT];
    /**
     * The tenants' permission masks, read once when the executor is made (at backend start, after bootstrap wrote
     * them), as the CUDA kernel reads them once at launch: a slot costs no read of them.
     */
    private final int[] tenantMasks;
    /** The DFA_STEP unit of the megakernel's automata, or null (DFA_STEP then faults UNKNOWN_OPCODE). */
    private final DfaStepUnit dfaStep;
    /** The VM_EXEC registry, or null (VM_EXEC then faults UNKNOWN_OPCODE). */
    private final VmUnit vm;
    private final MemorySegment scratch = MemorySegment.ofArray(new int[SlotLayout.ARGS_PER_SLOT]);
    private final Map<String, MemorySegment> bindings;
    /** The bindings of handlers that declare the data buffer: also the data region. */
    private final Map<String, MemorySegment> dataBindings;
    /** Per tenant: its regions, or null when unconfined. */
    private final TenantSpec.Regions[] regions;
    /** Per confined tenant: handler bindings (without, with the data buffer). */
    private final Map<String, MemorySegment>[] confinedBindings;
    private final Map<String, MemorySegment>[] confinedDataBindings;
    private int detail;
    /** The regions of the slot being run, or null. */
    private TenantSpec.Regions window;
    /** Whether the slot's results are in {@link #argWords} and go back to ARG0..ARG11 when it completes. */
    private boolean writeBack;

    /**
     * An executor over {@code buffers} running {@code handlers} with {@code stepBudget} (1..0xFFFFFFFF) steps per
     * handler run.
     */
    public SlotExecutor(RingBuffers buffers, HandlerTable handlers, long stepBudget) {
        this(buffers, handlers, stepBudget, new TenantSpec.Regions[Permissions.TENANTS]);
    }

    /**
     * An executor as {@link #SlotExecutor(RingBuffers, HandlerTable, long)} where tenant {@code t} is confined to
     * {@code regions[t]} (null: unconfined); the regions were checked at bootstrap.
     */
    @SuppressWarnings("unchecked")
    public SlotExecutor(RingBuffers buffers, HandlerTable handlers, long stepBudget, TenantSpec.Regions[] regions) {
        this.ring = buffers.ring();
        this.control = buffers.control();
        this.debug = buffers.debug();
        this.handlers = handlers;
        this.interpreter = new ReferenceInterpreter(stepBudget);
        this.stepBudgetWord = (int) stepBudget;
        this.controlWords = control.wordCount();
        this.bindings = Map.of(HandlerTable.ARGS, scratch, HandlerTable.CONTROL, control.segment());
        this.dataBindings = Map.of(HandlerTable.ARGS, scratch, HandlerTable.CONTROL, control.segment(),
                HandlerTable.DATA, buffers.data());
        this.dfaStep = buffers.dfaStep();
        this.vm = buffers.vm();
        this.tenantMasks = new int[Permissions.TENANTS];
        for (int t = 0; t < Permissions.TENANTS; t++) {
            tenantMasks[t] = control.tenantMask(t);
        }
        this.regions = regions.clone();
        this.confinedBindings = new Map[Permissions.TENANTS];
        this.confinedDataBindings = new Map[Permissions.TENANTS];
        for (int t = 0; t < Permissions.TENANTS; t++) {
            TenantSpec.Regions r = this.regions[t];
            if (r != null) {
                MemorySegment window = control.segment().asSlice((long) r.controlFirst() * Wire.WORD_BYTES,
                        (long) r.controlWords() * Wire.WORD_BYTES);
                MemorySegment data = r.dataBytes() == 0 ? MemorySegment.ofArray(new int[0])
                        : buffers.data().asSlice(r.dataOffset(), r.dataBytes());
                confinedBindings[t] = Map.of(HandlerTable.ARGS, scratch, HandlerTable.CONTROL, window);
                confinedDataBindings[t] = Map.of(HandlerTable.ARGS, scratch, HandlerTable.CONTROL, window,
                        HandlerTable.DATA, data);
            }
        }
    }

    /**
     * Runs the CLAIMED {@code slot}: executes it, stores STATUS=DONE or FAULT (ARG0 = code, ARG1 = detail) with
     * release ordering, then increments DONE_COUNT (faults count too).
     */
    public void execute(int slot) {
        execute(slot, null, null);
    }

    /**
     * Runs the CLAIMED {@code slot} as {@link #execute(int)}, but writes nothing to the ring (results, STATUS,
     * DONE_COUNT) unless {@code mayCommit} (null: always) returns true when the run is over: a worker that was
     * declared lost while it ran loses that race and its result is discarded (docs/TENANTS.md, Recovery). The
     * effects of the run on the control block and data region are not undone. {@code loaded} (null: none) runs once
     * the slot's words have been read, before anything is executed: the run uses that snapshot only, so a worker
     * held up there never runs a later occupant of the slot. True when it committed.
     */
    public boolean execute(int slot, Runnable loaded, BooleanSupplier mayCommit) {
        writeBack = false;
        FaultCode fault = run(slot, loaded);
        if (mayCommit != null && !mayCommit.getAsBoolean()) {
            return false;
        }
        if (fault == null) {
            if (writeBack) {
                for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
                    ring.setArg(slot, i, argWords[i]);
                }
            }
            ring.complete(slot);
        } else {
            ring.fault(slot, fault, detail);
        }
        control.incrementDoneCount();
        return true;
    }

    private FaultCode run(int slot, Runnable loaded) {
        int opcode = ring.word(slot, SlotLayout.OPCODE);
        int tenant = ring.word(slot, SlotLayout.TENANT);
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            argWords[i] = ring.arg(slot, i);
        }
        if (loaded != null) {
            loaded.run();
        }
        window = Permissions.isTenant(tenant) ? regions[tenant] : null;
        int bit = Permissions.bit(opcode, handlers);
        if (bit < 0) {
            return fault(FaultCode.UNKNOWN_OPCODE, 0);
        }
        if (!permitted(tenant, bit)) {
            return fault(FaultCode.OPCODE_NOT_PERMITTED, 0);
        }
        return switch (opcode) {
            case Opcodes.PACKED_SLOT -> packed(tenant);
            case Opcodes.PRINTF -> {
                debug.append(argWords[0], argWords[1], argWords[2], slot * SlotLayout.SLOT_WORDS);
                yield null;
            }
            case Opcodes.SHUTDOWN -> {
                control.requestShutdown();
                yield null;
            }
            case Opcodes.DFA_STEP -> dfaStep();
            case Opcodes.VM_EXEC -> vmExec(tenant);
            case Opcodes.LOAD_MISS -> fault(FaultCode.UNKNOWN_OPCODE, 0);
            default -> bit >= Permissions.FIRST_USER_BIT ? handler(tenant, bit - Permissions.FIRST_USER_BIT)
                    : simple(opcode, argWords[0], argWords[1], argWords[2]);
        };
    }

    private boolean permitted(int tenant, int bit) {
        return Permissions.isTenant(tenant) && Permissions.permits(tenantMasks[tenant], bit);
    }

    /** A built-in 0..5 or 7 with its three arguments: checked first, so a fault has no effect. */
    private FaultCode simple(int opcode, int a0, int a1, int a2) {
        FaultCode f = check(opcode, a0, a1, a2);
        if (f == null) {
            apply(opcode, a0, a1, a2);
        }
        return f;
    }

    /**
     * PACKED_SLOT: every sub-op is checked (allowed opcode, tenant permission, control ranges) before any runs, so a
     * faulting packed slot has no effect; then the sub-ops run in order k = 0, 1, 2.
     */
    private FaultCode packed(int tenant) {
        for (int k = 0; k < PACKED_SUB_OPS; k++) {
            int base = k * PACKED_SUB_OP_WORDS;
            int op = argWords[base];
            if (op == Opcodes.NOP) {
                continue;
            }
            if (!packable(op)) {
                return fault(FaultCode.BAD_ARGUMENT, base);
            }
            if (!permitted(tenant, Permissions.systemBit(op))) {
                return fault(FaultCode.OPCODE_NOT_PERMITTED, base);
            }
            FaultCode f = check(op, argWords[base + 1], argWords[base + 2], argWords[base + 3]);
            if (f != null) {
                return f;
            }
        }
        for (int k = 0; k < PACKED_SUB_OPS; k++) {
            int base = k * PACKED_SUB_OP_WORDS;
            if (argWords[base] != Opcodes.NOP) {
                apply(argWords[base], argWords[base + 1], argWords[base + 2], argWords[base + 3]);
            }
        }
        return null;
    }

    /** Whether {@code op} may be a packed sub-op: STORE_U32..MEMCPY (1..5) and BATCH_FENCE (7). */
    public static boolean packable(int op) {
        return op >= Opcodes.STORE_U32 && op <= Opcodes.MEMCPY || op == Opcodes.BATCH_FENCE;
    }

    /** The CONTROL_OUT_OF_RANGE fault of a built-in, or null when every word it touches is in the block. */
    private FaultCode check(int opcode, int a0, int a1, int a2) {
        return switch (opcode) {
            case Opcodes.STORE_U32, Opcodes.ATOMIC_ADD -> word(u(a1));
            case Opcodes.LOAD_U32 -> words(u(a0), OBSERVABLE_BASE + u(a1));
            case Opcodes.COMPARE_SWAP -> words(u(a0), OBSERVABLE_BASE + u(a0));
            case Opcodes.MEMCPY -> ranges(u(a0), u(a1), u(a2));
            case Opcodes.BATCH_FENCE -> words(EPOCH, OBSERVABLE_BASE);
            default -> null;
        };
    }

    /** Performs a checked built-in. */
    private void apply(int opcode, int a0, int a1, int a2) {
        switch (opcode) {
            case Opcodes.STORE_U32 -> control.storeRelaxed(a1, a0);
            case Opcodes.ATOMIC_ADD -> control.fetchAdd(a1, a0);
            case Opcodes.LOAD_U32 -> control.store(OBSERVABLE_BASE + a1, control.load(a0));
            case Opcodes.COMPARE_SWAP -> control.store(OBSERVABLE_BASE + a0, control.compareAndExchange(a0, a1, a2));
            case Opcodes.MEMCPY -> memmove(a0, a1, a2);
            case Opcodes.BATCH_FENCE -> {
                control.advanceEpoch();
                control.store(OBSERVABLE_BASE, a1);
            }
            default -> {
                // NOP
            }
        }
    }

    /** Copies control[src..src+n) to control[dst..dst+n) as if through a temporary buffer (memmove). */
    private void memmove(int src, int dst, int n) {
        if (dst <= src) {
            for (int i = 0; i < n; i++) {
                control.storeRelaxed(dst + i, control.load(src + i));
            }
        } else {
            for (int i = n - 1; i >= 0; i--) {
                control.storeRelaxed(dst + i, control.load(src + i));
            }
        }
    }

    /**
     * DFA_STEP (docs/SCAN.md): runs on the megakernel's {@link DfaStepUnit} (registered at bootstrap), or faults
     * UNKNOWN_OPCODE when it has none; a bad argument faults BAD_ARGUMENT with its index and has no effect.
     */
    private FaultCode dfaStep() {
        DfaStepUnit unit = dfaStep;
        if (unit == null) {
            return fault(FaultCode.UNKNOWN_OPCODE, 0);
        }
        int bad = unit.execute(argWords);
        if (bad != DfaStepUnit.OK) {
            return fault(FaultCode.BAD_ARGUMENT, bad);
        }
        writeBack = true;
        return null;
    }

    /**
     * VM_EXEC (docs/VM-BYTECODE.md): runs a registered program over a registered buffer set on the megakernel's
     * {@link VmUnit}, or faults UNKNOWN_OPCODE when it has none.
     */
    private FaultCode vmExec(int tenant) {
        if (vm == null) {
            return fault(FaultCode.UNKNOWN_OPCODE, 0);
        }
        VmUnit.Outcome o = vm.execute(tenant, argWords);
        if (o.fault() != null) {
            return fault(o.fault(), o.detail());
        }
        writeBack = true;
        return null;
    }

    /**
     * A user handler: runs on a copy of the arguments, which is written back only when the handler succeeds. A
     * confined tenant's handler sees only its regions and faults OUT_OF_REGION when it reached past them.
     */
    private FaultCode handler(int tenant, int index) {
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            scratch.setAtIndex(Wire.WORD, i, argWords[i]);
        }
        boolean data = handlers.readsData(index);
        Map<String, MemorySegment> bound = window == null ? (data ? dataBindings : bindings)
                : (data ? confinedDataBindings[tenant] : confinedBindings[tenant]);
        if (handlers.cooperative(index)) {
            // a confined cooperative handler runs on its tenant's slices too (nothing outside is reachable), but
            // runLanes does not count out-of-bounds accesses, so it cannot fault OUT_OF_REGION
            FaultCode f = cooperative(index, bound);
            if (f != null) {
                return f;
            }
        } else {
            RunResult result;
            try {
                result = interpreter.run(handlers.program(index), Dispatch.of(1), bound);
            } catch (StepBudgetExceededException e) {
                return fault(FaultCode.STEP_BUDGET, stepBudgetWord);
            } catch (RuntimeException | StackOverflowError e) {
                return fault(FaultCode.HANDLER_FAULT, 0);
            }
            if (window != null) {
                long outside = result.outOfBoundsLoads() + result.outOfBoundsStores();
                if (outside > 0) {
                    return fault(FaultCode.OUT_OF_REGION, (int) Math.min(outside, U32_MAX));
                }
            }
        }
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            argWords[i] = scratch.getAtIndex(Wire.WORD, i);
        }
        writeBack = true;
        return null;
    }

    /**
     * A cooperative handler: one workgroup of independent lanes, each with the whole step budget; the slot faults
     * with the fault of the lowest lane that did not finish (STEP_BUDGET, or HANDLER_FAULT for any other failure).
     */
    private FaultCode cooperative(int index, Map<String, MemorySegment> bound) {
        ReferenceInterpreter.LaneEnd[] ends;
        try {
            ends = interpreter.runLanes(handlers.program(index), bound);
        } catch (RuntimeException | StackOverflowError e) {
            return fault(FaultCode.HANDLER_FAULT, 0);
        }
        for (ReferenceInterpreter.LaneEnd end : ends) {
            switch (end) {
                case FINISHED -> {
                }
                case STEP_BUDGET -> {
                    return fault(FaultCode.STEP_BUDGET, stepBudgetWord);
                }
                case FAILED -> {
                    return fault(FaultCode.HANDLER_FAULT, 0);
                }
            }
        }
        return null;
    }

    private FaultCode word(long index) {
        if (index >= controlWords) {
            return fault(FaultCode.CONTROL_OUT_OF_RANGE, (int) Math.min(index, U32_MAX));
        }
        return window == null || inWindow(index) ? null : fault(FaultCode.OUT_OF_REGION, (int) index);
    }

    private FaultCode range(long start, long count) {
        if (start + count > controlWords) {
            return fault(FaultCode.CONTROL_OUT_OF_RANGE, (int) Math.min(Math.max(start, controlWords), U32_MAX));
        }
        if (window == null || count == 0 || inWindow(start) && inWindow(start + count - 1)) {
            return null;
        }
        return fault(FaultCode.OUT_OF_REGION, (int) (inWindow(start) ? window.controlFirst()
                + (long) window.controlWords() : start));
    }

    private boolean inWindow(long index) {
        return index >= window.controlFirst() && index < window.controlFirst() + (long) window.controlWords();
    }

    /** Checks word {@code first}, then word {@code second} (the detail names the first bad one). */
    private FaultCode words(long first, long second) {
        FaultCode f = word(first);
        return f != null ? f : word(second);
    }

    /** Checks range {@code [source, source+count)}, then {@code [destination, destination+count)}. */
    private FaultCode ranges(long source, long destination, long count) {
        FaultCode f = range(source, count);
        return f != null ? f : range(destination, count);
    }

    private FaultCode fault(FaultCode code, int faultDetail) {
        detail = faultDetail;
        return code;
    }

    private static long u(int word) {
        return Integer.toUnsignedLong(word);
    }
}
