/*
 * Ported from fdlibm 5.3 (e_exp.c, s_expm1.c, e_sinh.c, e_cosh.c, s_tanh.c), whose notice follows; the JDK's
 * StrictMath runs the same algorithms (java.lang.FdLibm).
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
 * fdlibm's exp, expm1, sinh, cosh and tanh as PTX functions, one Java method each, operation for operation.
 * fdlibm's {@code huge*huge} and {@code twom1000*twom1000} (overflow and underflow with the flags raised) are their
 * values, +inf and +0; tests that only raise the inexact flag are dropped where they are always true.
 */
final class FdlibmExp {
    static final String EXP = "vyre_fdlibm_exp";
    static final String EXPM1 = "vyre_fdlibm_expm1";
    private static final double O_THRESHOLD = 0x1.62e42fefa39efp9;
    private static final double LN2_HI = 0x1.62e42feep-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double TWOM1000 = 0x1.0p-1000;
    private static final double INFINITY = Double.POSITIVE_INFINITY;

    private final FdCode f;

    private FdlibmExp(FdCode f) {
        this.f = f;
    }

    static String exp() {
        return FdlibmPtx.function(EXP, (f, x) -> new FdlibmExp(f).exp(x));
    }

    static String expm1() {
        return FdlibmPtx.function(EXPM1, (f, x) -> new FdlibmExp(f).expm1(x));
    }

    static String sinh() {
        return FdlibmPtx.function("vyre_fdlibm_sinh", (f, x) -> new FdlibmExp(f).sinh(x));
    }

    static String cosh() {
        return FdlibmPtx.function("vyre_fdlibm_cosh", (f, x) -> new FdlibmExp(f).cosh(x));
    }

    static String tanh() {
        return FdlibmPtx.function("vyre_fdlibm_tanh", (f, x) -> new FdlibmExp(f).tanh(x));
    }

    /** {@code (((hx & 0xfffff) | __LO(x)) != 0)}: an infinite-or-NaN x is NaN. */
    private String nanBits(String hx, String x) {
        return f.p("ne.s32", f.i("or.b32", f.i("and.b32", hx, w(0xfffff)), f.lo(x)), "0");
    }

    /** e_exp.c. */
    private void exp(String x) {
        String hx0 = f.hi(x);
        String xsb = f.i("shr.u32", hx0, "31");
        String positive = f.p("eq.s32", xsb, "0");
        String hx = f.i("and.b32", hx0, w(0x7fffffff));
        String notHuge = f.label("exp_range");
        f.jumpIf(f.p("lt.s32", hx, w(0x40862E42)), notHuge); // |x| >= 709.78...
        String finite = f.label("exp_finite");
        f.jumpIf(f.p("lt.s32", hx, w(0x7ff00000)), finite);
        f.retIf(nanBits(hx, x), f.add(x, x));
        f.ret(f.select(positive, x, k(0.0))); // exp(+-inf) = {inf, 0}
        f.at(finite);
        f.retIf(f.p("gt.f64", x, k(O_THRESHOLD)), k(INFINITY));
        f.retIf(f.p("lt.f64", x, k(-0x1.74910d52d3051p9)), k(0.0));
        f.at(notHuge);
        String hi = f.var(k(0.0));
        String lo = f.var(k(0.0));
        String kk = f.ivar("0");
        String xr = f.var(x);
        String primary = f.label("exp_primary");
        String small = f.label("exp_small");
        f.jumpIf(f.p("le.s32", hx, w(0x3fd62e42)), small); // |x| > 0.5 ln2
        String far = f.label("exp_far");
        String reduce = f.label("exp_reduce");
        f.jumpIf(f.p("ge.s32", hx, w(0x3FF0A2B2)), far); // and |x| < 1.5 ln2
        f.set(hi, f.sub(x, f.select(positive, k(LN2_HI), k(-LN2_HI))));
        f.set(lo, f.select(positive, k(LN2_LO), k(-LN2_LO)));
        f.set(kk, f.i("sub.s32", f.i("sub.s32", "1", xsb), xsb));
        f.jump(reduce);
        f.at(far);
        f.set(kk, f.toInt(f.add(f.mul(k(INV_LN2), x), f.select(positive, k(0.5), k(-0.5)))));
        String t = f.toDouble(kk);
        f.set(hi, f.sub(x, f.mul(t, k(LN2_HI)))); // t*ln2HI is exact here
        f.set(lo, f.mul(t, k(LN2_LO)));
        f.at(reduce);
        f.set(xr, f.sub(hi, lo));
        f.jump(primary);
        f.at(small);
        f.retIf(f.p("lt.s32", hx, w(0x3e300000)), f.add(k(1.0), x)); // |x| < 2**-28
        f.at(primary);
        String tt = f.mul(xr, xr);
        String c = f.sub(xr, f.mul(tt, f.horner(tt, 0x1.555555555553ep-3, -0x1.6c16c16bebd93p-9,
                0x1.1566aaf25de2cp-14, -0x1.bbd41c5d26bf1p-20, 0x1.6376972bea4d0p-25)));
        String xc = f.mul(xr, c);
        f.retIf(f.p("eq.s32", kk, "0"), f.sub(k(1.0), f.sub(f.div(xc, f.sub(c, k(2.0))), xr)));
        String y = f.sub(k(1.0), f.sub(f.sub(lo, f.div(xc, f.sub(k(2.0), c))), hi));
        String tiny = f.label("exp_subnormal");
        f.jumpIf(f.p("lt.s32", kk, w(-1021)), tiny);
        f.ret(addExponent(y, kk));
        f.at(tiny);
        f.ret(f.mul(addExponent(y, f.i("add.s32", kk, "1000")), k(TWOM1000)));
    }

    /** {@code __HI(y, __HI(y) + (k << 20))}: adds k to y's exponent. */
    private String addExponent(String y, String kk) {
        return f.withHi(y, f.i("add.s32", f.hi(y), f.i("shl.b32", kk, "20")));
    }

    /** s_expm1.c. */
    private void expm1(String x) {
        String hx0 = f.hi(x);
        String positive = f.p("ge.s32", hx0, "0"); // xsb == 0
        String hx = f.i("and.b32", hx0, w(0x7fffffff));
        String notHuge = f.label("expm1_range");
        f.jumpIf(f.p("lt.s32", hx, w(0x4043687A)), notHuge); // |x| >= 56*ln2
        String below709 = f.label("expm1_below709");
        f.jumpIf(f.p("lt.s32", hx, w(0x40862E42)), below709);
        String finite = f.label("expm1_finite");
        f.jumpIf(f.p("lt.s32", hx, w(0x7ff00000)), finite);
        f.retIf(nanBits(hx, x), f.add(x, x));
        f.ret(f.select(positive, x, k(-1.0))); // exp(+-inf) - 1 = {inf, -1}
        f.at(finite);
        f.retIf(f.p("gt.f64", x, k(O_THRESHOLD)), k(INFINITY));
        f.at(below709);
        f.jumpIf(positive, notHuge);
        double tiny = 1.0e-300;
        f.retIf(f.p("lt.f64", f.add(x, k(tiny)), k(0.0)), f.sub(k(tiny), k(1.0))); // x < -56*ln2: -1
        f.at(notHuge);
        String hi = f.var(k(0.0));
        String lo = f.var(k(0.0));
        String c = f.var(k(0.0));
        String kk = f.ivar("0");
        String xr = f.var(x);
        String primary = f.label("expm1_primary");
        String small = f.label("expm1_small");
        f.jumpIf(f.p("le.s32", hx, w(0x3fd62e42)), small); // |x| > 0.5 ln2
        String far = f.label("expm1_far");
        String reduce = f.label("expm1_reduce");
        f.jumpIf(f.p("ge.s32", hx, w(0x3FF0A2B2)), far); // and |x| < 1.5 ln2
        f.set(hi, f.select(positive, f.sub(x, k(LN2_HI)), f.add(x, k(LN2_HI))));
        f.set(lo, f.select(positive, k(LN2_LO), k(-LN2_LO)));
        f.set(kk, f.select(positive, "1", "-1"));
        f.jump(reduce);
        f.at(far);
        f.set(kk, f.toInt(f.add(f.mul(k(INV_LN2), x), f.select(positive, k(0.5), k(-0.5)))));
        String t = f.toDouble(kk);
        f.set(hi, f.sub(x, f.mul(t, k(LN2_HI)))); // t*ln2_hi is exact here
        f.set(lo, f.mul(t, k(LN2_LO)));
        f.at(reduce);
        f.set(xr, f.sub(hi, lo));
        f.set(c, f.sub(f.sub(hi, xr), lo));
        f.jump(primary);
        f.at(small);
        double huge = 1.0e+300;
        String th = f.add(k(huge), x); // |x| < 2**-54: x, with inexact
        f.retIf(f.p("lt.s32", hx, w(0x3c900000)), f.sub(x, f.sub(th, f.add(k(huge), x))));
        f.at(primary);
        String hfx = f.mul(k(0.5), xr);
        String hxs = f.mul(xr, hfx);
        String r1 = f.add(k(1.0), f.mul(hxs, f.horner(hxs, -0x1.11111111110f4p-5, 0x1.a01a019fe5585p-10,
                -0x1.4ce199eaadbb7p-14, 0x1.0cfca86e65239p-18, -0x1.afdb76e09c32dp-23)));
        String t3 = f.sub(k(3.0), f.mul(r1, hfx));
        String e0 = f.mul(hxs, f.div(f.sub(r1, t3), f.sub(k(6.0), f.mul(xr, t3))));
        f.retIf(f.p("eq.s32", kk, "0"), f.sub(xr, f.sub(f.mul(xr, e0), hxs))); // c is 0
        String e = f.sub(f.sub(f.mul(xr, f.sub(e0, c)), c), hxs);
        f.retIf(f.p("eq.s32", kk, "-1"), f.sub(f.mul(k(0.5), f.sub(xr, e)), k(0.5)));
        String notOne = f.label("expm1_not1");
        f.jumpUnless(f.p("eq.s32", kk, "1"), notOne);
        f.retIf(f.p("lt.f64", xr, k(-0.25)), f.mul(k(-2.0), f.sub(e, f.add(xr, k(0.5)))));
        f.ret(f.add(k(1.0), f.mul(k(2.0), f.sub(xr, e))));
        f.at(notOne);
        String middle = f.label("expm1_middle");
        String outside = f.label("expm1_outside");
        f.jumpIf(f.p("le.s32", kk, "-2"), outside);
        f.jumpIf(f.p("le.s32", kk, "56"), middle);
        f.at(outside); // suffices to return exp(x) - 1
        f.ret(f.sub(addExponent(f.sub(k(1.0), f.sub(e, xr)), kk), k(1.0)));
        f.at(middle);
        String wide = f.label("expm1_k20");
        f.jumpIf(f.p("ge.s32", kk, "20"), wide);
        String oneMinus = f.fromWords(f.i("sub.s32", w(0x3ff00000), f.i("shr.s32", w(0x200000), kk)), "0");
        f.ret(addExponent(f.sub(oneMinus, f.sub(e, xr)), kk)); // t = 1 - 2^-k
        f.at(wide);
        String twoMinusK = f.fromWords(f.i("shl.b32", f.i("sub.s32", w(0x3ff), kk), "20"), "0");
        f.ret(addExponent(f.add(f.sub(xr, f.add(e, twoMinusK)), k(1.0)), kk));
    }

    /** {@code ix < 0x408633CE || ix == 0x408633ce && lx <= 0x8fb9f87d (unsigned)}: below sinh/cosh overflow. */
    private String belowOverflow(String ix, String x) {
        String below = f.p("lt.s32", ix, w(0x408633CE));
        String equal = f.p("eq.s32", ix, w(0x408633CE));
        String lowOk = f.p("le.u32", f.lo(x), w(0x8fb9f87d));
        String both = f.c.pred();
        String any = f.c.pred();
        f.c.op("and.pred " + both + ", " + equal + ", " + lowOk);
        f.c.op("or.pred " + any + ", " + below + ", " + both);
        return any;
    }

    /** e_sinh.c. */
    private void sinh(String x) {
        String jx = f.hi(x);
        String ix = f.i("and.b32", jx, w(0x7fffffff));
        f.retIf(f.p("ge.s32", ix, w(0x7ff00000)), f.add(x, x)); // INF or NaN
        String h = f.select(f.p("lt.s32", jx, "0"), k(-0.5), k(0.5));
        String ax = f.abs(x);
        String large = f.label("sinh_22");
        f.jumpIf(f.p("ge.s32", ix, w(0x40360000)), large); // |x| in [0,22]
        f.retIf(f.p("lt.s32", ix, w(0x3e300000)), x); // sinh(tiny) = tiny
        String t = f.call(EXPM1, ax);
        String t1 = f.add(t, k(1.0));
        f.retIf(f.p("lt.s32", ix, w(0x3ff00000)), f.mul(h, f.sub(f.mul(k(2.0), t), f.div(f.mul(t, t), t1))));
        f.ret(f.mul(h, f.add(t, f.div(t, t1))));
        f.at(large);
        String huge = f.label("sinh_huge");
        f.jumpIf(f.p("ge.s32", ix, w(0x40862E42)), huge); // |x| in [22, log(maxdouble)]
        f.ret(f.mul(h, f.call(EXP, ax)));
        f.at(huge);
        String over = f.label("sinh_overflow");
        f.jumpUnless(belowOverflow(ix, x), over);
        String w = f.call(EXP, f.mul(k(0.5), ax));
        f.ret(f.mul(f.mul(h, w), w));
        f.at(over);
        f.ret(f.mul(x, k(1.0e307)));
    }

    /** e_cosh.c. */
    private void cosh(String x) {
        String ix = f.i("and.b32", f.hi(x), w(0x7fffffff));
        f.retIf(f.p("ge.s32", ix, w(0x7ff00000)), f.mul(x, x)); // INF or NaN
        String ax = f.abs(x);
        String notSmall = f.label("cosh_half_ln2");
        f.jumpIf(f.p("ge.s32", ix, w(0x3fd62e43)), notSmall); // |x| in [0,0.5*ln2]
        String t = f.call(EXPM1, ax);
        String w = f.add(k(1.0), t);
        f.retIf(f.p("lt.s32", ix, w(0x3c800000)), w); // cosh(tiny) = 1
        f.ret(f.add(k(1.0), f.div(f.mul(t, t), f.add(w, w))));
        f.at(notSmall);
        String large = f.label("cosh_22");
        f.jumpIf(f.p("ge.s32", ix, w(0x40360000)), large); // |x| in [0.5*ln2, 22]
        String e = f.call(EXP, ax);
        f.ret(f.add(f.mul(k(0.5), e), f.div(k(0.5), e)));
        f.at(large);
        String huge = f.label("cosh_huge");
        f.jumpIf(f.p("ge.s32", ix, w(0x40862E42)), huge); // |x| in [22, log(maxdouble)]
        f.ret(f.mul(k(0.5), f.call(EXP, ax)));
        f.at(huge);
        String over = f.label("cosh_overflow");
        f.jumpUnless(belowOverflow(ix, x), over);
        String half = f.call(EXP, f.mul(k(0.5), ax));
        f.ret(f.mul(f.mul(k(0.5), half), half));
        f.at(over);
        f.ret(k(INFINITY));
    }

    /** s_tanh.c. */
    private void tanh(String x) {
        String jx = f.hi(x);
        String ix = f.i("and.b32", jx, w(0x7fffffff));
        String nonNegative = f.p("ge.s32", jx, "0");
        String finite = f.label("tanh_finite");
        f.jumpIf(f.p("lt.s32", ix, w(0x7ff00000)), finite);
        String reciprocal = f.div(k(1.0), x); // tanh(+-inf) = +-1, tanh(NaN) = NaN
        f.retIf(nonNegative, f.add(reciprocal, k(1.0)));
        f.ret(f.sub(reciprocal, k(1.0)));
        f.at(finite);
        String z = f.var(k(0.0));
        String sign = f.label("tanh_sign");
        String large = f.label("tanh_22");
        f.jumpIf(f.p("ge.s32", ix, w(0x40360000)), large); // |x| < 22
        f.retIf(f.p("lt.s32", ix, w(0x3c800000)), f.mul(x, f.add(k(1.0), x))); // tanh(small) = small
        String below1 = f.label("tanh_below1");
        f.jumpIf(f.p("lt.s32", ix, w(0x3ff00000)), below1);
        String t = f.call(EXPM1, f.mul(k(2.0), f.abs(x)));
        f.set(z, f.sub(k(1.0), f.div(k(2.0), f.add(t, k(2.0)))));
        f.jump(sign);
        f.at(below1);
        String t2 = f.call(EXPM1, f.mul(k(-2.0), f.abs(x)));
        f.set(z, f.div(f.neg(t2), f.add(t2, k(2.0))));
        f.jump(sign);
        f.at(large); // |x| >= 22: +-1
        f.set(z, f.sub(k(1.0), k(1.0e-300)));
        f.at(sign);
        f.ret(f.select(nonNegative, z, f.neg(z)));
    }
}
