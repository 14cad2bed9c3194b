package dev.vyre.cuda.ptx;

import dev.vyre.ir.ScalarType;

/**
 * A lowered runtime value: the register holding it and its VIR0 type. U32, I32 and F32 live in {@code .b32}
 * registers (F32 as its IEEE bits), Bool in a {@code .pred} register.
 *
 * @param reg  the register name, e.g. {@code %r12} or {@code %p3}
 * @param type U32, I32, F32 or BOOL
 */
record Value(String reg, ScalarType type) {
    boolean isBool() {
        return type == ScalarType.BOOL;
    }
}
