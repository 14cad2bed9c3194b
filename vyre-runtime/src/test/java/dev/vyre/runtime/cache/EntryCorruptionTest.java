package dev.vyre.runtime.cache;

import static dev.vyre.runtime.cache.CacheFixtures.entry;
import static dev.vyre.runtime.cache.CacheFixtures.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.testing.Props;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt, truncated and misplaced entries are detected, removed and rebuilt, never loaded. */
class EntryCorruptionTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryField() {
        CacheEntry e = entry(key("rt"), EntryKind.CUBIN);
        byte[] bytes = EntryCodec.encode(e);
        assertEquals(EntryCodec.HEADER_BYTES + e.payload().length, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("VYPC", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(EntryCodec.VERSION, b.getInt(4));
        assertEquals(EntryKind.CUBIN.wire(), b.getInt(8));
        assertEquals(e.buildNanos(), b.getLong(16));
        assertEquals(e.payload().length, b.getLong(24));
        assertArrayEquals(e.key().bytes(), Arrays.copyOfRange(bytes, 32, 64));
        CacheEntry back = EntryCodec.decode(bytes, e.key(), EntryKind.CUBIN);
        assertEquals(e.buildNanos(), back.buildNanos());
        assertArrayEquals(e.payload(), back.payload());
    }

    @Test
    void everySingleBitFlipIsDetected() {
        CacheEntry e = new CacheEntry(key("flip"), EntryKind.PTX, 123_456, CacheFixtures.utf8("short payload"));
        byte[] good = EntryCodec.encode(e);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int at = bit / 8;
            assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(bad, e.key(), EntryKind.PTX),
                    "bit flip in byte " + at);
        }
    }

    @Test
    void truncationsExtensionsWrongKeyAndWrongKindAreDetected() {
        CacheEntry e = entry(key("t"), EntryKind.CUBIN);
        byte[] good = EntryCodec.encode(e);
        for (int len : new int[] {0, 1, 4, EntryCodec.HEADER_BYTES - 1, EntryCodec.HEADER_BYTES,
            good.length / 2, good.length - 1}) {
            CorruptEntryException x = assertThrows(CorruptEntryException.class,
                    () -> EntryCodec.decode(Arrays.copyOf(good, len), e.key(), EntryKind.CUBIN), "length " + len);
            assertTrue(x.getMessage().contains("Fix:"), x.getMessage());
        }
        assertThrows(CorruptEntryException.class,
                () -> EntryCodec.decode(Arrays.copyOf(good, good.length + 1), e.key(), EntryKind.CUBIN));
        CorruptEntryException wrongKey = assertThrows(CorruptEntryException.class,
                () -> EntryCodec.decode(good, key("other"), EntryKind.CUBIN));
        assertTrue(wrongKey.getMessage().contains("byte 32"), wrongKey.getMessage());
        assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(good, e.key(), EntryKind.PTX));
    }

    @Test
    @Timeout(20)
    void randomAndMutatedBytesGiveOnlyTheTypedErrorOrTheEntry() {
        CacheEntry e = new CacheEntry(key("h"), EntryKind.PTX, 7, CacheFixtures.utf8("payload bytes"));
        byte[] good = EntryCodec.encode(e);
        AtomicInteger accepted = new AtomicInteger();
        Props.forAll("cache entry decoder on hostile bytes", 20_000, (i, rnd) -> {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[rnd.nextInt(200)];
                rnd.nextBytes(in);
            } else {
                in = Arrays.copyOf(good, Math.max(0, good.length + rnd.nextInt(-8, 9)));
                for (int k = rnd.nextInt(4); k >= 0; k--) {
                    if (in.length > 0) {
                        in[rnd.nextInt(in.length)] = (byte) rnd.nextInt();
                    }
                }
            }
            try {
                CacheEntry back = EntryCodec.decode(in, e.key(), EntryKind.PTX);
                assertArrayEquals(good, in, "only the intact entry decodes");
                assertArrayEquals(e.payload(), back.payload());
                accepted.incrementAndGet();
            } catch (CorruptEntryException expected) {
                // the typed error
            }
        });
        assertTrue(accepted.get() < 20_000);
    }

    @Test
    void corruptFilesOnDiskAreRemovedAndRebuiltNeverLoaded() throws Exception {
        Fingerprint k = key("disk");
        CacheEntry e = entry(k, EntryKind.CUBIN);
        Path file = dir.resolve(k.hex() + ".cubin");
        byte[] good = EntryCodec.encode(e);
        byte[][] damaged = {flip(good, EntryCodec.HEADER_BYTES + 5), flip(good, 17), Arrays.copyOf(good, 50),
            Arrays.copyOf(good, good.length - 3), new byte[0], EntryCodec.encode(entry(key("elsewhere"),
            EntryKind.CUBIN))};
        int corrupt = 0;
        for (byte[] d : damaged) {
            Files.write(file, d);
            PipelineCache cache = PipelineCache.open(CacheSettings.at(dir));
            CountingJit jit = new CountingJit();
            CachedCompiler.Loaded<String> loaded = new CachedCompiler<String>(cache, "test").load(k, () -> "ptx", jit);
            corrupt++;
            assertEquals(CachedCompiler.Source.JIT, loaded.source(), "a damaged cubin is never loaded");
            assertEquals(1, jit.compiles);
            assertEquals(1, cache.stats().corruptRemoved());
            CacheEntry rebuilt = EntryCodec.decode(Files.readAllBytes(file), k, EntryKind.CUBIN);
            assertArrayEquals(CountingJit.cubin("ptx"), rebuilt.payload(), "the rebuilt entry replaced it");
            Files.delete(file);
        }
        assertEquals(damaged.length, corrupt);
        assertFalse(Files.exists(file));
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x40;
        return c;
    }

    /** A fake JIT: the cubin of a PTX text is "cubin:" + the text. */
    static final class CountingJit implements CachedCompiler.Jit<String> {
        int compiles;
        int loads;

        static byte[] cubin(String ptx) {
            return CacheFixtures.utf8("cubin:" + ptx);
        }

        @Override
        public CachedCompiler.Compiled compile(String ptx) {
            compiles++;
            return new CachedCompiler.Compiled(cubin(ptx), 50_000_000);
        }

        @Override
        public String load(byte[] cubin) {
            loads++;
            String s = new String(cubin, java.nio.charset.StandardCharsets.UTF_8);
            if (!s.startsWith("cubin:")) {
                fail("loaded something that is not a cubin: " + s);
            }
            return "module of " + s.substring(6);
        }
    }
}
