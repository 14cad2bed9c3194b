package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.check.ValidationException;
import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lowering: determinism, the codec round trip, and every refusal with its Fix. */
class VmLoweringTest {
    private static final BufferDecl OUT = BufferDecl.of("out", 0, BufferAccess.READ_WRITE, ScalarType.F32, 0, true);

    private static Program storing(Expr value) {
        return Program.of(Program.WorkgroupSize.of(1), List.of(OUT), List.of(new Node.Store("out", Expr.u32(0), value)));
    }

    @Test
    void loweringIsDeterministicAndImagesRoundTripThroughBytes() {
        Props.forAll("lower twice, decode bytes", 300, (i, rnd) -> {
            Program p = Rewrite.singleInvocation(RandomPrograms.generate(rnd));
            VmImage a = VmLowering.lower(p);
            VmImage b = VmLowering.lower(p);
            assertArrayEquals(a.words(), b.words());
            VmImage decoded = VmImage.decode(a.bytes());
            assertEquals(a, decoded);
            assertArrayEquals(a.bytes(), decoded.bytes());
        });
    }

    @Test
    void nodesTheVmDoesNotRunAreRefusedWithTheirPath() {
        BufferDecl args = BufferDecl.of("args", 1, BufferAccess.READ_WRITE, ScalarType.U32, 3, false);
        List<Node> refused = List.of(new Node.IndirectDispatch("args", 0), new Node.AsyncLoad(), new Node.AsyncWait());
        for (Node n : refused) {
            Program p = Program.of(Program.WorkgroupSize.of(1), List.of(OUT, args), List.of(new Node.Block(List.of(n))));
            VmLoweringException e = assertThrows(VmLoweringException.class, () -> VmLowering.lower(p));
            assertTrue(e.getMessage().contains("body[0].Block[0]") && e.getMessage().contains("Fix:"), e.getMessage());
        }
        Program opaque = Program.of(Program.WorkgroupSize.of(1), List.of(OUT),
                List.of(new Node.Opaque(7, Payload.of(new byte[0]))));
        assertThrows(Exception.class, () -> VmLowering.lower(opaque)); // the validator or the lowering refuses it
    }

    @Test
    void aBarrierInAWorkgroupOfMoreThan32IsRefused() {
        Program p = Program.of(Program.WorkgroupSize.of(64), List.of(OUT), List.of(new Node.Barrier()));
        VmLoweringException e = assertThrows(VmLoweringException.class, () -> VmLowering.lower(p));
        assertTrue(e.getMessage().contains("Fix: use a workgroup of at most 32 invocations"), e.getMessage());
        VmLowering.lower(Program.of(Program.WorkgroupSize.of(32), List.of(OUT), List.of(new Node.Barrier())));
    }

    @Test
    void tooManyLiveValuesAreRefused() {
        List<Node> body = new ArrayList<>();
        for (int i = 0; i < VmImageLayout.MAX_REGISTERS + 1; i++) {
            body.add(new Node.Let("v" + i, Expr.u32(i)));
        }
        Program p = Program.of(Program.WorkgroupSize.of(1), List.of(OUT), body);
        VmLoweringException e = assertThrows(VmLoweringException.class, () -> VmLowering.lower(p));
        assertTrue(e.getMessage().contains("128 registers"), e.getMessage());
    }

    @Test
    void invalidProgramsAreRefusedByTheValidatorFirst() {
        Program p = storing(Expr.bin(BinaryOp.ADD, Expr.u32(1), Expr.f32(1)));
        assertThrows(ValidationException.class, () -> VmLowering.lower(p));
    }

    @Test
    void scopesReuseRegisters() {
        List<Node> body = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            body.add(new Node.Block(List.of(new Node.Let("v" + i, Expr.f32(i)),
                    new Node.Store("out", Expr.u32(i), Expr.var("v" + i)))));
        }
        VmImage image = VmLowering.lower(Program.of(Program.WorkgroupSize.of(1), List.of(OUT), body));
        assertTrue(image.registers() <= 2, "registers: " + image.registers());
    }
}
