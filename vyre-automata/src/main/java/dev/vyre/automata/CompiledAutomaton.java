package dev.vyre.automata;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Engine;
import java.util.List;

/**
 * A compiled pattern set: the engines that together report every pattern (see {@link RegexCompiler}). Scan it
 * with {@link dev.vyre.automata.scan.Scanner}.
 *
 * @param patterns the patterns, as given
 * @param engines the engines; each pattern is in exactly one
 */
public record CompiledAutomaton(List<PatternSpec> patterns, List<Engine> engines) {
    public CompiledAutomaton {
        patterns = List.copyOf(patterns);
        engines = List.copyOf(engines);
    }

    /** The engines of one kind. */
    public List<Engine> engines(Engine.Kind kind) {
        return engines.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Whether some pattern runs in NFA mode (its DFA would pass the state cap). */
    public boolean hasNfaMode() {
        return !engines(Engine.Kind.NFA).isEmpty();
    }
}
