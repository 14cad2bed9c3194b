package dev.vyre.runtime.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.commons.codec.digest.Blake3;

/**
 * A 32-byte BLAKE3 digest. Built with {@link #builder(String)}: a domain string, then named fields, each written as
 * its name and value with their lengths in front (u32 little-endian), so that no two different field sequences hash
 * the same bytes (no ambiguity between {@code "ab" + "c"} and {@code "a" + "bc"}).
 */
public final class Fingerprint {
    /** Digest length in bytes. */
    public static final int BYTES = 32;

    private final byte[] digest;

    private Fingerprint(byte[] digest) {
        this.digest = digest;
    }

    /** The fingerprint with exactly these 32 bytes. */
    public static Fingerprint of(byte[] digest) {
        if (digest == null || digest.length != BYTES) {
            throw new CacheException("a fingerprint needs " + BYTES + " bytes, got "
                    + (digest == null ? "null" : digest.length), "pass a 32-byte BLAKE3 digest");
        }
        return new Fingerprint(digest.clone());
    }

    /** The BLAKE3 digest of {@code bytes}. */
    public static Fingerprint hash(byte[] bytes) {
        return new Fingerprint(Blake3.hash(bytes));
    }

    /** A builder whose digest starts with {@code domain} (what the fingerprint is of, and its layout version). */
    public static Builder builder(String domain) {
        return new Builder().text("domain", domain);
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return digest.clone();
    }

    /** Lower-case hex of the 32 bytes (64 characters). */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && Arrays.equals(digest, f.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return hex().substring(0, 16);
    }

    /** Accumulates named fields into a BLAKE3 hash. Not thread-safe. */
    public static final class Builder {
        private final Blake3 hasher = Blake3.initHash();
        private final ByteBuffer word = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);

        private Builder() {
        }

        /** Adds field {@code name} with raw bytes {@code value}. */
        public Builder bytes(String name, byte[] value) {
            lengthPrefixed(name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(value);
            return this;
        }

        /** Adds field {@code name} with the UTF-8 bytes of {@code value}. */
        public Builder text(String name, String value) {
            return bytes(name, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds field {@code name} with the 8 little-endian bytes of {@code value}. */
        public Builder number(String name, long value) {
            return bytes(name, word.clear().putLong(value).array().clone());
        }

        /** Adds field {@code name} holding another fingerprint. */
        public Builder fingerprint(String name, Fingerprint value) {
            return bytes(name, value.digest);
        }

        private void lengthPrefixed(byte[] b) {
            hasher.update(word.clear().putInt(b.length).array(), 0, Integer.BYTES);
            hasher.update(b);
        }

        /** The digest of everything added. */
        public Fingerprint build() {
            return new Fingerprint(hasher.doFinalize(BYTES));
        }
    }
}
