package dev.vyre.ir.gen;

import dev.vyre.ir.Program;
import java.util.SplittableRandom;

/**
 * Random programs for property tests, reproducible from the {@link SplittableRandom} they are given.
 *
 * <ul>
 *   <li>{@link #generate} gives VALID programs per docs/VIR0-SEMANTICS.md: well typed, scoped, bounded (small
 *       constant For bounds, no Loop), Barrier only at top level, wave operators only in uniform control flow
 *       (never inside an If), no Call or Opaque. Use them for validator, interpreter and backend parity.
 *       They may contain data races between invocations (plain stores to shared elements, atomics whose
 *       results depend on order), which the reference interpreter resolves in its own fixed order.</li>
 *   <li>{@link #generateAnyShape} gives programs that use every structural feature of the IR (Opaque nodes,
 *       expressions and types, Call, Loop, IndirectDispatch, AsyncLoad/Wait, metadata entries, extension fields,
 *       flags, NaN payloads, non-ASCII identifiers) without regard to typing: for codec round trips.</li>
 * </ul>
 *
 * <p>Both draw from {@code rnd.split()} rather than {@code rnd} itself: {@code Props.forAll} seeds case {@code i}
 * with {@code base + GOLDEN_GAMMA * (i + 1)}, which makes the plain streams of neighbouring cases the same
 * sequence shifted by one step (SplittableRandom advances its seed by that very gamma); a split generator has
 * a mixed seed and gamma, so neighbouring cases give unrelated programs.
 */
public final class RandomPrograms {
    private RandomPrograms() {
    }

    /** A valid, bounded program (see the class comment). */
    public static Program generate(SplittableRandom rnd) {
        return new ValidProgramGenerator(rnd.split()).program();
    }

    /** A program of any shape the codec can carry; not necessarily valid or executable. */
    public static Program generateAnyShape(SplittableRandom rnd) {
        return new AnyShapeGenerator(rnd.split()).program();
    }
}
