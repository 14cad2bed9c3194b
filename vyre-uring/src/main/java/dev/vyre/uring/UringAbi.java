package dev.vyre.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The Linux kernel ABI that vyre touches: the io_uring syscalls, structures and constants of
 * {@code include/uapi/linux/io_uring.h} ({@code io_uring_params}, the SQE, the CQE, {@code iovec},
 * {@code io_uring_files_update}), and the few libc/kernel constants the reader needs ({@code mmap} protections,
 * {@code open} flags, {@code struct statx}). Every offset comes from the layouts defined here, never from literal
 * numbers elsewhere. Values are those of x86-64 and aarch64 (asm-generic), the two architectures vyre knows.
 */
public final class UringAbi {
    private UringAbi() {
    }

    /** {@code __NR_io_uring_setup}: the same number on x86-64 and on aarch64 (asm-generic). */
    public static final long SYS_IO_URING_SETUP = 425;

    /** {@code __NR_io_uring_enter} (x86-64 and aarch64). */
    public static final long SYS_IO_URING_ENTER = 426;

    /** {@code __NR_io_uring_register} (x86-64 and aarch64). */
    public static final long SYS_IO_URING_REGISTER = 427;

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
    /** {@code IORING_FEAT_RW_CUR_POS}: new in 5.6, the release that added {@code IORING_OP_READ}. */
    public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;

    // ---- io_uring_params field offsets --------------------------------------------------------------------------

    private static long paramsOffset(String... path) {
        PathElement[] elements = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = PathElement.groupElement(path[i]);
        }
        return IO_URING_PARAMS.byteOffset(elements);
    }

    static final long PARAMS_SQ_ENTRIES = paramsOffset("sq_entries");
    static final long PARAMS_CQ_ENTRIES = paramsOffset("cq_entries");
    static final long PARAMS_FLAGS = paramsOffset("flags");
    static final long PARAMS_SQ_HEAD = paramsOffset("sq_off", "head");
    static final long PARAMS_SQ_TAIL = paramsOffset("sq_off", "tail");
    static final long PARAMS_SQ_RING_MASK = paramsOffset("sq_off", "ring_mask");
    static final long PARAMS_SQ_RING_ENTRIES = paramsOffset("sq_off", "ring_entries");
    static final long PARAMS_SQ_ARRAY = paramsOffset("sq_off", "array");
    static final long PARAMS_CQ_HEAD = paramsOffset("cq_off", "head");
    static final long PARAMS_CQ_TAIL = paramsOffset("cq_off", "tail");
    static final long PARAMS_CQ_RING_MASK = paramsOffset("cq_off", "ring_mask");
    static final long PARAMS_CQ_RING_ENTRIES = paramsOffset("cq_off", "ring_entries");
    static final long PARAMS_CQ_CQES = paramsOffset("cq_off", "cqes");

    // ---- io_uring_setup flags -----------------------------------------------------------------------------------

    /** {@code IORING_SETUP_CLAMP}: clamp too-large ring sizes instead of failing (5.6). */
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    /** {@code IORING_SETUP_SUBMIT_ALL}: keep submitting the batch when one SQE fails at submission (5.18). */
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    /** {@code IORING_SETUP_COOP_TASKRUN}: run completion task work at the next kernel entry, no IPI (5.19). */
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;

    /** Names of the {@code IORING_SETUP_*} bits, index = bit number (without the prefix). */
    private static final List<String> SETUP_FLAG_NAMES = List.of(
            "IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ", "R_DISABLED", "SUBMIT_ALL",
            "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER", "DEFER_TASKRUN", "NO_MMAP",
            "REGISTERED_FD_ONLY", "NO_SQARRAY");

    // ---- mmap offsets of the rings ------------------------------------------------------------------------------

    /** {@code IORING_OFF_SQ_RING}: mmap offset of the submission ring (and, with SINGLE_MMAP, the CQ ring). */
    public static final long IORING_OFF_SQ_RING = 0L;
    /** {@code IORING_OFF_CQ_RING}: mmap offset of the completion ring on kernels without SINGLE_MMAP. */
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    /** {@code IORING_OFF_SQES}: mmap offset of the SQE array. */
    public static final long IORING_OFF_SQES = 0x10000000L;

    // ---- io_uring_enter flags -----------------------------------------------------------------------------------

    /** {@code IORING_ENTER_GETEVENTS}: wait for {@code min_complete} completions. */
    public static final int IORING_ENTER_GETEVENTS = 1;

    // ---- opcodes and SQE flags ----------------------------------------------------------------------------------

    /** {@code IORING_OP_READ_FIXED}: read into a registered buffer ({@code buf_index}). */
    public static final byte IORING_OP_READ_FIXED = 4;
    /** {@code IORING_OP_READ}: read into any user buffer (5.6). */
    public static final byte IORING_OP_READ = 22;

    /** {@code IOSQE_FIXED_FILE}: {@code fd} is an index into the registered file table. */
    public static final byte IOSQE_FIXED_FILE = 1;

    // ---- io_uring_register opcodes ------------------------------------------------------------------------------

    /** {@code IORING_REGISTER_BUFFERS}: arg is an {@code iovec[nr_args]}. */
    public static final int IORING_REGISTER_BUFFERS = 0;
    /** {@code IORING_UNREGISTER_BUFFERS}. */
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    /** {@code IORING_REGISTER_FILES}: arg is an {@code int[nr_args]}; -1 leaves a slot empty (5.5). */
    public static final int IORING_REGISTER_FILES = 2;
    /** {@code IORING_UNREGISTER_FILES}. */
    public static final int IORING_UNREGISTER_FILES = 3;
    /** {@code IORING_REGISTER_FILES_UPDATE}: arg is a {@code struct io_uring_files_update} (5.5). */
    public static final int IORING_REGISTER_FILES_UPDATE = 6;

    // ---- SQE, CQE, iovec, io_uring_files_update -----------------------------------------------------------------

    /**
     * {@code struct io_uring_sqe}: 64 bytes. Unions are named by the member vyre uses: {@code off} (addr2),
     * {@code addr} (splice_off_in), {@code rw_flags}, {@code buf_index} (buf_group), {@code file_index}
     * (splice_fd_in), {@code addr3}.
     */
    public static final StructLayout IO_URING_SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("rw_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("file_index"),
            JAVA_LONG.withName("addr3"),
            JAVA_LONG.withName("pad2")).withName("io_uring_sqe");

    static final long SQE_OPCODE = IO_URING_SQE.byteOffset(PathElement.groupElement("opcode"));
    static final long SQE_FLAGS = IO_URING_SQE.byteOffset(PathElement.groupElement("flags"));
    static final long SQE_IOPRIO = IO_URING_SQE.byteOffset(PathElement.groupElement("ioprio"));
    static final long SQE_FD = IO_URING_SQE.byteOffset(PathElement.groupElement("fd"));
    static final long SQE_OFF = IO_URING_SQE.byteOffset(PathElement.groupElement("off"));
    static final long SQE_ADDR = IO_URING_SQE.byteOffset(PathElement.groupElement("addr"));
    static final long SQE_LEN = IO_URING_SQE.byteOffset(PathElement.groupElement("len"));
    static final long SQE_RW_FLAGS = IO_URING_SQE.byteOffset(PathElement.groupElement("rw_flags"));
    static final long SQE_USER_DATA = IO_URING_SQE.byteOffset(PathElement.groupElement("user_data"));
    static final long SQE_BUF_INDEX = IO_URING_SQE.byteOffset(PathElement.groupElement("buf_index"));
    static final long SQE_PERSONALITY = IO_URING_SQE.byteOffset(PathElement.groupElement("personality"));
    static final long SQE_FILE_INDEX = IO_URING_SQE.byteOffset(PathElement.groupElement("file_index"));
    static final long SQE_ADDR3 = IO_URING_SQE.byteOffset(PathElement.groupElement("addr3"));
    static final long SQE_PAD2 = IO_URING_SQE.byteOffset(PathElement.groupElement("pad2"));

    /** {@code struct io_uring_cqe}: 16 bytes (rings without IORING_SETUP_CQE32). */
    public static final StructLayout IO_URING_CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags")).withName("io_uring_cqe");

    static final long CQE_USER_DATA = IO_URING_CQE.byteOffset(PathElement.groupElement("user_data"));
    static final long CQE_RES = IO_URING_CQE.byteOffset(PathElement.groupElement("res"));
    static final long CQE_FLAGS = IO_URING_CQE.byteOffset(PathElement.groupElement("flags"));

    /** {@code struct iovec}: base address and length, 16 bytes. */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    static final long IOVEC_BASE = IOVEC.byteOffset(PathElement.groupElement("iov_base"));
    static final long IOVEC_LEN = IOVEC.byteOffset(PathElement.groupElement("iov_len"));

    /** {@code struct io_uring_files_update}: first slot, reserved word, pointer to {@code int fds[]}. */
    public static final StructLayout IO_URING_FILES_UPDATE = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"),
            JAVA_INT.withName("resv"),
            JAVA_LONG.withName("fds")).withName("io_uring_files_update");

    static final long FILES_UPDATE_OFFSET = IO_URING_FILES_UPDATE.byteOffset(PathElement.groupElement("offset"));
    static final long FILES_UPDATE_FDS = IO_URING_FILES_UPDATE.byteOffset(PathElement.groupElement("fds"));

    // ---- mmap, open, statx (libc / kernel) ----------------------------------------------------------------------

    /** {@code PROT_READ | PROT_WRITE}. */
    static final int PROT_READ_WRITE = 0x1 | 0x2;
    /** {@code MAP_SHARED}. */
    static final int MAP_SHARED = 0x01;
    /** {@code MAP_POPULATE}: fault the ring pages in at mmap time. */
    static final int MAP_POPULATE = 0x8000;

    /** {@code O_RDONLY}. */
    static final int O_RDONLY = 0;
    /** {@code O_CLOEXEC} (the same on x86-64 and aarch64). */
    static final int O_CLOEXEC = 0x80000;
    /** {@code O_DIRECT} on x86-64 (octal 040000). */
    static final int O_DIRECT_X86_64 = 0x4000;
    /** {@code O_DIRECT} on aarch64 (octal 0200000; 040000 is O_DIRECTORY there). */
    static final int O_DIRECT_AARCH64 = 0x10000;

    /**
     * {@code O_DIRECT} for a Java {@code os.arch} value, or empty where vyre does not know it (the flag differs
     * between architectures).
     */
    public static OptionalInt oDirect(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> OptionalInt.of(O_DIRECT_X86_64);
            case "aarch64", "arm64" -> OptionalInt.of(O_DIRECT_AARCH64);
            default -> OptionalInt.empty();
        };
    }

    /** {@code AT_EMPTY_PATH}: statx on the descriptor itself. */
    static final int AT_EMPTY_PATH = 0x1000;
    /** {@code STATX_TYPE}. */
    static final int STATX_TYPE = 0x1;
    /** {@code STATX_SIZE}. */
    static final int STATX_SIZE = 0x200;
    /** {@code STATX_DIOALIGN}: direct I/O alignment (6.1). */
    static final int STATX_DIOALIGN = 0x2000;
    /** {@code S_IFMT}, {@code S_IFREG}, {@code S_IFDIR}: the file type bits of {@code stx_mode}. */
    static final int S_IFMT = 0xF000;
    static final int S_IFREG = 0x8000;
    static final int S_IFDIR = 0x4000;

    /** {@code struct statx_timestamp}: 16 bytes. */
    private static final StructLayout STATX_TIMESTAMP = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_INT.withName("tv_nsec"),
            JAVA_INT.withName("reserved")).withName("statx_timestamp");

    /** {@code struct statx}: 256 bytes, the same on every architecture. */
    public static final StructLayout STATX = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"),
            JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"),
            JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"),
            JAVA_SHORT.withName("spare0"),
            JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"),
            JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            STATX_TIMESTAMP.withName("stx_atime"),
            STATX_TIMESTAMP.withName("stx_btime"),
            STATX_TIMESTAMP.withName("stx_ctime"),
            STATX_TIMESTAMP.withName("stx_mtime"),
            JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"),
            JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"),
            MemoryLayout.paddingLayout(96).withName("spare3")).withName("statx");

    static final long STATX_MASK = STATX.byteOffset(PathElement.groupElement("stx_mask"));
    static final long STATX_MODE = STATX.byteOffset(PathElement.groupElement("stx_mode"));
    static final long STATX_SIZE_OFFSET = STATX.byteOffset(PathElement.groupElement("stx_size"));
    static final long STATX_DIO_MEM_ALIGN = STATX.byteOffset(PathElement.groupElement("stx_dio_mem_align"));
    static final long STATX_DIO_OFFSET_ALIGN = STATX.byteOffset(PathElement.groupElement("stx_dio_offset_align"));

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
     * The {@code IORING_SETUP_*} names of the set bits, lowest first, without the prefix; unknown bits appear as
     * {@code bit<N>}.
     */
    public static List<String> setupFlagNames(int flags) {
        return bitNames(flags, SETUP_FLAG_NAMES);
    }

    /**
     * The {@code IORING_FEAT_*} names of the set bits, lowest first, without the prefix; bits this table does not
     * know appear as {@code bit<N>}.
     */
    public static List<String> featureNames(int features) {
        return bitNames(features, FEATURE_NAMES);
    }

    private static List<String> bitNames(int bits, List<String> table) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < Integer.SIZE; bit++) {
            if ((bits & (1 << bit)) != 0) {
                names.add(bit < table.size() ? table.get(bit) : "bit" + bit);
            }
        }
        return names;
    }
}
