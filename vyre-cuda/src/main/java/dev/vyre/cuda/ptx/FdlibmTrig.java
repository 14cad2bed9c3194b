/*
 * Ported from fdlibm 5.3 (s_sin.c, s_cos.c, s_tan.c, k_sin.c, k_cos.c, k_tan.c, e_rem_pio2.c, k_rem_pio2.c),
 * whose notice follows; the JDK's StrictMath runs the same algorithms (java.lang.FdLibm).
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
 * fdlibm's sin, cos and tan as one PTX {@code .func vyre_fdlibm_trig(x, fn)} (fn 0 sin, 1 cos, 2 tan): they share
 * the argument reduction {@code __ieee754_rem_pio2}, whose large-argument part {@code __kernel_rem_pio2} works on
 * arrays in local memory and reads {@code two_over_pi} and {@code PIo2} from {@code .const} tables. Each Java method
 * is the fdlibm function of the same name, operation for operation.
 *
 * <p>One specialisation, exact for every argument that is an f32 widened to f64 (the only ones the emitter
 * passes): in the large-argument reduction, {@code z = scalbn(|x|, -e0)} lies in [2^23, 2^24) and has at most 24
 * significant bits, so it is an integer: fdlibm's {@code tx[1] = tx[2] = 0}, {@code nx = 1}, {@code jx = 0}, and
 * its sums {@code fw += x[j]*f[jx+i-j]} over {@code j <= jx} are the single product (plus 0.0, which changes no
 * non-negative product). Tiny-argument tests such as {@code (int) x == 0} and {@code huge + x > 1.0}, always true
 * where fdlibm makes them, are dropped.
 */
final class FdlibmTrig {
    static final String NAME = "vyre_fdlibm_trig";
    static final int SIN = 0;
    static final int COS = 1;
    static final int TAN = 2;
    private static final String TWO_OVER_PI = "vyre_fdlibm_two_over_pi";
    private static final String NPIO2_HW = "vyre_fdlibm_npio2_hw";
    private static final String PIO2 = "vyre_fdlibm_pio2";

    private static final int[] TWO_OVER_PI_WORDS = {
        0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041, 0xFE5163, 0xABDEBB,
        0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129, 0xA73EE8, 0x8235F5,
        0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C, 0x845F8B, 0xBDF928, 0x3B1FF8,
        0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF, 0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D,
        0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292, 0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330, 0x46FC7B,
        0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3, 0x91615E, 0xE61B08, 0x659985, 0x5F14A0, 0x68408D, 0xFFD880,
        0x4D7327, 0x310606, 0x1556CA, 0x73A8C9, 0x60E27B, 0xC08C6B,
    };
    private static final int[] NPIO2_HW_WORDS = {
        0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
        0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
        0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
        0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
    };
    private static final double[] PIO2_PARTS = {
        0x1.921fb4p0, 0x1.4442dp-24, 0x1.846988p-48, 0x1.8cc516p-72,
        0x1.01b838p-96, 0x1.a25204p-120, 0x1.382228p-145, 0x1.9f31dp-169,
    };
    /** k_tan.c's T[]. */
    private static final double[] T = {
        0x1.5555555555563p-2, 0x1.111111110fe7ap-3, 0x1.ba1ba1bb341fep-5, 0x1.664f48406d637p-6,
        0x1.226e3e96e8493p-7, 0x1.d6d22c9560328p-9, 0x1.7dbc8fee08315p-10, 0x1.344d8f2f26501p-11,
        0x1.026f71a8d1068p-12, 0x1.47e88a03792a6p-14, 0x1.2b80f32f0a7e9p-14, -0x1.375cbdb605373p-16,
        0x1.b2a7074bf7ad4p-16,
    };
    /** Elements of each of kernel_rem_pio2's local arrays (fdlibm's 20). */
    private static final int ARRAY = 20;
    private static final double TWO24 = 0x1.0p24;
    private static final double TWON24 = 0x1.0p-24;

    private final FdCode f;

    private FdlibmTrig(FdCode f) {
        this.f = f;
    }

    /** The module-scope tables, then the function. */
    static String definition() {
        StringBuilder t = new StringBuilder();
        t.append(".const .align 4 .b32 ").append(TWO_OVER_PI).append('[').append(TWO_OVER_PI_WORDS.length)
                .append("] = {").append(words(TWO_OVER_PI_WORDS)).append("};\n");
        t.append(".const .align 4 .b32 ").append(NPIO2_HW).append('[').append(NPIO2_HW_WORDS.length)
                .append("] = {").append(words(NPIO2_HW_WORDS)).append("};\n");
        StringBuilder parts = new StringBuilder();
        for (double d : PIO2_PARTS) {
            parts.append(parts.isEmpty() ? "" : ", ").append(String.format("0x%016X", Double.doubleToRawLongBits(d)));
        }
        t.append(".const .align 8 .b64 ").append(PIO2).append('[').append(PIO2_PARTS.length).append("] = {")
                .append(parts).append("};\n");
        String locals = "\t.local .align 8 .b8 vyre_iq[" + ARRAY * 4 + "];"
                + "\n\t.local .align 8 .b8 vyre_q[" + ARRAY * 8 + "];\n\t.local .align 8 .b8 vyre_fq["
                + ARRAY * 8 + "];\n";
        return t + FdlibmPtx.function(NAME, ", .param .b32 fn", locals, f -> new FdlibmTrig(f).trig());
    }

    private static String words(int[] values) {
        StringBuilder b = new StringBuilder();
        for (int v : values) {
            b.append(b.isEmpty() ? "" : ", ").append(PtxCode.hex(v));
        }
        return b.toString();
    }

    /** s_sin.c, s_cos.c and s_tan.c: reduce unless |x| ~<= pi/4, then the kernel that the quadrant picks. */
    private void trig() {
        String x = f.c.f64();
        String fn = f.c.b32();
        f.c.op("ld.param.f64 " + x + ", [x]");
        f.c.op("ld.param.b32 " + fn + ", [fn]");
        String ix = f.i("and.b32", f.hi(x), w(0x7fffffff));
        String y0 = f.var(x);
        String y1 = f.var(k(0.0));
        String n = f.ivar("0");
        String reduced = f.ivar("0"); // fdlibm's iy for __kernel_sin: 0 on the unreduced path
        String kernels = f.label("kernels");
        f.jumpIf(f.p("le.s32", ix, w(0x3fe921fb)), kernels);
        f.retIf(f.p("ge.s32", ix, w(0x7ff00000)), f.sub(x, x)); // trig(Inf or NaN) is NaN
        remPio2(x, y0, y1, n);
        f.set(reduced, "1");
        f.at(kernels);
        String notTan = f.label("sincos");
        f.jumpUnless(f.p("eq.s32", fn, w(TAN)), notTan);
        // tan: __kernel_tan(y0, y1, 1 - ((n & 1) << 1)), 1 on the unreduced path (n = 0)
        kernelTan(y0, y1, f.i("sub.s32", "1", f.i("shl.b32", f.i("and.b32", n, "1"), "1")));
        f.at(notTan);
        // sin's quadrant table (S, C, -S, -C); cos(x) is the same table one quadrant on
        String m = f.i("and.b32", f.i("add.s32", n, fn), "3");
        String value = f.var(k(0.0));
        String sine = f.label("sine");
        String sign = f.label("sign");
        f.jumpIf(f.p("eq.s32", f.i("and.b32", m, "1"), "0"), sine);
        f.set(value, kernelCos(y0, y1));
        f.jump(sign);
        f.at(sine);
        f.set(value, kernelSin(y0, y1, reduced));
        f.at(sign);
        f.retIf(f.p("ne.s32", f.i("and.b32", m, "2"), "0"), f.neg(value));
        f.ret(value);
    }

    /** k_sin.c: sin(x + y) for |x| ~<= pi/4, y the tail of x; {@code iy} 0 says y is 0. */
    private String kernelSin(String x, String y, String iy) {
        String result = f.var(x);
        String done = f.label("ksin_done");
        String ix = f.i("and.b32", f.hi(x), w(0x7fffffff));
        f.jumpIf(f.p("lt.s32", ix, w(0x3e400000)), done); // |x| < 2**-27: x
        String z = f.mul(x, x);
        String v = f.mul(z, x);
        String r = f.horner(z, 0x1.111111110f8a6p-7, -0x1.a01a019c161d5p-13, 0x1.71de357b1fe7dp-19,
                -0x1.ae5e68a2b9cebp-26, 0x1.5d93a5acfd57cp-33);
        double s1 = -0x1.5555555555549p-3;
        String withTail = f.label("ksin_tail");
        f.jumpIf(f.p("ne.s32", iy, "0"), withTail);
        f.set(result, f.add(x, f.mul(v, f.add(k(s1), f.mul(z, r)))));
        f.jump(done);
        f.at(withTail);
        String inner = f.sub(f.mul(z, f.sub(f.mul(k(0.5), y), f.mul(v, r))), y);
        f.set(result, f.sub(x, f.sub(inner, f.mul(v, k(s1)))));
        f.at(done);
        return result;
    }

    /** k_cos.c: cos(x + y) for |x| ~<= pi/4. */
    private String kernelCos(String x, String y) {
        String result = f.var(k(1.0));
        String done = f.label("kcos_done");
        String ix = f.i("and.b32", f.hi(x), w(0x7fffffff));
        f.jumpIf(f.p("lt.s32", ix, w(0x3e400000)), done); // |x| < 2**-27: 1
        String z = f.mul(x, x);
        String r = f.mul(z, f.horner(z, 0x1.555555555554cp-5, -0x1.6c16c16c15177p-10, 0x1.a01a019cb159p-16,
                -0x1.27e4f809c52adp-22, 0x1.1ee9ebdb4b1c4p-29, -0x1.8fae9be8838d4p-37));
        String large = f.label("kcos_large");
        f.jumpIf(f.p("ge.s32", ix, w(0x3FD33333)), large);
        f.set(result, f.sub(k(1.0), f.sub(f.mul(k(0.5), z), f.sub(f.mul(z, r), f.mul(x, y)))));
        f.jump(done);
        f.at(large);
        String qx = f.select(f.p("gt.s32", ix, w(0x3fe90000)), k(0.28125),
                f.fromWords(f.i("sub.s32", ix, w(0x00200000)), "0"));
        String hz = f.sub(f.mul(k(0.5), z), qx);
        String a = f.sub(k(1.0), qx);
        f.set(result, f.sub(a, f.sub(hz, f.sub(f.mul(z, r), f.mul(x, y)))));
        f.at(done);
        return result;
    }

    /** k_tan.c: returns tan(x + y) for |x| ~<= pi/4 when {@code iy} is 1, -1/tan(x + y) when it is -1. */
    private void kernelTan(String x0, String y0, String iy) {
        String x = f.var(x0);
        String y = f.var(y0);
        String hx = f.hi(x0);
        String ix = f.i("and.b32", hx, w(0x7fffffff));
        String notTiny = f.label("ktan_main");
        f.jumpIf(f.p("ge.s32", ix, w(0x3e300000)), notTiny); // |x| < 2**-28
        String zero = f.i("or.b32", f.i("or.b32", ix, f.lo(x0)), f.i("add.s32", iy, "1"));
        f.retIf(f.p("eq.s32", zero, "0"), f.div(k(1.0), f.abs(x0)));
        f.retIf(f.p("eq.s32", iy, "1"), x0);
        f.ret(minusReciprocal(f.add(x0, y0), x0, y0));
        f.at(notTiny);
        String big = f.p("ge.s32", ix, w(0x3FE59428)); // |x| >= 0.6744
        String small = f.label("ktan_poly");
        f.jumpUnless(big, small);
        String positive = f.label("ktan_positive");
        f.jumpIf(f.p("ge.s32", hx, "0"), positive);
        f.set(x, f.neg(x));
        f.set(y, f.neg(y));
        f.at(positive);
        String z0 = f.sub(k(0x1.921fb54442d18p-1), x); // pio4 - x
        String w0 = f.sub(k(0x1.1a62633145c07p-55), y); // pio4lo - y
        f.set(x, f.add(z0, w0));
        f.set(y, k(0.0));
        f.at(small);
        String z = f.mul(x, x);
        String w = f.mul(z, z);
        // x^5*(T[1]+x^2*T[2]+...) as r (odd T) and v (even T)
        String r = f.horner(w, T[1], T[3], T[5], T[7], T[9], T[11]);
        String v = f.mul(z, f.horner(w, T[2], T[4], T[6], T[8], T[10], T[12]));
        String s = f.mul(z, x);
        String r1 = f.add(y, f.mul(z, f.add(f.mul(s, f.add(r, v)), y)));
        String r2 = f.add(r1, f.mul(k(T[0]), s));
        String sum = f.add(x, r2);
        String notBig = f.label("ktan_near0");
        f.jumpUnless(big, notBig);
        String vi = f.toDouble(iy);
        String sign = f.toDouble(f.i("sub.s32", "1", f.i("and.b32", f.i("shr.s32", hx, "30"), "2")));
        String inner = f.sub(x, f.sub(f.div(f.mul(sum, sum), f.add(sum, vi)), r2));
        f.ret(f.mul(sign, f.sub(vi, f.mul(k(2.0), inner))));
        f.at(notBig);
        f.retIf(f.p("eq.s32", iy, "1"), sum);
        f.ret(minusReciprocal(sum, x, r2));
    }

    /** k_tan.c's careful {@code -1.0/w} where {@code w = x + r} (the tiny path passes {@code w = x + y}). */
    private String minusReciprocal(String w, String x, String r) {
        String z = f.withLo(w, "0");
        String v = f.sub(r, f.sub(z, x));
        String a = f.div(k(-1.0), w);
        String t = f.withLo(a, "0");
        String s = f.add(k(1.0), f.mul(t, z));
        return f.add(t, f.mul(a, f.add(s, f.mul(t, v))));
    }

    /** e_rem_pio2.c for pi/4 < |x| < inf: {@code y0 + y1 = x - n*pi/2}. */
    private void remPio2(String x, String y0, String y1, String n) {
        String hx = f.hi(x);
        String ix = f.i("and.b32", hx, w(0x7fffffff));
        String done = f.label("rem_done");
        String medium = f.label("rem_medium");
        f.jumpIf(f.p("ge.s32", ix, w(0x4002d97c)), medium); // |x| < 3pi/4: n = +-1
        double pio21 = 0x1.921fb544p0;
        double pio21t = 0x1.0b4611a626331p-34;
        double pio22 = 0x1.0b4611a6p-34;
        double pio22t = 0x1.3198a2e037073p-69;
        String nearPio2 = f.p("eq.s32", ix, w(0x3ff921fb)); // near pi/2: 33+33+53 bits of pi
        String tail = f.select(nearPio2, k(pio22t), k(pio21t));
        String negative = f.label("rem_negative");
        f.jumpIf(f.p("le.s32", hx, "0"), negative);
        String z = f.sub(x, k(pio21));
        String z2 = f.select(nearPio2, f.sub(z, k(pio22)), z);
        f.set(y0, f.sub(z2, tail));
        f.set(y1, f.sub(f.sub(z2, y0), tail));
        f.set(n, "1");
        f.jump(done);
        f.at(negative);
        String zn = f.add(x, k(pio21));
        String zn2 = f.select(nearPio2, f.add(zn, k(pio22)), zn);
        f.set(y0, f.add(zn2, tail));
        f.set(y1, f.add(f.sub(zn2, y0), tail));
        f.set(n, "-1");
        f.jump(done);
        f.at(medium);
        String large = f.label("rem_large");
        f.jumpIf(f.p("gt.s32", ix, w(0x413921fb)), large);
        remPio2Medium(hx, ix, x, y0, y1, n);
        f.jump(done);
        f.at(large);
        kernelRemPio2(ix, x, y0, y1, n);
        String positive = f.label("rem_positive");
        f.jumpIf(f.p("ge.s32", hx, "0"), positive);
        f.set(y0, f.neg(y0));
        f.set(y1, f.neg(y1));
        f.set(n, f.i("sub.s32", "0", n));
        f.at(positive);
        f.at(done);
    }

    /** e_rem_pio2.c for |x| ~<= 2^19*(pi/2): Cody-Waite with 33+53, 66+53 or 99+53 bits of pi/2. */
    private void remPio2Medium(String hx, String ix, String x, String y0, String y1, String n) {
        String t = f.abs(x);
        f.set(n, f.toInt(f.add(f.mul(t, k(0x1.45f306dc9c883p-1)), k(0.5))));
        String fn = f.toDouble(n);
        String r = f.var(f.sub(t, f.mul(fn, k(0x1.921fb544p0))));
        String w = f.var(f.mul(fn, k(0x1.0b4611a626331p-34))); // 1st round good to 85 bit
        f.set(y0, f.sub(r, w));
        String tails = f.label("rem_tail");
        String check = f.label("rem_check");
        f.jumpUnless(f.p("lt.s32", n, "32"), check);
        String hw = f.i("ld.const.u32", "[" + constAddress(NPIO2_HW, f.i("sub.s32", n, "1"), 4) + "]");
        f.jumpIf(f.p("ne.s32", ix, hw), tails); // quick check: no cancellation
        f.at(check);
        String j = f.i("shr.s32", ix, "20");
        f.jumpIf(f.p("le.s32", exponentLoss(j, y0), "16"), tails);
        round(r, w, fn, 0x1.0b4611a6p-34, 0x1.3198a2e037073p-69); // 2nd iteration, good to 118
        f.set(y0, f.sub(r, w));
        f.jumpIf(f.p("le.s32", exponentLoss(j, y0), "49"), tails);
        round(r, w, fn, 0x1.3198a2ep-69, 0x1.b839a252049c1p-104); // 3rd iteration, 151 bits
        f.set(y0, f.sub(r, w));
        f.at(tails);
        f.set(y1, f.sub(f.sub(r, y0), w));
        String positive = f.label("rem_medium_positive");
        f.jumpIf(f.p("ge.s32", hx, "0"), positive);
        f.set(y0, f.neg(y0));
        f.set(y1, f.neg(y1));
        f.set(n, f.i("sub.s32", "0", n));
        f.at(positive);
    }

    /** {@code j - ((__HI(y0) >> 20) & 0x7ff)}. */
    private String exponentLoss(String j, String y0) {
        return f.i("sub.s32", j, f.i("and.b32", f.i("shr.s32", f.hi(y0), "20"), w(0x7ff)));
    }

    /** {@code t = r; w = fn*part; r = t - w; w = fn*tail - ((t - r) - w);} */
    private void round(String r, String w, String fn, double part, double tail) {
        String t = f.var(r);
        String w1 = f.mul(fn, k(part));
        f.set(r, f.sub(t, w1));
        f.set(w, f.sub(f.mul(fn, k(tail)), f.sub(f.sub(t, r), w1)));
    }

    /** The address of element {@code index} of a {@code .const} or {@code .local} array of {@code size}-byte elements. */
    private String constAddress(String array, String index, int size) {
        String base = f.c.b64();
        String offset = f.c.b64();
        String address = f.c.b64();
        f.c.op("mov.u64 " + base + ", " + array);
        f.c.op("mul.wide.s32 " + offset + ", " + index + ", " + size);
        f.c.op("add.s64 " + address + ", " + base + ", " + offset);
        return address;
    }

    private String loadF64(String array, String index) {
        String d = f.c.f64();
        f.c.op("ld.local.f64 " + d + ", [" + constAddress(array, index, 8) + "]");
        return d;
    }

    private void storeF64(String array, String index, String value) {
        f.c.op("st.local.f64 [" + constAddress(array, index, 8) + "], " + value);
    }

    private String loadIq(String index) {
        return f.i("ld.local.b32", "[" + constAddress("vyre_iq", index, 4) + "]");
    }

    private void storeIq(String index, String value) {
        f.c.op("st.local.b32 [" + constAddress("vyre_iq", index, 4) + "], " + value);
    }

    /** {@code (double) ipio2[index]}. */
    private String ipio2(String index) {
        return f.toDouble(f.i("ld.const.u32", "[" + constAddress(TWO_OVER_PI, index, 4) + "]"));
    }

    /** {@code Math.scalb(z, n)} where the result is normal (always so here): an exact multiplication. */
    private String scalb(String z, String n) {
        return f.mul(z, f.pow2(n));
    }

    /**
     * e_rem_pio2.c's large-argument part with k_rem_pio2.c ({@code prec} 2, {@code jk = jp = 4}): the reduction
     * by 2/pi in 24-bit chunks; here {@code nx = 1} (see the class comment).
     */
    private void kernelRemPio2(String ix, String x, String y0, String y1, String n) {
        // z = scalbn(|x|, ilogb(x) - 23), an integer in [2^23, 2^24): fdlibm's tx[0]
        String e0 = f.i("sub.s32", f.i("shr.s32", ix, "20"), "1046");
        String x0 = f.fromWords(f.i("sub.s32", ix, f.i("shl.b32", e0, "20")), f.lo(x));
        final int jk = 4;
        String jv = f.i("max.s32", f.i("div.s32", f.i("sub.s32", e0, "3"), "24"), "0");
        String q0 = f.ivar(f.i("sub.s32", e0, f.i("mul.lo.s32", f.i("add.s32", jv, "1"), "24")));
        for (int i = 0; i <= jk; i++) {
            String fi = ipio2(f.i("add.s32", jv, Integer.toString(i)));
            storeF64("vyre_q", Integer.toString(i), f.add(k(0.0), f.mul(x0, fi)));
        }
        String jz = f.ivar(Integer.toString(jk));
        String z = f.var(k(0.0));
        String ih = f.ivar("0");
        String recompute = f.label("krp_recompute");
        f.at(recompute);
        distill(jz, z);
        // compute n
        f.set(z, scalb(z, q0));
        f.set(z, f.sub(z, f.mul(k(8.0), f.floor(f.mul(z, k(0.125))))));
        f.set(n, f.toInt(z));
        f.set(z, f.sub(z, f.toDouble(n)));
        highBit(jz, q0, z, n, ih);
        String noCarry = f.label("krp_ih0");
        f.jumpIf(f.p("le.s32", ih, "0"), noCarry);
        complement(jz, q0, z, n, ih);
        f.at(noCarry);
        String done = f.label("krp_enough");
        f.jumpUnless(f.p("eq.f64", z, k(0.0)), done);
        // recompute if the tail iq[jk..jz-1] is all zeros
        String j = f.ivar("0");
        String i = f.ivar(f.i("sub.s32", jz, "1"));
        String orLoop = f.label("krp_or");
        String orDone = f.label("krp_or_done");
        f.at(orLoop);
        f.jumpIf(f.p("lt.s32", i, w(jk)), orDone);
        f.set(j, f.i("or.b32", j, loadIq(i)));
        f.set(i, f.i("sub.s32", i, "1"));
        f.jump(orLoop);
        f.at(orDone);
        f.jumpIf(f.p("ne.s32", j, "0"), done);
        String kk = f.ivar("1");
        String count = f.label("krp_count");
        String counted = f.label("krp_counted");
        f.at(count);
        f.jumpIf(f.p("ne.s32", loadIq(f.i("sub.s32", w(jk), kk)), "0"), counted);
        f.set(kk, f.i("add.s32", kk, "1"));
        f.jump(count);
        f.at(counted);
        String ii = f.ivar(f.i("add.s32", jz, "1"));
        String end = f.i("add.s32", jz, kk);
        String more = f.label("krp_more");
        String added = f.label("krp_added");
        f.at(more);
        f.jumpIf(f.p("gt.s32", ii, end), added);
        String fi = ipio2(f.i("add.s32", jv, ii));
        storeF64("vyre_q", ii, f.add(k(0.0), f.mul(x0, fi)));
        f.set(ii, f.i("add.s32", ii, "1"));
        f.jump(more);
        f.at(added);
        f.set(jz, end);
        f.jump(recompute);
        f.at(done);
        chop(jz, q0, z);
        compress(jz, q0, ih, y0, y1);
        f.set(n, f.i("and.b32", n, "7"));
    }

    /** Distill q[] into iq[] reversingly; z ends as q[0] plus the carries. */
    private void distill(String jz, String z) {
        String i = f.ivar("0");
        String j = f.ivar(jz);
        f.set(z, loadF64("vyre_q", jz));
        String loop = f.label("krp_distill");
        String done = f.label("krp_distilled");
        f.at(loop);
        f.jumpIf(f.p("le.s32", j, "0"), done);
        String fw = f.toDouble(f.toInt(f.mul(k(TWON24), z)));
        storeIq(i, f.toInt(f.sub(z, f.mul(k(TWO24), fw))));
        f.set(z, f.add(loadF64("vyre_q", f.i("sub.s32", j, "1")), fw));
        f.set(i, f.i("add.s32", i, "1"));
        f.set(j, f.i("sub.s32", j, "1"));
        f.jump(loop);
        f.at(done);
    }

    /** ih: whether the fraction is >= 1/2 (1 or 2), taken from iq[jz-1] or z; moves whole units into n. */
    private void highBit(String jz, String q0, String z, String n, String ih) {
        f.set(ih, "0");
        String last = f.i("sub.s32", jz, "1");
        String notPositive = f.label("krp_q0_le0");
        String done = f.label("krp_ih");
        f.jumpIf(f.p("le.s32", q0, "0"), notPositive);
        String iqLast = loadIq(last);
        String units = f.i("shr.s32", iqLast, f.i("sub.s32", "24", q0));
        f.set(n, f.i("add.s32", n, units));
        String rest = f.i("sub.s32", iqLast, f.i("shl.b32", units, f.i("sub.s32", "24", q0)));
        storeIq(last, rest);
        f.set(ih, f.i("shr.s32", rest, f.i("sub.s32", "23", q0)));
        f.jump(done);
        f.at(notPositive);
        String negative = f.label("krp_q0_neg");
        f.jumpUnless(f.p("eq.s32", q0, "0"), negative);
        f.set(ih, f.i("shr.s32", loadIq(last), "23"));
        f.jump(done);
        f.at(negative);
        f.jumpUnless(f.p("ge.f64", z, k(0.5)), done);
        f.set(ih, "2");
        f.at(done);
    }

    /** q > 0.5: n += 1 and the fraction becomes 1 - q (iq[] complemented, z = 1 - z). */
    private void complement(String jz, String q0, String z, String n, String ih) {
        f.set(n, f.i("add.s32", n, "1"));
        String carry = f.ivar("0");
        String i = f.ivar("0");
        String loop = f.label("krp_complement");
        String done = f.label("krp_complemented");
        String hadCarry = f.label("krp_carry");
        String next = f.label("krp_next");
        f.at(loop);
        f.jumpIf(f.p("ge.s32", i, jz), done);
        String j = loadIq(i);
        f.jumpIf(f.p("ne.s32", carry, "0"), hadCarry);
        f.jumpIf(f.p("eq.s32", j, "0"), next);
        f.set(carry, "1");
        storeIq(i, f.i("sub.s32", w(0x1000000), j));
        f.jump(next);
        f.at(hadCarry);
        storeIq(i, f.i("sub.s32", w(0xffffff), j));
        f.at(next);
        f.set(i, f.i("add.s32", i, "1"));
        f.jump(loop);
        f.at(done);
        String last = f.i("sub.s32", jz, "1");
        String notOne = f.label("krp_q0_not1");
        String masked = f.label("krp_masked");
        f.jumpUnless(f.p("eq.s32", q0, "1"), notOne);
        storeIq(last, f.i("and.b32", loadIq(last), w(0x7fffff)));
        f.jump(masked);
        f.at(notOne);
        f.jumpUnless(f.p("eq.s32", q0, "2"), masked);
        storeIq(last, f.i("and.b32", loadIq(last), w(0x3fffff)));
        f.at(masked);
        String skip = f.label("krp_ih1");
        f.jumpUnless(f.p("eq.s32", ih, "2"), skip);
        f.set(z, f.sub(k(1.0), z));
        f.jumpIf(f.p("eq.s32", carry, "0"), skip);
        f.set(z, f.sub(z, scalb(k(1.0), q0)));
        f.at(skip);
    }

    /** Chop off zero terms, or break z into 24-bit chunks. */
    private void chop(String jz, String q0, String z) {
        String nonZero = f.label("krp_z_nonzero");
        String done = f.label("krp_chopped");
        f.jumpUnless(f.p("eq.f64", z, k(0.0)), nonZero);
        f.set(jz, f.i("sub.s32", jz, "1"));
        f.set(q0, f.i("sub.s32", q0, "24"));
        String loop = f.label("krp_chop");
        f.at(loop);
        f.jumpIf(f.p("ne.s32", loadIq(jz), "0"), done);
        f.set(jz, f.i("sub.s32", jz, "1"));
        f.set(q0, f.i("sub.s32", q0, "24"));
        f.jump(loop);
        f.at(nonZero);
        String zs = scalb(z, f.i("sub.s32", "0", q0));
        String small = f.label("krp_small");
        f.jumpUnless(f.p("ge.f64", zs, k(TWO24)), small);
        String fw = f.toDouble(f.toInt(f.mul(k(TWON24), zs)));
        storeIq(jz, f.toInt(f.sub(zs, f.mul(k(TWO24), fw))));
        f.set(jz, f.i("add.s32", jz, "1"));
        f.set(q0, f.i("add.s32", q0, "24"));
        storeIq(jz, f.toInt(fw));
        f.jump(done);
        f.at(small);
        storeIq(jz, f.toInt(zs));
        f.at(done);
    }

    /** Chunks to doubles, times PIo2, and the sums that give y0 and y1 (prec 2). */
    private void compress(String jz, String q0, String ih, String y0, String y1) {
        String fw = f.var(scalb(k(1.0), q0));
        String i = f.ivar(jz);
        String toDouble = f.label("krp_todouble");
        String converted = f.label("krp_converted");
        f.at(toDouble);
        f.jumpIf(f.p("lt.s32", i, "0"), converted);
        storeF64("vyre_q", i, f.mul(fw, f.toDouble(loadIq(i))));
        f.set(fw, f.mul(fw, k(TWON24)));
        f.set(i, f.i("sub.s32", i, "1"));
        f.jump(toDouble);
        f.at(converted);
        // fq[jz-i] = sum over k <= min(jp, jz-i) of PIo2[k]*q[i+k]
        f.set(i, jz);
        String outer = f.label("krp_fq");
        String outerDone = f.label("krp_fq_done");
        f.at(outer);
        f.jumpIf(f.p("lt.s32", i, "0"), outerDone);
        f.set(fw, k(0.0));
        String kk = f.ivar("0");
        String limit = f.i("min.s32", "4", f.i("sub.s32", jz, i));
        String inner = f.label("krp_fq_k");
        String innerDone = f.label("krp_fq_k_done");
        f.at(inner);
        f.jumpIf(f.p("gt.s32", kk, limit), innerDone);
        String part = f.c.f64();
        f.c.op("ld.const.f64 " + part + ", [" + constAddress(PIO2, kk, 8) + "]");
        f.set(fw, f.add(fw, f.mul(part, loadF64("vyre_q", f.i("add.s32", i, kk)))));
        f.set(kk, f.i("add.s32", kk, "1"));
        f.jump(inner);
        f.at(innerDone);
        storeF64("vyre_fq", f.i("sub.s32", jz, i), fw);
        f.set(i, f.i("sub.s32", i, "1"));
        f.jump(outer);
        f.at(outerDone);
        // y0 = sum of fq[jz..0]; y1 = (fq[0] - y0) + fq[1..jz]
        f.set(fw, k(0.0));
        f.set(i, jz);
        String sum = f.label("krp_sum");
        String summed = f.label("krp_summed");
        f.at(sum);
        f.jumpIf(f.p("lt.s32", i, "0"), summed);
        f.set(fw, f.add(fw, loadF64("vyre_fq", i)));
        f.set(i, f.i("sub.s32", i, "1"));
        f.jump(sum);
        f.at(summed);
        String positive = f.p("eq.s32", ih, "0");
        f.set(y0, f.select(positive, fw, f.neg(fw)));
        f.set(fw, f.sub(loadF64("vyre_fq", "0"), fw));
        f.set(i, "1");
        String tail = f.label("krp_tail");
        String tailDone = f.label("krp_tail_done");
        f.at(tail);
        f.jumpIf(f.p("gt.s32", i, jz), tailDone);
        f.set(fw, f.add(fw, loadF64("vyre_fq", i)));
        f.set(i, f.i("add.s32", i, "1"));
        f.jump(tail);
        f.at(tailDone);
        f.set(y1, f.select(positive, fw, f.neg(fw)));
    }
}
