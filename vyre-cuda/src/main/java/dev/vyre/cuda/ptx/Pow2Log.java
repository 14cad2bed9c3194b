/*
 * Ported from fdlibm 5.3 (e_pow.c), whose notice follows.
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

/**
 * e_pow.c's {@code log2(|x|) = t1 + t2} (the branch for |y| <= 2^31) evaluated for x = 2.0 in Java's IEEE double
 * arithmetic, statement for statement: the constants {@link FdlibmLog}'s Exp2 multiplies y by.
 */
final class Pow2Log {
    private Pow2Log() {
    }

    private static int hi(double x) {
        return (int) (Double.doubleToRawLongBits(x) >> 32);
    }

    private static double withHi(double x, int high) {
        return Double.longBitsToDouble((Double.doubleToRawLongBits(x) & 0xFFFF_FFFFL) | ((long) high << 32));
    }

    private static double withLo(double x, int low) {
        return Double.longBitsToDouble((Double.doubleToRawLongBits(x) & 0xFFFF_FFFF_0000_0000L)
                | (low & 0xFFFF_FFFFL));
    }

    /** {@code {t1, t2}} for x = 2.0. */
    static double[] t1t2() {
        final double x = 2.0;
        final double cp = 0x1.ec709dc3a03fdp-1;
        final double cpH = 0x1.ec709ep-1;
        final double cpL = -0x1.e2fe0145b01f5p-28;
        final double[] bp = {1.0, 1.5};
        final double[] dpH = {0.0, 0x1.2b8034p-1};
        final double[] dpL = {0.0, 0x1.cfdeb43cfd006p-27};
        final double l1 = 0x1.3333333333303p-1;
        final double l2 = 0x1.b6db6db6fabffp-2;
        final double l3 = 0x1.55555518f264dp-2;
        final double l4 = 0x1.17460a91d4101p-2;
        final double l5 = 0x1.d864a93c9db65p-3;
        final double l6 = 0x1.a7e284a454eefp-3;
        double xAbs = Math.abs(x);
        int ix = hi(x) & 0x7fff_ffff;
        int n = 0;
        if (ix < 0x0010_0000) {
            xAbs *= 0x1.0p53;
            n -= 53;
            ix = hi(xAbs);
        }
        n += (ix >> 20) - 0x3ff;
        int j = ix & 0x000f_ffff;
        int k;
        ix = j | 0x3ff0_0000;
        if (j <= 0x3988E) {
            k = 0;
        } else if (j < 0xBB67A) {
            k = 1;
        } else {
            k = 0;
            n += 1;
            ix -= 0x0010_0000;
        }
        xAbs = withHi(xAbs, ix);
        double u = xAbs - bp[k];
        double v = 1.0 / (xAbs + bp[k]);
        double ss = u * v;
        double sH = withLo(ss, 0);
        double tH = withHi(0.0, ((ix >> 1) | 0x2000_0000) + 0x0008_0000 + (k << 18));
        double tL = xAbs - (tH - bp[k]);
        double sL = v * ((u - sH * tH) - sH * tL);
        double s2 = ss * ss;
        double r = s2 * s2 * (l1 + s2 * (l2 + s2 * (l3 + s2 * (l4 + s2 * (l5 + s2 * l6)))));
        r += sL * (sH + ss);
        s2 = sH * sH;
        tH = withLo(3.0 + s2 + r, 0);
        tL = r - ((tH - 3.0) - s2);
        u = sH * tH;
        v = sL * tH + tL * ss;
        double pH = withLo(u + v, 0);
        double pL = v - (pH - u);
        double zH = cpH * pH;
        double zL = cpL * pH + pL * cp + dpL[k];
        double t = n;
        double t1 = withLo(((zH + zL) + dpH[k]) + t, 0);
        double t2 = zL - (((t1 - t) - dpH[k]) - zH);
        return new double[] {t1, t2};
    }
}
