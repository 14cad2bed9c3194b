package dev.vyre.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cuda.Ptxas;
import dev.vyre.runtime.cuda.SmTarget;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The baseline kernels' PTX: it assembles, and host memory is touched only with .sys-scope relaxed accesses. */
class BaselinePtxTest {
    private static final Pattern MEMORY_OP = Pattern.compile("^\\s*(?:@!?%p\\d )?((?:ld|st|atom|red)\\.[a-z0-9_.]+)",
            Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"7.0", "8.0", "8.6", "9.0"})
    void assemblesWithPtxas(String cc, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the baseline PTX is not assembled on this machine");
        String[] parts = cc.split("\\.");
        SmTarget target = SmTarget.forDevice(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "baselines", target.smName(), BaselinePtx.module(target));
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + target.smName());
        assertEquals(0, r.exit(), () -> "ptxas rejected the baselines for " + target.smName() + ":\n" + r.output());
        for (String kernel : new String[] {BaselinePtx.STORE, BaselinePtx.ECHO}) {
            assertTrue(r.output().contains("Compiling entry function '" + kernel + "'"), r.output());
        }
        Matcher spills = Pattern.compile("(\\d+) bytes spill stores").matcher(r.output());
        while (spills.find()) {
            assertEquals("0", spills.group(1), r.output());
        }
    }

    @Test
    void hostMemoryIsAccessedOnlyWithSystemScopeRelaxedOperations() {
        String ptx = BaselinePtx.module(SmTarget.SM_90);
        Matcher m = MEMORY_OP.matcher(ptx);
        int count = 0;
        while (m.find()) {
            String op = m.group(1);
            if (op.startsWith("ld.param")) {
                continue;
            }
            count++;
            assertTrue(op.equals("ld.relaxed.sys.global.u32") || op.equals("st.relaxed.sys.global.u32"), op);
        }
        assertEquals(3, count, "the store kernel stores once; the echo kernel polls and echoes:\n" + ptx);
        assertTrue(ptx.contains("setp.ne.u32 %p1, %r0, 0xFFFFFFFF;"), "the echo kernel stops on the stop word");
        assertEquals(-1, BaselinePtx.ECHO_STOP);
    }
}
