package dev.vyre.runtime.cuda;

/**
 * Accumulates PTX text line by line: directives at column 0, instructions indented and terminated by {@code ;},
 * labels and comments. Only layout lives here; what is emitted is decided by {@link MegakernelPtx}.
 */
final class PtxBuilder {
    private static final String INDENT = "    ";

    private final StringBuilder text = new StringBuilder(16 * 1024);

    /** A line written as is (directives, braces). */
    PtxBuilder raw(String line) {
        text.append(line).append('\n');
        return this;
    }

    /** An instruction; the terminating {@code ;} is added. */
    PtxBuilder ins(String instruction) {
        text.append(INDENT).append(instruction).append(";\n");
        return this;
    }

    /** An instruction executed only where {@code predicate} holds ({@code @%p ...}). */
    PtxBuilder when(String predicate, String instruction) {
        return ins("@" + predicate + " " + instruction);
    }

    /** A branch target. */
    PtxBuilder label(String name) {
        text.append(name).append(":\n");
        return this;
    }

    /** A comment line at instruction indentation. */
    PtxBuilder comment(String comment) {
        text.append(INDENT).append("// ").append(comment).append('\n');
        return this;
    }

    /** A section heading: an empty line, then a comment at column 0. */
    PtxBuilder section(String title) {
        text.append("\n// ---- ").append(title).append('\n');
        return this;
    }

    /**
     * A kernel parameter, a constant of an enum that lists them in launch order: its PTX type (with the leading dot);
     * its name in the PTX text is {@code p_} and the constant's name in lower case.
     */
    interface KernelParam {
        String type();

        String name();

        default String ptxName() {
            return "p_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code ld.param} of {@code param} into {@code register}. */
    PtxBuilder loadParam(KernelParam param, String register) {
        return ins("ld.param" + param.type() + " " + register + ", [" + param.ptxName() + "]");
    }

    /**
     * The start of a one-shot kernel module: a comment line, {@code target}'s header, then {@link #entry}.
     */
    PtxBuilder kernelEntry(String comment, SmTarget target, String entry, KernelParam[] params, int threads,
            int registers) {
        raw("// " + comment);
        raw(target.header());
        return entry(entry, params, threads, registers);
    }

    /**
     * An entry's signature (one {@code .param} per parameter, in order), {@code .maxntid threads, 1, 1},
     * {@code .maxnreg registers} and the opening brace.
     */
    PtxBuilder entry(String entry, KernelParam[] params, int threads, int registers) {
        raw(".visible .entry " + entry + "(");
        for (int i = 0; i < params.length; i++) {
            raw("    .param " + params[i].type() + " " + params[i].ptxName() + (i + 1 < params.length ? "," : ""));
        }
        raw(")");
        raw(".maxntid " + threads + ", 1, 1");
        raw(".maxnreg " + registers);
        return raw("{");
    }

    /** The text so far. */
    String build() {
        return text.toString();
    }

    /** A u32 immediate operand: the word's unsigned value, in hex above 0xFFFF so wire constants stay readable. */
    static String u32(int value) {
        return Integer.compareUnsigned(value, 0xFFFF) > 0
                ? "0x" + Integer.toHexString(value).toUpperCase(java.util.Locale.ROOT)
                : Integer.toString(value);
    }
}
