package dev.vyre.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the cache lives and how it is switched off. */
class CacheSettingsTest {
    private final Map<String, String> props = new HashMap<>(Map.of("user.home", "/home/u"));
    private final Map<String, String> env = new HashMap<>();

    private CacheSettings resolve() {
        return CacheSettings.fromEnvironment(props::get, env::get);
    }

    @Test
    void directoryPrecedence() {
        assertEquals(Path.of("/home/u/.cache/vyre"), resolve().directory());
        env.put("XDG_CACHE_HOME", "/xdg");
        assertEquals(Path.of("/xdg/vyre"), resolve().directory());
        env.put("XDG_CACHE_HOME", "relative");
        assertEquals(Path.of("/home/u/.cache/vyre"), resolve().directory(), "XDG requires an absolute path");
        env.put(CacheSettings.ENV_DIR, "/env/cache");
        assertEquals(Path.of("/env/cache"), resolve().directory());
        props.put(CacheSettings.PROPERTY_DIR, "/prop/cache");
        assertEquals(Path.of("/prop/cache"), resolve().directory());
        assertTrue(resolve().enabled(), "on by default");
    }

    @Test
    void modes() {
        env.put(CacheSettings.ENV_MODE, "off");
        assertFalse(resolve().enabled());
        env.put(CacheSettings.ENV_MODE, "memory");
        assertTrue(resolve().enabled());
        assertNull(resolve().directory());
        props.put(CacheSettings.PROPERTY_MODE, "on");
        assertEquals(Path.of("/home/u/.cache/vyre"), resolve().directory(), "the property wins over the env");
        props.put(CacheSettings.PROPERTY_MODE, "sometimes");
        CacheException e = assertThrows(CacheException.class, this::resolve);
        assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
        assertThrows(CacheException.class, () -> CacheSettings.memoryOnly().withMemory(0, 1));
    }
}
