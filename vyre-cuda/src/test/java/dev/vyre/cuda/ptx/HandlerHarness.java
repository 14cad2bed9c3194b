package dev.vyre.cuda.ptx;

/** Test entries that call an emitted handler function, so that ptxas compiles it and a GPU test can run it. */
final class HandlerHarness {
    private HandlerHarness() {
    }

    /** The name of the entry that {@link #callerEntry} makes for {@code func}. */
    static String callerName(String func) {
        return "call_" + func;
    }

    /**
     * A kernel {@code call_<func>(.u64 args, .u64 control, .u32 control_words, .u64 data, .u32 data_bytes,
     * .u32 step_budget, .u64 status)} that calls {@code func} once per thread (launch it with one thread) and stores
     * the returned status word at {@code status}.
     */
    static String callerEntry(String func) {
        return ".visible .entry " + callerName(func) + "(\n\t.param .u64 a,\n\t.param .u64 c,\n\t.param .u32 n,\n"
                + "\t.param .u64 d,\n\t.param .u32 dn,\n\t.param .u32 b,\n\t.param .u64 s\n)\n"
                + "{\n\t.reg .b64 %rd<5>;\n\t.reg .b32 %r<4>;\n"
                + "\tld.param.u64 %rd0, [a];\n\tld.param.u64 %rd1, [c];\n\tld.param.u32 %r0, [n];\n"
                + "\tld.param.u64 %rd4, [d];\n\tld.param.u32 %r3, [dn];\n"
                + "\tld.param.u32 %r1, [b];\n\tld.param.u64 %rd2, [s];\n\tcvta.to.global.u64 %rd3, %rd2;\n"
                + "\tcall (%r2), " + func + ", (%rd0, %rd1, %r0, %rd4, %r3, %r1);\n"
                + "\tst.global.u32 [%rd3], %r2;\n\tret;\n}\n";
    }
}
