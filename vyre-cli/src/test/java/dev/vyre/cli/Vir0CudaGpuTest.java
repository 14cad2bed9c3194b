package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vyre vir0 run --backend cuda-interpreted} (the device bytecode interpreter) and {@code cuda-fused} on a
 * program of the 13 transcendental operators: both print StrictMath's results rounded to f32, as the reference
 * ({@code --backend cpu}) does. Skipped with the probe's reason where no CUDA driver and device are found.
 */
@Tag("gpu")
class Vir0CudaGpuTest {
    @TempDir
    Path dir;

    @Test
    void cudaInterpretedAndCudaFusedRunTheTranscendentalOperators() throws IOException {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
        Path file = Vir0EndToEndTest.transcendentals(dir);
        for (String backend : new String[] {Vir0RunCommand.CUDA_INTERPRETED, Vir0RunCommand.CUDA_FUSED}) {
            CliRun run = CliRun.of("vir0", "run", file.toString(), "--backend", backend, "--buffer",
                    Vir0EndToEndTest.TRANSCENDENTAL_INPUT);
            assertEquals(0, run.exit(), run::toString);
            assertTrue(run.out().contains(Vir0EndToEndTest.transcendentalLine() + "\n"), run::toString);
        }
    }
}
