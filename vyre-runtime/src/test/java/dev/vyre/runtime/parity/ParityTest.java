package dev.vyre.runtime.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Slot;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parity harness on the CPU backend: worker count must not change the final state. */
class ParityTest {
    @Test
    void oneAndEightWorkersAgreeOnAHundredThousandSlots() {
        SlotStream stream = SlotStream.random(0x5EED, 100_000, SlotStream.Options.defaults());
        RunSnapshot one = StreamRun.run(new CpuBackend(), stream, 4096, 1);
        RunSnapshot eight = StreamRun.run(new CpuBackend(), stream, 777, 8);
        assertEquals(Optional.empty(), one.firstDifference(eight));
        assertCoverage(stream, one);
    }

    @Test
    void userHandlersKeepParity() {
        Kernels.assumeInterpreter();
        SlotStream stream = SlotStream.random(42, 20_000, SlotStream.Options.defaults().withUserHandlers(true)
                .withSlotCount(256));
        RunSnapshot two = StreamRun.run(new CpuBackend(), stream, 1000, 2);
        RunSnapshot eight = StreamRun.run(new CpuBackend(), stream, 64, 8);
        assertEquals(Optional.empty(), two.firstDifference(eight));
        Map<FaultCode, Integer> faults = faults(two);
        assertTrue(faults.getOrDefault(FaultCode.STEP_BUDGET, 0) > 0, faults.toString());
        long handlerRuns = 0;
        for (int i = 0; i < stream.slots().size(); i++) {
            if (stream.slots().get(i).opcode() == StreamHandlers.COUNTING && two.outcomes().get(i).isDone()) {
                handlerRuns++;
            }
        }
        assertTrue(handlerRuns > 100, "counting handler runs: " + handlerRuns);
    }

    @Test
    void streamsAreReproducible() {
        SlotStream a = SlotStream.random(7, 2000, SlotStream.Options.defaults());
        SlotStream b = SlotStream.random(7, 2000, SlotStream.Options.defaults());
        SlotStream c = SlotStream.random(8, 2000, SlotStream.Options.defaults());
        assertEquals(a, b);
        assertNotEquals(a.slots(), c.slots());
    }

    @Test
    void comparisonReportsTheFirstDifference() {
        SlotStream stream = SlotStream.random(99, 3000, SlotStream.Options.defaults().withSlotCount(64));
        RunSnapshot s = StreamRun.run(new CpuBackend(), stream, 100, 2);
        assertEquals(Optional.empty(), s.firstDifference(s));

        int[] obs = s.observables();
        obs[17] ^= 1;
        RunSnapshot changed = new RunSnapshot(s.control(), obs, s.debugRecords(), s.dropped(), s.outcomes());
        assertEquals(Optional.of("observable 17: 0x" + Integer.toHexString(s.observables()[17]) + " vs 0x"
                + Integer.toHexString(obs[17])), s.firstDifference(changed));

        List<SlotOutcome> outcomes = new ArrayList<>(s.outcomes());
        SlotOutcome o = outcomes.get(5);
        int[] args = o.args();
        args[11]++;
        outcomes.set(5, new SlotOutcome(o.sequence(), o.slot(), o.state(), o.fault(), o.faultDetail(), args));
        RunSnapshot badOutcome = new RunSnapshot(s.control(), s.observables(), s.debugRecords(), s.dropped(),
                outcomes);
        assertTrue(s.firstDifference(badOutcome).orElseThrow().startsWith("outcome of slot 5: "));

        RunSnapshot dropped = new RunSnapshot(s.control(), s.observables(), s.debugRecords(), s.dropped() + 1,
                s.outcomes());
        assertTrue(s.firstDifference(dropped).orElseThrow().startsWith("dropped debug records"));
        RunSnapshot fewer = new RunSnapshot(s.control(), s.observables(),
                s.debugRecords().subList(1, s.debugRecords().size()), s.dropped(), s.outcomes());
        assertTrue(s.firstDifference(fewer).isPresent());
    }

    /** The stream exercised every built-in it is built to use, and every fault kind it is built to cause. */
    private static void assertCoverage(SlotStream stream, RunSnapshot run) {
        Map<Integer, Integer> done = new HashMap<>();
        for (int i = 0; i < stream.slots().size(); i++) {
            Slot s = stream.slots().get(i);
            if (run.outcomes().get(i).isDone()) {
                done.merge(s.opcode(), 1, Integer::sum);
            }
        }
        for (int op : new int[] {Opcodes.NOP, Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.LOAD_U32,
            Opcodes.COMPARE_SWAP, Opcodes.MEMCPY, Opcodes.BATCH_FENCE, Opcodes.PRINTF, Opcodes.PACKED_SLOT}) {
            assertTrue(done.getOrDefault(op, 0) > 100, Opcodes.name(op) + " completed " + done.get(op) + " times");
        }
        Map<FaultCode, Integer> faults = faults(run);
        for (FaultCode f : new FaultCode[] {FaultCode.UNKNOWN_OPCODE, FaultCode.OPCODE_NOT_PERMITTED,
            FaultCode.BAD_ARGUMENT, FaultCode.CONTROL_OUT_OF_RANGE}) {
            assertTrue(faults.getOrDefault(f, 0) > 100, f + ": " + faults);
        }
        assertTrue(run.control()[128] > 100, "fences counted in EPOCH: " + run.control()[128]);
        assertTrue(run.debugRecords().size() > 100);
        assertEquals(0, run.dropped());
        assertEquals(stream.slots().size(), run.control()[1], "DONE_COUNT");
    }

    private static Map<FaultCode, Integer> faults(RunSnapshot run) {
        Map<FaultCode, Integer> m = new EnumMap<>(FaultCode.class);
        for (SlotOutcome o : run.outcomes()) {
            if (o.isFault()) {
                m.merge(o.fault(), 1, Integer::sum);
            }
        }
        return m;
    }
}
