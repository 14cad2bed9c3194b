package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.automata.DfaStepAbi;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.RingScanner;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.testing.Props;
import dev.vyre.automata.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DFA_STEP of the generated megakernel, run by the PTX simulator, against the CPU backend: random pattern sets,
 * inputs at every alignment, blocking and non-blocking chains of spans, QUIET, END, overflowing buffers and every
 * BAD_ARGUMENT fault give identical outcomes and match buffers; slots in flight together give the same records;
 * the ring scanner on the simulated kernel equals one-shot scans in both lane modes. {@code CudaDfaStepGpuTest}
 * runs the same harness on the GPU.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SimDfaStepTest {
    @Test
    void sequentialSlotsMatchTheCpuBackendExactly() {
        long[] totals = new long[4];
        List<SimBackend> sims = new ArrayList<>();
        Props.forAll("sim dfa-step parity", 40, (i, rnd) -> {
            DfaStepHarness.Totals t = DfaStepHarness.sequentialCase(rnd, CpuBackend::new, () -> {
                SimBackend s = new SimBackend(WorkerShape.THREAD, 2);
                sims.add(s);
                return s;
            }, 2);
            totals[0] += t.slots();
            totals[1] += t.records();
            totals[2] += t.faults();
            totals[3] += t.dropped();
        });
        sims.forEach(s -> assertNull(s.failure(), "the simulated kernel failed"));
        assertTrue(totals[1] > 1000 && totals[2] > 20 && totals[3] > 0, "records, faults and drops happened: "
                + java.util.Arrays.toString(totals));
    }

    @Test
    void slotsInFlightTogetherGiveTheSameRecords() {
        Props.forAll("sim dfa-step concurrency", 6, (i, rnd) -> {
            long records = DfaStepHarness.concurrentCase(rnd, CpuBackend::new,
                    () -> new SimBackend(WorkerShape.THREAD, 4), 4);
            assertTrue(records >= 0);
        });
    }

    @Test
    void withoutAutomataDfaStepIsAnUnknownOpcode() {
        SimBackend s = new SimBackend(WorkerShape.WARP, 2);
        try (Megakernel k = Megakernel.bootstrap(s, MegakernelConfig.defaults().withSlots(8).withWorkers(2))) {
            SlotOutcome o = k.publish(Opcodes.DFA_STEP, 0, dev.vyre.protocol.Priority.NORMAL,
                    DfaStepAbi.args(0, 0, 0, 0, 0, 0, 0, true, false, 0, 0, 0)).await(java.time.Duration.ofSeconds(30));
            assertEquals(FaultCode.UNKNOWN_OPCODE, o.fault());
            assertEquals(0, o.faultDetail());
        }
        assertNull(s.failure());
    }

    @Test
    void ringScannerOnTheSimulatedKernelEqualsOneShotScans() {
        Props.forAll("sim ring scan", 8, (i, rnd) -> {
            CompiledAutomaton a = DfaStepHarness.randomAutomaton(rnd);
            List<byte[]> inputs = new ArrayList<>();
            for (int f = 0, n = 1 + rnd.nextInt(3); f < n; f++) {
                inputs.add(DfaStepHarness.randomInput(rnd, rnd.nextInt(1500)));
            }
            RingScanOptions.Mode mode = i % 2 == 0 ? RingScanOptions.Mode.BLOCKING : RingScanOptions.Mode.NON_BLOCKING;
            RingScanOptions o = RingScanOptions.defaults().withMode(mode).withLanes(1 + rnd.nextInt(5))
                    .withMinLaneBytes(1 + rnd.nextInt(32)).withQuantum(1 + rnd.nextInt(64)).withWarmup(rnd.nextInt(16))
                    .withMatchCapacity(rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 4096);
            SimBackend s = new SimBackend(WorkerShape.THREAD, 4);
            Map<Integer, List<Match>> got;
            try (Megakernel k = Megakernel.bootstrap(s, MegakernelConfig.defaults().withSlots(64).withWorkers(4)
                    .withAutomata(RingScanner.ringAutomata(a)))) {
                got = DfaStepHarness.ringScan(k, a, o, inputs, 6, 64 + rnd.nextInt(600));
            }
            assertNull(s.failure(), "the simulated kernel failed");
            for (int f = 0; f < inputs.size(); f++) {
                assertEquals(new Scanner(a).scan(inputs.get(f)), got.get(f), "file " + f + " with " + o);
            }
        });
    }
}
