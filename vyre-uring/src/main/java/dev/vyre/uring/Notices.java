package dev.vyre.uring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One-time messages about how files are read: io_uring is not used and why, O_DIRECT was refused, the buffers
 * could not be registered. Each kind of message is said once per {@code Notices} instance; the
 * {@linkplain #standard() standard} instance is shared by the process and logs through {@link System.Logger}.
 */
public final class Notices {
    private static final Notices STANDARD = new Notices(
            message -> System.getLogger("dev.vyre.uring").log(System.Logger.Level.WARNING, message));

    private final Consumer<String> out;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    private Notices(Consumer<String> out) {
        this.out = out;
    }

    /** The process-wide instance: each message once per JVM, as a WARNING of logger {@code dev.vyre.uring}. */
    public static Notices standard() {
        return STANDARD;
    }

    /** An instance of its own that hands each message (once per key) to {@code out}. */
    public static Notices to(Consumer<String> out) {
        return new Notices(out);
    }

    /** Says {@code message} unless a message with {@code key} was said before; true when it was said now. */
    public boolean once(String key, String message) {
        if (!said.add(key)) {
            return false;
        }
        out.accept(message);
        return true;
    }
}
