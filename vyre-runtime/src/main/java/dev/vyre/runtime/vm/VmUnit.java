package dev.vyre.runtime.vm;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.BoundBuffer;
import dev.vyre.protocol.FaultCode;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.vm.VmBindingException;
import dev.vyre.vm.VmBufferDecl;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmInterpreter;
import dev.vyre.vm.VmLowering;
import dev.vyre.vm.VmResult;
import dev.vyre.vm.VmTableLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The VM_EXEC registry of one megakernel (docs/VM-BYTECODE.md): a program table and a buffer-set table, owned per
 * tenant. It keeps the entries twice, as {@code DfaStepUnit} does: Java objects that the CPU executor reads
 * ({@link #execute}), and the device tables of {@link VmTableLayout} in the backend's shared memory (with the
 * images in a shared image heap) that a device executor reads at {@link Backend#deviceAddress}.
 *
 * <p>Programs are keyed by the BLAKE3 {@link Fingerprint} of their canonical VIR0 bytes: registering the same
 * program twice for one tenant gives the same id. Eviction frees the entry and the image's heap words for later
 * registrations; the caller must not evict a program or buffer set that VM_EXEC slots in flight name.
 */
public final class VmUnit {
    /** Words of the image heap (1 MiB). */
    public static final int IMAGE_HEAP_WORDS = 1 << 18;

    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong DWORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record ProgramEntry(VmImage image, int owner, Fingerprint fingerprint, long heapAt) {
    }

    private record BufferSet(int owner, List<MemorySegment> segments, ScalarType[] types, long[] elements) {
    }

    /** What {@link #execute} decided: null fault when the slot is DONE (its results are in the argument words). */
    public record Outcome(FaultCode fault, int detail) {
        static final Outcome DONE = new Outcome(null, 0);
    }

    private final Backend backend;
    private final MemorySegment tables;
    private final MemorySegment heap;
    private final ImageHeap heapWords = new ImageHeap(IMAGE_HEAP_WORDS);
    private final AtomicReferenceArray<ProgramEntry> programs =
            new AtomicReferenceArray<>(VmTableLayout.MAX_PROGRAMS);
    private final AtomicReferenceArray<BufferSet> sets = new AtomicReferenceArray<>(VmTableLayout.MAX_BUFFER_SETS);
    private final int[] programGenerations = new int[VmTableLayout.MAX_PROGRAMS];
    private final int[] setGenerations = new int[VmTableLayout.MAX_BUFFER_SETS];
    /** Per tenant: the memory its buffer sets must lie in (its data range), or null when it is unconfined. */
    private final MemorySegment[] confinedTo = new MemorySegment[Permissions.TENANTS];

    private VmUnit(Backend backend, MemorySegment tables, MemorySegment heap) {
        this.backend = backend;
        this.tables = tables;
        this.heap = heap;
    }

    /** The unit of a megakernel being bootstrapped on {@code backend}: tables and image heap in shared memory. */
    public static VmUnit allocate(Backend backend) {
        return new VmUnit(backend, backend.allocateShared(VmTableLayout.TABLE_BYTES, 16),
                backend.allocateShared(IMAGE_HEAP_WORDS * 4L, 16));
    }

    /**
     * Confines {@code tenant}'s buffer sets to {@code range} (its part of the data region; docs/TENANTS.md,
     * "Confinement"): {@link #registerBufferSet} then refuses any buffer outside it, so its VM_EXEC slots reach no
     * other memory on any backend. Called at bootstrap for every confined tenant.
     */
    public synchronized void confine(int tenant, MemorySegment range) {
        checkTenant(tenant);
        confinedTo[tenant] = range;
    }

    /** The device tables ({@link VmTableLayout}), in the backend's shared memory. */
    public MemorySegment tables() {
        return tables;
    }

    // ---- programs -----------------------------------------------------------------------------------------------

    /**
     * Lowers, verifies and registers {@code program} for {@code tenant}; returns its program id (the same id when
     * the tenant registered the same program before).
     *
     * @throws dev.vyre.vm.VmLoweringException          when the VM cannot run the program
     * @throws dev.vyre.ir.check.ValidationException    when it is invalid
     * @throws VmRegistryException                      when the tenant is not 0..29 or the table or heap is full
     */
    public synchronized int register(int tenant, Program program) {
        checkTenant(tenant);
        Fingerprint fingerprint = Fingerprint.hash(Vir0Encoder.encode(program));
        for (int id = 0; id < VmTableLayout.MAX_PROGRAMS; id++) {
            ProgramEntry e = programs.get(id);
            if (e != null && e.owner == tenant && e.fingerprint.equals(fingerprint)) {
                return id;
            }
        }
        VmImage image = VmLowering.lower(program);
        int id = freeIndex(programs, "program", "evict programs this tenant no longer runs (VmUnit.evict)");
        long at = heapWords.allocate(image.wordCount());
        if (at < 0) {
            throw new VmRegistryException("the VM image heap has no room for an image of " + image.wordCount()
                    + " words (" + heapWords.freeWords() + " of " + IMAGE_HEAP_WORDS + " words free, maybe fragmented)",
                    "evict programs no longer run (VmUnit.evict), or register smaller programs");
        }
        MemorySegment.copy(image.words(), 0, heap, WORD, at * 4, image.wordCount());
        int[] digest = fingerprintWords(fingerprint);
        tables.set(WORD, VmTableLayout.programWord(id, VmTableLayout.P_OWNER), tenant);
        tables.set(DWORD, VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_ADDRESS),
                backend.deviceAddress(heap) + at * 4);
        tables.set(WORD, VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_WORDS), image.wordCount());
        for (int i = 0; i < VmTableLayout.FINGERPRINT_WORDS; i++) {
            tables.set(WORD, VmTableLayout.programWord(id, VmTableLayout.P_FINGERPRINT + i), digest[i]);
        }
        programGenerations[id] = programGenerations[id] + 1 & VmTableLayout.GENERATION_MASK;
        programs.set(id, new ProgramEntry(image, tenant, fingerprint, at));
        INT.setRelease(tables, VmTableLayout.programWord(id, VmTableLayout.P_STATE),
                VmTableLayout.READY | programGenerations[id]);
        return id;
    }

    /** The id {@code tenant} registered {@code program} under, or -1. */
    public int lookup(int tenant, Program program) {
        Fingerprint fingerprint = Fingerprint.hash(Vir0Encoder.encode(program));
        for (int id = 0; id < VmTableLayout.MAX_PROGRAMS; id++) {
            ProgramEntry e = programs.get(id);
            if (e != null && e.owner == tenant && e.fingerprint.equals(fingerprint)) {
                return id;
            }
        }
        return -1;
    }

    /** The image of program {@code id}, for its owner. */
    public VmImage image(int tenant, int id) {
        return ownedProgram(tenant, id).image;
    }

    /** Evicts program {@code id} of {@code tenant}: its entry stops being READY and its heap words are reused. */
    public synchronized void evict(int tenant, int id) {
        ProgramEntry e = ownedProgram(tenant, id);
        INT.setRelease(tables, VmTableLayout.programWord(id, VmTableLayout.P_STATE), programGenerations[id]);
        programs.set(id, null);
        heapWords.release(e.heapAt, e.image.wordCount());
    }

    /** Programs registered now. */
    public int programCount() {
        int n = 0;
        for (int id = 0; id < VmTableLayout.MAX_PROGRAMS; id++) {
            n += programs.get(id) == null ? 0 : 1;
        }
        return n;
    }

    // ---- buffer sets --------------------------------------------------------------------------------------------

    /**
     * Registers the buffers program {@code programId} (of the same tenant) runs on: one segment per buffer slot,
     * null for Workgroup slots, each memory the backend's workers see ({@code Megakernel.allocateShared}). Its
     * WriteOnly buffers are zeroed (VM_EXEC does not zero them). The set fits every program with the same
     * declarations.
     *
     * @throws VmBindingException  when a segment does not fit its declaration
     * @throws VmRegistryException when the program is not the tenant's or the table is full
     */
    public synchronized int registerBufferSet(int tenant, int programId, List<MemorySegment> segments) {
        VmImage image = ownedProgram(tenant, programId).image;
        VmInterpreter.bind(image, segments); // refuses segments that do not fit, with a Fix
        requireInside(tenant, segments);
        List<VmBufferDecl> decls = image.buffers();
        int id = freeIndex(sets, "buffer set", "evict buffer sets no longer used (VmUnit.evictBufferSet)");
        ScalarType[] types = new ScalarType[decls.size()];
        long[] elements = new long[decls.size()];
        tables.set(WORD, VmTableLayout.bufferSetWord(id, VmTableLayout.S_OWNER), tenant);
        tables.set(WORD, VmTableLayout.bufferSetWord(id, VmTableLayout.S_BUFFER_COUNT), decls.size());
        for (int slot = 0; slot < decls.size(); slot++) {
            VmBufferDecl d = decls.get(slot);
            types[slot] = d.type();
            MemorySegment s = segments.get(slot);
            long address = s == null || s.byteSize() == 0 ? 0 : backend.deviceAddress(s);
            elements[slot] = s == null ? 0 : s.byteSize() / d.type().byteSize();
            if (s != null && d.access() == BufferAccess.WRITE_ONLY) {
                s.fill((byte) 0);
            }
            tables.set(DWORD, VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ADDRESS), address);
            tables.set(WORD, VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ELEMENTS), (int) elements[slot]);
            tables.set(WORD, VmTableLayout.bufferWord(id, slot, VmTableLayout.B_TYPE), d.type().tag());
        }
        setGenerations[id] = setGenerations[id] + 1 & VmTableLayout.GENERATION_MASK;
        sets.set(id, new BufferSet(tenant, new ArrayList<>(segments), types, elements));
        INT.setRelease(tables, VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE),
                VmTableLayout.READY | setGenerations[id]);
        return id;
    }

    /** Evicts buffer set {@code id} of {@code tenant}. */
    public synchronized void evictBufferSet(int tenant, int id) {
        BufferSet s = id >= 0 && id < VmTableLayout.MAX_BUFFER_SETS ? sets.get(id) : null;
        if (s == null || s.owner != tenant) {
            throw new VmRegistryException("buffer set " + id + " is not registered for tenant " + tenant,
                    "evict only buffer sets the tenant registered (the id registerBufferSet returned)");
        }
        INT.setRelease(tables, VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE), setGenerations[id]);
        sets.set(id, null);
    }

    // ---- VM_EXEC on the CPU -------------------------------------------------------------------------------------

    /**
     * Executes a VM_EXEC slot of {@code tenant} with argument words {@code args} (ARG0..ARG11): the checks of
     * docs/VM-BYTECODE.md in order, then the run; on DONE writes STEPS, OOB_LOADS, OOB_STORES and RESERVED back.
     */
    public Outcome execute(int tenant, int[] args) {
        int programId = args[VmExecAbi.PROGRAM];
        ProgramEntry p = programId >= 0 && programId < VmTableLayout.MAX_PROGRAMS ? programs.get(programId) : null;
        if (p == null) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.PROGRAM);
        }
        if (p.owner != tenant) {
            return new Outcome(FaultCode.NOT_OWNER, VmExecAbi.PROGRAM);
        }
        int setId = args[VmExecAbi.BUFFER_SET];
        BufferSet s = setId >= 0 && setId < VmTableLayout.MAX_BUFFER_SETS ? sets.get(setId) : null;
        if (s == null) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        }
        if (s.owner != tenant) {
            return new Outcome(FaultCode.NOT_OWNER, VmExecAbi.BUFFER_SET);
        }
        if (!matches(p.image, s)) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        }
        for (int axis = 0; axis < 3; axis++) {
            if (args[VmExecAbi.GRID_X + axis] == 0) {
                return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.GRID_X + axis);
            }
        }
        long total = Integer.toUnsignedLong(args[VmExecAbi.GRID_X]) * Integer.toUnsignedLong(args[VmExecAbi.GRID_Y])
                * Integer.toUnsignedLong(args[VmExecAbi.GRID_Z]);
        long first = Integer.toUnsignedLong(args[VmExecAbi.FIRST]);
        long count = Integer.toUnsignedLong(args[VmExecAbi.COUNT]);
        if (Long.compareUnsigned(first, total) >= 0) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.FIRST);
        }
        if (count == 0 || first + count > total) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.COUNT);
        }
        long budget = Integer.toUnsignedLong(args[VmExecAbi.BUDGET]);
        if (budget == 0) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.BUDGET);
        }
        if (args[VmExecAbi.RESERVED] != 0) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.RESERVED);
        }
        BoundBuffer[] bound;
        try {
            bound = VmInterpreter.bind(p.image, s.segments);
        } catch (VmBindingException e) {
            return new Outcome(FaultCode.BAD_ARGUMENT, VmExecAbi.BUFFER_SET);
        }
        VmResult r = VmInterpreter.run(p.image, bound, args[VmExecAbi.GRID_X], args[VmExecAbi.GRID_Y],
                args[VmExecAbi.GRID_Z], first, count, budget);
        return switch (r.status()) {
            case STEP_BUDGET -> new Outcome(FaultCode.STEP_BUDGET, args[VmExecAbi.BUDGET]);
            case DIVERGENT -> new Outcome(FaultCode.HANDLER_FAULT, VmExecAbi.DIVERGENT | r.pc() & VmExecAbi.DETAIL_PC_MASK);
            case DONE -> {
                args[VmExecAbi.STEPS] = (int) r.steps();
                args[VmExecAbi.OOB_LOADS] = saturate(r.outOfBoundsLoads());
                args[VmExecAbi.OOB_STORES] = saturate(r.outOfBoundsStores());
                args[VmExecAbi.RESERVED] = 0;
                yield Outcome.DONE;
            }
        };
    }

    /** Check 5 of docs/VM-BYTECODE.md: the set has the image's slots, types and at least the declared counts. */
    private static boolean matches(VmImage image, BufferSet s) {
        List<VmBufferDecl> decls = image.buffers();
        if (decls.size() != s.types.length) {
            return false;
        }
        for (int i = 0; i < decls.size(); i++) {
            VmBufferDecl d = decls.get(i);
            if (!d.workgroup() && (d.type() != s.types[i]
                    || d.count() != 0 && Integer.toUnsignedLong(d.count()) > s.elements[i])) {
                return false;
            }
        }
        return true;
    }

    private static int saturate(long v) {
        return (int) Math.min(v, 0xFFFF_FFFFL);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Refuses a confined tenant's buffer that does not lie in its data range. */
    private void requireInside(int tenant, List<MemorySegment> segments) {
        MemorySegment range = confinedTo[tenant];
        if (range == null) {
            return;
        }
        for (int slot = 0; slot < segments.size(); slot++) {
            MemorySegment s = segments.get(slot);
            if (s != null && s.byteSize() > 0 && (s.address() < range.address()
                    || s.address() + s.byteSize() > range.address() + range.byteSize())) {
                throw new VmRegistryException("tenant " + tenant + " is confined to " + range.byteSize() + " bytes of"
                        + " the data region, but buffer " + slot + " of the set (" + s.byteSize() + " bytes at 0x"
                        + Long.toHexString(s.address()) + ") lies outside them", "register only memory inside the"
                        + " tenant's data range (Megakernel.dataRegion().segment().asSlice(dataOffset, dataBytes))");
            }
        }
    }

    private ProgramEntry ownedProgram(int tenant, int id) {
        ProgramEntry e = id >= 0 && id < VmTableLayout.MAX_PROGRAMS ? programs.get(id) : null;
        if (e == null || e.owner != tenant) {
            throw new VmRegistryException("program " + id + " is not registered for tenant " + tenant
                    + (e == null ? "" : " (another tenant owns it)"),
                    "use the id VmUnit.register returned for this tenant");
        }
        return e;
    }

    private static <T> int freeIndex(AtomicReferenceArray<T> table, String what, String fix) {
        for (int id = 0; id < table.length(); id++) {
            if (table.get(id) == null) {
                return id;
            }
        }
        throw new VmRegistryException("the VM " + what + " table is full (" + table.length() + " entries)", fix);
    }

    private static void checkTenant(int tenant) {
        if (!Permissions.isTenant(tenant)) {
            throw new VmRegistryException("tenant " + tenant + " is not a tenant 0.." + (Permissions.TENANTS - 1),
                    "register for the tenant that will publish the VM_EXEC slots");
        }
    }

    private static int[] fingerprintWords(Fingerprint f) {
        int[] w = new int[VmTableLayout.FINGERPRINT_WORDS];
        MemorySegment.copy(MemorySegment.ofArray(f.bytes()), WORD, 0, w, 0, w.length);
        return w;
    }

    @Override
    public String toString() {
        return "VmUnit[" + programCount() + " programs, heap " + heapWords.freeWords() + " words free]";
    }
}
