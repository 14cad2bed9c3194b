package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout.PathElement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layouts against the sizes and offsets of include/uapi/linux/io_uring.h. */
class UringAbiTest {

    private static long offset(String... path) {
        PathElement[] elements = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = PathElement.groupElement(path[i]);
        }
        return UringAbi.IO_URING_PARAMS.byteOffset(elements);
    }

    @Test
    void structSizesMatchTheKernelHeader() {
        assertEquals(40, UringAbi.IO_SQRING_OFFSETS.byteSize());
        assertEquals(40, UringAbi.IO_CQRING_OFFSETS.byteSize());
        assertEquals(120, UringAbi.IO_URING_PARAMS.byteSize());
    }

    @Test
    void paramsFieldOffsetsMatchTheKernelHeader() {
        // ten __u32 words (seven fields and resv[3]), then the two 40-byte offset structs
        assertEquals(0, offset("sq_entries"));
        assertEquals(4, offset("cq_entries"));
        assertEquals(8, offset("flags"));
        assertEquals(20, offset("features"));
        assertEquals(24, offset("wq_fd"));
        assertEquals(28, offset("resv"));
        assertEquals(40, offset("sq_off"));
        assertEquals(40 + 6 * 4, offset("sq_off", "array"));
        assertEquals(40 + 32, offset("sq_off", "user_addr"));
        assertEquals(80, offset("cq_off"));
        assertEquals(80 + 5 * 4, offset("cq_off", "cqes"));
        assertEquals(80 + 32, offset("cq_off", "user_addr"));
    }

    @Test
    void sqeFieldOffsetsMatchTheKernelHeader() {
        // struct io_uring_sqe: u8 opcode, u8 flags, u16 ioprio, s32 fd, u64 off, u64 addr, u32 len, u32 rw_flags,
        // u64 user_data, u16 buf_index, u16 personality, s32 file_index, u64 addr3, u64 __pad2[1]
        assertEquals(64, UringAbi.IO_URING_SQE.byteSize());
        assertEquals(0, UringAbi.SQE_OPCODE);
        assertEquals(1, UringAbi.SQE_FLAGS);
        assertEquals(2, UringAbi.SQE_IOPRIO);
        assertEquals(4, UringAbi.SQE_FD);
        assertEquals(8, UringAbi.SQE_OFF);
        assertEquals(16, UringAbi.SQE_ADDR);
        assertEquals(24, UringAbi.SQE_LEN);
        assertEquals(28, UringAbi.SQE_RW_FLAGS);
        assertEquals(32, UringAbi.SQE_USER_DATA);
        assertEquals(40, UringAbi.SQE_BUF_INDEX);
        assertEquals(42, UringAbi.SQE_PERSONALITY);
        assertEquals(44, UringAbi.SQE_FILE_INDEX);
        assertEquals(48, UringAbi.SQE_ADDR3);
        assertEquals(56, UringAbi.SQE_PAD2);
    }

    @Test
    void cqeIovecAndFilesUpdateMatchTheKernelHeader() {
        assertEquals(16, UringAbi.IO_URING_CQE.byteSize());
        assertEquals(0, UringAbi.CQE_USER_DATA);
        assertEquals(8, UringAbi.CQE_RES);
        assertEquals(12, UringAbi.CQE_FLAGS);
        assertEquals(16, UringAbi.IOVEC.byteSize());
        assertEquals(0, UringAbi.IOVEC_BASE);
        assertEquals(8, UringAbi.IOVEC_LEN);
        assertEquals(16, UringAbi.IO_URING_FILES_UPDATE.byteSize());
        assertEquals(0, UringAbi.FILES_UPDATE_OFFSET);
        assertEquals(8, UringAbi.FILES_UPDATE_FDS);
    }

    @Test
    void statxFieldOffsetsMatchTheKernelHeader() {
        assertEquals(256, UringAbi.STATX.byteSize());
        assertEquals(0, UringAbi.STATX_MASK);
        assertEquals(28, UringAbi.STATX_MODE);
        assertEquals(40, UringAbi.STATX_SIZE_OFFSET);
        assertEquals(152, UringAbi.STATX_DIO_MEM_ALIGN);
        assertEquals(156, UringAbi.STATX_DIO_OFFSET_ALIGN);
    }

    @Test
    void opcodesFlagsAndMmapOffsetsMatchTheKernelHeader() {
        assertEquals(22, UringAbi.IORING_OP_READ);
        assertEquals(4, UringAbi.IORING_OP_READ_FIXED);
        assertEquals(1, UringAbi.IOSQE_FIXED_FILE);
        assertEquals(0, UringAbi.IORING_REGISTER_BUFFERS);
        assertEquals(1, UringAbi.IORING_UNREGISTER_BUFFERS);
        assertEquals(2, UringAbi.IORING_REGISTER_FILES);
        assertEquals(3, UringAbi.IORING_UNREGISTER_FILES);
        assertEquals(6, UringAbi.IORING_REGISTER_FILES_UPDATE);
        assertEquals(0x8000000L, UringAbi.IORING_OFF_CQ_RING);
        assertEquals(0x10000000L, UringAbi.IORING_OFF_SQES);
        assertEquals(426, UringAbi.SYS_IO_URING_ENTER);
        assertEquals(427, UringAbi.SYS_IO_URING_REGISTER);
        assertEquals(List.of("CLAMP", "SUBMIT_ALL", "COOP_TASKRUN"), UringAbi.setupFlagNames(
                UringAbi.IORING_SETUP_CLAMP | UringAbi.IORING_SETUP_SUBMIT_ALL | UringAbi.IORING_SETUP_COOP_TASKRUN));
    }

    @Test
    void oDirectDiffersBetweenArchitectures() {
        assertEquals(040000, UringAbi.oDirect("amd64").orElseThrow());
        assertEquals(0200000, UringAbi.oDirect("aarch64").orElseThrow());
        assertTrue(UringAbi.oDirect("s390x").isEmpty());
    }

    @Test
    void syscallNumberKnownOnlyForX86AndArm64() {
        assertEquals(425, UringAbi.ioUringSetupNumber("amd64").orElseThrow());
        assertEquals(425, UringAbi.ioUringSetupNumber("aarch64").orElseThrow());
        assertTrue(UringAbi.ioUringSetupNumber("riscv64").isEmpty());
        assertTrue(UringAbi.ioUringSetupNumber("x86").isEmpty());
    }

    @Test
    void featureNamesListSetBitsLowestFirst() {
        assertEquals(List.of(), UringAbi.featureNames(0));
        assertEquals(List.of("SINGLE_MMAP", "FAST_POLL"), UringAbi.featureNames((1 << 0) | (1 << 5)));
        assertEquals(List.of("NO_IOWAIT", "bit18", "bit31"),
                UringAbi.featureNames((1 << 17) | (1 << 18) | (1 << 31)));
        assertEquals(32, UringAbi.featureNames(-1).size());
    }
}
