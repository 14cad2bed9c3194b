package dev.vyre.automata;

/**
 * Options of {@link RegexCompiler}.
 *
 * @param maxStates the DFA state cap: a group of patterns whose DFA would need more states is split, and a single
 *     pattern that still passes it runs in NFA mode
 * @param minimise whether DFAs are minimised (Hopcroft)
 * @param prefilter whether literal patterns and bounded patterns with required literal factors use the
 *     multi-literal engines
 * @param maxNfaStates the largest NFA one pattern may compile to (larger patterns are refused)
 * @param linePrefilter whether line-confined patterns with required literal factors go to a
 *     {@link dev.vyre.automata.scan.LineEngine} (group DFAs run only over lines holding a factor)
 */
public record CompileOptions(int maxStates, boolean minimise, boolean prefilter, long maxNfaStates,
        boolean linePrefilter) {
    /** Default DFA state cap. */
    public static final int DEFAULT_MAX_STATES = 65_536;
    /** Default NFA size limit per pattern. */
    public static final long DEFAULT_MAX_NFA_STATES = 1_000_000;

    public CompileOptions {
        if (maxStates < 1 || maxNfaStates < 1) {
            throw new AutomataException("compile options: maxStates " + maxStates + " and maxNfaStates "
                    + maxNfaStates + " must be positive", "use CompileOptions.defaults() and adjust from there");
        }
    }

    /** Cap 65,536 states, minimisation, prefilter and line prefilter on. */
    public static CompileOptions defaults() {
        return new CompileOptions(DEFAULT_MAX_STATES, true, true, DEFAULT_MAX_NFA_STATES, true);
    }

    /** These options with another state cap. */
    public CompileOptions withMaxStates(int cap) {
        return new CompileOptions(cap, minimise, prefilter, maxNfaStates, linePrefilter);
    }

    /** These options with minimisation on or off. */
    public CompileOptions withMinimise(boolean on) {
        return new CompileOptions(maxStates, on, prefilter, maxNfaStates, linePrefilter);
    }

    /**
     * These options with the literal engines (literal, prefilter and line prefilter) on or off; off sends every
     * pattern to the DFA/NFA engines. {@link #withLinePrefilter} then sets the line prefilter alone.
     */
    public CompileOptions withPrefilter(boolean on) {
        return new CompileOptions(maxStates, minimise, on, maxNfaStates, on);
    }

    /** These options with another NFA size limit. */
    public CompileOptions withMaxNfaStates(long limit) {
        return new CompileOptions(maxStates, minimise, prefilter, limit, linePrefilter);
    }

    /** These options with the line prefilter ({@link dev.vyre.automata.scan.LineEngine}) on or off. */
    public CompileOptions withLinePrefilter(boolean on) {
        return new CompileOptions(maxStates, minimise, prefilter, maxNfaStates, on);
    }
}
