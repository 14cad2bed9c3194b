package dev.vyre.cuda.ptx;

/**
 * A small vocabulary for writing fdlibm's C code as PTX f64 code, so that each ported function reads like its
 * original: {@code add(a, b)} is C's {@code a + b} as {@code add.rn.f64} (never contracted into an fma), {@code hi}
 * and {@code lo} are {@code __HI}/{@code __LO}, {@code withHi}/{@code withLo} set one word. Every call writes a
 * fresh register of the function's {@link PtxCode}; variables that C assigns more than once are registers made with
 * {@link #var} and changed with {@link #set}. Operands are register names or immediates ({@link #k} for doubles).
 */
final class FdCode {
    /** The return parameter of every fdlibm {@code .func}. */
    static final String RESULT = "r";

    final PtxCode c;

    FdCode(PtxCode code) {
        this.c = code;
    }

    /** A double immediate in PTX's exact hex form {@code 0dXXXXXXXXXXXXXXXX}. */
    static String k(double v) {
        return "0d" + String.format("%016X", Double.doubleToRawLongBits(v));
    }

    /** A 32-bit integer immediate, in decimal (negative where the int is). */
    static String w(int v) {
        return Integer.toString(v);
    }

    // ---- f64 arithmetic, each correctly rounded --------------------------------------------------------------

    String add(String a, String b) {
        return f64("add.rn.f64", a, b);
    }

    String sub(String a, String b) {
        return f64("sub.rn.f64", a, b);
    }

    String mul(String a, String b) {
        return f64("mul.rn.f64", a, b);
    }

    String div(String a, String b) {
        return f64("div.rn.f64", a, b);
    }

    String neg(String a) {
        return f64("neg.f64", a);
    }

    String abs(String a) {
        return f64("abs.f64", a);
    }

    String sqrt(String a) {
        return f64("sqrt.rn.f64", a);
    }

    /** {@code Math.floor}. */
    String floor(String a) {
        return f64("cvt.rmi.f64.f64", a);
    }

    /** {@code c0 + z*(c1 + z*(c2 + ... + z*cn))}, innermost first, as fdlibm writes its polynomials. */
    String horner(String z, double... coefficients) {
        String acc = k(coefficients[coefficients.length - 1]);
        for (int i = coefficients.length - 2; i >= 0; i--) {
            acc = add(k(coefficients[i]), mul(z, acc));
        }
        return acc;
    }

    private String f64(String op, String... args) {
        String d = c.f64();
        c.op(op + " " + d + ", " + String.join(", ", args));
        return d;
    }

    // ---- words of a double -----------------------------------------------------------------------------------

    /** {@code __HI(x)}: the high word (sign, exponent, 20 significand bits). */
    String hi(String x) {
        return words(x)[1];
    }

    /** {@code __LO(x)}: the low word. */
    String lo(String x) {
        return words(x)[0];
    }

    private String[] words(String x) {
        String lo = c.b32();
        String hi = c.b32();
        c.op("mov.b64 {" + lo + ", " + hi + "}, " + x);
        return new String[] {lo, hi};
    }

    /** {@code __HI_LO(hi, lo)}. */
    String fromWords(String hi, String lo) {
        String d = c.f64();
        c.op("mov.b64 " + d + ", {" + reg(lo) + ", " + reg(hi) + "}");
        return d;
    }

    /** {@code v} in a register (vector operands take registers only). */
    private String reg(String v) {
        return v.startsWith("%") ? v : ivar(v);
    }

    /** {@code __LO(x, lo)}: x with its low word replaced. */
    String withLo(String x, String lo) {
        return fromWords(hi(x), lo);
    }

    /** {@code __HI(x, hi)}: x with its high word replaced. */
    String withHi(String x, String hi) {
        return fromWords(hi, lo(x));
    }

    /** {@code 2^n} for {@code -1022 <= n <= 1023}, exactly (its bits). */
    String pow2(String n) {
        return fromWords(i("shl.b32", i("add.s32", n, "1023"), "20"), "0");
    }

    // ---- 32-bit integers -------------------------------------------------------------------------------------

    /** One 32-bit integer instruction ({@code and.b32}, {@code shr.s32}, ...) into a fresh register. */
    String i(String op, String... args) {
        String d = c.b32();
        c.op(op + " " + d + ", " + String.join(", ", args));
        return d;
    }

    /** {@code (int) x}: truncation, saturating, NaN to 0 (Java's and PTX's rule). */
    String toInt(String x) {
        return i("cvt.rzi.s32.f64", x);
    }

    /** {@code (double) n}, exact. */
    String toDouble(String n) {
        return f64("cvt.rn.f64.s32", n);
    }

    // ---- variables, predicates, control ----------------------------------------------------------------------

    /** A double variable starting at {@code init}. */
    String var(String init) {
        String d = c.f64();
        c.op("mov.f64 " + d + ", " + init);
        return d;
    }

    /** An int variable starting at {@code init}. */
    String ivar(String init) {
        String d = c.b32();
        c.op("mov.b32 " + d + ", " + init);
        return d;
    }

    /** {@code v = value} for a variable from {@link #var} or {@link #ivar}. */
    void set(String v, String value) {
        c.op((v.startsWith("%fd") ? "mov.f64 " : "mov.b32 ") + v + ", " + value);
    }

    /** {@code setp.CMP.TYPE}: e.g. {@code p("lt.s32", ix, w(0x3e400000))}, {@code p("gt.f64", x, k(0.5))}. */
    String p(String cmpType, String a, String b) {
        String d = c.pred();
        c.op("setp." + cmpType + " " + d + ", " + a + ", " + b);
        return d;
    }

    /** {@code cond ? a : b} of doubles or ints. */
    String select(String cond, String a, String b) {
        boolean dbl = a.startsWith("%fd") || a.startsWith("0d");
        String d = dbl ? c.f64() : c.b32();
        c.op((dbl ? "selp.f64 " : "selp.b32 ") + d + ", " + a + ", " + b + ", " + cond);
        return d;
    }

    String label(String hint) {
        return c.label(hint);
    }

    void at(String label) {
        c.place(label);
    }

    void jump(String label) {
        c.op("bra " + label);
    }

    void jumpIf(String pred, String label) {
        c.guarded(pred, "bra " + label);
    }

    void jumpUnless(String pred, String label) {
        c.guarded("!" + pred, "bra " + label);
    }

    /** {@code return v;} */
    void ret(String v) {
        c.op("st.param.f64 [" + RESULT + "], " + v);
        c.op("ret");
    }

    /** {@code if (pred) return v;} */
    void retIf(String pred, String v) {
        String skip = label("else");
        jumpUnless(pred, skip);
        ret(v);
        at(skip);
    }

    /** Calls the fdlibm function {@code name} on {@code x}: its double result. */
    String call(String name, String x) {
        String d = c.f64();
        c.op("call (" + d + "), " + name + ", (" + x + ")");
        return d;
    }
}
