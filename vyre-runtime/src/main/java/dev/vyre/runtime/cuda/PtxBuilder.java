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
     * The start of a one-shot kernel module: a comment line, {@code target}'s header, the entry's signature (one
     * {@code .param} per type and name), {@code .maxntid threads, 1, 1}, {@code .maxnreg registers} and the opening
     * brace.
     */
    /** A kernel parameter: its PTX type (with the leading dot) and name. */
    interface KernelParam {
        String type();

        String ptxName();
    }

    /** {@link #kernelEntry(String, SmTarget, String, String[], String[], int, int)} for {@code params} in order. */
    PtxBuilder kernelEntry(String comment, SmTarget target, String entry, KernelParam[] params, int threads,
            int registers) {
        return kernelEntry(comment, target, entry,
                java.util.Arrays.stream(params).map(KernelParam::type).toArray(String[]::new),
                java.util.Arrays.stream(params).map(KernelParam::ptxName).toArray(String[]::new), threads, registers);
    }

    /** {@code ld.param} of {@code param} into {@code register}. */
    PtxBuilder loadParam(KernelParam param, String register) {
        return ins("ld.param" + param.type() + " " + register + ", [" + param.ptxName() + "]");
    }

    PtxBuilder kernelEntry(String comment, SmTarget target, String entry, String[] types, String[] names,
            int threads, int registers) {
        raw("// " + comment);
        raw(target.header());
        raw(".visible .entry " + entry + "(");
        for (int i = 0; i < types.length; i++) {
            raw("    .param " + types[i] + " " + names[i] + (i + 1 < types.length ? "," : ""));
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
