package dev.vyre.ir.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The system-memory extension ({@link SystemMemory}): accepted only in a program that declares it, refused with a
 * fix elsewhere or when malformed, carried verbatim by the codec, run by the reference interpreter.
 */
class SystemMemoryTest {
    private static final BufferDecl HOST = BufferDecl.of("host", 0, BufferAccess.READ_WRITE, ScalarType.U32, 0, true);
    private static final BufferDecl SCRATCH = BufferDecl.of("scratch", 1, BufferAccess.WORKGROUP, ScalarType.U32, 4,
            false);
    private static final List<Node> BODY = List.of(
            new Node.Let("ns", new Expr.LitU32(100)),
            SystemMemory.sleep("ns"),
            new Node.Store("host", new Expr.LitU32(0), new Expr.LitU32(7)),
            SystemMemory.fence(SystemMemory.Ordering.ACQ_REL),
            new Node.Store("host", new Expr.LitU32(1), new Expr.Var("ns")),
            SystemMemory.fence(SystemMemory.Ordering.SC));

    private static Program program(List<MetadataExtension> extensions, List<Node> body) {
        return new Program(0, null, Program.WorkgroupSize.of(1), List.of(HOST, SCRATCH), new TreeMap<>(), extensions,
                body);
    }

    private static Program declared(List<Node> body) {
        return program(List.of(SystemMemory.declare(List.of("host"))), body);
    }

    private static String problems(Program p) {
        return Validator.check(p).toString();
    }

    @Test
    void aDeclaredProgramIsValidAndRoundTrips() {
        Program p = declared(BODY);
        assertEquals(List.of(), Validator.check(p));
        assertEquals(Optional.of(List.of("host")), SystemMemory.mappedBuffers(p));
        byte[] bytes = Vir0Encoder.encode(p);
        assertEquals(p, Vir0Decoder.decode(bytes));
        assertArrayEquals(bytes, Vir0Encoder.encode(Vir0Decoder.decode(bytes)));
    }

    @Test
    void modesRoundTripAndReachTheInterpreter() {
        List<SystemMemory.Mapped> modes = List.of(new SystemMemory.Mapped("host", SystemMemory.ACQUIRE
                | SystemMemory.RELEASE));
        Program p = program(List.of(SystemMemory.declareModes(modes)), BODY);
        assertEquals(List.of(), Validator.check(p));
        assertEquals(Optional.of(modes), SystemMemory.modes(p));
        assertEquals(Optional.of(List.of("host")), SystemMemory.mappedBuffers(p));
        assertEquals(List.of(SystemMemory.Mapped.relaxed("host")), SystemMemory.modes(
                SystemMemory.declare(List.of("host"))));
        assertEquals(p, Vir0Decoder.decode(Vir0Encoder.encode(p)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(8, 4);
            new ReferenceInterpreter().run(p, Dispatch.of(1), Map.of("host", host));
            assertEquals(7, host.getAtIndex(ValueLayout.JAVA_INT, 0));
            assertEquals(100, host.getAtIndex(ValueLayout.JAVA_INT, 1));
        }
        assertThrows(SystemMemory.MalformedException.class, () -> new SystemMemory.Mapped("host", 8));
        String badMode = problems(program(List.of(new MetadataExtension(SystemMemory.METADATA_DISCRIMINANT,
                Payload.of((byte) 2, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 0, (byte) 0,
                        (byte) 'h', (byte) 9))), List.of()));
        assertTrue(badMode.contains("has bits other than ACQUIRE (1), RELEASE (2) and DEVICE (4)"), badMode);
        String noMode = problems(program(List.of(new MetadataExtension(SystemMemory.METADATA_DISCRIMINANT,
                Payload.of((byte) 2, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 0, (byte) 0,
                        (byte) 'h'))), List.of()));
        assertTrue(noMode.contains("lacks the mode byte"), noMode);
        String badVersion = problems(program(List.of(new MetadataExtension(SystemMemory.METADATA_DISCRIMINANT,
                Payload.of((byte) 3, (byte) 0, (byte) 0, (byte) 0, (byte) 0))), List.of()));
        assertTrue(badVersion.contains("does not start with version 1 or 2"), badVersion);
    }

    @Test
    void theNodesAreRefusedWhereTheProfileIsNotDeclared() {
        List<Problem> found = Validator.check(program(List.of(), BODY));
        assertEquals(3, found.size(), found::toString);
        for (Problem problem : found) {
            assertTrue(problem.message().contains("does not declare the system-memory profile"), problem::toString);
            assertTrue(problem.fix().contains("SystemMemory.declare"), problem::toString);
        }
    }

    @Test
    void otherOpaqueNodesStayRefusedInADeclaredProgram() {
        Program p = declared(List.of(new Node.Opaque(0x1234, Payload.of((byte) 1))));
        assertTrue(problems(p).contains("Opaque node of extension 0x1234 cannot run"), problems(p));
    }

    @Test
    void badDeclarationsAreReported() {
        String undeclared = problems(program(List.of(SystemMemory.declare(List.of("nope"))), List.of()));
        assertTrue(undeclared.contains("maps undeclared buffer 'nope'"), undeclared);
        String workgroup = problems(program(List.of(SystemMemory.declare(List.of("scratch"))), List.of()));
        assertTrue(workgroup.contains("maps Workgroup buffer 'scratch'"), workgroup);
        String twice = problems(program(List.of(SystemMemory.declare(List.of("host", "host"))), List.of()));
        assertTrue(twice.contains("maps buffer 'host' twice"), twice);
        String repeated = problems(program(List.of(SystemMemory.declare(List.of("host")),
                SystemMemory.declare(List.of("host"))), List.of()));
        assertTrue(repeated.contains("appears twice"), repeated);
        String truncated = problems(program(List.of(new MetadataExtension(SystemMemory.METADATA_DISCRIMINANT,
                Payload.of((byte) 1, (byte) 9, (byte) 0, (byte) 0, (byte) 0))), List.of()));
        assertTrue(truncated.contains("announces 9 buffer names"), truncated);
    }

    @Test
    void badNodesAreReported() {
        String badOrdering = problems(declared(List.of(new Node.Opaque(SystemMemory.FENCE, Payload.of((byte) 5)))));
        assertTrue(badOrdering.contains("is not one ordering byte"), badOrdering);
        String undeclared = problems(declared(List.of(SystemMemory.sleep("missing"))));
        assertTrue(undeclared.contains("undeclared variable 'missing'"), undeclared);
        String typed = problems(declared(List.of(new Node.Let("f", Expr.f32(1f)), SystemMemory.sleep("f"))));
        assertTrue(typed.contains("sleep of variable 'f' of type F32"), typed);
        MetadataExtension notOurs = new MetadataExtension(0x81, Payload.EMPTY);
        assertThrows(SystemMemory.MalformedException.class, () -> SystemMemory.mappedBuffers(notOurs));
    }

    @Test
    void theInterpreterRefusesTheNodesWhereTheProfileIsNotDeclared() {
        for (Node node : List.of(SystemMemory.fence(SystemMemory.Ordering.SC), SystemMemory.sleep("ns"))) {
            Program p = program(List.of(), List.of(new Node.Let("ns", new Expr.LitU32(1)), node));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(8);
                dev.vyre.ir.interp.InterpreterException e = assertThrows(dev.vyre.ir.interp.InterpreterException.class,
                        () -> new ReferenceInterpreter().run(p, Dispatch.of(1), Map.of("host", host)));
                assertTrue(e.getMessage().contains("does not declare the system-memory profile")
                        && e.getMessage().contains("Fix:"), e.getMessage());
            }
        }
    }

    @Test
    void theInterpreterRunsFencesAndSleeps() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(8, 4);
            new ReferenceInterpreter().run(declared(BODY), Dispatch.of(1), Map.of("host", host));
            assertEquals(7, host.getAtIndex(ValueLayout.JAVA_INT, 0));
            assertEquals(100, host.getAtIndex(ValueLayout.JAVA_INT, 1));
        }
    }

    @Test
    void randomPayloadsAreCheckedNeverCrashAndRoundTripVerbatim() {
        Props.forAll("system-memory payloads", 300, (i, rnd) -> {
            List<MetadataExtension> extensions = new ArrayList<>();
            if (rnd.nextBoolean()) {
                extensions.add(switch (rnd.nextInt(3)) {
                    case 0 -> SystemMemory.declare(randomNames(rnd));
                    case 1 -> SystemMemory.declareModes(randomNames(rnd).stream()
                            .map(n -> new SystemMemory.Mapped(n, rnd.nextInt(4))).toList());
                    default -> new MetadataExtension(SystemMemory.METADATA_DISCRIMINANT, randomBytes(rnd));
                });
            }
            List<Node> body = new ArrayList<>(List.of(new Node.Let("ns", new Expr.LitU32(rnd.nextInt()))));
            for (int k = rnd.nextInt(4); k > 0; k--) {
                int id = rnd.nextBoolean() ? SystemMemory.FENCE : SystemMemory.SLEEP;
                body.add(switch (rnd.nextInt(3)) {
                    case 0 -> SystemMemory.fence(SystemMemory.Ordering.values()[rnd.nextInt(2)]);
                    case 1 -> SystemMemory.sleep(rnd.nextBoolean() ? "ns" : "other");
                    default -> new Node.Opaque(id, randomBytes(rnd));
                });
            }
            Program p = program(extensions, body);
            List<Problem> found = Validator.check(p);
            boolean declaredWell = !extensions.isEmpty() && isWellFormed(extensions.getFirst());
            boolean nodesWell = body.stream().skip(1).allMatch(n -> isWellFormed((Node.Opaque) n));
            if (declaredWell && nodesWell && SystemMemory.mappedBuffers(p).orElseThrow().stream()
                    .allMatch(n -> n.equals("host")) && SystemMemory.mappedBuffers(p).orElseThrow().size() <= 1) {
                assertEquals(List.of(), found);
            }
            if (extensions.isEmpty() && body.size() > 1) {
                assertFalse(found.isEmpty(), "system-memory nodes in an undeclared program");
            }
            byte[] bytes = Vir0Encoder.encode(p);
            assertEquals(p, Vir0Decoder.decode(bytes));
        });
    }

    private static boolean isWellFormed(MetadataExtension e) {
        try {
            SystemMemory.mappedBuffers(e);
            return true;
        } catch (SystemMemory.MalformedException x) {
            return false;
        }
    }

    private static boolean isWellFormed(Node.Opaque n) {
        try {
            return !(SystemMemory.parse(n) instanceof SystemMemory.Op.Sleep s) || s.variable().equals("ns");
        } catch (SystemMemory.MalformedException x) {
            return false;
        }
    }

    private static List<String> randomNames(SplittableRandom rnd) {
        List<String> names = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
            names.add(rnd.nextBoolean() ? "host" : rnd.nextBoolean() ? "scratch" : "x" + rnd.nextInt(5));
        }
        return names;
    }

    private static Payload randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(12)];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(3));
        }
        return Payload.wrap(b);
    }
}
