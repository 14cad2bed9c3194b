package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("-7", Json.write(-7));
        assertEquals("9007199254740993", Json.write(9007199254740993L));
        assertEquals("1.5", Json.write(1.5));
        assertEquals("\"\"", Json.write(""));
    }

    @Test
    void objectsKeepInsertionOrderAndNest() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("b", inner);
        root.put("list", Arrays.asList(1, "two", null, false));
        root.put("empty", Map.of());
        assertEquals("{\"b\":{\"z\":1,\"a\":[]},\"list\":[1,\"two\",null,false],\"empty\":{}}", Json.write(root));
    }

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertEquals("\"a\\\"b\\\\c\"", Json.write("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", Json.write("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\"", Json.write("\u0000\u001f"));
        // non-ASCII and '/' are valid unescaped
        assertEquals("\"µ/€\"", Json.write("µ/€"));
    }

    @Test
    void everyControlCharacterIsEscaped() {
        for (char c = 0; c < 0x20; c++) {
            String json = Json.write(String.valueOf(c));
            for (int i = 1; i < json.length() - 1; i++) {
                assertEquals(true, json.charAt(i) >= 0x20, "raw control char 0x" + Integer.toHexString(c));
            }
        }
    }

    @Test
    void rejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
