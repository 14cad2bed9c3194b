package dev.vyre.runtime.cache;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Keys and payloads for the cache tests: payloads are a pure function of the key, so any reader can check them. */
final class CacheFixtures {
    private CacheFixtures() {
    }

    /** The key named {@code name}. */
    static Fingerprint key(String name) {
        return Fingerprint.builder("test").text("name", name).build();
    }

    /** The payload the tests store under {@code key}: 1..64 KiB of bytes seeded by the key. */
    static byte[] payload(Fingerprint key) {
        SplittableRandom r = new SplittableRandom(java.util.Arrays.hashCode(key.bytes()));
        byte[] b = new byte[1 + r.nextInt(64 * 1024)];
        r.nextBytes(b);
        return b;
    }

    /** The entry of {@code key} and {@code kind} with {@link #payload}. */
    static CacheEntry entry(Fingerprint key, EntryKind kind) {
        return new CacheEntry(key, kind, 1_000_000L + (payload(key).length), payload(key));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
