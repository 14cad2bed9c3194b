package dev.vyre.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assembles the test PTX with ptxas for sm_90 (the H100) where ptxas is installed, so PTX is checked off-GPU. */
class PtxasTest {
    private static Path ptxas;

    @BeforeAll
    static void findPtxas() {
        ptxas = locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found on PATH or in /usr/local/bin or "
                + "/usr/local/cuda/bin: PTX is not assembled on this machine");
    }

    private static Path locate() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = new java.util.ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
        dirs.add("/usr/local/bin");
        dirs.add("/usr/local/cuda/bin");
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "ptxas");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private record Result(int exit, String output) {
    }

    private static Result assemble(Path dir, String name, String ptx) throws IOException, InterruptedException {
        Path source = dir.resolve(name + ".ptx");
        Files.writeString(source, ptx, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=sm_90", source.toString(), "-o",
                dir.resolve(name + ".cubin").toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ptxas did not finish within 60 s");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void moduleAssemblesForSm90(@TempDir Path dir) throws Exception {
        Result r = assemble(dir, "module", TestKernels.MODULE);
        assertEquals(0, r.exit(), "ptxas rejected TestKernels.MODULE:\n" + r.output());
        assertTrue(Files.size(dir.resolve("module.cubin")) > 0, "ptxas wrote no cubin");
    }

    @Test
    void invalidPtxIsRejectedByPtxasToo(@TempDir Path dir) throws Exception {
        Result r = assemble(dir, "invalid", TestKernels.INVALID);
        assertNotEquals(0, r.exit(), "ptxas accepted the PTX that the JIT test expects to fail");
        assertTrue(r.output().contains("frobnicate"), "ptxas error does not name the bad instruction:\n"
                + r.output());
    }
}
