package dev.vyre.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.ValueLayout;

/** The C types of the CUDA driver API on 64-bit Linux, as FFM layouts. */
final class CTypes {
    /** {@code int}, {@code unsigned int}, {@code CUresult}, {@code CUdevice} and the API's enums. */
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    /** {@code size_t}, {@code CUdeviceptr}, {@code unsigned long long}. */
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    /** {@code float}. */
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    /** Any pointer or opaque handle. */
    static final AddressLayout PTR = ValueLayout.ADDRESS;

    private CTypes() {
    }
}
