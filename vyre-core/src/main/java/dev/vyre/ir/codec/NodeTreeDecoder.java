package dev.vyre.ir.codec;

import static dev.vyre.ir.codec.Vir0Format.*; // tag and limit constants

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the node tree. The tree precedes the expression arena it points into, so each node is read into a
 * {@link Pending} that builds the {@link Node} once the arena is known; expression references are claimed in
 * program order, so a bad reference is reported at the byte that holds it.
 */
final class NodeTreeDecoder {
    /** A node whose expression references are not resolved yet. */
    @FunctionalInterface
    interface Pending {
        Node build(ExprArenaDecoder arena);
    }

    /** An expression reference: the arena index and the byte offset that holds it. */
    private record Ref(int index, int offset, String what) {
        Expr resolve(ExprArenaDecoder arena) {
            return arena.take(index, offset, what);
        }
    }

    private final Vir0Reader in;

    private NodeTreeDecoder(Vir0Reader in) {
        this.in = in;
    }

    /** Reads the top-level node list. */
    static List<Pending> read(Vir0Reader in) {
        return new NodeTreeDecoder(in).list(1, "top-level node count");
    }

    static List<Node> build(List<Pending> pending, ExprArenaDecoder arena) {
        List<Node> nodes = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            nodes.add(p.build(arena));
        }
        return nodes;
    }

    private List<Pending> list(int depth, String what) {
        int n = in.count(what, MIN_NODE_SIZE);
        List<Pending> nodes = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) {
            if (depth > MAX_DEPTH) {
                throw Vir0Reader.fail(in.pos(), "nodes nest deeper than " + MAX_DEPTH + " levels",
                        "flatten the program: at most " + MAX_DEPTH + " nested If/For/Loop/Block levels");
            }
            nodes.add(node(depth));
        }
        return nodes;
    }

    private Ref ref(String what) {
        int at = in.pos();
        return new Ref(in.u32(what, " reference"), at, what);
    }

    private Pending node(int depth) {
        int at = in.pos();
        int tag = in.u8("node tag");
        switch (tag) {
            case NODE_LET -> {
                String name = in.ident("Let variable name");
                Ref value = ref("Let value");
                return a -> new Node.Let(name, value.resolve(a));
            }
            case NODE_ASSIGN -> {
                String name = in.ident("Assign variable name");
                Ref value = ref("Assign value");
                return a -> new Node.Assign(name, value.resolve(a));
            }
            case NODE_STORE -> {
                String buffer = in.ident("Store buffer name");
                Ref index = ref("Store index");
                Ref value = ref("Store value");
                return a -> new Node.Store(buffer, index.resolve(a), value.resolve(a));
            }
            case NODE_IF -> {
                Ref cond = ref("If condition");
                List<Pending> then = list(depth + 1, "If then-branch node count");
                List<Pending> otherwise = list(depth + 1, "If else-branch node count");
                return a -> new Node.If(cond.resolve(a), build(then, a), build(otherwise, a));
            }
            case NODE_FOR -> {
                String var = in.ident("For variable name");
                Ref start = ref("For start");
                Ref end = ref("For end");
                List<Pending> body = list(depth + 1, "For body node count");
                return a -> new Node.For(var, start.resolve(a), end.resolve(a), build(body, a));
            }
            case NODE_LOOP -> {
                List<Pending> body = list(depth + 1, "Loop body node count");
                return a -> new Node.Loop(build(body, a));
            }
            case NODE_BLOCK -> {
                List<Pending> body = list(depth + 1, "Block body node count");
                return a -> new Node.Block(build(body, a));
            }
            case NODE_BARRIER -> {
                return a -> new Node.Barrier();
            }
            case NODE_RETURN -> {
                return a -> new Node.Return();
            }
            case NODE_INDIRECT_DISPATCH -> {
                String buffer = in.ident("IndirectDispatch buffer name");
                int offset = in.u32("IndirectDispatch offset");
                return a -> new Node.IndirectDispatch(buffer, offset);
            }
            case NODE_ASYNC_LOAD -> {
                return a -> new Node.AsyncLoad();
            }
            case NODE_ASYNC_WAIT -> {
                return a -> new Node.AsyncWait();
            }
            case NODE_OPAQUE -> {
                int extension = in.u32("Opaque node extension id");
                var payload = in.payload("Opaque node payload");
                return a -> new Node.Opaque(extension, payload);
            }
            default -> throw Vir0Reader.fail(at, "unknown node tag 0x" + TypeDecoder.hex(tag),
                    "use node tags 0x00..0x0B or 0x80 (Opaque) from VIR0.md");
        }
    }
}
