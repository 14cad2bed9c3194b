package dev.vyre.automata.worklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.ScanOptions;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.StateIndexPair;
import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskFlags;
import dev.vyre.protocol.TaskState;
import dev.vyre.testing.Props;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worklist policy of AUTOMATA.md: the seed's tests, the decision order, the u32 budget, the evidence rule. */
class WorklistPolicyTest {
    private static final WorklistPolicy POLICY = WorklistPolicy.standard();

    private static WorklistMode mode(int depth, int occupancy) {
        return POLICY.recommend(new WorklistRequest(depth, 0, occupancy, 0, 0)).mode();
    }

    /** Seed test: state_index_pair_uses_shared_task_work_item_abi. */
    @Test
    void stateIndexPairUsesSharedTaskWorkItemAbi() {
        Task task = new StateIndexPair(17, 4096).toTask(5, 3, Priority.HIGH, 99, 12, 13);
        assertEquals(TaskState.READY, task.state());
        assertEquals(5, task.taskId());
        assertEquals(3, task.tenantId());
        assertEquals(Priority.HIGH, task.priority());
        assertEquals(99, task.opHandle());
        assertEquals(12, task.inputHandle());
        assertEquals(13, task.outputHandle());
        assertEquals(17, task.param());
        assertEquals(4096, task.continuationPc());
        assertEquals(17, task.continuationData());
        assertEquals(TaskFlags.REQUEUE_REQUESTED, task.flags() & TaskFlags.REQUEUE_REQUESTED);
    }

    /** Seed test: policy_emits_nonblocking_worklist_evidence. */
    @Test
    void policyEmitsNonblockingWorklistEvidence() {
        WorklistRequest request = new WorklistRequest(POLICY.nonblockingDepthThreshold(), 2048, 2_500, 900, 600);
        WorklistDecision d = POLICY.recommendWithEvidence(request);
        WorklistRecommendation r = d.recommendation();
        WorklistEvidence e = d.evidence();
        assertEquals(WorklistMode.NON_BLOCKING, r.mode());
        assertEquals((long) POLICY.nonblockingDepthThreshold() * POLICY.stateVisitBudgetMultiplier(),
                r.stateVisitBudget());
        assertEquals(WorklistEvidence.SCHEMA_VERSION, e.schemaVersion());
        assertEquals(WorklistMode.NON_BLOCKING, e.selectedMode());
        assertEquals(POLICY.nonblockingDepthThreshold(), e.worklistDepth());
        assertEquals(2048, e.stateVisitCount());
        assertEquals(2_500, e.occupancyProxyBps());
        assertEquals(900, e.blockingActiveTimeNs());
        assertEquals(600, e.nonblockingActiveTimeNs());
        assertTrue(e.matchParityRequired());
        assertTrue(e.reportsStateIndexPairs());
        assertTrue(e.isComplete());
    }

    @Test
    void standardThresholdsAndLabels() {
        assertEquals(new WorklistPolicy(64, 1_048_576, 8, 5_000), POLICY);
        assertEquals(1, WorklistEvidence.SCHEMA_VERSION);
        assertEquals(List.of("empty", "blocking", "non_blocking", "spill_required"),
                java.util.Arrays.stream(WorklistMode.values()).map(WorklistMode::label).toList());
        assertEquals(new WorklistRequest(0, 0, 0, 0, 0), WorklistRequest.empty());
    }

    @Test
    void decisionOrder() {
        assertEquals(WorklistMode.EMPTY, mode(0, 0), "depth 0 is empty even at low occupancy");
        assertEquals(WorklistMode.SPILL_REQUIRED, mode(1_048_577, 10_000));
        assertEquals(WorklistMode.SPILL_REQUIRED, mode(1_048_577, 0), "spill comes before low occupancy");
        assertEquals(WorklistMode.NON_BLOCKING, mode(1_048_576, 10_000), "the spill threshold itself does not spill");
        assertEquals(WorklistMode.NON_BLOCKING, mode(64, 10_000));
        assertEquals(WorklistMode.BLOCKING, mode(63, 5_000));
        assertEquals(WorklistMode.NON_BLOCKING, mode(63, 4_999));
        assertEquals(WorklistMode.BLOCKING, mode(1, 65_535));
        assertEquals(WorklistMode.SPILL_REQUIRED, mode(0x1FFF_FFFF, 9_000), "largest depth whose budget fits u32");
    }

    @Test
    void budgetIsComputedInU32AndOverflowTellsTheCallerToShard() {
        WorklistRecommendation r = POLICY.recommend(new WorklistRequest(0x1FFF_FFFF, 0, 0, 0, 0));
        assertEquals(0xFFFF_FFF8L, r.stateVisitBudget());
        for (int depth : new int[] {0x2000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF}) {
            WorklistBudgetException e = assertThrows(WorklistBudgetException.class,
                    () -> POLICY.recommend(new WorklistRequest(depth, 0, 0, 0, 0)));
            assertEquals(depth, e.worklistDepth());
            assertTrue(e.getMessage().contains("overflowed u32"), e.getMessage());
            assertEquals("shard the state-index frontier before resident scheduling", e.fix());
            assertThrows(WorklistBudgetException.class,
                    () -> POLICY.recommendWithEvidence(new WorklistRequest(depth, 0, 0, 0, 0)));
        }
    }

    @Test
    void occupancyIsAU16ClampedTo10000() {
        WorklistDecision d = POLICY.recommendWithEvidence(new WorklistRequest(10, 5, 65_535, 1, 2));
        assertEquals(10_000, d.recommendation().occupancyProxyBps());
        assertEquals(10_000, d.evidence().occupancyProxyBps());
        assertTrue(d.evidence().isComplete());
        assertThrows(AutomataException.class, () -> new WorklistRequest(1, 0, 65_536, 0, 0));
        assertThrows(AutomataException.class, () -> new WorklistRequest(1, 0, -1, 0, 0));
        assertThrows(AutomataException.class, () -> new WorklistPolicy(64, 1_048_576, 8, 70_000));
    }

    @Test
    void evidenceCompletenessRule() {
        WorklistEvidence ok = new WorklistEvidence(1, WorklistMode.BLOCKING, 5, 9, 10_000, 1, 2, true, true);
        assertTrue(ok.isComplete());
        assertFalse(new WorklistEvidence(2, WorklistMode.BLOCKING, 5, 9, 100, 1, 2, true, true).isComplete());
        assertFalse(new WorklistEvidence(1, WorklistMode.BLOCKING, 5, 9, 10_001, 1, 2, true, true).isComplete());
        assertFalse(new WorklistEvidence(1, WorklistMode.BLOCKING, 5, 9, 100, 1, 2, false, true).isComplete());
        assertFalse(new WorklistEvidence(1, WorklistMode.BLOCKING, 5, 9, 100, 1, 2, true, false).isComplete());
        assertFalse(new WorklistEvidence(1, WorklistMode.BLOCKING, 0, 9, 100, 1, 2, true, true).isComplete());
        assertTrue(new WorklistEvidence(1, WorklistMode.EMPTY, 0, 0, 0, 0, 0, true, true).isComplete());
    }

    @Test
    void everyAcceptedRequestYieldsCompleteEvidenceCarryingItsFields() {
        Props.forAll("policy evidence", 20_000, (i, rnd) -> {
            int depth = rnd.nextInt(4) == 0 ? rnd.nextInt(0, 200) : rnd.nextInt();
            WorklistRequest q = new WorklistRequest(depth, rnd.nextLong(), rnd.nextInt(0, 65_536), rnd.nextLong(),
                    rnd.nextLong());
            long budget = Integer.toUnsignedLong(depth) * 8;
            if (budget > 0xFFFF_FFFFL) {
                assertThrows(WorklistBudgetException.class, () -> POLICY.recommendWithEvidence(q));
                return;
            }
            WorklistDecision d = POLICY.recommendWithEvidence(q);
            assertEquals(budget, d.recommendation().stateVisitBudget());
            assertTrue(d.evidence().isComplete(), d.toString());
            assertEquals(q.stateVisitCount(), d.evidence().stateVisitCount());
            assertEquals(q.blockingActiveTimeNs(), d.evidence().blockingActiveTimeNs());
            assertEquals(q.nonblockingActiveTimeNs(), d.evidence().nonblockingActiveTimeNs());
            assertEquals(Math.min(10_000, q.occupancyProxyBps()), d.evidence().occupancyProxyBps());
            assertEquals(d.recommendation().mode(), d.evidence().selectedMode());
        });
    }

    @Test
    void evidenceJsonUsesStableKeysAndUnsignedValues() {
        WorklistEvidence e = new WorklistEvidence(1, WorklistMode.NON_BLOCKING, -1, -1L, 2_500, 900, 600, true,
                true);
        assertEquals("{\"schema_version\":1,\"selected_mode\":\"non_blocking\",\"worklist_depth\":4294967295,"
                + "\"state_visit_count\":18446744073709551615,\"occupancy_proxy_bps\":2500,"
                + "\"blocking_active_time_ns\":900,\"nonblocking_active_time_ns\":600,"
                + "\"match_parity_required\":true,\"reports_state_index_pairs\":true}", e.toJson());
    }

    @Test
    void benchmarkMeasuresBothModesWithParity() {
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "a[^z]*z"), PatternSpec.of(1, "foo\\d")));
        byte[] corpus = ("a" + "xyz foo1 ".repeat(500)).getBytes(StandardCharsets.ISO_8859_1);
        WorklistDecision d = WorklistBenchmark.measure(a, corpus, ScanOptions.defaults().withLanes(16), POLICY);
        WorklistEvidence e = d.evidence();
        assertTrue(e.isComplete(), e.toString());
        assertEquals(16, e.worklistDepth(), "one state/index pair per lane of the one DFA engine");
        assertTrue(e.blockingActiveTimeNs() > 0 && e.nonblockingActiveTimeNs() > 0);
        assertTrue(e.stateVisitCount() >= corpus.length);
        assertEquals(WorklistMode.BLOCKING, e.selectedMode(), "16 pairs at full occupancy stay blocking");
    }
}
