package dev.vyre.runtime;

import dev.vyre.automata.dfa.Dfa;
import dev.vyre.ir.Program;
import dev.vyre.runtime.replay.ReplayOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to bootstrap a megakernel. The record only holds values; {@link Megakernel#bootstrap(Backend,
 * MegakernelConfig)} checks them (so that a chain of {@code with...} calls may pass through combinations that are
 * only valid at its end).
 *
 * @param slotCount         ring slots, 1..{@code SlotLayout.MAX_ENCODED_RING_SLOTS}; a multiple of {@code workers}
 * @param workers           executors that own slots ({@code slot % workers}); 0 picks the backend's default
 * @param observables       observable words after the control block's fixed part
 * @param debugRecords      debug-log capacity in records
 * @param userHandlers      user opcodes (outside the system range) to VIR0 handler programs, registered at
 *                          bootstrap (see {@link HandlerTable} for what a handler must declare)
 * @param tenantMasks       per-tenant permission masks ({@link Permissions}) written to
 *                          {@code control[TENANT_BASE + t]}, tenants 0..29 (tenants absent here get
 *                          {@link #ALL_ALLOWED})
 * @param handlerStepBudget step budget of one user-handler run, 1..0xFFFFFFFF (it is reported in a u32 fault word)
 * @param drainTimeout      how long {@link Megakernel#close()} waits for publishers, then workers, to finish
 * @param dataBytes         size of the data region (0..{@link RingBuffers#MAX_DATA_BYTES}, rounded up to a
 *                          multiple of {@link RingBuffers#DATA_ALIGNMENT}): shared memory that user handlers declaring
 *                          a {@value HandlerTable#DATA} buffer read (GpuStream's chunk buffers live there); 0 for none
 * @param automata          the DFAs that DFA_STEP slots may name (automaton id = index), registered at bootstrap:
 *                          the megakernel then has a {@link dev.vyre.runtime.automata.DfaStepUnit}
 *                          ({@link Megakernel#dfaStep()}) and the CUDA backend uploads their images to device memory;
 *                          empty for none (DFA_STEP then faults UNKNOWN_OPCODE)
 * @param replay            where and how to record the replay log of every published slot and its outcome
 *                          (docs/REPLAY.md), or null for none
 * @param scheduler         tenants, priority scheduling and worker recovery ({@link SchedulerConfig}, docs/TENANTS.md)
 */
public record MegakernelConfig(int slotCount, int workers, int observables, int debugRecords,
                               Map<Integer, Program> userHandlers, Map<Integer, Integer> tenantMasks,
                               long handlerStepBudget, Duration drainTimeout, long dataBytes, List<Dfa> automata,
                               ReplayOptions replay, SchedulerConfig scheduler) {

    /** Permission mask that allows every opcode. */
    public static final int ALL_ALLOWED = Permissions.ALL;
    /** Default step budget of one user-handler run. */
    public static final long DEFAULT_HANDLER_STEP_BUDGET = 1_000_000L;
    /** Default bound on {@link Megakernel#close()}. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    public MegakernelConfig {
        if (userHandlers == null || tenantMasks == null || drainTimeout == null || scheduler == null
                || hasNull(userHandlers) || hasNull(tenantMasks) || automata == null
                || automata.stream().anyMatch(Objects::isNull)) {
            throw new BootstrapException("megakernel config has a null handler map, tenant-mask map, drain timeout,"
                    + " automaton list, scheduler config, or a null key or value in a map or list", "pass non-null"
                    + " maps of opcodes to programs and tenants to masks, a drain timeout, a list of DFAs (List.of()"
                    + " for none) and a scheduler config (SchedulerConfig.defaults())");
        }
        userHandlers = Map.copyOf(userHandlers);
        tenantMasks = Map.copyOf(tenantMasks);
        automata = List.copyOf(automata);
    }

    /** A configuration without automata or a replay log. */
    public MegakernelConfig(int slotCount, int workers, int observables, int debugRecords,
                            Map<Integer, Program> userHandlers, Map<Integer, Integer> tenantMasks,
                            long handlerStepBudget, Duration drainTimeout, long dataBytes) {
        this(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks, handlerStepBudget,
                drainTimeout, dataBytes, List.of(), null, SchedulerConfig.defaults());
    }

    /** A configuration without a data region. */
    public MegakernelConfig(int slotCount, int workers, int observables, int debugRecords,
                            Map<Integer, Program> userHandlers, Map<Integer, Integer> tenantMasks,
                            long handlerStepBudget, Duration drainTimeout) {
        this(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks, handlerStepBudget,
                drainTimeout, 0);
    }

    private static boolean hasNull(Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Defaults: 4096 slots, backend-chosen workers, 1024 observables, 4096 debug records, no handlers, every
     * tenant allowed everything, {@link #DEFAULT_HANDLER_STEP_BUDGET}, {@link #DEFAULT_DRAIN_TIMEOUT}, no data
     * region.
     */
    public static MegakernelConfig defaults() {
        return new MegakernelConfig(4096, 0, 1024, 4096, Map.of(), Map.of(), DEFAULT_HANDLER_STEP_BUDGET,
                DEFAULT_DRAIN_TIMEOUT);
    }

    public MegakernelConfig withSlots(int slots) {
        return new MegakernelConfig(slots, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withWorkers(int n) {
        return new MegakernelConfig(slotCount, n, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withObservables(int n) {
        return new MegakernelConfig(slotCount, workers, n, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withDebugRecords(int n) {
        return new MegakernelConfig(slotCount, workers, observables, n, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withHandler(int opcode, Program handler) {
        Map<Integer, Program> m = new TreeMap<>(userHandlers);
        m.put(opcode, handler);
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, m, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withTenantMask(int tenant, int mask) {
        Map<Integer, Integer> m = new TreeMap<>(tenantMasks);
        m.put(tenant, mask);
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, m,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withHandlerStepBudget(long steps) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                steps, drainTimeout, dataBytes, automata, replay, scheduler);
    }

    public MegakernelConfig withDrainTimeout(Duration timeout) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, timeout, dataBytes, automata, replay, scheduler);
    }

    /** With scheduler settings (tenants, priority look-ahead, recovery): see {@link SchedulerConfig}. */
    public MegakernelConfig withScheduler(SchedulerConfig newScheduler) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, replay, newScheduler);
    }

    /** With tenant {@code tenant} (0..29) declared as {@code spec} (shorthand for {@link SchedulerConfig#withTenant}). */
    public MegakernelConfig withTenant(int tenant, TenantSpec spec) {
        return withScheduler(scheduler.withTenant(tenant, spec));
    }

    /**
     * With a data region of {@code bytes} bytes (see {@link #dataBytes()}); size it for a GpuStream with
     * {@code GpuStream.dataBytes(buffers, chunkSize)}.
     */
    public MegakernelConfig withDataBytes(long bytes) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, bytes, automata, replay, scheduler);
    }

    /**
     * With {@code dfas} as the automata of DFA_STEP (automaton id = index; see {@link #automata()}), e.g.
     * {@code RingScanner.ringAutomata(compiled)}.
     */
    public MegakernelConfig withAutomata(List<Dfa> dfas) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, dfas, replay, scheduler);
    }

    /** With a replay log written to {@code file} with the default queue ({@link ReplayOptions#to}). */
    public MegakernelConfig withReplayLog(java.nio.file.Path file) {
        return withReplay(ReplayOptions.to(file));
    }

    /** With replay options {@code options} (null: no replay log). */
    public MegakernelConfig withReplay(ReplayOptions options) {
        return new MegakernelConfig(slotCount, workers, observables, debugRecords, userHandlers, tenantMasks,
                handlerStepBudget, drainTimeout, dataBytes, automata, options, scheduler);
    }
}
