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
     * A kernel {@code call_<func>(.u64 args, .u64 control, .u32 control_words)} that calls {@code func} once per
     * thread (launch it with one thread).
     */
    static String callerEntry(String func) {
        return ".visible .entry " + callerName(func) + "(\n\t.param .u64 a,\n\t.param .u64 c,\n\t.param .u32 n\n)\n"
                + "{\n\t.reg .b64 %rd<2>;\n\t.reg .b32 %r<1>;\n"
                + "\tld.param.u64 %rd0, [a];\n\tld.param.u64 %rd1, [c];\n\tld.param.u32 %r0, [n];\n"
                + "\tcall " + func + ", (%rd0, %rd1, %r0);\n\tret;\n}\n";
    }
}
