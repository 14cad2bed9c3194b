package dev.vyre.runtime.parity;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogSnapshot;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.SlotOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The final state of a stream run, in a form that does not depend on worker interleaving: every control word,
 * the debug records as a sorted multiset, the dropped count and each slot's outcome in publish order.
 *
 * @param control      the fixed control words 0..159
 * @param observables  the observable words
 * @param debugRecords the debug records sorted by (fmt_id, arg0, arg1, arg2), unsigned
 * @param dropped      debug appends dropped because the log was full
 * @param outcomes     the outcome of each slot, in publish order
 */
public record RunSnapshot(int[] control, int[] observables, List<DebugRecord> debugRecords, long dropped,
                          List<SlotOutcome> outcomes) {

    /** Unsigned order of records, field by field. */
    public static final Comparator<DebugRecord> RECORD_ORDER = Comparator
            .<DebugRecord>comparingLong(r -> Integer.toUnsignedLong(r.fmtId()))
            .thenComparingLong(r -> Integer.toUnsignedLong(r.arg0()))
            .thenComparingLong(r -> Integer.toUnsignedLong(r.arg1()))
            .thenComparingLong(r -> Integer.toUnsignedLong(r.arg2()));

    public RunSnapshot {
        control = control.clone();
        observables = observables.clone();
        List<DebugRecord> sorted = new ArrayList<>(debugRecords);
        sorted.sort(RECORD_ORDER);
        debugRecords = List.copyOf(sorted);
        outcomes = List.copyOf(outcomes);
    }

    /**
     * Captures the state of {@code kernel} after every slot finished (so every debug append is committed), with
     * the slots' {@code outcomes}.
     */
    public static RunSnapshot capture(Megakernel kernel, List<SlotOutcome> outcomes) {
        ControlView c = kernel.control();
        int[] fixed = new int[ControlLayout.CONTROL_MIN_WORDS];
        for (int i = 0; i < fixed.length; i++) {
            fixed[i] = c.load(i);
        }
        int[] obs = new int[c.observableCount()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = c.observable(i);
        }
        DebugLogSnapshot log = kernel.debugLog().tryRead().orElseThrow(() -> new MegakernelException(
                "the debug log has appends in flight although every slot finished",
                "capture a snapshot only after every ticket completed"));
        return new RunSnapshot(fixed, obs, log.records(), log.dropped(), outcomes);
    }

    @Override
    public int[] control() {
        return control.clone();
    }

    @Override
    public int[] observables() {
        return observables.clone();
    }

    /** The first difference from {@code other}, described for a test report; empty when they are equal. */
    public Optional<String> firstDifference(RunSnapshot other) {
        if (outcomes.size() != other.outcomes.size()) {
            return Optional.of("slot count: " + outcomes.size() + " vs " + other.outcomes.size());
        }
        for (int i = 0; i < outcomes.size(); i++) {
            if (!outcomes.get(i).equals(other.outcomes.get(i))) {
                return Optional.of("outcome of slot " + i + ": " + outcomes.get(i) + " vs " + other.outcomes.get(i));
            }
        }
        Optional<String> d = firstDifference("control word ", 0, control, other.control);
        if (d.isEmpty()) {
            d = firstDifference("observable ", 0, observables, other.observables);
        }
        if (d.isPresent()) {
            return d;
        }
        if (dropped != other.dropped) {
            return Optional.of("dropped debug records: " + dropped + " vs " + other.dropped);
        }
        int n = Math.min(debugRecords.size(), other.debugRecords.size());
        for (int i = 0; i < n; i++) {
            if (!debugRecords.get(i).equals(other.debugRecords.get(i))) {
                return Optional.of("sorted debug record " + i + ": " + debugRecords.get(i) + " vs "
                        + other.debugRecords.get(i));
            }
        }
        if (debugRecords.size() != other.debugRecords.size()) {
            return Optional.of("debug record count: " + debugRecords.size() + " vs " + other.debugRecords.size());
        }
        return Optional.empty();
    }

    private static Optional<String> firstDifference(String what, int base, int[] a, int[] b) {
        if (a.length != b.length) {
            return Optional.of(what + "count: " + a.length + " vs " + b.length);
        }
        int i = Arrays.mismatch(a, b);
        return i < 0 ? Optional.empty() : Optional.of(what + (base + i) + ": 0x" + Integer.toHexString(a[i])
                + " vs 0x" + Integer.toHexString(b[i]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunSnapshot s && firstDifference(s).isEmpty();
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(control) * 31 + Arrays.hashCode(observables);
    }

    @Override
    public String toString() {
        return "RunSnapshot[" + outcomes.size() + " slots, " + observables.length + " observables, "
                + debugRecords.size() + " debug records, dropped " + dropped + "]";
    }
}
