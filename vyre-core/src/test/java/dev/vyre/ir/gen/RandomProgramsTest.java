package dev.vyre.ir.gen;

import dev.vyre.ir.check.Problem;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.ProgramPrinter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.testing.Props;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomProgramsTest {

    /** Everything a program contains, for coverage assertions. */
    private static final class Census {
        final Set<String> kinds = new HashSet<>();
        final Set<BinaryOp> binary = EnumSet.noneOf(BinaryOp.class);
        final Set<UnaryOp> unary = EnumSet.noneOf(UnaryOp.class);
        final Set<AtomicOp> atomic = EnumSet.noneOf(AtomicOp.class);
        final Set<BufferAccess> access = EnumSet.noneOf(BufferAccess.class);
        final Set<String> types = new HashSet<>();
        int maxNodes;

        void add(Program p) {
            for (BufferDecl b : p.buffers()) {
                access.add(b.access());
                type(b.elementType());
            }
            if (p.flags() != 0) {
                kinds.add("flags");
            }
            if (!p.metadata().isEmpty()) {
                kinds.add("metadata");
            }
            if (!p.extensions().isEmpty()) {
                kinds.add("extension");
            }
            if (p.entryOp() != null) {
                kinds.add("entryOp");
            }
            maxNodes = Math.max(maxNodes, nodes(p.body()));
        }

        private void type(DataType t) {
            types.add(t instanceof ScalarType s ? s.name() : t.getClass().getSimpleName());
            if (t instanceof DataType.ArrayType a) {
                type(a.element());
            }
        }

        private int nodes(List<Node> list) {
            int n = list.size();
            for (Node node : list) {
                kinds.add("Node." + node.getClass().getSimpleName());
                switch (node) {
                    case Node.Let l -> expr(l.value());
                    case Node.Assign a -> expr(a.value());
                    case Node.Store s -> { expr(s.index()); expr(s.value()); }
                    case Node.If i -> { expr(i.cond()); n += nodes(i.then()) + nodes(i.otherwise()); }
                    case Node.For f -> { expr(f.start()); expr(f.end()); n += nodes(f.body()); }
                    case Node.Loop l -> n += nodes(l.body());
                    case Node.Block b -> n += nodes(b.body());
                    default -> { }
                }
            }
            return n;
        }

        private void expr(Expr e) {
            kinds.add("Expr." + e.getClass().getSimpleName());
            switch (e) {
                case Expr.LitF32 f when Float.isNaN(f.value()) && f.bits() != 0x7FC00000 -> kinds.add("NaN payload");
                case Expr.Load l -> expr(l.index());
                case Expr.BinOp b -> { binary.add(b.op()); expr(b.left()); expr(b.right()); }
                case Expr.UnOp u -> { unary.add(u.op()); expr(u.operand()); }
                case Expr.Call c -> c.args().forEach(this::expr);
                case Expr.Select s -> { expr(s.cond()); expr(s.ifTrue()); expr(s.ifFalse()); }
                case Expr.Cast c -> { type(c.type()); expr(c.value()); }
                case Expr.Fma f -> { expr(f.a()); expr(f.b()); expr(f.c()); }
                case Expr.Atomic a -> {
                    atomic.add(a.op());
                    expr(a.index());
                    if (a.expected() != null) {
                        expr(a.expected());
                    }
                    expr(a.value());
                }
                default -> { }
            }
        }
    }

    @Test
    void generatedProgramsAreValidPerTheSemantics() {
        Props.forAll("generate() is valid", 3_000, (i, rnd) -> {
            Program p = RandomPrograms.generate(rnd);
            List<Problem> problems = Validator.check(p);
            assertTrue(problems.isEmpty(), () -> problems + "\n" + ProgramPrinter.print(p));
        });
    }

    @Test
    void generateCoversTheExecutableLanguage() {
        Census c = new Census();
        Props.forAll("census", 3_000, (i, rnd) -> c.add(RandomPrograms.generate(rnd)));
        for (String kind : List.of("Node.Let", "Node.Assign", "Node.Store", "Node.If", "Node.For", "Node.Block",
                "Node.Barrier", "Node.Return", "Expr.LitU32", "Expr.LitI32", "Expr.LitF32", "Expr.LitBool",
                "Expr.Var", "Expr.Load", "Expr.BufLen", "Expr.InvocationId", "Expr.WorkgroupId", "Expr.LocalId",
                "Expr.BinOp", "Expr.UnOp", "Expr.Select", "Expr.Cast", "Expr.Fma", "Expr.Atomic")) {
            assertTrue(c.kinds.contains(kind), kind);
        }
        assertEquals(EnumSet.allOf(BinaryOp.class), c.binary);
        assertEquals(EnumSet.allOf(UnaryOp.class), c.unary);
        assertEquals(EnumSet.allOf(AtomicOp.class), c.atomic);
        assertEquals(EnumSet.allOf(BufferAccess.class), c.access);
        assertEquals(Set.of("U32", "I32", "F32", "BOOL", "BYTES"), c.types);
        assertTrue(c.maxNodes <= ValidProgramGenerator.MAX_NODES, "bounded size: " + c.maxNodes);
    }

    @Test
    void generateAnyShapeCoversEveryStructuralFeature() {
        Census c = new Census();
        Props.forAll("census", 3_000, (i, rnd) -> c.add(RandomPrograms.generateAnyShape(rnd)));
        for (Class<?> k : Node.class.getPermittedSubclasses()) {
            assertTrue(c.kinds.contains("Node." + k.getSimpleName()), k::getName);
        }
        for (Class<?> k : Expr.class.getPermittedSubclasses()) {
            assertTrue(c.kinds.contains("Expr." + k.getSimpleName()), k::getName);
        }
        for (String kind : List.of("flags", "metadata", "extension", "entryOp", "NaN payload")) {
            assertTrue(c.kinds.contains(kind), kind);
        }
        assertEquals(EnumSet.allOf(BinaryOp.class), c.binary);
        assertEquals(EnumSet.allOf(UnaryOp.class), c.unary);
        assertEquals(EnumSet.allOf(AtomicOp.class), c.atomic);
        for (ScalarType t : ScalarType.values()) {
            assertTrue(c.types.contains(t.name()), t::name);
        }
        assertTrue(c.types.contains("ArrayType") && c.types.contains("OpaqueType"), c.types::toString);
    }
}
