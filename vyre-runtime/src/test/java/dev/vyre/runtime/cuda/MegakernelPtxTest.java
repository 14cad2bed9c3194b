package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated megakernel PTX: it assembles for every target and shape, and keeps the memory-model rules. */
class MegakernelPtxTest {
    private static final Pattern LABEL_DEF = Pattern.compile("^(L_[A-Z0-9_]+):$", Pattern.MULTILINE);
    private static final Pattern LABEL_USE = Pattern.compile("\\bbra (L_[A-Z0-9_]+);");
    /** A memory instruction on the shared buffers: ld/st/atom/red, not the parameter loads. */
    private static final Pattern MEMORY_OP = Pattern.compile("^\\s*(?:@!?%p0 )?((?:ld|st|atom|red)\\.[a-z0-9_.]+)",
            Pattern.MULTILINE);

    static Stream<MegakernelPtx.Options> configs() {
        List<MegakernelPtx.Options> list = new ArrayList<>();
        for (WorkerShape shape : WorkerShape.values()) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 64, 2048));
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 1, 1));
        }
        for (int[] cc : new int[][] {{7, 0}, {7, 5}, {8, 0}, {8, 6}, {8, 9}}) {
            list.add(new MegakernelPtx.Options(new SmTarget(cc[0], cc[1]), WorkerShape.WARP, 100,
                    MegakernelPtx.Options.NANOSLEEP_MAX));
        }
        return list.stream();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void assemblesWithPtxas(MegakernelPtx.Options options, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found on PATH, /usr/local/bin or /usr/local/cuda/bin: "
                + "the megakernel PTX is not assembled on this machine");
        String arch = options.target().smName();
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "megakernel", arch, MegakernelPtx.generate(options));
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + arch + ": "
                + r.output().strip());
        assertEquals(0, r.exit(), () -> "ptxas -arch=" + arch + " rejected the megakernel for " + options + ":\n"
                + r.output());
        Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(r.output());
        assertTrue(regs.find(), () -> "ptxas -v reported no register count:\n" + r.output());
        assertTrue(Integer.parseInt(regs.group(1)) <= MegakernelPtx.MAX_REGISTERS, r.output());
        assertTrue(r.output().contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"),
                () -> "the kernel must run from registers alone:\n" + r.output());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void everyBranchTargetIsDefinedOnce(MegakernelPtx.Options options) {
        String ptx = MegakernelPtx.generate(options);
        Set<String> defined = new HashSet<>();
        Matcher d = LABEL_DEF.matcher(ptx);
        while (d.find()) {
            assertTrue(defined.add(d.group(1)), "label defined twice: " + d.group(1));
        }
        Matcher u = LABEL_USE.matcher(ptx);
        int uses = 0;
        while (u.find()) {
            uses++;
            assertTrue(defined.contains(u.group(1)), "branch to undefined label " + u.group(1));
        }
        assertTrue(uses > 50, "expected a dispatch with many branches, found " + uses);
    }

    @Test
    void headerAndEntryFollowTheOptions() {
        String ptx = MegakernelPtx.generate(new MegakernelPtx.Options(new SmTarget(8, 6), WorkerShape.THREAD, 7, 9));
        assertTrue(ptx.contains(".version " + SmTarget.PTX_VERSION + "\n.target sm_86\n.address_size 64\n"), ptx);
        assertTrue(ptx.contains(".visible .entry " + MegakernelPtx.ENTRY + "("));
        assertTrue(ptx.contains(".maxnreg " + MegakernelPtx.MAX_REGISTERS));
        assertTrue(ptx.contains("nanosleep.u32 %sleep;"));
        assertTrue(ptx.contains("mov.u32 %sleep, 7;"), "backoff minimum");
        assertTrue(ptx.contains("min.u32 %sleep, %sleep, 9;"), "backoff maximum");
        assertFalse(ptx.contains("and.b32 %t1, %t0, 31"), "a thread per worker has no lane test");
        String warp = MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 7, 9));
        assertTrue(warp.contains("and.b32 %t1, %t0, 31"), "a warp per worker lets lane 0 alone run");
        assertTrue(warp.contains("shr.u32 %worker, %t0, 5"));
    }

    @Test
    void parametersAreDeclaredInLaunchOrder() {
        String ptx = MegakernelPtx.generate(defaults());
        int last = -1;
        for (MegakernelPtx.Param p : MegakernelPtx.Param.values()) {
            int at = ptx.indexOf(".param " + p.type() + " " + p.ptxName());
            assertTrue(at > last, "parameter " + p + " is missing or out of order");
            last = at;
        }
    }

    @Test
    void everySharedMemoryAccessIsSystemScoped() {
        String ptx = MegakernelPtx.generate(defaults());
        Matcher m = MEMORY_OP.matcher(ptx);
        int count = 0;
        while (m.find()) {
            String op = m.group(1);
            if (op.startsWith("ld.param")) {
                continue;
            }
            count++;
            assertTrue(op.contains(".sys.global."), "memory operation without .sys scope on .global: " + op);
            assertTrue(op.contains(".relaxed.") || op.contains(".acquire.") || op.contains(".release."),
                    "memory operation without an explicit ordering: " + op);
        }
        assertTrue(count > 40, "found only " + count + " memory operations");
    }

    @Test
    void statusIsReadWithAcquireAndFinishedWithRelease() {
        String ptx = MegakernelPtx.generate(defaults());
        String status = "[%sp+" + SlotLayout.STATUS * Wire.WORD_BYTES + "]";
        long acquirePolls = 0;
        for (String line : ptx.lines().filter(l -> l.contains(status)).toList()) {
            if (line.contains("ld.")) {
                acquirePolls += line.contains("ld.acquire.sys.global.v4.u32 {%w0, %w1, %w2, %w3}") ? 1 : 0;
                assertTrue(line.contains("ld.acquire.sys") || line.contains(".v4."), line);
            } else if (line.contains("st.")) {
                boolean relaxed = line.endsWith(", " + SlotState.CLAIMED.wire() + ";")
                        || line.endsWith(", " + SlotState.DONE.wire() + ";");
                assertTrue(relaxed ? line.contains("st.relaxed.sys") : line.contains("st.release.sys"), line);
            }
        }
        assertEquals(2, acquirePolls, "the poll and the re-read after SHUTDOWN load STATUS..PRIORITY with acquire");
        assertFalse(ptx.contains("fence."), "the acquire poll needs no fence at the claim");
        assertTrue(ptx.contains("L_DONE_NOP:\n    st.relaxed.sys.global.u32 " + status + ", " + SlotState.DONE.wire()),
                "only a NOP, which wrote nothing, completes with a relaxed store");
        assertTrue(ptx.contains("mov.u32 %status, " + SlotState.DONE.wire() + ";"));
        assertTrue(ptx.contains("mov.u32 %status, " + SlotState.FAULT.wire() + ";"));
        String count = "red.release.sys.global.add.u32 [%ctl+" + ControlLayout.DONE_COUNT * Wire.WORD_BYTES + "], 1;";
        String finish = "st.release.sys.global.u32 " + status + ", %status;";
        assertEquals(1, ptx.split(java.util.regex.Pattern.quote(finish), -1).length - 1, "one finishing store");
        assertTrue(ptx.indexOf(finish) >= 0 && ptx.indexOf(finish) < ptx.indexOf(count),
                "DONE_COUNT is incremented after STATUS, with release, so a count of N means N final slots");
    }

    @Test
    void dispatchNamesEverySystemOpcodeItRuns() {
        String ptx = MegakernelPtx.generate(defaults());
        for (int op : new int[] {Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP,
            Opcodes.MEMCPY, Opcodes.BATCH_FENCE, Opcodes.PRINTF, Opcodes.PACKED_SLOT, Opcodes.SHUTDOWN}) {
            assertTrue(ptx.contains("L_OP_" + Opcodes.name(op) + ":"), "no body for " + Opcodes.name(op));
        }
        assertFalse(ptx.contains("L_OP_" + Opcodes.name(Opcodes.DFA_STEP) + ":"), "DFA_STEP has no executor");
    }

    @Test
    void optionsRefuseBadBackoffAndNulls() {
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                0, 10));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                10, 9));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                1, MegakernelPtx.Options.NANOSLEEP_MAX + 1));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(null, WorkerShape.WARP, 1, 2));
        assertThrows(CudaBackendException.class, () -> MegakernelPtx.generate(null));
    }

    private static MegakernelPtx.Options defaults() {
        return new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 64, 2048);
    }
}
