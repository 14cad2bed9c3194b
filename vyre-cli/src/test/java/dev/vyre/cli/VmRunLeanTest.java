package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `vyre vir0 run --backend cuda-interpreted` takes the lean interpreter exactly for programs it can run. */
class VmRunLeanTest {

    private static Program storing(Expr value) {
        return Program.of(Program.WorkgroupSize.of(32), List.of(BufferDecl.of("out", 0, BufferAccess.READ_WRITE,
                ScalarType.U32, 0, true)), List.of(new Node.Store("out", Expr.gid(0), value)));
    }

    @Test
    void onlyProgramsWithATranscendentalOperatorNeedTheFullInterpreter() {
        assertEquals(false, VmRun.usesTranscendentals(storing(Expr.add(Expr.gid(0), Expr.u32(1)))));
        assertEquals(false, VmRun.usesTranscendentals(storing(new Expr.Cast(ScalarType.U32,
                Expr.un(UnaryOp.SQRT, new Expr.Cast(ScalarType.F32, Expr.gid(0)))))), "sqrt is one instruction");
        for (UnaryOp op : List.of(UnaryOp.SIN, UnaryOp.COS, UnaryOp.EXP2, UnaryOp.LOG)) {
            assertEquals(true, VmRun.usesTranscendentals(storing(new Expr.Cast(ScalarType.U32,
                    Expr.un(op, new Expr.Cast(ScalarType.F32, Expr.gid(0)))))), op.toString());
        }
    }
}
