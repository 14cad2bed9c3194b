package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The resident-data DFA kernel assembles for every target with no stack or spills. */
class DfaResidentPtxTest {

    @ParameterizedTest
    @CsvSource({"7, 5", "8, 0", "8, 6", "9, 0"})
    void assemblesWithPtxas(int major, int minor, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the resident DFA kernel is not assembled here");
        SmTarget target = new SmTarget(major, minor);
        String ptx = DfaResidentPtx.generate(target);
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "resident", target.smName(), ptx);
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "ptxas does not know " + target.smName());
        assertEquals(0, r.exit(), () -> "ptxas rejected the resident kernel:\n" + r.output());
        assertTrue(r.output().contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"), r.output());
        Matcher loads = Pattern.compile("ld\\.global\\.v4\\.u32").matcher(ptx);
        int n = 0;
        while (loads.find()) {
            n++;
        }
        assertEquals(DfaResidentPtx.BLOCK_BYTES / 16, n, "one block of 16-byte loads issued together");
    }
}
