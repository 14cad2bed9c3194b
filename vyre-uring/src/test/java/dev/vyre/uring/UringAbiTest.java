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
