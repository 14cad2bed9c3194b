package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handler streams that the GPU tests compare across backends do not depend on worker interleaving: on the CPU
 * backend, one worker and eight give identical snapshots (so a difference on the GPU is the GPU's).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandlerStreamTest {

    private static void assertInterleavingFree(SlotStream stream, String what) {
        RunSnapshot one = StreamRun.run(new CpuBackend(), stream, 256, 1);
        RunSnapshot eight = StreamRun.run(new CpuBackend(), stream, 256, 8);
        Optional<String> difference = one.firstDifference(eight);
        assertTrue(difference.isEmpty(), () -> what + ": 1 vs 8 workers differ at " + difference.orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void mixedHandlerStreams(long seed) {
        assertInterleavingFree(HandlerStream.random(seed, 3_000, SimHandlersTest.mixedHandlers(seed), 1025, 256),
                "mixed seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void adaptedHandlerStreams(long seed) {
        List<Program> programs = MegakernelPtxTest.adapted(seed, 20);
        assertInterleavingFree(HandlerStream.random(seed, 3_000, programs, 2_000, 256), "adapted seed " + seed);
    }
}
