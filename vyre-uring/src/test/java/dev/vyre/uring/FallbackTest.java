package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the path: forced fallback, io_uring unavailable (injected probe results), required io_uring. */
class FallbackTest {

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();
    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(ChunkReaders.MODE_PROPERTY);
        System.clearProperty(ChunkReaders.MODE_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(ChunkReaders.MODE_PROPERTY);
        } else {
            System.setProperty(ChunkReaders.MODE_PROPERTY, savedProperty);
        }
    }

    private static Supplier<UringProbe> unavailable(int errno) {
        return () -> new UringProbe(false, UringProbe.reasonFor(errno), 0);
    }

    private static Supplier<UringProbe> mustNotRun() {
        return () -> {
            throw new AssertionError("the probe ran although the path was forced");
        };
    }

    /** Reads one file and checks its bytes: the reader works whatever path it took. */
    private void assertReads(ChunkReader reader) throws IOException {
        Path file = dir.resolve("data-" + reader.kind());
        long crc = TestFiles.write(file, 50_000, 11);
        CollectingSink sink = new CollectingSink();
        reader.read(List.of(new IngestFile(0, file)), sink);
        assertEquals(crc, sink.outcome(0).crc());
    }

    @Test
    void thePropertyForcesTheFallbackAndSaysSoOnce() throws IOException {
        System.setProperty(ChunkReaders.MODE_PROPERTY, "off");
        Notices once = Notices.to(notices::add);
        try (BufferPool pool = BufferPool.offHeap(4, 4096)) {
            for (int i = 0; i < 3; i++) {
                try (ChunkReader reader = ChunkReaders.open(pool, ReaderOptions.defaults(), once, mustNotRun())) {
                    assertEquals(ReaderKind.FILE_CHANNEL, reader.kind());
                    assertTrue(reader.description().contains("-Dvyre.uring=off"), reader.description());
                    assertReads(reader);
                }
            }
        }
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("-Dvyre.uring=off") && notices.get(0).contains("FileChannel"),
                notices.get(0));
    }

    @Test
    void theOptionForcesTheFallbackToo() throws IOException {
        try (BufferPool pool = BufferPool.offHeap(4, 4096); ChunkReader reader = ChunkReaders.open(pool,
                ReaderOptions.defaults().withMode(ReaderOptions.Mode.FILE_CHANNEL), Notices.to(notices::add),
                mustNotRun())) {
            assertEquals(ReaderKind.FILE_CHANNEL, reader.kind());
            assertReads(reader);
        }
        assertTrue(notices.get(0).contains("FILE_CHANNEL"), notices.toString());
    }

    @Test
    void anUnavailableIoUringFallsBackNamingTheReason() throws IOException {
        Notices once = Notices.to(notices::add);
        try (BufferPool pool = BufferPool.offHeap(4, 4096)) {
            for (int errno : new int[] {LinuxErrno.EPERM, LinuxErrno.ENOSYS}) {
                try (ChunkReader reader = ChunkReaders.open(pool, ReaderOptions.defaults(), once,
                        unavailable(errno))) {
                    assertEquals(ReaderKind.FILE_CHANNEL, reader.kind());
                    assertReads(reader);
                }
            }
        }
        assertEquals(1, notices.size(), "said once: " + notices);
        String notice = notices.get(0);
        assertTrue(notice.contains("EPERM") && notice.contains("kernel.io_uring_disabled")
                && notice.contains("seccomp"), notice);
    }

    @Test
    void anAvailableIoUringIsUsedWithoutANotice() throws IOException {
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        AtomicInteger probes = new AtomicInteger();
        try (BufferPool pool = BufferPool.offHeap(4, 4096); ChunkReader reader = ChunkReaders.open(pool,
                ReaderOptions.defaults(), Notices.to(notices::add), () -> {
                    probes.incrementAndGet();
                    return probe;
                })) {
            assertEquals(ReaderKind.IO_URING, reader.kind());
            assertTrue(reader.description().contains("io_uring"), reader.description());
            assertReads(reader);
        }
        assertEquals(1, probes.get());
        assertTrue(notices.isEmpty(), notices.toString());
    }

    @Test
    void requiredIoUringThatIsUnavailableIsATypedErrorWithTheFix() {
        try (BufferPool pool = BufferPool.offHeap(2, 4096)) {
            UringException e = assertThrows(UringException.class, () -> ChunkReaders.open(pool,
                    ReaderOptions.defaults().withMode(ReaderOptions.Mode.URING), Notices.to(notices::add),
                    unavailable(LinuxErrno.ENOSYS)));
            assertTrue(e.getMessage().contains("required") && e.getMessage().contains("ENOSYS"), e.getMessage());
            assertTrue(e.fix().contains("5.1"), e.fix());

            System.setProperty(ChunkReaders.MODE_PROPERTY, "on");
            UringException forced = assertThrows(UringException.class, () -> ChunkReaders.open(pool,
                    ReaderOptions.defaults(), Notices.to(notices::add), unavailable(LinuxErrno.EPERM)));
            assertTrue(forced.getMessage().contains("-Dvyre.uring=on"), forced.getMessage());
        }
        assertTrue(notices.isEmpty(), "no fallback happened: " + notices);
    }

    @Test
    void kernelsWithoutTheReadOpcodeAreRefusedWithTheVersion() {
        UringException old = assertThrows(UringException.class, () -> UringChunkReader.requireReadOpcode(
                UringAbi.IORING_FEAT_SINGLE_MMAP | 1 << 1)); // what 5.5 reports: SINGLE_MMAP, NODROP
        assertTrue(old.getMessage().contains("IORING_OP_READ") && old.getMessage().contains("5.6"),
                old.getMessage());
        UringChunkReader.requireReadOpcode(UringAbi.IORING_FEAT_SINGLE_MMAP | UringAbi.IORING_FEAT_RW_CUR_POS);
    }

    @Test
    void selectionFollowsPropertyThenModeThenProbe() {
        UringProbe yes = new UringProbe(true, "", 1);
        assertEquals(ReaderKind.IO_URING, ChunkReaders.select(ReaderOptions.Mode.AUTO, null, () -> yes).kind());
        assertEquals(ReaderKind.IO_URING, ChunkReaders.select(ReaderOptions.Mode.AUTO, "auto", () -> yes).kind());
        assertTrue(ChunkReaders.select(ReaderOptions.Mode.URING, " ", () -> yes).required());
        assertFalse(ChunkReaders.select(ReaderOptions.Mode.AUTO, "", () -> yes).required());
        ChunkReaders.Selection off = ChunkReaders.select(ReaderOptions.Mode.URING, "OFF", mustNotRun());
        assertEquals(ReaderKind.FILE_CHANNEL, off.kind());
        assertTrue(off.reason().contains("-Dvyre.uring=OFF"), off.reason());
        ChunkReaders.Selection down = ChunkReaders.select(ReaderOptions.Mode.AUTO, null,
                unavailable(LinuxErrno.EPERM));
        assertEquals(ReaderKind.FILE_CHANNEL, down.kind());
        assertTrue(down.reason().contains("EPERM"), down.reason());
        IngestException bad = assertThrows(IngestException.class,
                () -> ChunkReaders.select(ReaderOptions.Mode.AUTO, "maybe", mustNotRun()));
        assertTrue(bad.getMessage().contains("maybe") && bad.fix().contains("off"), bad.getMessage());
    }
}
