package dev.vyre.automata;

import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.dfa.Minimizer;
import dev.vyre.automata.dfa.RawDfa;
import dev.vyre.automata.dfa.SubsetConstruction;
import dev.vyre.automata.literal.Factor;
import dev.vyre.automata.literal.LiteralAnalysis;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.nfa.ByteClasses;
import dev.vyre.automata.nfa.Nfa;
import dev.vyre.automata.nfa.NfaBuilder;
import dev.vyre.automata.regex.Analysis;
import dev.vyre.automata.regex.Anchor;
import dev.vyre.automata.regex.Parser;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.regex.Regex;
import dev.vyre.automata.regex.RegexSyntaxException;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.LineEngine;
import dev.vyre.automata.scan.LiteralEngine;
import dev.vyre.automata.scan.NfaEngine;
import dev.vyre.automata.scan.PrefilterEngine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a pattern set. Every pattern is parsed ({@link Parser}) and refused if it can match the empty string
 * or is too large; then, with the prefilter on, plain-literal patterns go to one {@link LiteralEngine} and
 * bounded patterns (at most {@link #PREFILTER_MAX_SPAN} bytes) with required factors of two or more bytes go to
 * one {@link PrefilterEngine}. The rest is compiled NFA -> DFA (subset construction, byte classes, Hopcroft)
 * under the state cap: a group whose DFA passes the cap is halved and retried, and a single pattern that still
 * passes it runs in the {@link NfaEngine} instead of failing. With the line prefilter on, patterns whose
 * line-confined start ({@link #confinedPrefix}: no byte set holds {@code \n}) has required factors of at least
 * {@link #LINE_MIN_FACTOR} bytes go to one {@link LineEngine}, in group DFAs of at most {@link #LINE_GROUP_STATES}
 * states.
 *
 * <p>Grouping: patterns are taken in order in runs of at most {@link #GROUP_PATTERNS} (line groups:
 * {@link #LINE_GROUP_PATTERNS}); a run whose DFA passes its cap is halved and retried. Starting from bounded runs
 * keeps every failed construction small: one construction over a whole large set of unbounded patterns would
 * spend the full cap (and its time budget) before failing.
 */
public final class RegexCompiler {
    /** The longest match a prefiltered pattern may have. */
    public static final int PREFILTER_MAX_SPAN = 256;
    /** The shortest required factor worth prefiltering on. */
    public static final int PREFILTER_MIN_FACTOR = 2;
    /** The shortest required factor a pattern of the {@link LineEngine} may have. */
    public static final int LINE_MIN_FACTOR = 8;
    /** The stride of the {@link LineEngine}'s filter: every factor holds this many windows. */
    public static final int LINE_STRIDE = LINE_MIN_FACTOR - WindowFilter.WINDOW + 1;
    /**
     * The longest factor the {@link LineEngine} searches for: longer required factors are cut (a part of a required
     * factor is required too), which bounds the cost of confirming a candidate.
     */
    public static final int LINE_MAX_FACTOR = 32;
    /** The state cap of one {@link LineEngine} group DFA. */
    public static final int LINE_GROUP_STATES = 4096;
    /** The most patterns a {@link LineEngine} group starts with. */
    public static final int LINE_GROUP_PATTERNS = 16;
    /** The most patterns a DFA engine group starts with. */
    public static final int GROUP_PATTERNS = 64;

    private final CompileOptions options;

    private record Parsed(PatternSpec spec, Regex regex, long maxLength) {
    }

    /** A run of patterns and its DFA. */
    private record Fitted(List<Parsed> group, Dfa dfa) {
    }

    private RegexCompiler(CompileOptions options) {
        this.options = options;
    }

    /** Compiles {@code patterns} with {@link CompileOptions#defaults()}. */
    public static CompiledAutomaton compile(List<PatternSpec> patterns) {
        return compile(patterns, CompileOptions.defaults());
    }

    /** Compiles {@code patterns}; throws {@link RegexSyntaxException} for the first pattern it refuses. */
    public static CompiledAutomaton compile(List<PatternSpec> patterns, CompileOptions options) {
        if (patterns == null || patterns.isEmpty()) {
            throw new AutomataException("no patterns to compile", "pass at least one PatternSpec");
        }
        return new RegexCompiler(options).run(patterns);
    }

    /** Parses one pattern and applies the compiler's checks (empty matches, size). */
    public static Regex parse(PatternSpec spec, CompileOptions options) {
        Regex r = Parser.parse(spec);
        if (Analysis.nullable(r)) {
            throw new RegexSyntaxException(spec.id(), spec.source(), 1, "the pattern can match the empty string, "
                    + "which would report a match at every offset",
                    "make every alternative consume at least one byte, e.g. a+ instead of a*, or drop the empty "
                            + "alternative (Hyperscan refuses such patterns too)");
        }
        long size = Analysis.nfaSize(r);
        if (size > options.maxNfaStates()) {
            throw new RegexSyntaxException(spec.id(), spec.source(), 1, "the pattern needs about " + size
                    + " NFA states, more than the limit of " + options.maxNfaStates(),
                    "use smaller repeat counts, or raise CompileOptions.maxNfaStates");
        }
        return r;
    }

    /**
     * The unminimised search DFA of {@code patterns}, or null when it passes the state cap; for tests and tools
     * that compare minimised and unminimised tables.
     */
    public static RawDfa subsetDfa(List<PatternSpec> patterns, int maxStates) {
        List<NfaBuilder.Entry> entries = new ArrayList<>();
        for (PatternSpec p : patterns) {
            entries.add(new NfaBuilder.Entry(p.id(), parse(p, CompileOptions.defaults())));
        }
        Nfa nfa = NfaBuilder.build(entries);
        return SubsetConstruction.build(nfa, ByteClasses.of(nfa), maxStates);
    }

    private CompiledAutomaton run(List<PatternSpec> patterns) {
        List<Parsed> parsed = new ArrayList<>();
        for (PatternSpec p : patterns) {
            Regex r = parse(p, options);
            parsed.add(new Parsed(p, r, Analysis.maxLength(r)));
        }
        List<Engine> engines = new ArrayList<>();
        List<Parsed> general = new ArrayList<>();
        if (options.prefilter()) {
            general.addAll(literalEngines(parsed, engines));
        } else {
            general.addAll(parsed);
        }
        if (options.linePrefilter()) {
            general = lineEngine(general, engines);
        }
        List<Parsed> nfaMode = new ArrayList<>();
        // A set that needs several groups anyway puts the patterns that only match from a line or input start in
        // groups of their own: such a DFA idles (and the scan skips bytes) until the next newline.
        List<List<Parsed>> parts = general.size() <= GROUP_PATTERNS ? List.of(general) : List.of(
                general.stream().filter(p -> startsAnchored(p.regex())).toList(),
                general.stream().filter(p -> !startsAnchored(p.regex())).toList());
        for (List<Parsed> part : parts) {
            for (int i = 0; i < part.size(); i += GROUP_PATTERNS) {
                place(part.subList(i, Math.min(part.size(), i + GROUP_PATTERNS)), engines, nfaMode);
            }
        }
        if (!nfaMode.isEmpty()) {
            engines.add(new NfaEngine(NfaBuilder.build(entries(nfaMode)), ids(nfaMode)));
        }
        return new CompiledAutomaton(patterns, engines);
    }

    /** Adds the literal and prefilter engines; returns the patterns left for the DFA/NFA engines. */
    private List<Parsed> literalEngines(List<Parsed> parsed, List<Engine> engines) {
        List<Factor> literals = new ArrayList<>();
        List<Integer> literalIds = new ArrayList<>();
        List<Parsed> prefiltered = new ArrayList<>();
        List<List<Factor>> required = new ArrayList<>();
        List<Parsed> rest = new ArrayList<>();
        for (Parsed p : parsed) {
            // One analysis per pattern: its work budget is per pattern.
            LiteralAnalysis analysis = new LiteralAnalysis();
            List<Factor> exact = hasAnchor(p.regex()) ? null : analysis.exact(p.regex());
            if (exact != null && !exact.isEmpty() && LiteralAnalysis.shortest(exact) > 0) {
                for (Factor f : exact) {
                    literals.add(f);
                    literalIds.add(p.spec().id());
                }
                continue;
            }
            List<Factor> req = p.maxLength() == Analysis.UNBOUNDED || p.maxLength() > PREFILTER_MAX_SPAN ? null
                    : analysis.required(p.regex());
            if (req != null && LiteralAnalysis.shortest(req) >= PREFILTER_MIN_FACTOR) {
                prefiltered.add(p);
                required.add(req);
            } else {
                rest.add(p);
            }
        }
        if (!literals.isEmpty()) {
            engines.add(new LiteralEngine(literals, literalIds.stream().mapToInt(Integer::intValue).toArray()));
        }
        if (!prefiltered.isEmpty()) {
            Dfa dfa = dfa(prefiltered);
            if (dfa == null) {
                rest.addAll(prefiltered);
            } else {
                List<Factor> factors = new ArrayList<>();
                List<Integer> reach = new ArrayList<>();
                long span = 0;
                for (int i = 0; i < prefiltered.size(); i++) {
                    long len = prefiltered.get(i).maxLength();
                    span = Math.max(span, len);
                    for (Factor f : required.get(i)) {
                        factors.add(f);
                        reach.add((int) (len - f.length()));
                    }
                }
                engines.add(new PrefilterEngine(factors, reach.stream().mapToInt(Integer::intValue).toArray(), dfa,
                        span, ids(prefiltered)));
            }
        }
        return rest;
    }

    /**
     * The part of required factor {@code f} the {@link LineEngine} searches for: its last {@link #LINE_MAX_FACTOR}
     * bytes (a part of a required factor is required too).
     */
    static Factor searchFactor(Factor f) {
        int start = Math.max(0, f.length() - LINE_MAX_FACTOR);
        return start == 0 ? f : new Factor(f.positions().subList(start, f.length()));
    }

    /**
     * Adds the {@link LineEngine} for the line-confined patterns of {@code parsed} with required factors of at least
     * {@link #LINE_MIN_FACTOR} bytes; returns the others.
     */
    private List<Parsed> lineEngine(List<Parsed> parsed, List<Engine> engines) {
        List<Parsed> eligible = new ArrayList<>();
        Map<Parsed, List<Factor>> required = new IdentityHashMap<>();
        List<Parsed> rest = new ArrayList<>();
        for (Parsed p : parsed) {
            Regex prefix = confinedPrefix(p.regex());
            List<Factor> req = prefix == null ? null : new LiteralAnalysis().required(prefix);
            if (req != null && LiteralAnalysis.shortest(req) >= LINE_MIN_FACTOR && req.stream()
                    .allMatch(f -> WindowFilter.usable(searchFactor(f), LINE_STRIDE))) {
                eligible.add(p);
                required.put(p, req);
            } else {
                rest.add(p);
            }
        }
        List<Dfa> groups = new ArrayList<>();
        List<Factor> factors = new ArrayList<>();
        List<Integer> factorGroup = new ArrayList<>();
        List<Parsed> placed = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < eligible.size(); i += LINE_GROUP_PATTERNS) {
            List<Fitted> fitted = new ArrayList<>();
            List<Parsed> misfits = new ArrayList<>();
            split(eligible.subList(i, Math.min(eligible.size(), i + LINE_GROUP_PATTERNS)),
                    Math.min(LINE_GROUP_STATES, options.maxStates()), fitted, misfits);
            rest.addAll(misfits);
            for (Fitted fit : fitted) {
                if (groups.size() == LineEngine.MAX_GROUPS) {
                    rest.addAll(fit.group());
                    continue;
                }
                groups.add(fit.dfa());
                // Patterns of a group often share factors; one hit per line and group is enough.
                Set<Factor> own = new LinkedHashSet<>();
                for (Parsed p : fit.group()) {
                    for (Factor f : required.get(p)) {
                        own.add(searchFactor(f));
                    }
                    placed.add(p);
                }
                for (Factor f : own) {
                    factors.add(f);
                    factorGroup.add(next);
                }
                next++;
            }
        }
        if (!groups.isEmpty()) {
            engines.add(new LineEngine(factors, LINE_STRIDE, factorGroup.stream().mapToInt(Integer::intValue).toArray(), groups,
                    ids(placed)));
        }
        return rest;
    }

    /** Splits {@code group} into runs whose DFA fits {@code cap}, halving; a lone pattern that does not fit apart. */
    private void split(List<Parsed> group, int cap, List<Fitted> fitted, List<Parsed> misfits) {
        if (group.isEmpty()) {
            return;
        }
        Dfa dfa = dfa(group, cap);
        if (dfa != null) {
            fitted.add(new Fitted(group, dfa));
        } else if (group.size() == 1) {
            misfits.add(group.getFirst());
        } else {
            int half = group.size() / 2;
            split(group.subList(0, half), cap, fitted, misfits);
            split(group.subList(half, group.size()), cap, fitted, misfits);
        }
    }

    /**
     * The longest line-confined start of {@code r}: {@code r} itself when it is line-confined, else the items of a
     * top-level concatenation before the first that is not; null when there is none. Every match of {@code r}
     * begins with a match of it, so a required factor of it lies on the line where the match begins.
     */
    static Regex confinedPrefix(Regex r) {
        if (lineConfined(r)) {
            return r;
        }
        if (r instanceof Regex.Concat c) {
            List<Regex> items = new ArrayList<>();
            for (Regex item : c.items()) {
                if (!lineConfined(item)) {
                    break;
                }
                items.add(item);
            }
            return items.isEmpty() ? null : items.size() == 1 ? items.getFirst() : new Regex.Concat(items);
        }
        return null;
    }

    /** Whether no byte set of {@code r} holds {@code \n}, so each of its matches lies inside one line. */
    static boolean lineConfined(Regex r) {
        return switch (r) {
            case Regex.Bytes b -> !b.set().contains('\n');
            case Regex.Concat c -> c.items().stream().allMatch(RegexCompiler::lineConfined);
            case Regex.Alternation a -> a.branches().stream().allMatch(RegexCompiler::lineConfined);
            case Regex.Repeat rep -> lineConfined(rep.child());
            case Regex.Empty e -> true;
            case Regex.Assertion a -> true;
        };
    }

    /** Whether every match of {@code r} begins where a begin anchor ({@code ^}, {@code \A}) holds. */
    static boolean startsAnchored(Regex r) {
        return switch (r) {
            case Regex.Assertion a -> a.anchor() == Anchor.BEGIN_LINE || a.anchor() == Anchor.BEGIN_TEXT;
            case Regex.Concat c -> startsAnchored(c.items().getFirst());
            case Regex.Alternation a -> a.branches().stream().allMatch(RegexCompiler::startsAnchored);
            default -> false;
        };
    }

    private static boolean hasAnchor(Regex r) {
        for (Anchor a : Anchor.values()) {
            if (Analysis.contains(r, a)) {
                return true;
            }
        }
        return false;
    }

    /** Puts {@code group} in DFA engines, halving groups whose DFA passes the cap; lone misfits go to NFA mode. */
    private void place(List<Parsed> group, List<Engine> engines, List<Parsed> nfaMode) {
        if (group.isEmpty()) {
            return;
        }
        Dfa dfa = dfa(group);
        if (dfa != null) {
            long longest = 0;
            for (Parsed p : group) {
                longest = p.maxLength() == Analysis.UNBOUNDED || longest == Analysis.UNBOUNDED ? Analysis.UNBOUNDED
                        : Math.max(longest, p.maxLength());
            }
            engines.add(new DfaEngine(dfa, ids(group), longest));
        } else if (group.size() == 1) {
            nfaMode.add(group.getFirst());
        } else {
            int half = group.size() / 2;
            place(group.subList(0, half), engines, nfaMode);
            place(group.subList(half, group.size()), engines, nfaMode);
        }
    }

    /** The packed DFA of {@code group}, or null when it passes the state cap. */
    private Dfa dfa(List<Parsed> group) {
        return dfa(group, options.maxStates());
    }

    /** The packed DFA of {@code group}, or null when it passes {@code cap} states. */
    private Dfa dfa(List<Parsed> group, int cap) {
        Nfa nfa = NfaBuilder.build(entries(group));
        RawDfa raw = SubsetConstruction.build(nfa, ByteClasses.of(nfa), cap);
        if (raw == null) {
            return null;
        }
        return Dfa.of(options.minimise() ? Minimizer.minimise(raw) : raw);
    }

    private static List<NfaBuilder.Entry> entries(List<Parsed> group) {
        return group.stream().map(p -> new NfaBuilder.Entry(p.spec().id(), p.regex())).toList();
    }

    private static int[] ids(List<Parsed> group) {
        return group.stream().mapToInt(p -> p.spec().id()).sorted().distinct().toArray();
    }
}
