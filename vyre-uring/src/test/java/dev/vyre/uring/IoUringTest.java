package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ring itself, against real files: reads, user data, batching, registered buffers, fixed files, errors. */
class IoUringTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsIoUring() {
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
    }

    /** A completion as the test saw it. */
    private record Cqe(long userData, int res) {
    }

    private static List<Cqe> reapAll(IoUring ring, int expected) {
        List<Cqe> seen = new ArrayList<>();
        while (seen.size() < expected) {
            ring.submitAndWait(1);
            ring.reap((userData, res, flags) -> seen.add(new Cqe(userData, res)));
        }
        return seen;
    }

    private static int openFd(Arena arena, Path file) {
        RawSyscalls.Result fd = RawSyscalls.open(arena.allocateFrom(file.toString()), UringAbi.O_RDONLY);
        assertFalse(fd.failed(), () -> "open " + file + ": " + LinuxErrno.describe(fd.errno()));
        return (int) fd.value();
    }

    private static OptionalInt fdinfo(IoUring ring, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + ring.fd()))) {
            if (line.startsWith(key + ":")) {
                return OptionalInt.of(Integer.parseInt(line.substring(key.length() + 1).strip()));
            }
        }
        return OptionalInt.empty();
    }

    @Test
    void setUpReportsRingSizesAndClosesIdempotently() {
        IoUring ring = IoUring.open(5);
        assertTrue(ring.sqEntries() >= 5 && Integer.bitCount(ring.sqEntries()) == 1, ring.toString());
        assertEquals(2 * ring.sqEntries(), ring.cqEntries());
        assertNotEquals(0, ring.features() & UringAbi.IORING_FEAT_SINGLE_MMAP);
        assertEquals(ring.sqEntries(), ring.sqSpace());
        assertEquals(0, ring.readyCompletions());
        assertTrue(ring.isOpen());
        ring.close();
        ring.close();
        assertFalse(ring.isOpen());
        UringException closed = assertThrows(UringException.class, ring::submit);
        assertTrue(closed.getMessage().contains("closed") && closed.getMessage().contains("Fix: "));
    }

    @Test
    void ringSizeOutOfRangeIsATypedError() {
        assertThrows(UringException.class, () -> IoUring.open(0));
        assertThrows(UringException.class, () -> IoUring.open(IoUring.MAX_ENTRIES + 1));
    }

    @Test
    void batchedReadsReturnTheFileBytesAndTheirUserData() throws IOException {
        byte[] content = TestFiles.bytes(1, 20_000);
        Path file = dir.resolve("f");
        Files.write(file, content);
        try (IoUring ring = IoUring.open(16); Arena arena = Arena.ofConfined()) {
            int fd = openFd(arena, file);
            try {
                Map<Long, Integer> offsetOf = new HashMap<>();
                Map<Long, MemorySegment> bufferOf = new HashMap<>();
                for (int i = 0; i < 10; i++) {
                    long userData = i % 2 == 0 ? 0xFEED_0000_0000_0000L + i : -1L - i; // all 64 bits travel
                    MemorySegment buf = arena.allocate(2000);
                    assertTrue(ring.prepareRead(fd, false, buf, 2000L * i, userData));
                    offsetOf.put(userData, 2000 * i);
                    bufferOf.put(userData, buf);
                }
                assertEquals(10, ring.pendingSubmissions());
                assertEquals(10, ring.submitAndWait(10), "one enter submits the whole batch");
                List<Cqe> cqes = reapAll(ring, 10);
                assertEquals(offsetOf.keySet(), cqes.stream().map(Cqe::userData).collect(
                        java.util.stream.Collectors.toSet()));
                for (Cqe c : cqes) {
                    assertEquals(2000, c.res());
                    int at = offsetOf.get(c.userData());
                    assertArrayEquals(java.util.Arrays.copyOfRange(content, at, at + 2000),
                            bufferOf.get(c.userData()).toArray(ValueLayout.JAVA_BYTE));
                }
            } finally {
                RawSyscalls.close(fd);
            }
        }
    }

    @Test
    void manyMoreRequestsThanSlotsWrapTheRings() throws IOException {
        byte[] content = TestFiles.bytes(2, 64 * 1024);
        Path file = dir.resolve("wrap");
        Files.write(file, content);
        SplittableRandom random = new SplittableRandom(3);
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            int fd = openFd(arena, file);
            try {
                MemorySegment[] bufs = new MemorySegment[ring.sqEntries()];
                int[] offsets = new int[bufs.length];
                int[] lengths = new int[bufs.length];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i] = arena.allocate(512);
                }
                for (int round = 0; round < 500; round++) {
                    for (int i = 0; i < bufs.length; i++) {
                        offsets[i] = random.nextInt(content.length - 512);
                        lengths[i] = 1 + random.nextInt(512);
                        assertTrue(ring.prepareRead(fd, false, bufs[i].asSlice(0, lengths[i]), offsets[i], i));
                    }
                    assertFalse(ring.prepareRead(fd, false, bufs[0], 0, 99), "the SQ ring is full");
                    for (Cqe c : reapAll(ring, bufs.length)) {
                        int i = (int) c.userData();
                        assertEquals(lengths[i], c.res());
                        assertArrayEquals(java.util.Arrays.copyOfRange(content, offsets[i], offsets[i] + lengths[i]),
                                bufs[i].asSlice(0, lengths[i]).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
            } finally {
                RawSyscalls.close(fd);
            }
        }
    }

    @Test
    void readFixedThroughRegisteredBuffersAndAFixedFile() throws IOException {
        byte[] content = TestFiles.bytes(4, 3 * 4096 + 100);
        Path file = dir.resolve("fixed");
        Files.write(file, content);
        try (IoUring ring = IoUring.open(8); BufferPool pool = BufferPool.offHeap(4, 4096);
                Arena arena = Arena.ofConfined()) {
            int fd = openFd(arena, file);
            try {
                pool.registerWith(ring);
                assertTrue(pool.isRegisteredWith(ring));
                ring.registerFiles(new int[] {-1, fd, -1});
                assertEquals(3, ring.registeredFileCount());
                fdinfo(ring, "UserBufs").ifPresent(n -> assertEquals(4, n));
                fdinfo(ring, "UserFiles").ifPresent(n -> assertEquals(3, n));
                for (int i = 0; i < 4; i++) {
                    MemorySegment buf = pool.buffers().get(i);
                    assertTrue(ring.prepareReadFixed(1, true, buf, i, 4096L * i, i));
                }
                List<Cqe> cqes = reapAll(ring, 4);
                for (Cqe c : cqes) {
                    int i = (int) c.userData();
                    int expected = Math.min(4096, content.length - 4096 * i);
                    assertEquals(expected, c.res());
                    assertArrayEquals(java.util.Arrays.copyOfRange(content, 4096 * i, 4096 * i + expected),
                            pool.buffers().get(i).asSlice(0, expected).toArray(ValueLayout.JAVA_BYTE));
                }
                // slot 2 now points at the file too: a fixed read through it sees the same bytes
                ring.updateFiles(2, fd);
                MemorySegment part = pool.buffers().get(0).asSlice(100, 50);
                assertTrue(ring.prepareReadFixed(2, true, part, 0, 7, 42));
                assertEquals(List.of(new Cqe(42, 50)), reapAll(ring, 1));
                assertArrayEquals(java.util.Arrays.copyOfRange(content, 7, 57), part.toArray(ValueLayout.JAVA_BYTE));

                ring.unregisterFiles();
                pool.unregister();
                assertEquals(0, ring.registeredFileCount());
                assertTrue(ring.registeredBuffers().isEmpty());
                fdinfo(ring, "UserBufs").ifPresent(n -> assertEquals(0, n));
                fdinfo(ring, "UserFiles").ifPresent(n -> assertEquals(0, n));
            } finally {
                RawSyscalls.close(fd);
            }
        }
    }

    @Test
    void perRequestErrorsArriveAsNegativeErrno() throws IOException {
        Path file = dir.resolve("small");
        Files.write(file, new byte[10]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            int dirFd = openFd(arena, dir);
            int fileFd = openFd(arena, file);
            try {
                MemorySegment buf = arena.allocate(64);
                assertTrue(ring.prepareRead(dirFd, false, buf, 0, 1));
                assertTrue(ring.prepareRead(1_000_000, false, buf, 0, 2)); // no such descriptor
                assertTrue(ring.prepareRead(fileFd, false, buf, 0, 3));
                assertTrue(ring.prepareRead(fileFd, false, buf, 1000, 4)); // past the end: 0 bytes
                Map<Long, Integer> res = new HashMap<>();
                for (Cqe c : reapAll(ring, 4)) {
                    res.put(c.userData(), c.res());
                }
                assertEquals(-LinuxErrno.EISDIR, res.get(1L));
                assertEquals(-LinuxErrno.EBADF, res.get(2L));
                assertEquals(10, res.get(3L), "the batch went on past the failing requests");
                assertEquals(0, res.get(4L));
            } finally {
                RawSyscalls.close(dirFd);
                RawSyscalls.close(fileFd);
            }
        }
    }

    @Test
    void misuseIsATypedErrorNamingTheProblem() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            UringException noBuffers = assertThrows(UringException.class,
                    () -> ring.prepareReadFixed(0, false, buf, 0, 0, 0));
            assertTrue(noBuffers.getMessage().contains("registered buffer 0"), noBuffers.getMessage());
            UringException heap = assertThrows(UringException.class,
                    () -> ring.prepareRead(0, false, MemorySegment.ofArray(new byte[8]), 0, 0));
            assertTrue(heap.getMessage().contains("heap"), heap.getMessage());
            assertThrows(UringException.class, () -> ring.prepareRead(0, true, buf, 0, 0), "no file table");
            assertThrows(UringException.class, () -> ring.prepareRead(0, false, buf, -1, 0));
            assertThrows(UringException.class, () -> ring.updateFiles(0, 1));
            ring.registerFiles(new int[] {-1});
            assertThrows(UringException.class, () -> ring.registerFiles(new int[] {-1}));
            assertThrows(UringException.class, () -> ring.updateFiles(1, -1));
            assertEquals(ring.sqEntries(), ring.sqSpace(), "nothing was prepared");
        }
    }
}
