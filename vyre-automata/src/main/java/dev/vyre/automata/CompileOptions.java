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
 */
public record CompileOptions(int maxStates, boolean minimise, boolean prefilter, long maxNfaStates) {
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

    /** Cap 65,536 states, minimisation and prefilter on. */
    public static CompileOptions defaults() {
        return new CompileOptions(DEFAULT_MAX_STATES, true, true, DEFAULT_MAX_NFA_STATES);
    }

    /** These options with another state cap. */
    public CompileOptions withMaxStates(int cap) {
        return new CompileOptions(cap, minimise, prefilter, maxNfaStates);
    }

    /** These options with minimisation on or off. */
    public CompileOptions withMinimise(boolean on) {
        return new CompileOptions(maxStates, on, prefilter, maxNfaStates);
    }

    /** These options with the literal engines on or off. */
    public CompileOptions withPrefilter(boolean on) {
        return new CompileOptions(maxStates, minimise, on, maxNfaStates);
    }

    /** These options with another NFA size limit. */
    public CompileOptions withMaxNfaStates(long limit) {
        return new CompileOptions(maxStates, minimise, prefilter, limit);
    }
}
