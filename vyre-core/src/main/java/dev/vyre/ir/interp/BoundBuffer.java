package dev.vyre.ir.interp;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One buffer as a run sees it: a little-endian segment of exactly {@link #length} elements. Loads and stores
 * are plain accesses; atomics are hardware atomics on the segment (a per-buffer lock where the segment is not
 * 4-byte aligned), so invocations on several threads may share it. Public for the bytecode VM
 * ({@code dev.vyre.vm.VmInterpreter}), which binds buffers the same way.
 */
public final class BoundBuffer {
    /** Little-endian 32-bit element, at any alignment. */
    static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian 32-bit element for atomics: coordinates (segment, byte offset). */
    private static final VarHandle ATOMIC_WORD =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final int WORD_BYTES = 4;
    /** Little-endian 64-bit pair of elements for the system-memory pair load: coordinates (segment, byte offset). */
    private static final VarHandle ATOMIC_PAIR =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    public final ScalarType element;
    public final long length;
    /** True for a Workgroup buffer: per-workgroup scratch, zeroed at workgroup start. */
    final boolean workgroupScratch;
    private final MemorySegment memory;
    private final boolean atomicAligned;
    private final Object atomicLock = new Object();
    /**
     * Word accesses of mapped memory (the system-memory profile): 0 plain, else opaque, with acquire loads
     * ({@link #ACQUIRE_LOADS}) and release stores ({@link #RELEASE_STORES}) where its mode says so.
     */
    private final int mapped;
    private static final int MAPPED = 1;
    private static final int ACQUIRE_LOADS = 2;
    private static final int RELEASE_STORES = 4;

    /** {@code memory} must be exactly {@code length} elements of {@code element}. */
    public BoundBuffer(ScalarType element, long length, MemorySegment memory, boolean workgroupScratch) {
        this(element, length, memory, workgroupScratch, 0);
    }

    private BoundBuffer(ScalarType element, long length, MemorySegment memory, boolean workgroupScratch,
                        int mapped) {
        this.element = element;
        this.length = length;
        this.workgroupScratch = workgroupScratch;
        this.memory = memory;
        this.atomicAligned = memory.maxByteAlignment() >= WORD_BYTES;
        this.mapped = atomicAligned ? mapped : 0;
    }

    /**
     * This buffer as mapped memory of the system-memory profile: aligned word loads and stores are opaque (never
     * cached or elided), loads acquire where {@code acquire}, stores release where {@code release}.
     */
    BoundBuffer mapped(boolean acquire, boolean release) {
        return new BoundBuffer(element, length, memory, workgroupScratch,
                MAPPED | (acquire ? ACQUIRE_LOADS : 0) | (release ? RELEASE_STORES : 0));
    }

    /**
     * Elements {@code index} (low word) and {@code index + 1} (high word) of a U32 buffer, valid indices: one 8-byte
     * acquire read where the pair is 8-byte aligned (single-copy atomic), else two word reads.
     */
    long getPair(long index) {
        long offset = index * WORD_BYTES;
        if (memory.maxByteAlignment() >= Long.BYTES && (memory.address() + offset) % Long.BYTES == 0) {
            return (long) ATOMIC_PAIR.getAcquire(memory, offset);
        }
        return Integer.toUnsignedLong(get(index)) | (long) get(index + 1) << Integer.SIZE;
    }

    /** Sets every byte to 0 (workgroup scratch at workgroup start). */
    public void clear() {
        memory.fill((byte) 0);
    }

    /** The element at a valid index, as a runtime value (Bool normalised to 0/1, Bytes zero-extended). */
    public int get(long index) {
        return switch (element) {
            case BYTES -> Byte.toUnsignedInt(memory.get(ValueLayout.JAVA_BYTE, index));
            case BOOL -> memory.get(WORD, index * WORD_BYTES) != 0 ? 1 : 0;
            default -> mapped == 0 ? memory.get(WORD, index * WORD_BYTES) : mappedGet(index * WORD_BYTES);
        };
    }

    private int mappedGet(long offset) {
        return (mapped & ACQUIRE_LOADS) != 0 ? (int) ATOMIC_WORD.getAcquire(memory, offset)
                : (int) ATOMIC_WORD.getOpaque(memory, offset);
    }

    /** Stores a runtime value at a valid index (Bytes keep the low 8 bits). */
    public void set(long index, int value) {
        if (element == ScalarType.BYTES) {
            memory.set(ValueLayout.JAVA_BYTE, index, (byte) value);
        } else if (mapped == 0) {
            memory.set(WORD, index * WORD_BYTES, value);
        } else if ((mapped & RELEASE_STORES) != 0) {
            ATOMIC_WORD.setRelease(memory, index * WORD_BYTES, value);
        } else {
            ATOMIC_WORD.setOpaque(memory, index * WORD_BYTES, value);
        }
    }

    /** Atomic read-modify-write of a valid index of a U32 or I32 buffer; returns the previous value. */
    public int atomic(AtomicOp op, long index, int expected, int value) {
        long offset = index * WORD_BYTES;
        if (!atomicAligned) {
            synchronized (atomicLock) {
                int old = memory.get(WORD, offset);
                int updated = Ops.atomic(op, element, old, expected, value);
                if (updated != old) {
                    memory.set(WORD, offset, updated);
                }
                return old;
            }
        }
        return switch (op) {
            case ADD -> (int) ATOMIC_WORD.getAndAdd(memory, offset, value);
            case OR -> (int) ATOMIC_WORD.getAndBitwiseOr(memory, offset, value);
            case AND -> (int) ATOMIC_WORD.getAndBitwiseAnd(memory, offset, value);
            case XOR -> (int) ATOMIC_WORD.getAndBitwiseXor(memory, offset, value);
            case EXCHANGE -> (int) ATOMIC_WORD.getAndSet(memory, offset, value);
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK ->
                    (int) ATOMIC_WORD.compareAndExchange(memory, offset, expected, value);
            case MIN, MAX, FETCH_NAND, LRU_UPDATE -> casLoop(op, offset, value);
        };
    }

    private int casLoop(AtomicOp op, long offset, int value) {
        while (true) {
            int old = (int) ATOMIC_WORD.getVolatile(memory, offset);
            int updated = Ops.atomic(op, element, old, 0, value);
            if (updated == old || ATOMIC_WORD.compareAndSet(memory, offset, old, updated)) {
                return old;
            }
        }
    }
}
