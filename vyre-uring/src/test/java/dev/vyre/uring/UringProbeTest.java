package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UringProbeTest {

    private static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    private static void assertEndsWithFix(String reason) {
        int fix = reason.lastIndexOf("Fix: ");
        assertTrue(fix > 0, () -> "no Fix hint in: " + reason);
        assertFalse(reason.substring(fix + 5).isBlank(), () -> "empty Fix hint in: " + reason);
        assertEquals(-1, reason.indexOf(". ", fix), () -> "Fix must be the last sentence: " + reason);
    }

    @Test
    void probeIsConsistentWhateverTheOutcome() {
        UringProbe probe = UringProbe.run();
        if (probe.available()) {
            assertEquals("", probe.reason());
        } else {
            assertEquals(0, probe.features());
            assertEndsWithFix(probe.reason());
        }
    }

    @Test
    void ioUringIsAvailableOnThisMachine() throws IOException {
        assumeTrue(isLinux(), "io_uring is Linux-only");
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        if (Files.exists(disabled) && Files.readString(disabled).strip().equals("2")) {
            UringProbe probe = UringProbe.run();
            assertFalse(probe.available());
            assertTrue(probe.reason().contains("EPERM"), probe.reason());
            return;
        }
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        // every kernel since 5.4 reports IORING_FEAT_SINGLE_MMAP
        assertNotEquals(0, probe.features() & UringAbi.IORING_FEAT_SINGLE_MMAP,
                () -> "features 0x" + Integer.toHexString(probe.features()));
    }

    @Test
    void probeClosesItsRing() throws IOException {
        assumeTrue(isLinux() && Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd");
        assumeTrue(UringProbe.run().available(), "io_uring is not usable here");
        long before = openFds();
        for (int i = 0; i < 200; i++) {
            assertTrue(UringProbe.run().available());
        }
        long after = openFds();
        assertTrue(after - before < 20, "open descriptors grew from " + before + " to " + after);
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void errnoIsCapturedFromTheKernel() {
        assumeTrue(isLinux(), "Linux syscalls");
        assumeTrue(UringAbi.ioUringSetupNumber(System.getProperty("os.arch")).isPresent(), "known syscall table");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(UringAbi.IO_URING_PARAMS);
            // io_uring_setup rejects 0 entries with EINVAL (or EPERM/ENOSYS where io_uring is off)
            RawSyscalls.Result zero = RawSyscalls.syscall(UringAbi.SYS_IO_URING_SETUP, 0, params);
            assertEquals(-1, zero.value());
            assertTrue(zero.errno() == LinuxErrno.EINVAL || zero.errno() == LinuxErrno.EPERM
                    || zero.errno() == LinuxErrno.ENOSYS, "errno " + zero.errno());
            // no syscall has number 100000
            RawSyscalls.Result none = RawSyscalls.syscall(100_000, 0, MemorySegment.NULL);
            assertEquals(-1, none.value());
            assertEquals(LinuxErrno.ENOSYS, none.errno());
        }
        RawSyscalls.Result badClose = RawSyscalls.close(-1);
        assertEquals(-1, badClose.value());
        assertEquals(9, badClose.errno(), "EBADF");
    }

    @Test
    void nonLinuxAndUnknownArchitecturesAreReportedNotThrown() {
        UringProbe mac = UringProbe.run("Mac OS X", "aarch64");
        assertFalse(mac.available());
        assertTrue(mac.reason().contains("Linux"), mac.reason());
        assertEndsWithFix(mac.reason());

        UringProbe riscv = UringProbe.run("Linux", "riscv64");
        assertFalse(riscv.available());
        assertTrue(riscv.reason().contains("riscv64"), riscv.reason());
        assertEndsWithFix(riscv.reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {LinuxErrno.EPERM, LinuxErrno.EINTR, LinuxErrno.ENOMEM, LinuxErrno.EACCES,
            LinuxErrno.EFAULT, LinuxErrno.ENFILE, LinuxErrno.EMFILE, LinuxErrno.EINVAL, LinuxErrno.ENOSYS, 9999})
    void everyErrnoReasonNamesTheErrnoAndEndsWithAFix(int errno) {
        String reason = UringProbe.reasonFor(errno);
        assertTrue(reason.contains(LinuxErrno.name(errno)), reason);
        assertEndsWithFix(reason);
    }

    @Test
    void errnoReasonsExplainTheLikelyCause() {
        assertTrue(UringProbe.reasonFor(LinuxErrno.ENOSYS).contains("5.1"));
        String eperm = UringProbe.reasonFor(LinuxErrno.EPERM);
        assertTrue(eperm.contains("kernel.io_uring_disabled") && eperm.contains("seccomp"), eperm);
        assertTrue(UringProbe.reasonFor(LinuxErrno.ENOMEM).contains("ulimit -l"));
        assertTrue(UringProbe.reasonFor(LinuxErrno.EMFILE).contains("ulimit -n"));
        assertTrue(UringProbe.reasonFor(9999).contains("errno 9999"));
        assertEquals("ENOSYS", LinuxErrno.name(38));
        assertEquals("EPERM", LinuxErrno.name(1));
    }
}
