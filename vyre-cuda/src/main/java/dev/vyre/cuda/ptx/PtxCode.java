package dev.vyre.cuda.ptx;

/**
 * The instruction text of one PTX function body under construction, with its virtual registers and labels.
 * Every value gets a fresh register (ptxas allocates the physical ones); {@link #declarations()} declares the
 * pools that were used: {@code %r} (.b32, every U32/I32/F32 value), {@code %p} (.pred, Bool), {@code %rd} (.b64,
 * addresses and wide products) and {@code %fd} (.f64: InverseSqrt and the fdlibm functions).
 */
final class PtxCode {
    private final StringBuilder text = new StringBuilder(4096);
    private int b32;
    private int pred;
    private int b64;
    private int f64;
    private int labels;
    /** Prefix of this code's label names: distinct codes placed in one function need distinct prefixes. */
    private final String labelPrefix;
    /** Prefix of the register pools' names ({@code %} alone for a function of its own). */
    private final String registerPrefix;

    PtxCode() {
        this("$L", "%");
    }

    /**
     * Code whose labels start with {@code labelPrefix} and whose register pools are named {@code registerPrefix}
     * followed by {@code r}, {@code p}, {@code rd} and {@code fd}: distinct prefixes let several codes share one
     * function.
     */
    PtxCode(String labelPrefix, String registerPrefix) {
        this.labelPrefix = labelPrefix;
        this.registerPrefix = registerPrefix;
    }

    /** A fresh .b32 register. */
    String b32() {
        return registerPrefix + "r" + b32++;
    }

    /** A fresh .pred register. */
    String pred() {
        return registerPrefix + "p" + pred++;
    }

    /** A fresh .b64 register. */
    String b64() {
        return registerPrefix + "rd" + b64++;
    }

    /** A fresh .f64 register. */
    String f64() {
        return registerPrefix + "fd" + f64++;
    }

    /** A fresh label name; {@code hint} (letters only) makes the text readable. */
    String label(String hint) {
        return labelPrefix + labels++ + "_" + hint;
    }

    /** Appends one instruction (without its semicolon). */
    void op(String instruction) {
        text.append('\t').append(instruction).append(";\n");
    }

    /** Appends one instruction guarded by {@code guard} ({@code %p3} or {@code !%p3}). */
    void guarded(String guard, String instruction) {
        text.append("\t@").append(guard).append(' ').append(instruction).append(";\n");
    }

    /** Places a label before the next instruction. */
    void place(String label) {
        text.append(label).append(":\n");
    }

    /** Appends a comment line. */
    void comment(String comment) {
        text.append("\t// ").append(comment.replace('\n', ' ')).append('\n');
    }

    /** The register declarations for every pool used so far. */
    String declarations() {
        StringBuilder d = new StringBuilder();
        declare(d, ".pred", registerPrefix + "p", pred);
        declare(d, ".b32", registerPrefix + "r", b32);
        declare(d, ".b64", registerPrefix + "rd", b64);
        declare(d, ".f64", registerPrefix + "fd", f64);
        return d.toString();
    }

    private static void declare(StringBuilder d, String type, String prefix, int count) {
        if (count > 0) {
            d.append("\t.reg ").append(type).append(' ').append(prefix).append('<').append(count).append(">;\n");
        }
    }

    /** The instructions so far. */
    String instructions() {
        return text.toString();
    }

    // ---- operand text -----------------------------------------------------------------------------------------

    /** A 32-bit immediate written as its unsigned hex bits, for .b32/.u32/.f32-as-bits operands. */
    static String hex(int bits) {
        return "0x" + String.format("%08X", bits);
    }

    /** An f32 immediate for a floating-point operand, in PTX's exact hex form {@code 0fXXXXXXXX}. */
    static String f32(int bits) {
        return "0f" + String.format("%08X", bits);
    }
}
