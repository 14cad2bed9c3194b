package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.core.VyreException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestFileExceptionTest {

    private static final IngestFile FILE = new IngestFile(17, Path.of("/data/logs/a.log"));

    @ParameterizedTest
    @ValueSource(ints = {LinuxErrno.ENOENT, LinuxErrno.EACCES, LinuxErrno.EPERM, LinuxErrno.EISDIR,
            LinuxErrno.ENOTDIR, LinuxErrno.ELOOP, LinuxErrno.EIO, LinuxErrno.EMFILE, LinuxErrno.ENAMETOOLONG, 1234})
    void everyErrnoNamesTheFileTheErrnoAndAFix(int errno) {
        IngestFileException e = IngestFileException.errno(FILE, IngestFileException.Operation.READ, 8192, errno);
        String m = e.getMessage();
        assertTrue(e instanceof VyreException);
        assertTrue(m.startsWith("cannot read /data/logs/a.log (file 17) at offset 8192: " + LinuxErrno.name(errno)),
                m);
        assertTrue(m.contains(". Fix: ") && !e.fix().isBlank(), m);
        assertEquals(errno, e.errno());
        assertEquals(8192, e.offset());
        assertEquals(FILE, e.file());
    }

    @Test
    void javaExceptionsMapToTheirErrno() {
        record Case(IOException exception, int errno) {
        }
        for (Case c : new Case[] {
            new Case(new NoSuchFileException("/x"), LinuxErrno.ENOENT),
            new Case(new AccessDeniedException("/x"), LinuxErrno.EACCES),
            new Case(new FileSystemLoopException("/x"), LinuxErrno.ELOOP),
            new Case(new FileSystemException("/x", null, "Is a directory"), LinuxErrno.EISDIR),
            new Case(new IOException("disk on fire"), 0)}) {
            IngestFileException e = IngestFileException.io(FILE, IngestFileException.Operation.OPEN, -1,
                    c.exception());
            assertEquals(c.errno(), e.errno(), c.exception().toString());
            assertTrue(e.getMessage().startsWith("cannot open /data/logs/a.log (file 17): "), e.getMessage());
            assertTrue(e.getCause() == c.exception());
        }
        assertTrue(IngestFileException.io(FILE, IngestFileException.Operation.OPEN, -1, new IOException("disk on fire"))
                .getMessage().contains("disk on fire"));
    }

    @Test
    void namedErrnosGetSpecificFixes() {
        assertTrue(IngestFileException.errno(FILE, IngestFileException.Operation.OPEN, -1, LinuxErrno.EACCES).fix()
                .contains("chmod"));
        assertTrue(IngestFileException.directory(FILE).fix().contains("readPaths"));
        assertTrue(IngestFileException.errno(FILE, IngestFileException.Operation.OPEN, -1, LinuxErrno.EMFILE).fix()
                .contains("ulimit -n"));
        assertTrue(IngestFileException.notRegular(FILE).getMessage().contains("not a regular file"));
        IngestFileException retries = IngestFileException.retriesExhausted(FILE, 0, LinuxErrno.EAGAIN, 1001);
        assertTrue(retries.getMessage().contains("EAGAIN") && retries.getMessage().contains("1001"));
    }
}
