package dev.vyre.runtime.cuda;

import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.cache.CodeFingerprint;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.runtime.exec.SlotExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The pipeline-cache key of a megakernel module (docs/PIPELINE-CACHE.md): a BLAKE3 fingerprint of everything the
 * module's PTX and cubin depend on, each as a named, length-prefixed field:
 * <ol>
 *   <li>the generator options: target ({@code sm_XY} of the PTX), worker shape, idle backoff range;</li>
 *   <li>every fused handler in {@link HandlerTable} order: its opcode and its canonical VIR0 bytes
 *       ({@link Vir0Encoder}, one encoding per program);</li>
 *   <li>the device's architecture (compute capability) the cubin is compiled for;</li>
 *   <li>the driver: {@code cuDriverGetVersion} and the kernel module's version line (the JIT compiler ships with
 *       the driver, so two 580 drivers may compile differently);</li>
 *   <li>the emitter version: {@link #EMITTER_FORMAT} and the {@link CodeFingerprint} of the generator's packages
 *       (this one, the IR-built kernel's, the PTX emitter's, the protocol constants', the slot executor's and the
 *       runtime's), so a change
 *       to any code that shapes the PTX changes every key.</li>
 * </ol>
 */
public final class MegakernelKey {
    /** Domain string that starts the digest; bump its version when the field layout below changes. */
    public static final String DOMAIN = "vyre.megakernel.module/1";
    /** A manual version of the generator, in the emitter version next to the code fingerprint. */
    public static final int EMITTER_FORMAT = 1;
    /** Where Linux reports the NVIDIA kernel module's version. */
    static final Path NVIDIA_VERSION_FILE = Path.of("/proc/driver/nvidia/version");

    private static volatile String emitterVersion;

    private MegakernelKey() {
    }

    /**
     * The key of the module generated from {@code options} for a device of compute capability
     * {@code ccMajor.ccMinor} under driver {@code driver} ({@link #driverIdentity}) and emitter {@code emitter}
     * ({@link #emitterVersion()}).
     */
    public static Fingerprint of(MegakernelPtx.Options options, int ccMajor, int ccMinor, String driver,
                                 String emitter) {
        Fingerprint.Builder b = Fingerprint.builder(DOMAIN)
                .text("target", options.target().smName())
                .text("shape", options.shape().name())
                .number("backoffMin", options.backoffMinNanos())
                .number("backoffMax", options.backoffMaxNanos())
                .number("dfaStep", options.dfaStep() ? 1 : 0)
                .number("vm", options.vm() ? 1 : 0);
        // named only when set, so that the keys of ordinary kernels stay what they were
        if (options.cursors()) {
            b.number("cursors", 1);
        }
        if (options.faultOpcode() != 0) {
            b.number("injectedFault", Integer.toUnsignedLong(options.faultOpcode()));
        }
        if (options.doorbellPollers() > 0) {
            b.number("doorbellPollers", options.doorbellPollers());
        }
        if (options.confined()) {
            b.number("confined", 1);
        }
        HandlerTable handlers = options.handlers();
        b.number("handlers", handlers.size());
        for (int i = 0; i < handlers.size(); i++) {
            b.number("opcode", Integer.toUnsignedLong(handlers.opcode(i)))
                    .bytes("vir0", Vir0Encoder.encode(handlers.program(i)));
        }
        return b.number("ccMajor", ccMajor).number("ccMinor", ccMinor)
                .text("driver", driver)
                .text("emitter", emitter)
                .build();
    }

    /**
     * The key of the IR-built kernel ({@link dev.vyre.runtime.cuda.ir.IrKernel}): field {@code kernel = ir}, which no
     * hand-written key has, its PTX target, its program's canonical VIR0 bytes (which hold the worker count and the
     * backoff), then the device, driver and emitter fields of {@link #of}.
     */
    public static Fingerprint ofIr(dev.vyre.ir.Program program, String target, int ccMajor, int ccMinor,
                                   String driver, String emitter) {
        return Fingerprint.builder(DOMAIN)
                .text("kernel", "ir")
                .text("target", target)
                .bytes("vir0", Vir0Encoder.encode(program))
                .number("ccMajor", ccMajor).number("ccMinor", ccMinor)
                .text("driver", driver)
                .text("emitter", emitter)
                .build();
    }

    /**
     * The driver as far as the JIT depends on it: {@code cuda <cuDriverGetVersion>} and, where readable, the first
     * line of {@code /proc/driver/nvidia/version} (it names the exact driver build).
     */
    public static String driverIdentity(int cudaDriverVersion) {
        String module = "";
        try {
            List<String> lines = Files.readAllLines(NVIDIA_VERSION_FILE);
            module = lines.isEmpty() ? "" : lines.getFirst().strip();
        } catch (IOException | RuntimeException e) {
            // not Linux, or no NVIDIA kernel module: the CUDA version alone
        }
        return "cuda " + cudaDriverVersion + (module.isEmpty() ? "" : "; " + module);
    }

    /** {@link #EMITTER_FORMAT} and the code fingerprint of the generator's packages (computed once). */
    public static String emitterVersion() {
        String v = emitterVersion;
        if (v == null) {
            v = EMITTER_FORMAT + "+" + CodeFingerprint.of("vyre.megakernel.emitter", List.of(MegakernelPtx.class,
                    PtxEmitter.class, SlotLayout.class, SlotExecutor.class, Megakernel.class,
                    dev.vyre.runtime.cuda.ir.IrKernel.class)).hex();
            emitterVersion = v;
        }
        return v;
    }
}
