package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.cache.Fingerprint;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The megakernel module key: equal inputs give equal keys, a change of any input gives another key. */
class MegakernelKeyTest {
    private static final String DRIVER = "cuda 13000; NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04";

    private static MegakernelPtx.Options options(Map<Integer, Program> handlers) {
        return new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 1, 64, HandlerTable.of(handlers));
    }

    private static Fingerprint key(MegakernelPtx.Options o) {
        return MegakernelKey.of(o, 9, 0, DRIVER, "1+abc");
    }

    @Test
    void sameInputsSameKey() {
        Map<Integer, Program> h = Map.of(0x100, HandlerPrograms.counter(), 0x200, HandlerPrograms.spinner());
        assertEquals(key(options(h)), key(options(new TreeMap<>(h))));
        assertEquals(key(options(h)), key(options(Map.of(0x100, HandlerPrograms.counter(), 0x200,
                HandlerPrograms.spinner()))), "programs built again encode to the same VIR0 bytes");
    }

    @Test
    void everyInputChangesTheKey() {
        Map<Integer, Program> h = Map.of(0x100, HandlerPrograms.counter());
        MegakernelPtx.Options base = options(h);
        List<Fingerprint> keys = List.of(
                key(base),
                key(options(Map.of(0x100, HandlerPrograms.spinner()))),
                key(options(Map.of(0x101, HandlerPrograms.counter()))),
                key(options(Map.of(0x100, HandlerPrograms.counter(), 0x101, HandlerPrograms.writer()))),
                key(options(Map.of())),
                key(base.withConfined(true)),
                key(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 1, 64, base.handlers())),
                key(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64, base.handlers())),
                key(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 2, 64, base.handlers())),
                key(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 1, 65, base.handlers())),
                MegakernelKey.of(base, 9, 1, DRIVER, "1+abc"),
                MegakernelKey.of(base, 10, 0, DRIVER, "1+abc"),
                MegakernelKey.of(base, 9, 0, DRIVER.replace("04", "05"), "1+abc"),
                MegakernelKey.of(base, 9, 0, "cuda 12080", "1+abc"),
                MegakernelKey.of(base, 9, 0, DRIVER, "1+abd"),
                MegakernelKey.of(base, 9, 0, DRIVER, "2+abc"));
        Set<Fingerprint> distinct = new HashSet<>(keys);
        assertEquals(keys.size(), distinct.size(), "every changed input gives a new key: " + keys);
    }

    @Test
    void theIrKernelHasKeysOfItsOwn() {
        dev.vyre.runtime.cuda.ir.MegakernelProgram.Options ir = new dev.vyre.runtime.cuda.ir.MegakernelProgram
                .Options(128, 1, 64);
        Program program = dev.vyre.runtime.cuda.ir.MegakernelProgram.build(ir);
        Fingerprint irKey = MegakernelKey.ofIr(program, "sm_90", 9, 0, DRIVER, "1+abc");
        assertEquals(irKey, MegakernelKey.ofIr(dev.vyre.runtime.cuda.ir.MegakernelProgram.build(ir), "sm_90", 9, 0,
                DRIVER, "1+abc"), "the same options build the same program, hence the same key");
        List<Fingerprint> keys = List.of(irKey,
                key(options(Map.of())),
                MegakernelKey.ofIr(dev.vyre.runtime.cuda.ir.MegakernelProgram.build(
                        new dev.vyre.runtime.cuda.ir.MegakernelProgram.Options(64, 1, 64)), "sm_90", 9, 0, DRIVER,
                        "1+abc"),
                MegakernelKey.ofIr(dev.vyre.runtime.cuda.ir.MegakernelProgram.build(
                        new dev.vyre.runtime.cuda.ir.MegakernelProgram.Options(128, 1, 128)), "sm_90", 9, 0, DRIVER,
                        "1+abc"),
                // the doorbell pollers change the program (extra workgroups, buffers, the pollers' loop): the key too
                MegakernelKey.ofIr(dev.vyre.runtime.cuda.ir.MegakernelProgram.build(
                        new dev.vyre.runtime.cuda.ir.MegakernelProgram.Options(128, 1, 64, 3)), "sm_90", 9, 0, DRIVER,
                        "1+abc"),
                MegakernelKey.ofIr(dev.vyre.runtime.cuda.ir.MegakernelProgram.build(
                        new dev.vyre.runtime.cuda.ir.MegakernelProgram.Options(128, 1, 64, 2)), "sm_90", 9, 0, DRIVER,
                        "1+abc"),
                MegakernelKey.ofIr(program, "sm_80", 9, 0, DRIVER, "1+abc"),
                MegakernelKey.ofIr(program, "sm_90", 10, 0, DRIVER, "1+abc"),
                MegakernelKey.ofIr(program, "sm_90", 9, 0, "cuda 12080", "1+abc"),
                MegakernelKey.ofIr(program, "sm_90", 9, 0, DRIVER, "1+abd"));
        assertEquals(keys.size(), new HashSet<>(keys).size(), "the IR key differs from the hand-written kernel's "
                + "and changes with every input: " + keys);
    }

    @Test
    void emitterVersionIsAStableFingerprintOfTheGeneratorCode() {
        String v = MegakernelKey.emitterVersion();
        assertTrue(v.matches(MegakernelKey.EMITTER_FORMAT + "\\+[0-9a-f]{64}"), v);
        assertEquals(v, MegakernelKey.emitterVersion());
        Fingerprint again = dev.vyre.runtime.cache.CodeFingerprint.of("vyre.megakernel.emitter",
                List.of(MegakernelPtx.class, dev.vyre.cuda.ptx.PtxEmitter.class, dev.vyre.protocol.SlotLayout.class,
                        dev.vyre.runtime.exec.SlotExecutor.class, dev.vyre.runtime.Megakernel.class,
                        dev.vyre.runtime.cuda.ir.IrKernel.class));
        assertEquals(MegakernelKey.EMITTER_FORMAT + "+" + again.hex(), v,
                "the code is readable here, so the fingerprint is deterministic (not the random fallback)");
        Fingerprint other = dev.vyre.runtime.cache.CodeFingerprint.of("vyre.megakernel.emitter",
                List.of(MegakernelPtx.class, dev.vyre.cuda.ptx.PtxEmitter.class));
        assertTrue(!other.equals(again), "fewer packages, another fingerprint");
    }

    @Test
    void driverIdentityNamesTheCudaVersion() {
        assertTrue(MegakernelKey.driverIdentity(13000).startsWith("cuda 13000"));
    }
}
