package dev.vyre.cuda;

/** Hand-written PTX used by the GPU tests; {@link PtxasTest} assembles each with ptxas for sm_90. */
final class TestKernels {
    /** Kernel {@code vyre_add_one(u32* data, u32 count)}: {@code data[i] += 1} for every {@code i < count}. */
    static final String ADD_ONE_NAME = "vyre_add_one";
    /** Kernel {@code vyre_add_delta(u32* data, u32 count)}: {@code data[i] += vyre_delta}. */
    static final String ADD_DELTA_NAME = "vyre_add_delta";
    /** Module global {@code .u32 vyre_delta}. */
    static final String DELTA_GLOBAL = "vyre_delta";
    /** Kernel {@code vyre_store_at(u64 address, u32 value)}: one thread stores {@code value} at {@code address}. */
    static final String STORE_AT_NAME = "vyre_store_at";

    /** A module with the three kernels above and the global. */
    static final String MODULE = """
            .version 8.0
            .target sm_80
            .address_size 64

            .visible .global .align 4 .u32 vyre_delta;

            .visible .entry vyre_add_one(
                .param .u64 vyre_add_one_data,
                .param .u32 vyre_add_one_count
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<8>;
                .reg .b64 %rd<5>;

                ld.param.u64 %rd1, [vyre_add_one_data];
                ld.param.u32 %r1, [vyre_add_one_count];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra $L_add_one_done;
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                ld.global.u32 %r6, [%rd4];
                add.s32 %r7, %r6, 1;
                st.global.u32 [%rd4], %r7;
            $L_add_one_done:
                ret;
            }

            .visible .entry vyre_add_delta(
                .param .u64 vyre_add_delta_data,
                .param .u32 vyre_add_delta_count
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<9>;
                .reg .b64 %rd<5>;

                ld.param.u64 %rd1, [vyre_add_delta_data];
                ld.param.u32 %r1, [vyre_add_delta_count];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra $L_add_delta_done;
                ld.global.u32 %r8, [vyre_delta];
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                ld.global.u32 %r6, [%rd4];
                add.s32 %r7, %r6, %r8;
                st.global.u32 [%rd4], %r7;
            $L_add_delta_done:
                ret;
            }

            .visible .entry vyre_store_at(
                .param .u64 vyre_store_at_address,
                .param .u32 vyre_store_at_value
            )
            {
                .reg .b32 %r<2>;
                .reg .b64 %rd<2>;

                ld.param.u64 %rd1, [vyre_store_at_address];
                ld.param.u32 %r1, [vyre_store_at_value];
                st.global.u32 [%rd1], %r1;
                ret;
            }
            """;

    /** PTX with an instruction that does not exist: the JIT (and ptxas) must reject it. */
    static final String INVALID = """
            .version 8.0
            .target sm_80
            .address_size 64

            .visible .entry vyre_broken(
                .param .u64 vyre_broken_data
            )
            {
                .reg .b32 %r<2>;
                frobnicate.u32 %r1, %r1;
                ret;
            }
            """;

    private TestKernels() {
    }
}
