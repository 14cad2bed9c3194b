package dev.vyre.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The Linux io_uring kernel ABI that vyre touches: syscall numbers, the {@code io_uring_params} structure of
 * {@code include/uapi/linux/io_uring.h}, and the {@code IORING_FEAT_*} bits. Every offset comes from the layouts
 * defined here, never from literal numbers elsewhere.
 */
public final class UringAbi {
    private UringAbi() {
    }

    /** {@code __NR_io_uring_setup}: the same number on x86-64 and on aarch64 (asm-generic). */
    public static final long SYS_IO_URING_SETUP = 425;

    /** {@code struct io_sqring_offsets}: 40 bytes. */
    public static final StructLayout IO_SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("user_addr")).withName("io_sqring_offsets");

    /** {@code struct io_cqring_offsets}: 40 bytes. */
    public static final StructLayout IO_CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("overflow"),
            JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("user_addr")).withName("io_cqring_offsets");

    /** {@code struct io_uring_params}: 120 bytes, passed to and filled in by {@code io_uring_setup}. */
    public static final StructLayout IO_URING_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"),
            JAVA_INT.withName("cq_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"),
            JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            IO_SQRING_OFFSETS.withName("sq_off"),
            IO_CQRING_OFFSETS.withName("cq_off")).withName("io_uring_params");

    /** {@code io_uring_params.features} as an int; coordinates {@code (MemorySegment, long baseOffset)}. */
    public static final VarHandle PARAMS_FEATURES =
            IO_URING_PARAMS.varHandle(PathElement.groupElement("features"));

    /** Names of the {@code IORING_FEAT_*} bits, index = bit number (without the prefix). */
    private static final List<String> FEATURE_NAMES = List.of(
            "SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL",
            "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS", "CQE_SKIP",
            "LINKED_FILE", "REG_REG_RING", "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT");

    /** {@code IORING_FEAT_SINGLE_MMAP}: reported by every kernel since 5.4. */
    public static final int IORING_FEAT_SINGLE_MMAP = 1;

    /**
     * The io_uring_setup syscall number for a Java {@code os.arch} value, or empty where vyre does not know it.
     */
    public static OptionalLong ioUringSetupNumber(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "aarch64", "arm64" -> OptionalLong.of(SYS_IO_URING_SETUP);
            default -> OptionalLong.empty();
        };
    }

    /**
     * The {@code IORING_FEAT_*} names of the set bits, lowest first, without the prefix; bits this table does not
     * know appear as {@code bit<N>}.
     */
    public static List<String> featureNames(int features) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < Integer.SIZE; bit++) {
            if ((features & (1 << bit)) != 0) {
                names.add(bit < FEATURE_NAMES.size() ? FEATURE_NAMES.get(bit) : "bit" + bit);
            }
        }
        return names;
    }
}
