package dev.vyre.runtime.replay;

import dev.vyre.ir.Program;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cache.Fingerprint;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration a replay log was recorded with: enough to bootstrap the same megakernel again, handler programs
 * included as canonical VIR0 bytes, so the log is self-contained.
 *
 * @param startMillis       wall-clock start of the recording (informative)
 * @param slotCount         ring slots
 * @param workers           workers asked for (0: the backend's default)
 * @param observables       observable words
 * @param debugRecords      debug-log capacity
 * @param handlerStepBudget step budget of a handler run
 * @param dataBytes         data-region size
 * @param tenantMasks       the configured tenant masks (tenants not listed allow everything)
 * @param handlers          user opcode to VIR0 bytes, by unsigned opcode
 */
public record ReplayHeader(long startMillis, int slotCount, int workers, int observables, int debugRecords,
                           long handlerStepBudget, long dataBytes, Map<Integer, Integer> tenantMasks,
                           Map<Integer, byte[]> handlers) {
    public ReplayHeader {
        TreeMap<Integer, Integer> masks = new TreeMap<>(tenantMasks);
        TreeMap<Integer, byte[]> h = new TreeMap<>(Integer::compareUnsigned);
        handlers.forEach((k, v) -> h.put(k, v.clone()));
        tenantMasks = java.util.Collections.unmodifiableMap(masks);
        handlers = java.util.Collections.unmodifiableMap(h);
    }

    /** The header of a recording of {@code config} starting now. */
    public static ReplayHeader of(MegakernelConfig config) {
        Map<Integer, byte[]> h = new TreeMap<>();
        config.userHandlers().forEach((op, p) -> h.put(op, Vir0Encoder.encode(p)));
        return new ReplayHeader(System.currentTimeMillis(), config.slotCount(), config.workers(),
                config.observables(), config.debugRecords(), config.handlerStepBudget(), config.dataBytes(),
                config.tenantMasks(), h);
    }

    /**
     * The configuration to replay with on {@code workers} workers (1 runs the slots in sequence order).
     *
     * @throws ReplayException when a handler's VIR0 bytes do not decode
     */
    public MegakernelConfig toConfig(int workers) {
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(slotCount).withWorkers(workers)
                .withObservables(observables).withDebugRecords(debugRecords).withHandlerStepBudget(handlerStepBudget)
                .withDataBytes(dataBytes);
        for (var e : tenantMasks.entrySet()) {
            c = c.withTenantMask(e.getKey(), e.getValue());
        }
        for (var e : handlers.entrySet()) {
            Program p;
            try {
                p = Vir0Decoder.decode(e.getValue());
            } catch (RuntimeException bad) {
                throw new ReplayException("replay log: the VIR0 handler of opcode 0x" + Integer.toHexString(e.getKey())
                        + " does not decode: " + bad.getMessage(), "record the run again", bad);
            }
            c = c.withHandler(e.getKey(), p);
        }
        return c;
    }

    /** BLAKE3 of the configuration section ({@link ReplayFormat#configSection}). */
    public Fingerprint fingerprint() {
        return Fingerprint.hash(ReplayFormat.configSection(this));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReplayHeader r) || startMillis != r.startMillis || !Arrays.equals(
                ReplayFormat.configSection(this), ReplayFormat.configSection(r))) {
            return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ReplayFormat.configSection(this));
    }
}
