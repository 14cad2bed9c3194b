package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cooperative handlers (workgroup size 32x1x1) off the GPU: they assemble with ptxas (with the entry that calls them
 * from 32 threads) for sm_90 and sm_80; each collective is a checkpoint followed by the warp's rendezvous; ids are
 * the lane; single-invocation handlers still refuse Barrier and the wave operators, and cooperative ones refuse what
 * no handler may use.
 */
class PtxCooperativeHandlerTest {
    private static final Pattern SITE = Pattern.compile("// collective site (\\d+): rendezvous of the warp");

    private static String module(PtxTarget target) {
        StringBuilder funcs = new StringBuilder(target.header()).append('\n')
                .append(PtxEmitter.emitSupport(CoopCorpus.all().stream().map(CoopCorpus.Case::program).toList()));
        List<String> callers = new ArrayList<>();
        for (CoopCorpus.Case c : CoopCorpus.all()) {
            funcs.append(PtxEmitter.emitHandler(c.program(), c.name(), target)).append('\n');
            callers.add(HandlerHarness.callerEntry(c.name()));
        }
        return funcs + String.join("\n", callers);
    }

    @Test
    void cooperativeHandlersAssemble(@TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: cooperative handlers are not assembled here");
        for (PtxTarget target : List.of(PtxTarget.SM_90, PtxTarget.SM_80)) {
            Ptxas.Result r = Ptxas.assemble(ptxas, dir, "coop_" + target.smName(), module(target), target.smName());
            assertEquals(0, r.exit(), () -> "ptxas rejected the cooperative handlers for " + target.smName() + ":\n"
                    + r.output());
        }
    }

    @Test
    void everyCollectiveIsACheckpointThenAWarpRendezvous() {
        for (CoopCorpus.Case c : CoopCorpus.all()) {
            String f = PtxEmitter.emitHandler(c.program(), c.name(), PtxTarget.SM_90);
            assertTrue(f.contains("%laneid"), c.name() + ": LocalId.x must be the lane");
            assertFalse(f.contains("barrier.sync"), c.name() + ": a handler has no CTA barrier");
            Matcher m = SITE.matcher(f);
            int sites = 0;
            while (m.find()) {
                sites++;
                assertEquals(sites, Integer.parseInt(m.group(1)), c.name() + ": sites are numbered in order");
                List<String> before = f.substring(0, m.start()).lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("//")).toList();
                assertTrue(before.get(before.size() - 2).startsWith("setp.ge.u64")
                        && before.getLast().matches("@%p\\d+ bra \\$?\\w+;"), () -> c.name() + ": site "
                        + m.group(1) + " is not preceded by a step checkpoint: " + before.subList(before.size() - 3,
                        before.size()));
            }
            assertTrue(sites > 0, c.name() + " has collectives");
            long mins = f.lines().filter(l -> l.contains("redux.sync.min.u32") && l.contains("0xFFFFFFFF"))
                    .count();
            assertEquals(sites + 1L, mins, c.name() + ": one rendezvous per site and one in the retire loop");
            for (String line : f.lines().map(String::strip).toList()) {
                if (line.contains(".sync") && !line.startsWith("//")) {
                    String mask = line.substring(line.lastIndexOf(',') + 1).replace(";", "").strip();
                    if (line.startsWith("bar.warp.sync")) {
                        mask = line.substring("bar.warp.sync".length()).replace(";", "").strip();
                    }
                    assertTrue(mask.equals("0xFFFFFFFF") || mask.startsWith("%"), c.name() + ": " + line);
                }
            }
            assertTrue(f.contains("bar.warp.sync 0xFFFFFFFF"), c.name() + ": the epilogue orders the lanes' writes");
        }
    }

    @Test
    void singleInvocationHandlersStillRefuseCollectivesAndTranscendentalsAreLoweredEverywhere() {
        Program single = ProgramCorpus.handler(List.of(new Node.Barrier()));
        PtxEmitException barrier = assertThrows(PtxEmitException.class,
                () -> PtxEmitter.emitHandler(single, "h", PtxTarget.SM_90));
        assertTrue(barrier.getMessage().contains("32x1x1") && barrier.getMessage().contains("Fix:"),
                barrier.getMessage());
        Program wave = ProgramCorpus.handler(List.of(ProgramCorpus.store("args", Expr.u32(0),
                Expr.bin(BinaryOp.WAVE_REDUCE, Expr.u32(1), Expr.u32(0)))));
        assertTrue(assertThrows(PtxEmitException.class, () -> PtxEmitter.emitHandler(wave, "h", PtxTarget.SM_90))
                .getMessage().contains("32x1x1"));
        Program sine = CoopCorpus.coop(List.of(ProgramCorpus.store("args", Expr.u32(0), ProgramCorpus.cast(
                ScalarType.U32, Expr.un(UnaryOp.SIN, Expr.f32(1f))))));
        assertTrue(PtxEmitter.emitHandler(sine, "h", PtxTarget.SM_90).contains("call (%fd1), " + FdlibmTrig.NAME),
                "transcendentals are lowered in cooperative handlers too");
        assertTrue(PtxEmitter.isCooperative(CoopCorpus.all().getFirst().program()));
        assertFalse(PtxEmitter.isCooperative(single));
    }
}
