package dev.vyre.ir;

import java.util.List;
import java.util.Objects;

/**
 * A VIR0 expression. Expressions form a tree (each sub-expression has exactly one parent); the wire format
 * stores them in an arena after the node tree (see docs/VIR0-FORMAT.md). Tags follow VIR0.md.
 */
public sealed interface Expr {

    /** The VIR0 tag byte. */
    int tag();

    record LitU32(int value) implements Expr {
        public int tag() { return 0x00; }
    }

    record LitI32(int value) implements Expr {
        public int tag() { return 0x01; }
    }

    /** An f32 literal, held as its raw IEEE 754 bits so that every NaN payload round-trips. */
    record LitF32(int bits) implements Expr {
        public static LitF32 of(float value) { return new LitF32(Float.floatToRawIntBits(value)); }
        public float value() { return Float.intBitsToFloat(bits); }
        public int tag() { return 0x02; }
    }

    record LitBool(boolean value) implements Expr {
        public int tag() { return 0x03; }
    }

    record Var(String name) implements Expr {
        public Var { Objects.requireNonNull(name, "name"); }
        public int tag() { return 0x04; }
    }

    record Load(String buffer, Expr index) implements Expr {
        public Load { Objects.requireNonNull(buffer, "buffer"); Objects.requireNonNull(index, "index"); }
        public int tag() { return 0x05; }
    }

    /** Number of elements of a buffer, as u32. */
    record BufLen(String buffer) implements Expr {
        public BufLen { Objects.requireNonNull(buffer, "buffer"); }
        public int tag() { return 0x06; }
    }

    /** Global invocation id on an axis (0=x, 1=y, 2=z); u8 on the wire. */
    record InvocationId(int axis) implements Expr {
        public int tag() { return 0x07; }
    }

    record WorkgroupId(int axis) implements Expr {
        public int tag() { return 0x08; }
    }

    record LocalId(int axis) implements Expr {
        public int tag() { return 0x09; }
    }

    record BinOp(BinaryOp op, Expr left, Expr right) implements Expr {
        public BinOp {
            Objects.requireNonNull(op, "op"); Objects.requireNonNull(left, "left"); Objects.requireNonNull(right, "right");
        }
        public int tag() { return 0x0A; }
    }

    record UnOp(UnaryOp op, Expr operand) implements Expr {
        public UnOp { Objects.requireNonNull(op, "op"); Objects.requireNonNull(operand, "operand"); }
        public int tag() { return 0x0B; }
    }

    record Call(String opId, List<Expr> args) implements Expr {
        public Call { Objects.requireNonNull(opId, "opId"); args = List.copyOf(args); }
        public int tag() { return 0x0C; }
    }

    record Select(Expr cond, Expr ifTrue, Expr ifFalse) implements Expr {
        public Select {
            Objects.requireNonNull(cond, "cond"); Objects.requireNonNull(ifTrue, "ifTrue");
            Objects.requireNonNull(ifFalse, "ifFalse");
        }
        public int tag() { return 0x0D; }
    }

    record Cast(DataType type, Expr value) implements Expr {
        public Cast { Objects.requireNonNull(type, "type"); Objects.requireNonNull(value, "value"); }
        public int tag() { return 0x0E; }
    }

    /** Fused multiply-add {@code a * b + c}, rounded once. */
    record Fma(Expr a, Expr b, Expr c) implements Expr {
        public Fma { Objects.requireNonNull(a, "a"); Objects.requireNonNull(b, "b"); Objects.requireNonNull(c, "c"); }
        public int tag() { return 0x0F; }
    }

    /**
     * Atomic read-modify-write on {@code buffer[index]}; evaluates to the previous value.
     * {@code expected} is non-null exactly for the compare-exchange forms (has_expected on the wire).
     */
    record Atomic(AtomicOp op, String buffer, Expr index, Expr expected, Expr value) implements Expr {
        public Atomic {
            Objects.requireNonNull(op, "op"); Objects.requireNonNull(buffer, "buffer");
            Objects.requireNonNull(index, "index"); Objects.requireNonNull(value, "value");
        }
        public int tag() { return 0x10; }
    }

    /** An extension expression, preserved verbatim; not executable by this runtime. */
    record Opaque(int extensionId, Payload payload) implements Expr {
        public Opaque { Objects.requireNonNull(payload, "payload"); }
        public int tag() { return 0x80; }
    }

    // ---- convenience factories -------------------------------------------------------------------------------

    static Expr u32(int v) { return new LitU32(v); }
    static Expr i32(int v) { return new LitI32(v); }
    static Expr f32(float v) { return LitF32.of(v); }
    static Expr bool(boolean v) { return new LitBool(v); }
    static Expr var(String name) { return new Var(name); }
    static Expr load(String buffer, Expr index) { return new Load(buffer, index); }
    static Expr gid(int axis) { return new InvocationId(axis); }
    static Expr bin(BinaryOp op, Expr l, Expr r) { return new BinOp(op, l, r); }
    static Expr un(UnaryOp op, Expr e) { return new UnOp(op, e); }
    static Expr add(Expr l, Expr r) { return new BinOp(BinaryOp.ADD, l, r); }
    static Expr mul(Expr l, Expr r) { return new BinOp(BinaryOp.MUL, l, r); }
    static Expr lt(Expr l, Expr r) { return new BinOp(BinaryOp.LT, l, r); }
}
