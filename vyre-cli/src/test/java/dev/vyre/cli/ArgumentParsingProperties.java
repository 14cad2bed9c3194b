package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hostile command-line text: parsing gives a value or a {@link CliException} with a Fix, nothing else. */
class ArgumentParsingProperties {
    private static final String ALPHABET = "=:,-+.0123456789xXaefiln ustrbuzosNIFyp\u00e9\t\u0000";
    private static final String[] PREFIXES = {"", "b=", "b=u32:", "b=i32:", "b=f32:", "b=bool:", "b=bytes:",
            "b=zeros:", "b=file:"};

    private static String noise(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(PREFIXES[rnd.nextInt(PREFIXES.length)]);
        int len = rnd.nextInt(0, 40);
        for (int i = 0; i < len; i++) {
            sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    @Test
    void bufferSpecsParseOrFailTyped() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Props.forAll("buffer spec noise", 5000, (i, rnd) -> {
            String text = noise(rnd);
            try {
                BufferArg arg = BufferArg.parse(text);
                assertTrue(!arg.name().isEmpty(), text);
            } catch (CliException e) {
                assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            }
        }));
    }

    @Test
    void gridsParseOrFailTyped() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Props.forAll("grid noise", 5000, (i, rnd) -> {
            String text = noise(rnd).replaceFirst("^b=[a-z0-9]*:?", "");
            try {
                var grid = GridSpec.parse(text);
                assertTrue(grid.x() != 0 && grid.y() != 0 && grid.z() != 0, text);
            } catch (CliException e) {
                assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            }
        }));
    }
}
