package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assembles the emitted PTX of the whole corpus with ptxas for sm_90 (and a sample for sm_80), many kernels per
 * module so that the test stays fast. Skipped, with the reason, where ptxas is not installed.
 */
class PtxasCorpusTest {
    private static final int KERNELS_PER_MODULE = 120;
    private static Path ptxas;

    @BeforeAll
    static void findPtxas() {
        ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null,
                "ptxas not found on PATH, in /usr/local/bin or /usr/local/cuda/bin: emitted PTX is not assembled here");
    }

    private static void assembleAll(Path dir, String label, List<String> entries, String preamble, PtxTarget target)
            throws Exception {
        for (int from = 0; from < entries.size(); from += KERNELS_PER_MODULE) {
            StringBuilder module = new StringBuilder(target.header()).append('\n').append(preamble);
            for (String entry : entries.subList(from, Math.min(entries.size(), from + KERNELS_PER_MODULE))) {
                module.append('\n').append(entry);
            }
            int first = from;
            Ptxas.Result r = Ptxas.assemble(ptxas, dir, label + "_" + from, module.toString(), target.smName());
            assertEquals(0, r.exit(), () -> "ptxas rejected " + label + " module from entry " + first + ":\n"
                    + r.output());
        }
    }

    /** The fdlibm functions the cases call, once for a module of their entries. */
    private static String support(List<ProgramCorpus.Case> cases) {
        return PtxEmitter.emitSupport(cases.stream().map(ProgramCorpus.Case::program).toList());
    }

    private static List<String> entries(List<ProgramCorpus.Case> cases, PtxTarget target) {
        List<String> entries = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            entries.add(PtxEmitter.emitKernel(cases.get(k).program(), "k" + k + "_" + cases.get(k).name(), target)
                    .entry());
        }
        return entries;
    }

    @Test
    void everyCorpusKernelAssemblesForSm90(@TempDir Path dir) throws Exception {
        List<ProgramCorpus.Case> cases = ProgramCorpus.kernels();
        assertTrue(cases.size() > 240, "the corpus lost cases: " + cases.size());
        assembleAll(dir, "kernels", entries(cases, PtxTarget.SM_90), support(cases), PtxTarget.SM_90);
    }

    @Test
    void randomExpressionKernelsAssemble(@TempDir Path dir) throws Exception {
        List<ProgramCorpus.Case> random = RandomPrograms.generate(7, 60);
        assembleAll(dir, "random", entries(random, PtxTarget.SM_90), support(random), PtxTarget.SM_90);
    }

    @Test
    void aSampleAssemblesForSm80(@TempDir Path dir) throws Exception {
        List<ProgramCorpus.Case> cases = ProgramCorpus.kernels();
        List<ProgramCorpus.Case> sample = new ArrayList<>();
        for (int k = 0; k < cases.size(); k += 7) {
            sample.add(cases.get(k));
        }
        assembleAll(dir, "sm80", entries(sample, PtxTarget.SM_80), support(sample), PtxTarget.SM_80);
    }

    @Test
    void handlersAssembleWithTheirCallers(@TempDir Path dir) throws Exception {
        StringBuilder funcs = new StringBuilder();
        List<String> callers = new ArrayList<>();
        for (ProgramCorpus.Case h : ProgramCorpus.handlers()) {
            funcs.append(PtxEmitter.emitHandler(h.program(), h.name(), PtxTarget.SM_90)).append('\n');
            callers.add(HandlerHarness.callerEntry(h.name()));
        }
        assembleAll(dir, "handlers", callers, funcs.toString(), PtxTarget.SM_90);
    }

    @Test
    void ptxasRejectsABrokenKernel(@TempDir Path dir) throws Exception {
        String broken = PtxEmitter.emitKernel(ProgramCorpus.kernels().getFirst().program(), "broken",
                PtxTarget.SM_90).ptx().replace("exit;", "frobnicate;");
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "broken", broken, "sm_90");
        assertNotEquals(0, r.exit(), "ptxas accepted an unknown instruction, so this test proves nothing");
    }
}
