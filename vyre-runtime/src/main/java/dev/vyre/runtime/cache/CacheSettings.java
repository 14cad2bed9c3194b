package dev.vyre.runtime.cache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How the pipeline cache works.
 *
 * @param enabled       whether compiled modules are cached at all
 * @param directory     the disk layer's directory, or null for a memory-only cache
 * @param memoryEntries the in-memory LRU's bound on entries (at least 1)
 * @param memoryBytes   the in-memory LRU's bound on payload bytes (at least 1)
 */
public record CacheSettings(boolean enabled, Path directory, int memoryEntries, long memoryBytes) {
    /** System property naming the cache directory (wins over {@link #ENV_DIR}). */
    public static final String PROPERTY_DIR = "vyre.cache.dir";
    /** Environment variable naming the cache directory. */
    public static final String ENV_DIR = "VYRE_CACHE_DIR";
    /** System property: {@code off} (also false, 0, no) disables the cache, {@code memory} keeps no files. */
    public static final String PROPERTY_MODE = "vyre.cache";
    /** Environment variable with the meaning of {@link #PROPERTY_MODE}. */
    public static final String ENV_MODE = "VYRE_CACHE";
    /** Default in-memory bound on entries. */
    public static final int DEFAULT_MEMORY_ENTRIES = 64;
    /** Default in-memory bound on payload bytes (64 MiB). */
    public static final long DEFAULT_MEMORY_BYTES = 64L << 20;

    public CacheSettings {
        if (memoryEntries < 1 || memoryBytes < 1) {
            throw new CacheException("pipeline cache memory bounds of " + memoryEntries + " entries and "
                    + memoryBytes + " bytes", "pass at least 1 entry and 1 byte");
        }
    }

    /** No cache: every module is generated and JIT-compiled. */
    public static CacheSettings disabled() {
        return new CacheSettings(false, null, DEFAULT_MEMORY_ENTRIES, DEFAULT_MEMORY_BYTES);
    }

    /** A cache in memory only, with the default bounds. */
    public static CacheSettings memoryOnly() {
        return new CacheSettings(true, null, DEFAULT_MEMORY_ENTRIES, DEFAULT_MEMORY_BYTES);
    }

    /** A cache with its disk layer in {@code directory}, default memory bounds. */
    public static CacheSettings at(Path directory) {
        return new CacheSettings(true, directory, DEFAULT_MEMORY_ENTRIES, DEFAULT_MEMORY_BYTES);
    }

    /** These settings with other memory bounds. */
    public CacheSettings withMemory(int entries, long bytes) {
        return new CacheSettings(enabled, directory, entries, bytes);
    }

    /**
     * The settings of this process: enabled with the disk layer in {@link #defaultDirectory}, unless
     * {@code -Dvyre.cache} / {@code VYRE_CACHE} says {@code off} or {@code memory}.
     */
    public static CacheSettings fromEnvironment() {
        return fromEnvironment(System::getProperty, System::getenv);
    }

    /** {@link #fromEnvironment()} over the given property and environment lookups (for tests). */
    public static CacheSettings fromEnvironment(UnaryOperator<String> properties, UnaryOperator<String> env) {
        String mode = firstSet(properties.apply(PROPERTY_MODE), env.apply(ENV_MODE));
        String m = mode == null ? "on" : mode.strip().toLowerCase(Locale.ROOT);
        return switch (m) {
            case "off", "false", "0", "no" -> disabled();
            case "memory" -> memoryOnly();
            case "on", "true", "1", "yes", "" -> at(defaultDirectory(properties, env));
            default -> throw new CacheException(PROPERTY_MODE + " / " + ENV_MODE + " is \"" + mode + "\"",
                    "set it to on, off or memory");
        };
    }

    /**
     * The cache directory: {@code -Dvyre.cache.dir}, else {@code $VYRE_CACHE_DIR}, else
     * {@code $XDG_CACHE_HOME/vyre}, else {@code ~/.cache/vyre}.
     */
    public static Path defaultDirectory(UnaryOperator<String> properties, UnaryOperator<String> env) {
        String explicit = firstSet(properties.apply(PROPERTY_DIR), env.apply(ENV_DIR));
        String xdg = env.apply("XDG_CACHE_HOME");
        String where = explicit != null ? explicit
                : xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg, "vyre").toString()
                : Path.of(properties.apply("user.home"), ".cache", "vyre").toString();
        try {
            return Path.of(where);
        } catch (InvalidPathException e) {
            throw new CacheException("pipeline cache directory \"" + where + "\" is not a valid path",
                    "set " + PROPERTY_DIR + " or " + ENV_DIR + " to a directory path", e);
        }
    }

    private static String firstSet(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
