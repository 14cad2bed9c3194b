package dev.vyre.runtime;

import dev.vyre.ir.Program;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to bootstrap a megakernel.
 *
 * @param slotCount    ring slots; a multiple of {@code workers}
 * @param workers      executors that own slots ({@code slot % workers}); 0 picks the backend's default
 * @param observables  observable words after the control block's fixed part
 * @param debugRecords debug-log capacity in records
 * @param userHandlers user opcodes (outside the system range) to VIR0 handler programs, registered at bootstrap
 * @param tenantMasks  per-tenant permission masks written to {@code control[TENANT_BASE + t]} (tenants absent
 *                     here get {@link #ALL_ALLOWED})
 */
public record MegakernelConfig(int slotCount, int workers, int observables, int debugRecords,
                               Map<Integer, Program> userHandlers, Map<Integer, Integer> tenantMasks) {

    /** Permission mask that allows every opcode. */
    public static final int ALL_ALLOWED = 0xFFFF_FFFF;

    public MegakernelConfig {
        userHandlers = Map.copyOf(userHandlers);
        tenantMasks = Map.copyOf(tenantMasks);
    }

    /** Defaults: 4096 slots, backend-chosen workers, 1024 observables, 4096 debug records, no handlers. */
    public static MegakernelConfig defaults() {
        return new MegakernelConfig(4096, 0, 1024, 4096, Map.of(), Map.of());
    }

    public MegakernelConfig withSlots(int slots) {
        return new MegakernelConfig(slots, workers, observables, debugRecords, userHandlers, tenantMasks);
    }

    public MegakernelConfig withWorkers(int n) {
        return new MegakernelConfig(slotCount, n, observables, debugRecords, userHandlers, tenantMasks);
    }

    public MegakernelConfig withObservables(int n) {
        return new MegakernelConfig(slotCount, workers, n, debugRecords, userHandlers, tenantMasks);
    }

    public MegakernelConfig withDebugRecords(int n) {
        return new MegakernelConfig(slotCount, workers, observables, n, userHandlers, tenantMasks);
    }

    public MegakernelConfig withHandler(int opcode, Program handler) {
        Map<Integer, Program> m = new TreeMap<>(userHandlers);
        m.put(opcode, handler);
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, m, tenantMasks);
    }

    public MegakernelConfig withTenantMask(int tenant, int mask) {
        Map<Integer, Integer> m = new TreeMap<>(tenantMasks);
        m.put(tenant, mask);
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, m);
    }
}
