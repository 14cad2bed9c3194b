/*
 * Ported from fdlibm 5.3 (e_asin.c, e_acos.c, s_atan.c), whose notice follows; the JDK's StrictMath runs the
 * same algorithms (java.lang.FdLibm).
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
 * fdlibm's asin, acos and atan as PTX functions, one Java method each, operation for operation. Expressions of
 * constants alone ({@code pio2_hi + pio2_lo}, {@code pi + 2.0*pio2_lo}, {@code -atanhi[3] - atanlo[3]}) are
 * evaluated here in Java's IEEE double arithmetic, which gives the same bits.
 */
final class FdlibmArc {
    private static final double PIO2_HI = 0x1.921fb54442d18p0;
    private static final double PIO2_LO = 0x1.1a62633145c07p-54;
    private static final double PIO4_HI = 0x1.921fb54442d18p-1;
    private static final double[] PS = {0x1.5555555555555p-3, -0x1.4d61203eb6f7dp-2, 0x1.9c1550e884455p-3,
        -0x1.48228b5688f3bp-5, 0x1.9efe07501b288p-11, 0x1.23de10dfdf709p-15};
    /** 1.0 and qS1..qS4. */
    private static final double[] QS = {1.0, -0x1.33a271c8a2d4bp1, 0x1.02ae59c598ac8p1, -0x1.6066c1b8d0159p-1,
        0x1.3b8c5b12e9282p-4};
    private static final double[] ATAN_HI = {0x1.dac670561bb4fp-2, 0x1.921fb54442d18p-1, 0x1.f730bd281f69bp-1,
        0x1.921fb54442d18p0};
    private static final double[] ATAN_LO = {0x1.a2b7f222f65e2p-56, 0x1.1a62633145c07p-55, 0x1.007887af0cbbdp-56,
        0x1.1a62633145c07p-54};
    private static final double[] AT = {0x1.555555555550dp-2, -0x1.999999998ebc4p-3, 0x1.24924920083ffp-3,
        -0x1.c71c6fe231671p-4, 0x1.745cdc54c206ep-4, -0x1.3b0f2af749a6dp-4, 0x1.10d66a0d03d51p-4,
        -0x1.dde2d52defd9ap-5, 0x1.97b4b24760debp-5, -0x1.2b4442c6a6c2fp-5, 0x1.0ad3ae322da11p-6};

    private final FdCode f;

    private FdlibmArc(FdCode f) {
        this.f = f;
    }

    static String asin() {
        return FdlibmPtx.function("vyre_fdlibm_asin", (f, x) -> new FdlibmArc(f).asin(x));
    }

    static String acos() {
        return FdlibmPtx.function("vyre_fdlibm_acos", (f, x) -> new FdlibmArc(f).acos(x));
    }

    static String atan() {
        return FdlibmPtx.function("vyre_fdlibm_atan", (f, x) -> new FdlibmArc(f).atan(x));
    }

    /** {@code p/q} of the rational approximation R(t) shared by asin and acos. */
    private String pOverQ(String t) {
        String p = f.mul(t, f.horner(t, PS));
        String q = f.horner(t, QS);
        return f.div(p, q);
    }

    /** {@code ((ix - 0x3ff00000) | __LO(x)) == 0}: |x| == 1. */
    private String isOne(String ix, String x) {
        return f.p("eq.s32", f.i("or.b32", f.i("sub.s32", ix, w(0x3ff00000)), f.lo(x)), "0");
    }

    /** e_asin.c. */
    private void asin(String x) {
        String hx = f.hi(x);
        String ix = f.i("and.b32", hx, w(0x7fffffff));
        String below1 = f.label("asin_below1");
        f.jumpIf(f.p("lt.s32", ix, w(0x3ff00000)), below1); // |x| >= 1
        f.retIf(isOne(ix, x), f.add(f.mul(x, k(PIO2_HI)), f.mul(x, k(PIO2_LO)))); // asin(1) = +-pi/2
        f.ret(f.div(f.sub(x, x), f.sub(x, x))); // asin(|x| > 1) is NaN
        f.at(below1);
        String half = f.label("asin_half");
        f.jumpIf(f.p("ge.s32", ix, w(0x3fe00000)), half); // |x| < 0.5
        f.retIf(f.p("lt.s32", ix, w(0x3e400000)), x); // |x| < 2**-27
        String t0 = f.mul(x, x);
        f.ret(f.add(x, f.mul(x, pOverQ(t0))));
        f.at(half); // 1 > |x| >= 0.5
        String w = f.sub(k(1.0), f.abs(x));
        String t = f.mul(w, k(0.5));
        String p = f.mul(t, f.horner(t, PS));
        String q = f.horner(t, QS);
        String s = f.sqrt(t);
        String result = f.var(k(0.0));
        String done = f.label("asin_sign");
        String notNear1 = f.label("asin_mid");
        f.jumpIf(f.p("lt.s32", ix, w(0x3FEF3333)), notNear1); // |x| > 0.975
        String w1 = f.div(p, q);
        f.set(result, f.sub(k(PIO2_HI), f.sub(f.mul(k(2.0), f.add(s, f.mul(s, w1))), k(PIO2_LO))));
        f.jump(done);
        f.at(notNear1);
        String w2 = f.withLo(s, "0");
        String c = f.div(f.sub(t, f.mul(w2, w2)), f.add(s, w2));
        String r = f.div(p, q);
        String p2 = f.sub(f.mul(f.mul(k(2.0), s), r), f.sub(k(PIO2_LO), f.mul(k(2.0), c)));
        String q2 = f.sub(k(PIO4_HI), f.mul(k(2.0), w2));
        f.set(result, f.sub(k(PIO4_HI), f.sub(p2, q2)));
        f.at(done);
        f.ret(f.select(f.p("gt.s32", hx, "0"), result, f.neg(result)));
    }

    /** e_acos.c. */
    private void acos(String x) {
        String hx = f.hi(x);
        String ix = f.i("and.b32", hx, w(0x7fffffff));
        String below1 = f.label("acos_below1");
        f.jumpIf(f.p("lt.s32", ix, w(0x3ff00000)), below1); // |x| >= 1
        String notOne = f.label("acos_not1");
        f.jumpUnless(isOne(ix, x), notOne);
        f.retIf(f.p("gt.s32", hx, "0"), k(0.0)); // acos(1) = 0
        f.ret(k(Math.PI + 2.0 * PIO2_LO)); // acos(-1) = pi
        f.at(notOne);
        f.ret(f.div(f.sub(x, x), f.sub(x, x))); // acos(|x| > 1) is NaN
        f.at(below1);
        String half = f.label("acos_half");
        f.jumpIf(f.p("ge.s32", ix, w(0x3fe00000)), half); // |x| < 0.5
        f.retIf(f.p("le.s32", ix, w(0x3c600000)), k(PIO2_HI + PIO2_LO)); // |x| < 2**-57
        String z0 = f.mul(x, x);
        f.ret(f.sub(k(PIO2_HI), f.sub(x, f.sub(k(PIO2_LO), f.mul(x, pOverQ(z0))))));
        f.at(half);
        String positive = f.label("acos_positive");
        f.jumpIf(f.p("ge.s32", hx, "0"), positive);
        String z = f.mul(f.add(k(1.0), x), k(0.5)); // x < -0.5
        String p = f.mul(z, f.horner(z, PS));
        String q = f.horner(z, QS);
        String s = f.sqrt(z);
        String r = f.div(p, q);
        String w = f.sub(f.mul(r, s), k(PIO2_LO));
        f.ret(f.sub(k(Math.PI), f.mul(k(2.0), f.add(s, w))));
        f.at(positive); // x > 0.5
        String zp = f.mul(f.sub(k(1.0), x), k(0.5));
        String sp = f.sqrt(zp);
        String df = f.withLo(sp, "0");
        String c = f.div(f.sub(zp, f.mul(df, df)), f.add(sp, df));
        String rp = pOverQ(zp);
        String wp = f.add(f.mul(rp, sp), c);
        f.ret(f.mul(k(2.0), f.add(df, wp)));
    }

    /** s_atan.c. */
    private void atan(String x) {
        String hx = f.hi(x);
        String ix = f.i("and.b32", hx, w(0x7fffffff));
        String below66 = f.label("atan_below66");
        f.jumpIf(f.p("lt.s32", ix, w(0x44100000)), below66); // |x| >= 2^66
        f.retIf(f.p("nan.f64", x, x), f.add(x, x)); // fdlibm tests the NaN bits: the same set
        f.retIf(f.p("gt.s32", hx, "0"), k(ATAN_HI[3] + ATAN_LO[3]));
        f.ret(k(-ATAN_HI[3] - ATAN_LO[3]));
        f.at(below66);
        String id = f.ivar("-1");
        String xr = f.var(x);
        String poly = f.label("atan_poly");
        String reduce = f.label("atan_reduce");
        f.jumpIf(f.p("ge.s32", ix, w(0x3fdc0000)), reduce); // |x| < 0.4375
        f.retIf(f.p("lt.s32", ix, w(0x3e200000)), x); // |x| < 2^-29
        f.jump(poly);
        f.at(reduce);
        String ax = f.abs(x);
        String above1875 = f.label("atan_19_16");
        f.jumpIf(f.p("ge.s32", ix, w(0x3ff30000)), above1875); // |x| < 1.1875
        String above1116 = f.label("atan_11_16");
        f.jumpIf(f.p("ge.s32", ix, w(0x3fe60000)), above1116); // 7/16 <= |x| < 11/16
        f.set(id, "0");
        f.set(xr, f.div(f.sub(f.mul(k(2.0), ax), k(1.0)), f.add(k(2.0), ax)));
        f.jump(poly);
        f.at(above1116); // 11/16 <= |x| < 19/16
        f.set(id, "1");
        f.set(xr, f.div(f.sub(ax, k(1.0)), f.add(ax, k(1.0))));
        f.jump(poly);
        f.at(above1875);
        String above24375 = f.label("atan_39_16");
        f.jumpIf(f.p("ge.s32", ix, w(0x40038000)), above24375); // |x| < 2.4375
        f.set(id, "2");
        f.set(xr, f.div(f.sub(ax, k(1.5)), f.add(k(1.0), f.mul(k(1.5), ax))));
        f.jump(poly);
        f.at(above24375); // 2.4375 <= |x| < 2^66
        f.set(id, "3");
        f.set(xr, f.div(k(-1.0), ax));
        f.at(poly);
        String z = f.mul(xr, xr);
        String w = f.mul(z, z);
        String s1 = f.mul(z, f.horner(w, AT[0], AT[2], AT[4], AT[6], AT[8], AT[10]));
        String s2 = f.mul(w, f.horner(w, AT[1], AT[3], AT[5], AT[7], AT[9]));
        String xs = f.mul(xr, f.add(s1, s2));
        f.retIf(f.p("lt.s32", id, "0"), f.sub(xr, xs));
        String hi = table(id, ATAN_HI);
        String lo = table(id, ATAN_LO);
        String zr = f.sub(hi, f.sub(f.sub(xs, lo), xr));
        f.ret(f.select(f.p("lt.s32", hx, "0"), f.neg(zr), zr));
    }

    /** {@code values[id]} for id in 0..3, by selects. */
    private String table(String id, double[] values) {
        String v = k(values[3]);
        for (int i = 2; i >= 0; i--) {
            v = f.select(f.p("eq.s32", id, Integer.toString(i)), k(values[i]), v);
        }
        return v;
    }
}
