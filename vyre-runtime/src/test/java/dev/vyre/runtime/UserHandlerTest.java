package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static dev.vyre.runtime.Kernels.run;
import static dev.vyre.runtime.Kernels.runAs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.parity.StreamHandlers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** User handlers: registration rules, permission bits, execution through the interpreter, step budget. */
class UserHandlerTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;

    private static Program withBuffers(List<BufferDecl> buffers) {
        return Program.of(Program.WorkgroupSize.of(1), buffers, List.of());
    }

    private static BufferDecl u32(String name, int binding, int count) {
        return BufferDecl.of(name, binding, BufferAccess.READ_WRITE, ScalarType.U32, count, true);
    }

    @Test
    void countingHandlerComputesWritesBackAndTouchesControl() {
        Kernels.assumeInterpreter();
        MegakernelConfig c = Kernels.small().withHandler(StreamHandlers.COUNTING, StreamHandlers.counting());
        try (Megakernel k = Kernels.cpu(c)) {
            SlotOutcome o = run(k, StreamHandlers.COUNTING, 5, 7, OBS + 1, OBS + 2, 99);
            assertTrue(o.isDone(), o.toString());
            int expected = 5 * 31 + 7;
            assertArrayEquals(new int[] {expected, 7, OBS + 1, OBS + 2, 99, 0, 0, 0, 0, 0, 0, 0}, o.args());
            assertEquals(1, k.control().load(OBS + 1));
            assertEquals(expected, k.control().load(OBS + 2));
            run(k, StreamHandlers.COUNTING, 0, 0, OBS + 1, OBS + 3);
            assertEquals(2, k.control().load(OBS + 1));
        }
    }

    @Test
    void stepBudgetFaultsWithTheBudgetAndKeepsArguments() {
        Kernels.assumeInterpreter();
        MegakernelConfig c = Kernels.small().withHandler(StreamHandlers.SPINNING, StreamHandlers.spinning())
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting()).withHandlerStepBudget(777);
        try (Megakernel k = Kernels.cpu(c)) {
            List<Ticket> spinning = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                spinning.add(k.publish(StreamHandlers.SPINNING, 0, Priority.NORMAL, 1, 2, 3, 4));
                run(k, StreamHandlers.COUNTING, 1, 1, OBS, OBS + 1);
            }
            for (Ticket t : spinning) {
                SlotOutcome o = t.await(Kernels.WAIT);
                assertEquals(FaultCode.STEP_BUDGET, o.fault());
                assertEquals(777, o.faultDetail());
                assertArrayEquals(new int[] {FaultCode.STEP_BUDGET.wire(), 777, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0},
                        o.args());
            }
            assertEquals(20, k.control().load(OBS), "the counting slots kept completing");
        }
    }

    /**
     * A cooperative handler: lane l adds l + 1 to control[args[2]]; lanes below args[0] and from 32 - args[3] up spin
     * forever; when args[1] is 1 odd lanes reach a WaveReduce and even ones a Barrier (a divergence), else all the
     * Barrier; then lane 0 writes the live lanes' Ballot to ARG5.
     */
    private static Program warpHandler() {
        Expr lane = Expr.var("lane");
        BufferDecl args = u32(HandlerTable.ARGS, 0, 12);
        BufferDecl control = u32(HandlerTable.CONTROL, 1, 0);
        return Program.of(Program.WorkgroupSize.of(HandlerTable.COOPERATIVE_LANES), List.of(args, control), List.of(
                new Node.Let("lane", new Expr.LocalId(0)),
                new Node.Let("a0", Expr.load(HandlerTable.ARGS, Expr.u32(0))),
                new Node.Let("a1", Expr.load(HandlerTable.ARGS, Expr.u32(1))),
                new Node.Let("a3", Expr.load(HandlerTable.ARGS, Expr.u32(3))),
                new Node.Let("old", new Expr.Atomic(dev.vyre.ir.AtomicOp.ADD, HandlerTable.CONTROL,
                        Expr.load(HandlerTable.ARGS, Expr.u32(2)), null, Expr.add(lane, Expr.u32(1)))),
                new Node.If(Expr.bin(dev.vyre.ir.BinaryOp.OR, Expr.bin(dev.vyre.ir.BinaryOp.LT, lane, Expr.var("a0")),
                        Expr.bin(dev.vyre.ir.BinaryOp.GE, lane, Expr.bin(dev.vyre.ir.BinaryOp.SUB, Expr.u32(32),
                                Expr.var("a3")))), List.of(new Node.Loop(List.of())), List.of()),
                new Node.If(Expr.bin(dev.vyre.ir.BinaryOp.EQ, Expr.bin(dev.vyre.ir.BinaryOp.BIT_AND, lane,
                                Expr.var("a1")), Expr.u32(1)),
                        List.of(new Node.Let("x", Expr.bin(dev.vyre.ir.BinaryOp.WAVE_REDUCE, lane, Expr.u32(0)))),
                        List.of(new Node.Barrier())),
                new Node.Let("live", Expr.bin(dev.vyre.ir.BinaryOp.BALLOT, new Expr.LitBool(true), Expr.u32(-1))),
                new Node.If(Expr.bin(dev.vyre.ir.BinaryOp.EQ, lane, Expr.u32(0)), List.of(new Node.Store(
                        HandlerTable.ARGS, Expr.u32(5), Expr.var("live"))), List.of())));
    }

    @Test
    void aCooperativeHandlerRunsAsAWarpOfLanesAndFaultsWithItsLowestLane() {
        Kernels.assumeInterpreter();
        int op = 0x120;
        MegakernelConfig c = Kernels.small().withHandler(op, warpHandler()).withHandlerStepBudget(5000);
        try (Megakernel k = Kernels.cpu(c)) {
            SlotOutcome ok = run(k, op, 0, 0, OBS + 1, 0);
            assertTrue(ok.isDone(), ok.toString());
            assertArrayEquals(new int[] {0, 0, OBS + 1, 0, 0, -1, 0, 0, 0, 0, 0, 0}, ok.args());
            assertEquals(32 * 33 / 2, k.control().load(OBS + 1));
            SlotOutcome low = run(k, op, 3, 0, OBS + 2, 0);
            assertEquals(FaultCode.STEP_BUDGET, low.fault(), low.toString());
            assertEquals(5000, low.faultDetail());
            assertArrayEquals(new int[] {FaultCode.STEP_BUDGET.wire(), 5000, OBS + 2, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                    low.args(), "a faulting cooperative slot writes no arguments back");
            assertEquals(32 * 33 / 2, k.control().load(OBS + 2), "every lane made its effect before the cut-off");
            SlotOutcome diverged = run(k, op, 0, 1, OBS + 3, 0);
            assertEquals(FaultCode.HANDLER_FAULT, diverged.fault(), diverged.toString());
            assertEquals(0, diverged.faultDetail());
            SlotOutcome spinnersFirst = run(k, op, 2, 1, OBS + 3, 0);
            assertEquals(FaultCode.STEP_BUDGET, spinnersFirst.fault(), "lane 0 ran out of steps: " + spinnersFirst);
            SlotOutcome divergenceFirst = run(k, op, 0, 1, OBS + 3, 2);
            assertEquals(FaultCode.HANDLER_FAULT, divergenceFirst.fault(), "lane 0 diverged: " + divergenceFirst);
            SlotOutcome highSpinners = run(k, op, 0, 0, OBS + 4, 4);
            assertEquals(FaultCode.STEP_BUDGET, highSpinners.fault(), highSpinners.toString());
        }
    }

    @Test
    void handlerBitsFollowOpcodeOrder() {
        Kernels.assumeInterpreter();
        Program p = StreamHandlers.counting();
        // registered out of order: 0x300 is the lowest opcode, so it gets bit 12
        MegakernelConfig c = Kernels.small().withHandler(0x500, p).withHandler(0x300, p).withHandler(0x400, p)
                .withTenantMask(1, 1 << 13).withTenantMask(2, 1 << 12 | 1 << 14);
        try (Megakernel k = Kernels.cpu(c)) {
            assertTrue(runAs(k, 1, 0x400, 0, 0, OBS, OBS + 1).isDone());
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, runAs(k, 1, 0x300, 0, 0, OBS, OBS + 1).fault());
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, runAs(k, 1, 0x500, 0, 0, OBS, OBS + 1).fault());
            assertTrue(runAs(k, 2, 0x300, 0, 0, OBS, OBS + 1).isDone());
            assertTrue(runAs(k, 2, 0x500, 0, 0, OBS, OBS + 1).isDone());
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, runAs(k, 2, 0x400, 0, 0, OBS, OBS + 1).fault());
            assertEquals(3, k.control().load(OBS));
        }
    }

    @Test
    void tableSortsUnsignedAndMapsBits() {
        Program p = StreamHandlers.counting();
        Map<Integer, Program> m = new HashMap<>();
        m.put(0x7FFF_0000, p);
        m.put(0x10000, p);
        m.put(9, p);
        HandlerTable t = HandlerTable.of(m);
        assertEquals(3, t.size());
        assertEquals(List.of(9, 0x10000, 0x7FFF_0000), List.of(t.opcode(0), t.opcode(1), t.opcode(2)));
        assertEquals(12, t.permissionBit(9));
        assertEquals(14, t.permissionBit(0x7FFF_0000));
        assertEquals(-1, t.permissionBit(10));
        assertEquals(1 << 13 | 1 << 9 | 1 << 2, Permissions.maskOf(t, 0x10000, Opcodes.PRINTF, Opcodes.ATOMIC_ADD));
        assertThrows(BootstrapException.class, () -> Permissions.maskOf(t, 10));
    }

    @Test
    void registrationRefusesBadHandlers() {
        Program good = StreamHandlers.counting();
        BufferDecl args = u32(HandlerTable.ARGS, 0, 12);
        BufferDecl control = u32(HandlerTable.CONTROL, 1, 0);
        Map<String, Map<Integer, Program>> cases = new HashMap<>();
        cases.put("system opcode 7", Map.of(7, good));
        cases.put("system opcode 0xFFF3", Map.of(0xFFF3, good));
        cases.put("high bit", Map.of(0x8000_1000, good));
        cases.put("no control", Map.of(0x100, withBuffers(List.of(args))));
        cases.put("extra buffer", Map.of(0x100, withBuffers(List.of(args, control, u32("more", 2, 4)))));
        cases.put("args count", Map.of(0x100, withBuffers(List.of(u32(HandlerTable.ARGS, 0, 4), control))));
        cases.put("control count", Map.of(0x100, withBuffers(List.of(args, u32(HandlerTable.CONTROL, 1, 8)))));
        cases.put("args type", Map.of(0x100, withBuffers(List.of(BufferDecl.of(HandlerTable.ARGS, 0,
                BufferAccess.READ_WRITE, ScalarType.I32, 12, true), control))));
        cases.put("write-only control", Map.of(0x100, withBuffers(List.of(args, BufferDecl.of(HandlerTable.CONTROL,
                1, BufferAccess.WRITE_ONLY, ScalarType.U32, 0, true)))));
        cases.put("workgroup size", Map.of(0x100, Program.of(Program.WorkgroupSize.of(2), List.of(args, control),
                List.of())));
        cases.put("workgroup size 64", Map.of(0x100, Program.of(Program.WorkgroupSize.of(64), List.of(args, control),
                List.of())));
        cases.put("workgroup size 32x2x1", Map.of(0x100, Program.of(new Program.WorkgroupSize(32, 2, 1),
                List.of(args, control), List.of())));
        cases.put("invalid program", Map.of(0x100, Program.of(Program.WorkgroupSize.of(1), List.of(args, control),
                List.of(new Node.Store("nowhere", Expr.u32(0), Expr.u32(1))))));
        Map<Integer, Program> many = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            many.put(0x100 + i, good);
        }
        cases.put("21 handlers", many);
        for (Map.Entry<String, Map<Integer, Program>> e : cases.entrySet()) {
            MegakernelConfig c = new MegakernelConfig(64, 2, 16, 16, e.getValue(), Map.of(), 100,
                    MegakernelConfig.DEFAULT_DRAIN_TIMEOUT);
            BootstrapException x = assertThrows(BootstrapException.class, () -> Kernels.cpu(c), e.getKey());
            assertTrue(x.getMessage().contains("Fix: "), x.getMessage());
        }
        BootstrapException size = assertThrows(BootstrapException.class, () -> HandlerTable.of(Map.of(0x100,
                Program.of(Program.WorkgroupSize.of(16), List.of(args, control), List.of()))));
        assertTrue(size.getMessage().contains("16x1x1") && size.getMessage().contains("32x1x1 for a cooperative"),
                size.getMessage());
        HandlerTable coop = HandlerTable.of(Map.of(0x100, good, 0x101, Program.of(Program.WorkgroupSize.of(
                HandlerTable.COOPERATIVE_LANES), List.of(args, control), List.of())));
        assertEquals(List.of(false, true), List.of(coop.cooperative(0), coop.cooperative(1)));
        assertTrue(coop.anyCooperative());
        assertFalse(HandlerTable.of(Map.of(0x100, good)).anyCooperative());
        Map<Integer, Program> twenty = new HashMap<>(many);
        twenty.remove(0x100);
        assertEquals(20, HandlerTable.of(twenty).size());
    }
}
