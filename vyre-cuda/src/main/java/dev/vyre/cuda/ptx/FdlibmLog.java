/*
 * Ported from fdlibm 5.3 (e_log.c, e_pow.c), whose notice follows; the JDK's StrictMath runs the same
 * algorithms (java.lang.FdLibm).
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.FdCode.k;
import static dev.vyre.cuda.ptx.FdCode.w;

/**
 * fdlibm's log, VIR0's Log2 ({@code log(x) / log(2.0)}, both StrictMath, divided in double) and Exp2
 * ({@code pow(2.0, y)}) as PTX functions. Exp2 is e_pow.c with x fixed at 2.0: every step that depends on x alone
 * (its special cases and the extra-precise {@code log2(x) = t1 + t2}) is evaluated here, at generation time, in
 * Java's IEEE double arithmetic ({@link #LOG2_OF_TWO}); the steps that involve y are emitted as in e_pow.c. The
 * result's sign factor {@code s} is 1.0 for x = 2, and {@code s * z} is z.
 */
final class FdlibmLog {
    static final String LOG = "vyre_fdlibm_log";
    private static final double LN2_HI = 0x1.62e42feep-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double TWO54 = 0x1.0p54;
    /** The reference's divisor for Log2: {@code StrictMath.log(2.0)}. */
    private static final double LN2 = StrictMath.log(2.0);
    private static final double INFINITY = Double.POSITIVE_INFINITY;
    /** e_pow.c's {@code t1, t2} for x = 2.0. */
    private static final double[] LOG2_OF_TWO = Pow2Log.t1t2();

    private final FdCode f;

    private FdlibmLog(FdCode f) {
        this.f = f;
    }

    static String log() {
        return FdlibmPtx.function(LOG, (f, x) -> new FdlibmLog(f).log(x));
    }

    static String log2() {
        return FdlibmPtx.function("vyre_fdlibm_log2", (f, x) -> f.ret(f.div(f.call(LOG, x), k(LN2))));
    }

    static String exp2() {
        return FdlibmPtx.function("vyre_fdlibm_exp2", (f, y) -> new FdlibmLog(f).pow2(y));
    }

    /** e_log.c. */
    private void log(String x0) {
        String x = f.var(x0);
        String hx = f.ivar(f.hi(x0));
        String kk = f.ivar("0");
        String normal = f.label("log_normal");
        f.jumpIf(f.p("ge.s32", hx, w(0x00100000)), normal); // x < 2**-1022
        String zero = f.p("eq.s32", f.i("or.b32", f.i("and.b32", hx, w(0x7fffffff)), f.lo(x0)), "0");
        f.retIf(zero, k(Double.NEGATIVE_INFINITY)); // log(+-0) = -inf
        f.retIf(f.p("lt.s32", hx, "0"), f.div(f.sub(x0, x0), k(0.0))); // log(-#) = NaN
        f.set(kk, "-54");
        f.set(x, f.mul(x, k(TWO54))); // subnormal number, scale up x
        f.set(hx, f.hi(x));
        f.at(normal);
        f.retIf(f.p("ge.s32", hx, w(0x7ff00000)), f.add(x, x));
        f.set(kk, f.i("add.s32", kk, f.i("sub.s32", f.i("shr.s32", hx, "20"), "1023")));
        f.set(hx, f.i("and.b32", hx, w(0x000fffff)));
        String i = f.i("and.b32", f.i("add.s32", hx, w(0x95f64)), w(0x100000));
        f.set(x, f.withHi(x, f.i("or.b32", hx, f.i("xor.b32", i, w(0x3ff00000))))); // normalize x or x/2
        f.set(kk, f.i("add.s32", kk, f.i("shr.s32", i, "20")));
        String fr = f.sub(x, k(1.0));
        String dk = f.toDouble(kk);
        String k0 = f.p("eq.s32", kk, "0");
        String notTiny = f.label("log_poly");
        f.jumpIf(f.p("ge.s32", f.i("and.b32", f.i("add.s32", hx, "2"), w(0x000fffff)), "3"), notTiny); // |f| < 2**-20
        String notExact = f.label("log_f_nonzero");
        f.jumpUnless(f.p("eq.f64", fr, k(0.0)), notExact);
        f.retIf(k0, k(0.0));
        f.ret(f.add(f.mul(dk, k(LN2_HI)), f.mul(dk, k(LN2_LO))));
        f.at(notExact);
        String r = f.mul(f.mul(fr, fr), f.sub(k(0.5), f.mul(k(0.33333333333333333), fr)));
        f.retIf(k0, f.sub(fr, r));
        f.ret(f.sub(f.mul(dk, k(LN2_HI)), f.sub(f.sub(r, f.mul(dk, k(LN2_LO))), fr)));
        f.at(notTiny);
        String s = f.div(fr, f.add(k(2.0), fr));
        String z = f.mul(s, s);
        String i2 = f.i("sub.s32", hx, w(0x6147a));
        String w = f.mul(z, z);
        String j = f.i("sub.s32", w(0x6b851), hx);
        String t1 = f.mul(w, f.horner(w, 0x1.999999997fa04p-2, 0x1.c71c51d8e78afp-3, 0x1.39a09d078c69fp-3));
        String t2 = f.mul(z, f.horner(w, 0x1.5555555555593p-1, 0x1.2492494229359p-2, 0x1.7466496cb03dep-3,
                0x1.2f112df3e5244p-3));
        String ij = f.i("or.b32", i2, j);
        String rr = f.add(t2, t1);
        String otherwise = f.label("log_else");
        f.jumpIf(f.p("le.s32", ij, "0"), otherwise);
        String hfsq = f.mul(f.mul(k(0.5), fr), fr);
        f.retIf(k0, f.sub(fr, f.sub(hfsq, f.mul(s, f.add(hfsq, rr)))));
        f.ret(f.sub(f.mul(dk, k(LN2_HI)), f.sub(f.sub(hfsq, f.add(f.mul(s, f.add(hfsq, rr)),
                f.mul(dk, k(LN2_LO)))), fr)));
        f.at(otherwise);
        f.retIf(k0, f.sub(fr, f.mul(s, f.sub(fr, rr))));
        f.ret(f.sub(f.mul(dk, k(LN2_HI)), f.sub(f.sub(f.mul(s, f.sub(fr, rr)), f.mul(dk, k(LN2_LO))), fr)));
    }

    /** e_pow.c for x = 2.0. */
    private void pow2(String y) {
        f.retIf(f.p("eq.f64", y, k(0.0)), k(1.0)); // x**0 = 1
        f.retIf(f.p("nan.f64", y, y), f.add(k(2.0), y)); // NaN: x + y
        f.retIf(f.p("eq.f64", y, k(2.0)), k(2.0 * 2.0));
        f.retIf(f.p("eq.f64", y, k(0.5)), k(Math.sqrt(2.0 + 0.0)));
        f.retIf(f.p("eq.f64", y, k(1.0)), k(2.0));
        f.retIf(f.p("eq.f64", y, k(-1.0)), k(1.0 / 2.0));
        f.retIf(f.p("eq.f64", y, k(INFINITY)), k(INFINITY)); // (|x| > 1)**+inf = inf
        f.retIf(f.p("eq.f64", y, k(Double.NEGATIVE_INFINITY)), k(0.0)); // (|x| > 1)**-inf = 0
        String notHuge = f.label("pow_y");
        f.jumpUnless(f.p("gt.f64", f.abs(y), k(0x1.00000ffffffffp31)), notHuge); // |y| > ~2**31
        f.retIf(f.p("gt.f64", y, k(0.0)), k(INFINITY)); // |x| > ~1.0: over- or underflow
        f.ret(k(0.0));
        f.at(notHuge);
        double t1 = LOG2_OF_TWO[0];
        double t2 = LOG2_OF_TWO[1];
        // split y into y1 + y2 and compute (y1 + y2) * (t1 + t2)
        String y1 = f.withLo(y, "0");
        String pl = f.add(f.mul(f.sub(y, y1), k(t1)), f.mul(y, k(t2)));
        String ph = f.var(f.mul(y1, k(t1)));
        String z = f.add(pl, ph);
        String j = f.hi(z);
        String i = f.lo(z);
        String poly = f.label("pow_poly");
        String notOver = f.label("pow_not_over");
        f.jumpIf(f.p("lt.s32", j, w(0x40900000)), notOver); // z >= 1024
        f.retIf(f.p("ne.s32", f.i("or.b32", f.i("sub.s32", j, w(0x40900000)), i), "0"), k(INFINITY));
        double ovt = 8.0085662595372944372e-0017; // -(1024-log2(ovfl+.5ulp))
        f.retIf(f.p("gt.f64", f.add(pl, k(ovt)), f.sub(z, ph)), k(INFINITY));
        f.jump(poly);
        f.at(notOver);
        f.jumpIf(f.p("lt.s32", f.i("and.b32", j, w(0x7fffffff)), w(0x4090cc00)), poly); // z <= -1075
        f.retIf(f.p("ne.s32", f.i("or.b32", f.i("sub.s32", j, w(0xc090cc00)), i), "0"), k(0.0));
        f.retIf(f.p("le.f64", pl, f.sub(z, ph)), k(0.0));
        f.at(poly);
        String n = f.ivar("0");
        String ia = f.i("and.b32", j, w(0x7fffffff));
        String half = f.label("pow_half");
        f.jumpIf(f.p("le.s32", ia, w(0x3fe00000)), half); // |z| > 0.5: n = [z + 0.5]
        String k0 = f.i("sub.s32", f.i("shr.s32", ia, "20"), w(0x3ff));
        String nn = f.i("add.s32", j, f.i("shr.s32", w(0x00100000), f.i("add.s32", k0, "1")));
        String k1 = f.i("sub.s32", f.i("shr.s32", f.i("and.b32", nn, w(0x7fffffff)), "20"), w(0x3ff));
        String t = f.fromWords(f.i("and.b32", nn, f.i("not.b32", f.i("shr.s32", w(0x000fffff), k1))), "0");
        String m = f.i("shr.s32", f.i("or.b32", f.i("and.b32", nn, w(0x000fffff)), w(0x00100000)),
                f.i("sub.s32", "20", k1));
        f.set(n, f.select(f.p("lt.s32", j, "0"), f.i("sub.s32", "0", m), m));
        f.set(ph, f.sub(ph, t));
        f.at(half);
        String tt = f.withLo(f.add(pl, ph), "0");
        String u = f.mul(tt, k(0x1.62e43p-1)); // LG2_H
        String v = f.add(f.mul(f.sub(pl, f.sub(tt, ph)), k(0x1.62e42fefa39efp-1)), f.mul(tt, k(-0x1.05c610ca86c39p-29)));
        String zz = f.add(u, v);
        String ww = f.sub(v, f.sub(zz, u));
        String sq = f.mul(zz, zz);
        String q1 = f.sub(zz, f.mul(sq, f.horner(sq, 0x1.555555555553ep-3, -0x1.6c16c16bebd93p-9,
                0x1.1566aaf25de2cp-14, -0x1.bbd41c5d26bf1p-20, 0x1.6376972bea4d0p-25)));
        String r = f.sub(f.div(f.mul(zz, q1), f.sub(q1, k(2.0))), f.add(ww, f.mul(zz, ww)));
        String result = f.sub(k(1.0), f.sub(r, zz));
        String shifted = f.i("add.s32", f.hi(result), f.i("shl.b32", n, "20"));
        String subnormal = f.label("pow_subnormal");
        f.jumpIf(f.p("le.s32", f.i("shr.s32", shifted, "20"), "0"), subnormal);
        f.ret(f.withHi(result, shifted));
        f.at(subnormal);
        // Math.scalb(z, n), n in [-1100, -1000]: exact scaling by 2^(n+600), one rounding by 2^-600
        f.ret(f.mul(f.mul(result, f.pow2(f.i("add.s32", n, "600"))), k(0x1.0p-600)));
    }
}
