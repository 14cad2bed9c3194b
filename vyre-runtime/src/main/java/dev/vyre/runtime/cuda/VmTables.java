package dev.vyre.runtime.cuda;

import dev.vyre.ir.ScalarType;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmTableLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Writes program and buffer-set entries into the VM tables ({@link VmTableLayout}) that a megakernel started with
 * {@link CudaBackend#enableVm} reads: each entry's words first, its STATE word last with release (READY and a new
 * generation), as docs/VM-BYTECODE.md requires. Entries are taken in order and wrap at the table size; the caller
 * keeps images and buffers alive while slots that name them run. A minimal registry for the device tests and the
 * benchmark; the host registry of the runtime (tenants' registration API) writes the same words.
 */
public final class VmTables {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment tables;
    private int nextProgram;
    private int nextSet;
    private int generation;

    /** Over {@code tables}: {@link VmTableLayout#TABLE_BYTES} of shared memory. */
    public VmTables(MemorySegment tables) {
        if (tables == null || tables.byteSize() < VmTableLayout.TABLE_BYTES) {
            throw new CudaBackendException("VM tables need " + VmTableLayout.TABLE_BYTES + " bytes", "allocate them"
                    + " with allocateShared(VmTableLayout.TABLE_BYTES, 16)");
        }
        this.tables = tables;
    }

    /** The tables' memory. */
    public MemorySegment segment() {
        return tables;
    }

    /**
     * Registers the image whose words lie at device address {@code imageAddress} ({@code words} words) for
     * {@code tenant}; returns the program index.
     */
    public synchronized int program(int tenant, long imageAddress, int words) {
        int id = nextProgram++ % VmTableLayout.MAX_PROGRAMS;
        put(VmTableLayout.programWord(id, VmTableLayout.P_STATE), 0);
        put(VmTableLayout.programWord(id, VmTableLayout.P_OWNER), tenant);
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_ADDRESS), (int) imageAddress);
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_ADDRESS + 1), (int) (imageAddress >>> 32));
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_WORDS), words);
        publish(VmTableLayout.programWord(id, VmTableLayout.P_STATE));
        return id;
    }

    /**
     * Registers a buffer set of {@code tenant} for {@code image}: per declared buffer its device address and
     * element count ({@code addresses[i] = 0}, count 0 for a Workgroup slot); returns the set index.
     */
    public synchronized int bufferSet(int tenant, VmImage image, long[] addresses, long[] elements) {
        int id = nextSet++ % VmTableLayout.MAX_BUFFER_SETS;
        put(VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE), 0);
        put(VmTableLayout.bufferSetWord(id, VmTableLayout.S_OWNER), tenant);
        put(VmTableLayout.bufferSetWord(id, VmTableLayout.S_BUFFER_COUNT), addresses.length);
        for (int slot = 0; slot < addresses.length; slot++) {
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ADDRESS), (int) addresses[slot]);
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ADDRESS + 1), (int) (addresses[slot] >>> 32));
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ELEMENTS), (int) elements[slot]);
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_TYPE), image.buffers().get(slot).type().tag());
        }
        publish(VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE));
        return id;
    }

    /** Elements of a buffer of {@code bytes} bytes of {@code type}. */
    public static long elements(ScalarType type, long bytes) {
        return bytes / (type.byteSize() == 1 ? 1 : 4);
    }

    /** Copies {@code image}'s words into {@code target} (at least {@code image.wordCount() * 4} bytes). */
    public static void copyImage(VmImage image, MemorySegment target) {
        int[] words = image.words();
        MemorySegment.copy(words, 0, target, ValueLayout.JAVA_INT, 0, words.length);
    }

    /** Addresses and element counts of {@code segments} as the backend sees them (null: a Workgroup slot). */
    public static long[][] describe(dev.vyre.runtime.Backend backend, VmImage image, List<MemorySegment> segments) {
        long[] addresses = new long[segments.size()];
        long[] elements = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            MemorySegment s = segments.get(i);
            if (s != null) {
                addresses[i] = backend.deviceAddress(s);
                elements[i] = elements(image.buffers().get(i).type(), s.byteSize());
            }
        }
        return new long[][] {addresses, elements};
    }

    private void put(long offset, int value) {
        WORD.setRelease(tables, offset, value);
    }

    private void publish(long stateOffset) {
        generation = (generation + 1) & VmTableLayout.GENERATION_MASK;
        WORD.setRelease(tables, stateOffset, VmTableLayout.READY | generation);
    }
}
