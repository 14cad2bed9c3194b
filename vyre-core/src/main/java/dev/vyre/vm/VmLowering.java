package dev.vyre.vm;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.interp.Ops;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a VIR0 program to a verified VYVM image (docs/VM-BYTECODE.md, Control flow): validates it first, gives
 * every Let, For variable and For end its own register for its scope and every temporary the lowest free register
 * above them, evaluates operands left to right (all of them), and refuses what the VM does not run. Deterministic:
 * one program gives one image.
 */
public final class VmLowering {
    private static final String CPU_FIX = "run the program with --backend cpu (the reference interpreter)";

    /** A value: the register holding it and its type. */
    private record Val(int reg, ScalarType type) {
    }

    private record Variable(int reg, ScalarType type) {
    }

    private final Program program;
    private final VmImage.Builder out;
    private final Map<String, Integer> slots = new HashMap<>();
    private final Deque<Map<String, Variable>> scopes = new ArrayDeque<>();
    private int top;
    private int maxRegisters = 1;

    private VmLowering(Program program) {
        this.program = program;
        Program.WorkgroupSize ws = program.workgroupSize();
        this.out = new VmImage.Builder(0, ws.x(), ws.y(), ws.z());
    }

    /**
     * The image of {@code program}.
     *
     * @throws dev.vyre.ir.check.ValidationException when the program is invalid
     * @throws VmLoweringException when it uses something the VM refuses or exceeds a limit
     */
    public static VmImage lower(Program program) {
        Validator.validate(program);
        return new VmLowering(program).run();
    }

    private VmImage run() {
        List<BufferDecl> decls = program.buffers();
        if (decls.size() > VmImageLayout.MAX_BUFFERS) {
            throw new VmLoweringException("the program declares " + decls.size() + " buffers, more than the VM's "
                    + VmImageLayout.MAX_BUFFERS, "use at most 16 buffers, or " + CPU_FIX);
        }
        long wgBytes = 0;
        for (int i = 0; i < decls.size(); i++) {
            BufferDecl d = decls.get(i);
            VmBufferDecl vd = new VmBufferDecl((ScalarType) d.elementType(), d.access(), d.count());
            if (vd.workgroup()) {
                wgBytes += vd.workgroupBytes();
            }
            slots.put(d.name(), i);
            out.buffer(vd);
        }
        if (wgBytes > VmImageLayout.MAX_WORKGROUP_BYTES) {
            throw new VmLoweringException("the Workgroup buffers need " + wgBytes + " bytes per workgroup, more than"
                    + " the VM's " + VmImageLayout.MAX_WORKGROUP_BYTES, "shrink the Workgroup buffers, or " + CPU_FIX);
        }
        scopes.push(new HashMap<>());
        nodes(program.body(), "body");
        out.emit(VmOp.RET, 0, 0, 0, 0);
        if (out.pc() > VmImageLayout.MAX_INSTRUCTIONS) {
            throw new VmLoweringException("the program lowers to " + out.pc() + " instructions, more than the VM's "
                    + VmImageLayout.MAX_INSTRUCTIONS, "split the program, or " + CPU_FIX);
        }
        return out.registers(maxRegisters).build();
    }

    // ---- registers and scopes -----------------------------------------------------------------------------------

    private int alloc(String path) {
        int r = top++;
        if (top > VmImageLayout.MAX_REGISTERS) {
            throw new VmLoweringException("at " + path + " the program needs more than " + VmImageLayout.MAX_REGISTERS
                    + " registers (live variables plus temporaries)", "end scopes earlier (Block), reuse variables,"
                    + " flatten deep expressions with fewer live values, or " + CPU_FIX);
        }
        maxRegisters = Math.max(maxRegisters, top);
        return r;
    }

    private Variable lookup(String name) {
        for (Map<String, Variable> scope : scopes) {
            Variable v = scope.get(name);
            if (v != null) {
                return v;
            }
        }
        throw new IllegalStateException("validated program reads unknown variable " + name);
    }

    private void scoped(List<Node> body, String path) {
        int mark = top;
        scopes.push(new HashMap<>());
        nodes(body, path);
        scopes.pop();
        top = mark;
    }

    // ---- nodes --------------------------------------------------------------------------------------------------

    private void nodes(List<Node> body, String path) {
        for (int i = 0; i < body.size(); i++) {
            node(body.get(i), path + "[" + i + "]");
        }
    }

    private void node(Node n, String path) {
        int mark = top;
        switch (n) {
            case Node.Let let -> {
                Val v = fresh(let.value(), path + ".Let");
                scopes.peek().put(let.name(), new Variable(v.reg, v.type));
                return; // keeps its register for the scope
            }
            case Node.Assign as -> {
                Val v = expr(as.value(), path + ".Assign");
                int reg = lookup(as.name()).reg;
                if (v.reg != reg) {
                    out.emit(VmOp.MOV, reg, v.reg, 0, 0);
                }
            }
            case Node.Store st -> {
                int slot = slots.get(st.buffer());
                Val index = expr(st.index(), path + ".Store.index");
                Val value = expr(st.value(), path + ".Store.value");
                out.emit(VmOp.STORE, 0, index.reg, value.reg, memImm(slot, index.type));
            }
            case Node.If f -> {
                Val c = expr(f.cond(), path + ".If.cond");
                top = mark;
                int brz = out.emit(VmOp.BRZ, 0, c.reg, 0, 0);
                scoped(f.then(), path + ".If.then");
                if (f.otherwise().isEmpty()) {
                    out.patchImm(brz, out.pc());
                } else {
                    int jmp = out.emit(VmOp.JMP, 0, 0, 0, 0);
                    out.patchImm(brz, out.pc());
                    scoped(f.otherwise(), path + ".If.else");
                    out.patchImm(jmp, out.pc());
                }
            }
            case Node.For f -> forLoop(f, path + ".For");
            case Node.Loop l -> {
                int head = out.pc();
                scoped(l.body(), path + ".Loop");
                out.emit(VmOp.JMP, 0, 0, 0, head);
            }
            case Node.Block b -> scoped(b.body(), path + ".Block");
            case Node.Barrier b -> {
                if (program.workgroupSize().invocations() > VmImageLayout.MAX_BARRIER_INVOCATIONS) {
                    throw new VmLoweringException("at " + path + " a Barrier in a workgroup of "
                            + program.workgroupSize().invocations() + " invocations: the VM runs waves of 32 one"
                            + " after another, which cannot meet at a barrier",
                            "use a workgroup of at most 32 invocations, or remove the Barrier, or " + CPU_FIX);
                }
                out.emit(VmOp.BARRIER, 0, 0, 0, 0);
            }
            case Node.Return r -> out.emit(VmOp.RET, 0, 0, 0, 0);
            case Node.IndirectDispatch d -> throw refused(path, "IndirectDispatch");
            case Node.AsyncLoad a -> throw refused(path, "AsyncLoad");
            case Node.AsyncWait a -> throw refused(path, "AsyncWait");
            case Node.Opaque o -> throw refused(path, "an Opaque node (extension " + o.extensionId() + ")");
        }
        top = mark;
    }

    private void forLoop(Node.For f, String path) {
        int mark = top;
        Val start = fresh(f.start(), path + ".start");
        Val end = fresh(f.end(), path + ".end");
        boolean signed = start.type == ScalarType.I32;
        int head = out.pc();
        int t = alloc(path);
        out.emit(signed ? VmOp.LT_I32 : VmOp.LT_U32, t, start.reg, end.reg, 0);
        int brz = out.emit(VmOp.BRZ, 0, t, 0, 0);
        top = t;
        scopes.push(new HashMap<>());
        scopes.peek().put(f.var(), new Variable(start.reg, start.type));
        scoped(f.body(), path + ".body");
        scopes.pop();
        out.emit(VmOp.ADD_IMM, start.reg, start.reg, 0, 1);
        out.emit(VmOp.JMP, 0, 0, 0, head);
        out.patchImm(brz, out.pc());
        top = mark;
    }

    private static VmLoweringException refused(String path, String what) {
        return new VmLoweringException("at " + path + ": the VM does not run " + what,
                "remove it, or " + CPU_FIX);
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    /** Evaluates {@code e} into a register of its own (a copy when e is a variable), at the current top. */
    private Val fresh(Expr e, String path) {
        int mark = top;
        Val v = expr(e, path);
        if (v.reg != mark) {
            top = mark;
            int d = alloc(path);
            out.emit(VmOp.MOV, d, v.reg, 0, 0);
            return new Val(d, v.type);
        }
        return v;
    }

    /** A register for the result: the lowest free one once the operands are read. */
    private int result(int mark, String path) {
        top = mark;
        return alloc(path);
    }

    /**
     * Evaluates {@code e}: returns a variable's own register (top unchanged) or the register at the current top
     * (top one higher).
     */
    private Val expr(Expr e, String path) {
        int mark = top;
        return switch (e) {
            case Expr.LitU32 l -> constant(l.value(), ScalarType.U32, path);
            case Expr.LitI32 l -> constant(l.value(), ScalarType.I32, path);
            case Expr.LitF32 l -> constant(l.bits(), ScalarType.F32, path);
            case Expr.LitBool l -> constant(l.value() ? 1 : 0, ScalarType.BOOL, path);
            case Expr.Var v -> {
                Variable var = lookup(v.name());
                yield new Val(var.reg, var.type);
            }
            case Expr.Load l -> {
                int slot = slots.get(l.buffer());
                Val index = expr(l.index(), path + ".Load");
                int d = result(mark, path);
                out.emit(VmOp.LOAD, d, index.reg, 0, memImm(slot, index.type));
                yield new Val(d, Ops.loadType(elementType(slot)));
            }
            case Expr.BufLen b -> {
                int d = alloc(path);
                out.emit(VmOp.BUF_LEN, d, 0, 0, slots.get(b.buffer()));
                yield new Val(d, ScalarType.U32);
            }
            case Expr.InvocationId id -> builtin(VmOp.INVOCATION_ID, id.axis(), path);
            case Expr.WorkgroupId id -> builtin(VmOp.WORKGROUP_ID, id.axis(), path);
            case Expr.LocalId id -> builtin(VmOp.LOCAL_ID, id.axis(), path);
            case Expr.BinOp b -> binary(b, mark, path);
            case Expr.UnOp u -> {
                Val x = expr(u.operand(), path + "." + u.op());
                VmOp op = VmOpTable.unary(u.op(), x.type);
                ScalarType t = Ops.unaryType(u.op(), x.type);
                yield op == null ? x : emit(op, mark, x.reg, 0, 0, t, path);
            }
            case Expr.Select s -> {
                Val c = expr(s.cond(), path + ".Select.cond");
                Val a = expr(s.ifTrue(), path + ".Select.true");
                Val b = expr(s.ifFalse(), path + ".Select.false");
                yield emit(VmOp.SELECT, mark, c.reg, a.reg, b.reg, a.type, path);
            }
            case Expr.Cast c -> {
                Val v = expr(c.value(), path + ".Cast");
                ScalarType to = (ScalarType) c.type();
                VmOp op = VmOpTable.cast(v.type, to);
                yield op == null ? new Val(v.reg, to) : emit(op, mark, v.reg, 0, 0, to, path);
            }
            case Expr.Fma f -> {
                Val a = expr(f.a(), path + ".Fma.a");
                Val b = expr(f.b(), path + ".Fma.b");
                Val c = expr(f.c(), path + ".Fma.c");
                yield emit(VmOp.FMA_F32, mark, a.reg, b.reg, c.reg, ScalarType.F32, path);
            }
            case Expr.Atomic a -> {
                int slot = slots.get(a.buffer());
                ScalarType t = elementType(slot);
                Val index = expr(a.index(), path + ".Atomic.index");
                Val expected = a.expected() == null ? null : expr(a.expected(), path + ".Atomic.expected");
                Val value = expr(a.value(), path + ".Atomic.value");
                int d = result(mark, path);
                int imm = memImm(slot, index.type) | (expected == null ? 0 : expected.reg << VmImageLayout.MEM_C_SHIFT);
                out.emit(VmOpTable.atomic(a.op(), t), d, index.reg, value.reg, imm);
                yield new Val(d, t);
            }
            case Expr.Call c -> throw refused(path, "Call (op " + c.opId() + ")");
            case Expr.Opaque o -> throw refused(path, "an Opaque expression (extension " + o.extensionId() + ")");
        };
    }

    private Val binary(Expr.BinOp b, int mark, String path) {
        BinaryOp op = b.op();
        Val l = expr(b.left(), path + "." + op + ".left");
        if (op == BinaryOp.WAVE_REDUCE) {
            int kind = ((Expr.LitU32) b.right()).value();
            int type = l.type == ScalarType.U32 ? 0 : l.type == ScalarType.I32 ? 1 : 2;
            int d = result(mark, path);
            out.emit(VmOp.WAVE_REDUCE, d, l.reg, 0, kind | type << VmImageLayout.REDUCE_TYPE_SHIFT);
            return new Val(d, l.type);
        }
        Val r = expr(b.right(), path + "." + op + ".right");
        ScalarType t = Ops.binaryType(op, l.type, r.type);
        VmOp vop = switch (op) {
            case SHUFFLE, WAVE_BROADCAST -> VmOp.SHUFFLE;
            case BALLOT -> VmOp.BALLOT;
            default -> VmOpTable.binary(op, l.type);
        };
        return emit(vop, mark, l.reg, r.reg, 0, t, path);
    }

    /** Emits {@code op d, a, b} (with c for D_A_B_C) into the result register. */
    private Val emit(VmOp op, int mark, int a, int b, int c, ScalarType type, String path) {
        int d = result(mark, path);
        out.emit(op, d, a, op.format() == VmOp.Format.D_A ? 0 : b, op.format() == VmOp.Format.D_A_B_C ? c : 0);
        return new Val(d, type);
    }

    private Val constant(int value, ScalarType type, String path) {
        int d = alloc(path);
        out.emit(VmOp.CONST, d, 0, 0, value);
        return new Val(d, type);
    }

    private Val builtin(VmOp op, int axis, String path) {
        int d = alloc(path);
        out.emit(op, d, 0, 0, axis);
        return new Val(d, ScalarType.U32);
    }

    private ScalarType elementType(int slot) {
        return (ScalarType) program.buffers().get(slot).elementType();
    }

    private static int memImm(int slot, ScalarType indexType) {
        return slot | (indexType == ScalarType.I32 ? VmImageLayout.MEM_SIGNED_INDEX : 0);
    }
}
