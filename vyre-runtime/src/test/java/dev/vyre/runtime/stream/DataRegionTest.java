package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.BootstrapException;
import dev.vyre.runtime.DataRegion;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.KernelClosedException;
import dev.vyre.runtime.KernelTimeoutException;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.StreamHandlers;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The runtime side of streaming: the data region a megakernel allocates, the {@code data} buffer a handler may
 * declare (bound to that region, read in place), and the leases that keep the region alive while a stream uses it.
 */
class DataRegionTest {
    private static final int OP = 0x200;

    @Test
    void aHandlerReadsTheDataRegionInPlace() {
        Kernels.assumeInterpreter();
        try (Megakernel k = StreamFixtures.kernelWith(OP, ChunkHandlers.fnv1a(), 3 * 4096)) {
            MemorySegment data = k.dataRegion().segment();
            assertEquals(3 * 4096, data.byteSize());
            assertEquals(0, data.address() % RingBuffers.DATA_ALIGNMENT, "page aligned");
            byte[] own = StreamFixtures.bytes(1, 1000);
            byte[] next = StreamFixtures.bytes(2, 50);
            MemorySegment.copy(own, 0, data, ValueLayout.JAVA_BYTE, 4096 + 17, own.length);
            MemorySegment.copy(next, 0, data, ValueLayout.JAVA_BYTE, 2 * 4096, next.length);
            ChunkSlot slot = new ChunkSlot(1, 4096 + 17, own.length, 5, 1L << 33, 30, 2 * 4096);
            SlotOutcome o = k.publish(OP, 0, Priority.NORMAL, slot.toArgs()).await(StreamFixtures.WAIT);
            byte[] both = new byte[own.length + 30];
            System.arraycopy(own, 0, both, 0, own.length);
            System.arraycopy(next, 0, both, own.length, 30);
            assertTrue(o.isDone(), o::toString);
            assertEquals(StreamFixtures.fnv(both, 0, both.length), o.arg(ChunkHandlers.RESULT_CHECKSUM));
            assertEquals(both.length, o.arg(ChunkHandlers.RESULT_BYTES));
            assertEquals(slot, ChunkSlot.fromArgs(o.args()), "the chunk words come back unchanged");
        }
    }

    @Test
    void chunkWordsRoundTripLargeOffsets() {
        ChunkSlot s = new ChunkSlot(16383, 0xFFFF_F000L, 1 << 30, 12345, 0x7_8000_0001L, 4096, 0xFFFF_E000L);
        int[] args = s.toArgs();
        assertEquals(SlotLayout.ARGS_PER_SLOT, args.length);
        assertEquals(0x8000_0001, args[ChunkSlot.FILE_OFFSET_LO]);
        assertEquals(7, args[ChunkSlot.FILE_OFFSET_HI]);
        for (int i = ChunkSlot.RESULT_FIRST; i < SlotLayout.ARGS_PER_SLOT; i++) {
            assertEquals(0, args[i], "result words are zero when published");
        }
        assertEquals(s, ChunkSlot.fromArgs(args));
    }

    @Test
    void handlersWithoutDataRunBesideARegion() {
        Kernels.assumeInterpreter();
        try (Megakernel k = StreamFixtures.kernelWith(StreamHandlers.COUNTING, StreamHandlers.counting(), 4096)) {
            SlotOutcome o = k.publish(StreamHandlers.COUNTING, 0, Priority.NORMAL, 2, 3, 160, 161)
                    .await(StreamFixtures.WAIT);
            assertEquals(2 * 31 + 3, o.arg(0));
        }
    }

    @Test
    void theDataBufferMustBeU32OrBytesWithCountZeroAndReadable() {
        bootstraps(List.of(decl("data", BufferAccess.UNIFORM, ScalarType.U32, 0)));
        bootstraps(List.of(decl("data", BufferAccess.READ_WRITE, ScalarType.BYTES, 0)));
        refused(List.of(decl("data", BufferAccess.WRITE_ONLY, ScalarType.BYTES, 0)), "WRITE_ONLY");
        refused(List.of(decl("data", BufferAccess.READ_ONLY, ScalarType.F32, 0)), "F32");
        refused(List.of(decl("data", BufferAccess.READ_ONLY, ScalarType.BYTES, 16)), "count 16");
        refused(List.of(decl("bytes", BufferAccess.READ_ONLY, ScalarType.BYTES, 0)), "optionally 'data'");
        refused(List.of(decl("data", BufferAccess.READ_ONLY, ScalarType.BYTES, 0),
                decl("more", BufferAccess.READ_ONLY, ScalarType.U32, 0)), "4 buffers");
    }

    /** A third (or fourth) handler buffer: bindings 0 and 1 are args and control. */
    private static BufferDecl decl(String name, BufferAccess access, ScalarType type, int count) {
        return BufferDecl.of(name, "data".equals(name) ? 2 : 3, access, type, count, false);
    }

    private static Program handler(List<BufferDecl> extra) {
        List<BufferDecl> buffers = new java.util.ArrayList<>(ChunkHandlers.buffers(ScalarType.U32).subList(0, 2));
        buffers.addAll(extra);
        return Program.of(Program.WorkgroupSize.of(1), buffers, List.of());
    }

    private static void bootstraps(List<BufferDecl> extra) {
        StreamFixtures.kernelWith(OP, handler(extra), 0).close();
    }

    private static void refused(List<BufferDecl> extra, String says) {
        BootstrapException e = assertThrows(BootstrapException.class,
                () -> StreamFixtures.kernelWith(OP, handler(extra), 0).close());
        assertTrue(e.getMessage().contains(says) && e.getMessage().contains(HandlerTable.DATA)
                && e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void theRegionIsSizedInPagesAndBounded() {
        try (Megakernel k = StreamFixtures.kernel(8, 1, 5000)) {
            assertEquals(8192, k.dataRegion().byteSize(), "rounded up to whole pages");
        }
        try (Megakernel k = StreamFixtures.kernel(8, 1, 0)) {
            assertEquals(0, k.dataRegion().byteSize());
        }
        MegakernelConfig tooBig = MegakernelConfig.defaults().withDataBytes(RingBuffers.MAX_DATA_BYTES + 1);
        BootstrapException e = assertThrows(BootstrapException.class,
                () -> Megakernel.bootstrap(new CpuBackend(), tooBig));
        assertTrue(e.getMessage().contains("dataBytes"), e.getMessage());
        MegakernelConfig legacy = new MegakernelConfig(16, 1, 0, 0, Map.of(), Map.of(), 10, Duration.ofSeconds(5));
        assertEquals(0, legacy.dataBytes());
    }

    @Test
    void leasesAreFirstFitAndDisjoint() {
        try (Megakernel k = StreamFixtures.kernel(8, 1, 10 * 4096)) {
            DataRegion r = k.dataRegion();
            DataRegion.Lease a = r.lease(4096, () -> { });
            DataRegion.Lease b = r.lease(5000, () -> { });
            DataRegion.Lease c = r.lease(1, () -> { });
            assertEquals(0, a.offset());
            assertEquals(4096, b.offset());
            assertEquals(3 * 4096, c.offset());
            assertEquals(2 * 4096, b.segment().byteSize());
            MegakernelException full = assertThrows(MegakernelException.class, () -> r.lease(7 * 4096, () -> { }));
            assertTrue(full.getMessage().contains("withDataBytes"), full.getMessage());
            b.close();
            b.close();
            DataRegion.Lease d = r.lease(4096, () -> { });
            assertEquals(4096, d.offset(), "the first free range is reused");
            DataRegion.Lease e = r.lease(6 * 4096, () -> { });
            assertEquals(4 * 4096, e.offset());
            List.of(a, c, d, e).forEach(DataRegion.Lease::close);
            assertEquals(0, r.leases());
        }
    }

    @Test
    void closeRevokesLeasesAndFreesOnlyOnceTheyAreClosed() {
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(8).withWorkers(1).withDataBytes(4096)
                .withDrainTimeout(Duration.ofMillis(300));
        Megakernel k = Megakernel.bootstrap(new CpuBackend(), c);
        AtomicInteger revoked = new AtomicInteger();
        DataRegion.Lease stubborn = k.dataRegion().lease(4096, revoked::incrementAndGet);
        assertThrows(KernelTimeoutException.class, k::close, "a lease still open keeps the memory");
        assertEquals(1, revoked.get());
        assertThrows(KernelClosedException.class, () -> k.dataRegion().lease(1, () -> { }),
                "no new leases while closing");
        assertThrows(KernelTimeoutException.class, k::close, "close() again asks again and waits again");
        assertEquals(2, revoked.get());
        stubborn.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // still allocated
        stubborn.close();
        k.close();
        assertEquals(2, revoked.get(), "nothing left to revoke: close() frees");
        assertThrows(KernelClosedException.class, k::dataRegion);

        Megakernel polite = Megakernel.bootstrap(new CpuBackend(), c);
        DataRegion.Lease[] holder = new DataRegion.Lease[1];
        holder[0] = polite.dataRegion().lease(100, () -> holder[0].close());
        polite.close();
        assertEquals(0, holder[0].segment().byteSize() - 4096, "the lease was a page");
    }
}
