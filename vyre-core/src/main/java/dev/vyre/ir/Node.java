package dev.vyre.ir;

import java.util.List;
import java.util.Objects;

/** A VIR0 statement node. Tags follow VIR0.md. Child lists are immutable. */
public sealed interface Node {

    /** The VIR0 tag byte. */
    int tag();

    /** Declares a new variable in the enclosing block, typed by its initial value. */
    record Let(String name, Expr value) implements Node {
        public Let { Objects.requireNonNull(name, "name"); Objects.requireNonNull(value, "value"); }
        public int tag() { return 0x00; }
    }

    /** Assigns to a variable declared by an enclosing Let or For. */
    record Assign(String name, Expr value) implements Node {
        public Assign { Objects.requireNonNull(name, "name"); Objects.requireNonNull(value, "value"); }
        public int tag() { return 0x01; }
    }

    record Store(String buffer, Expr index, Expr value) implements Node {
        public Store {
            Objects.requireNonNull(buffer, "buffer"); Objects.requireNonNull(index, "index");
            Objects.requireNonNull(value, "value");
        }
        public int tag() { return 0x02; }
    }

    record If(Expr cond, List<Node> then, List<Node> otherwise) implements Node {
        public If { Objects.requireNonNull(cond, "cond"); then = List.copyOf(then); otherwise = List.copyOf(otherwise); }
        public int tag() { return 0x03; }
    }

    /** {@code for var in start..end} (end exclusive, u32), the body in a new scope. */
    record For(String var, Expr start, Expr end, List<Node> body) implements Node {
        public For {
            Objects.requireNonNull(var, "var"); Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end"); body = List.copyOf(body);
        }
        public int tag() { return 0x04; }
    }

    /** Repeats the body until a Return. */
    record Loop(List<Node> body) implements Node {
        public Loop { body = List.copyOf(body); }
        public int tag() { return 0x05; }
    }

    record Block(List<Node> body) implements Node {
        public Block { body = List.copyOf(body); }
        public int tag() { return 0x06; }
    }

    /** Workgroup barrier: every live invocation of the workgroup arrives before any leaves. */
    record Barrier() implements Node {
        public int tag() { return 0x07; }
    }

    /** Ends this invocation. */
    record Return() implements Node {
        public int tag() { return 0x08; }
    }

    /** Dispatches a follow-up grid whose size is read from {@code buffer[offset..offset+3]}. */
    record IndirectDispatch(String buffer, int offset) implements Node {
        public IndirectDispatch { Objects.requireNonNull(buffer, "buffer"); }
        public int tag() { return 0x09; }
    }

    record AsyncLoad() implements Node {
        public int tag() { return 0x0A; }
    }

    record AsyncWait() implements Node {
        public int tag() { return 0x0B; }
    }

    /** An extension node, preserved verbatim; not executable by this runtime. */
    record Opaque(int extensionId, Payload payload) implements Node {
        public Opaque { Objects.requireNonNull(payload, "payload"); }
        public int tag() { return 0x80; }
    }
}
