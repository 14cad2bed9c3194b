package dev.vyre.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cuda.Ptxas;
import dev.vyre.runtime.cuda.SmTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw kernels of the manual {@link LatencyProbe} (the doorbell ring among them) assemble for sm_90. */
class LatencyProbePtxTest {
    @Test
    void assemblesWithPtxas(@TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the probe's PTX is not assembled on this machine");
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "probe", SmTarget.SM_90.smName(), LatencyProbe.ptx(SmTarget.SM_90));
        assertEquals(0, r.exit(), () -> "ptxas rejected the latency probe's kernels:\n" + r.output());
        for (String kernel : new String[] {"probe_slot", "probe_gglobal", "probe_bell"}) {
            assertTrue(r.output().contains("Compiling entry function '" + kernel + "'"), r.output());
        }
    }
}
