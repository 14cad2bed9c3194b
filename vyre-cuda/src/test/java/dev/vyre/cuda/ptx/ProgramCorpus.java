package dev.vyre.cuda.ptx;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.gid;
import static dev.vyre.ir.Expr.i32;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.un;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.check.TypeChecker;
import dev.vyre.ir.check.ValidationException;
import dev.vyre.ir.interp.Dispatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Valid, deterministic (race-free) programs covering every operator and type combination the validator allows
 * (found by asking {@link TypeChecker}, not from the emitter's tables), every node kind, every buffer element
 * type and access, atomics in global and shared memory, wave operators with lanes that returned early, partial
 * warps and 3-D ids; plus megakernel handler programs. Each invocation writes only elements of its own, so the
 * reference interpreter's results are the only correct ones.
 *
 * <p>Input conventions for {@link Inputs}: a buffer named {@code kill*} holds mostly 0 with some 1 (lanes that
 * return early), {@code idx*} holds I32 indices around {@code [0, elements)} including negative and too large ones;
 * every other non-Workgroup buffer holds random values rich in special cases.
 */
final class ProgramCorpus {
    /** Invocations per workgroup of the one-dimensional cases. */
    static final int WG = 64;
    /** Workgroups of the one-dimensional cases. */
    static final int GROUPS = 2;
    /** Elements of every bound buffer of the one-dimensional cases (one per invocation). */
    static final int N = WG * GROUPS;

    static final List<ScalarType> VALUES = List.of(U32, I32, F32, BOOL);

    /**
     * One program with how to run it.
     *
     * @param name     a PTX-identifier-safe name
     * @param program  a valid program
     * @param grid     the dispatch
     * @param elements elements bound to every non-Workgroup buffer that declares count 0
     */
    record Case(String name, Program program, Dispatch grid, int elements) {
    }

    private final List<Case> cases = new ArrayList<>();

    private ProgramCorpus() {
    }

    /** Every systematic kernel case. */
    static List<Case> kernels() {
        ProgramCorpus c = new ProgramCorpus();
        c.binaryOperators();
        c.saturationAfterWrap();
        c.unaryOperators();
        c.casts();
        c.selectFmaLiterals();
        for (ScalarType t : List.of(U32, I32, F32)) {
            c.vectorLoads(t);
        }
        for (ScalarType t : List.of(U32, I32, F32, BOOL, BYTES)) {
            c.memory(t);
            c.workgroupMemory(t);
        }
        for (AtomicOp op : AtomicOp.values()) {
            for (ScalarType t : List.of(U32, I32)) {
                c.atomics(op, t);
            }
        }
        c.controlFlow();
        c.ids();
        c.waves();
        return List.copyOf(c.cases);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static BufferDecl in(String name, int binding, ScalarType t) {
        return BufferDecl.of(name, binding, BufferAccess.READ_ONLY, t, 0, false);
    }

    static BufferDecl out(String name, int binding, ScalarType t) {
        return BufferDecl.of(name, binding, BufferAccess.WRITE_ONLY, t, 0, true);
    }

    static BufferDecl readWrite(String name, int binding, ScalarType t) {
        return BufferDecl.of(name, binding, BufferAccess.READ_WRITE, t, 0, true);
    }

    static BufferDecl workgroup(String name, int binding, ScalarType t, int count) {
        return BufferDecl.of(name, binding, BufferAccess.WORKGROUP, t, count, false);
    }

    static Node let(String name, Expr e) {
        return new Node.Let(name, e);
    }

    static Node store(String buffer, Expr index, Expr value) {
        return new Node.Store(buffer, index, value);
    }

    static Node ifThen(Expr cond, List<Node> then, List<Node> otherwise) {
        return new Node.If(cond, then, otherwise);
    }

    static Expr cast(ScalarType t, Expr e) {
        return new Expr.Cast(t, e);
    }

    private static Expr i() {
        return var("i");
    }

    private void add1d(String name, List<BufferDecl> buffers, List<Node> body) {
        addCase(name, Program.of(Program.WorkgroupSize.of(WG), buffers, body), Dispatch.of(GROUPS), N);
    }

    private void addCase(String name, Program p, Dispatch grid, int elements) {
        cases.add(new Case(name, p, grid, elements));
    }

    private static List<Node> withI(Node... nodes) {
        List<Node> body = new ArrayList<>();
        body.add(let("i", gid(0)));
        body.addAll(List.of(nodes));
        return body;
    }

    private static String tname(ScalarType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static final Program NO_BUFFERS = Program.of(Program.WorkgroupSize.of(1), List.of(), List.of());

    /** The result type the validator gives {@code l op r}, or null where it refuses the combination. */
    static ScalarType binaryType(BinaryOp op, ScalarType l, ScalarType r) {
        Expr right = op == BinaryOp.WAVE_REDUCE ? u32(0) : var("r");
        Map<String, ScalarType> vars = op == BinaryOp.WAVE_REDUCE ? Map.of("l", l) : Map.of("l", l, "r", r);
        if (op == BinaryOp.WAVE_REDUCE && r != U32) {
            return null;
        }
        try {
            return new TypeChecker(NO_BUFFERS).typeOf(bin(op, var("l"), right), vars);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** The result type the validator gives {@code op x}, or null where it refuses it. */
    static ScalarType unaryType(UnaryOp op, ScalarType t) {
        try {
            return new TypeChecker(NO_BUFFERS).typeOf(un(op, var("x")), Map.of("x", t));
        } catch (ValidationException e) {
            return null;
        }
    }

    // ---- operators ---------------------------------------------------------------------------------------------

    private void binaryOperators() {
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isWaveOp()) {
                continue;
            }
            for (ScalarType lt : VALUES) {
                for (ScalarType rt : VALUES) {
                    ScalarType result = binaryType(op, lt, rt);
                    if (result == null) {
                        continue;
                    }
                    add1d("bin_" + LoweringCheck.name(op) + "_" + tname(lt) + "_" + tname(rt),
                            List.of(in("a", 0, lt), in("b", 1, rt), out("out", 2, result)),
                            withI(store("out", i(), bin(op, load("a", i()), load("b", i())))));
                }
            }
        }
    }

    /**
     * Saturating operators fed by wrapping ones with constants: ptxas 13.0 was seen folding {@code x + c1} into a
     * following {@code add.sat.s32 .., c2} as one saturating {@code x + (c1 + c2)}, skipping the wrap, so these
     * pin down that the emitted code keeps it (each output combines the operands differently).
     */
    private void saturationAfterWrap() {
        int[][] constants = {{33, 255}, {2, 33}, {305419896, 255}, {-33, Integer.MAX_VALUE},
            {Integer.MAX_VALUE - 16, Integer.MIN_VALUE + 8}};
        for (ScalarType t : List.of(U32, I32)) {
            for (BinaryOp wrap : List.of(BinaryOp.WRAPPING_ADD, BinaryOp.WRAPPING_SUB)) {
                for (BinaryOp sat : List.of(BinaryOp.SATURATING_ADD, BinaryOp.SATURATING_SUB)) {
                    List<BufferDecl> buffers = new ArrayList<>(List.of(in("a", 0, t), in("b", 1, t)));
                    List<Node> body = withI();
                    for (int k = 0; k < constants.length; k++) {
                        Expr c1 = t == I32 ? i32(constants[k][0]) : u32(constants[k][0]);
                        Expr c2 = t == I32 ? i32(constants[k][1]) : u32(constants[k][1]);
                        Expr a = load("a", i());
                        Expr wrapped = switch (k % 3) {
                            case 0 -> bin(wrap, a, c1);
                            case 1 -> bin(wrap, c1, a);
                            default -> bin(wrap, a, load("b", i()));
                        };
                        buffers.add(out("out" + k, 2 + k, t));
                        body.add(store("out" + k, i(), k == 3 ? bin(sat, c2, wrapped) : bin(sat, wrapped, c2)));
                    }
                    add1d("satwrap_" + LoweringCheck.name(wrap) + "_" + LoweringCheck.name(sat) + "_" + tname(t),
                            buffers, body);
                }
            }
        }
    }

    private void unaryOperators() {
        for (UnaryOp op : UnaryOp.values()) {
            for (ScalarType t : VALUES) {
                ScalarType result = unaryType(op, t);
                if (result != null) {
                    add1d("un_" + LoweringCheck.name(op) + "_" + tname(t),
                            List.of(in("a", 0, t), out("out", 1, result)),
                            withI(store("out", i(), un(op, load("a", i())))));
                }
            }
        }
    }

    private void casts() {
        for (ScalarType from : VALUES) {
            for (ScalarType to : VALUES) {
                add1d("cast_" + tname(from) + "_" + tname(to), List.of(in("a", 0, from), out("out", 1, to)),
                        withI(store("out", i(), cast(to, load("a", i())))));
            }
        }
    }

    private void selectFmaLiterals() {
        for (ScalarType t : VALUES) {
            add1d("select_" + tname(t), List.of(in("c", 0, BOOL), in("a", 1, t), in("b", 2, t), out("out", 3, t)),
                    withI(store("out", i(), new Expr.Select(load("c", i()), load("a", i()), load("b", i())))));
        }
        add1d("fma", List.of(in("a", 0, F32), in("b", 1, F32), in("c", 2, F32), out("out", 3, F32)),
                withI(store("out", i(), new Expr.Fma(load("a", i()), load("b", i()), load("c", i())))));
        add1d("literals", List.of(out("u", 0, U32), out("s", 1, I32), out("f", 2, F32), out("b", 3, BOOL),
                        readWrite("nb", 4, BOOL)),
                withI(store("u", i(), u32(0xDEADBEEF)), store("s", i(), i32(Integer.MIN_VALUE)),
                        store("f", i(), new Expr.LitF32(0x7FA00001)), store("b", i(), Expr.bool(true)),
                        store("nb", i(), Expr.bool(false))));
    }

    // ---- memory ------------------------------------------------------------------------------------------------

    /** Loads through I32 indices (negative and too large ones read 0), stores to shifted indices, BufLen. */
    private void memory(ScalarType t) {
        ScalarType v = t == BYTES ? U32 : t;
        add1d("mem_" + tname(t), List.of(in("src", 0, t), in("idx", 1, I32), readWrite("dst", 2, t),
                        readWrite("dst2", 3, t), out("out", 4, v), out("len", 5, U32)),
                withI(store("out", i(), load("src", load("idx", i()))),
                        store("dst", bin(BinaryOp.SUB, cast(I32, i()), i32(3)), load("src", i())),
                        store("dst2", add(i(), u32(7)), load("src", i())),
                        store("len", i(), add(new Expr.BufLen("src"), new Expr.BufLen("dst")))));
    }

    /**
     * Four consecutive loads {@code src[p + k]} that the emitter serves with one vector load where aligned and in
     * bounds (docs/PTX-EMITTER.md, "Vector loads"): p from the data, small (aligned or not, at and past the end)
     * and raw (anywhere, wrapping around 2^32), each word stored to its own buffer.
     */
    private void vectorLoads(ScalarType t) {
        List<Node> body = withI(let("p", bin(BinaryOp.BIT_AND, cast(U32, load("idx", i())), u32(0x1FF))),
                let("q", cast(U32, load("idx", add(i(), u32(1))))));
        List<BufferDecl> buffers = new ArrayList<>(List.of(in("src", 0, t), in("idx", 1, I32)));
        for (String p : List.of("p", "q")) {
            for (int k = 0; k < 4; k++) {
                body.add(let(p + k, load("src", k == 0 ? var(p) : add(var(p), u32(k)))));
            }
        }
        for (String p : List.of("p", "q")) {
            for (int k = 0; k < 4; k++) {
                buffers.add(out("o" + p + k, buffers.size(), t));
                body.add(store("o" + p + k, i(), var(p + k)));
            }
        }
        add1d("vec_" + tname(t), buffers, body);
    }

    /**
     * A Workgroup buffer: every live thread writes its slot, some return first (their slots stay zero), a
     * Barrier, then each reads a mirrored slot, an out-of-range slot, and the scratch's BufLen.
     */
    private void workgroupMemory(ScalarType t) {
        ScalarType v = t == BYTES ? U32 : t;
        Expr lid = new Expr.LocalId(0);
        add1d("wg_" + tname(t), List.of(in("src", 0, t), in("kill", 1, U32), workgroup("wg", 2, t, WG),
                        out("out", 3, v), out("out2", 4, v), out("len", 5, U32)),
                withI(store("len", i(), new Expr.BufLen("wg")),
                        ifThen(bin(BinaryOp.NE, load("kill", i()), u32(0)), List.of(new Node.Return()), List.of()),
                        store("wg", lid, load("src", i())),
                        new Node.Barrier(),
                        store("out", i(), load("wg", bin(BinaryOp.SUB, u32(WG - 1), lid))),
                        store("out2", i(), load("wg", add(lid, u32(WG / 2 + 1)))),
                        store("wg", add(lid, u32(WG)), load("src", i()))));
    }

    /**
     * One atomic per invocation on its own element of a global and of a shared buffer (the previous values are
     * stored), one out of bounds, and for the order-independent operators a shared total in global memory.
     */
    private void atomics(AtomicOp op, ScalarType t) {
        Expr v = load("v", i());
        Expr lid = new Expr.LocalId(0);
        Expr expected = op.needsExpected()
                ? new Expr.Select(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, i(), u32(1)), u32(0)), load("acc", i()),
                load("e", i()))
                : null;
        Expr sharedExpected = op.needsExpected()
                ? new Expr.Select(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, i(), u32(2)), u32(0)), load("wg", lid),
                load("v", i()))
                : null;
        List<Node> body = withI(
                store("old", i(), new Expr.Atomic(op, "acc", i(), expected, v)),
                store("wg", lid, load("e", i())),
                store("oldShared", i(), new Expr.Atomic(op, "wg", lid, sharedExpected, v)),
                store("final", i(), load("wg", lid)),
                store("oob", i(), new Expr.Atomic(op, "acc", add(i(), u32(0x4000_0000)), expected, v)));
        boolean orderFree = switch (op) {
            case ADD, OR, AND, XOR, MIN, MAX, LRU_UPDATE -> true;
            default -> false;
        };
        if (orderFree) {
            body.add(let("ignored", new Expr.Atomic(op, "total", bin(BinaryOp.BIT_AND, i(), u32(3)), null, v)));
        }
        add1d("atomic_" + LoweringCheck.name(op) + "_" + tname(t),
                List.of(readWrite("acc", 0, t), in("v", 1, t), in("e", 2, t), out("old", 3, t),
                        workgroup("wg", 4, t, WG), out("oldShared", 5, t), out("final", 6, t), out("oob", 7, t),
                        BufferDecl.of("total", 8, BufferAccess.READ_WRITE, t, 4, true)),
                body);
    }

    // ---- control flow ------------------------------------------------------------------------------------------

    private void controlFlow() {
        Expr a = load("a", i());
        Expr b = load("b", i());
        // If/else nests, Let and Assign of every type, Bool variables
        add1d("ctl_if", List.of(in("a", 0, U32), in("b", 1, I32), out("out", 2, U32), out("flag", 3, BOOL)),
                withI(let("x", a), let("f", bin(BinaryOp.GT, b, i32(0))),
                        ifThen(bin(BinaryOp.LT, bin(BinaryOp.BIT_AND, var("x"), u32(7)), u32(4)),
                                List.of(new Node.Assign("x", add(var("x"), u32(100))),
                                        ifThen(var("f"), List.of(new Node.Assign("f", Expr.bool(false))),
                                                List.of(new Node.Assign("x", u32(5))))),
                                List.of(let("y", bin(BinaryOp.MUL, var("x"), u32(3))),
                                        new Node.Assign("x", var("y")),
                                        new Node.Assign("f", un(UnaryOp.LOGICAL_NOT, var("f"))))),
                        store("out", i(), var("x")), store("flag", i(), var("f"))));
        // U32 and I32 For loops with empty and negative ranges, a body Let per iteration, a bound variable that
        // the body assigns (the bound is evaluated once)
        add1d("ctl_for_u32", List.of(in("a", 0, U32), in("b", 1, U32), out("out", 2, U32)),
                withI(let("sum", u32(0)), let("n", bin(BinaryOp.BIT_AND, b, u32(15))),
                        new Node.For("j", bin(BinaryOp.BIT_AND, a, u32(7)), var("n"), List.of(
                                let("sq", bin(BinaryOp.MUL, var("j"), var("j"))),
                                new Node.Assign("sum", add(var("sum"), var("sq"))),
                                new Node.Assign("n", add(var("n"), u32(1))))),
                        store("out", i(), add(var("sum"), bin(BinaryOp.MUL, var("n"), u32(1000))))));
        add1d("ctl_for_i32", List.of(in("a", 0, I32), in("b", 1, I32), out("out", 2, I32)),
                withI(let("acc", i32(1)),
                        new Node.For("k", bin(BinaryOp.SUB, bin(BinaryOp.BIT_AND, a, i32(15)), i32(8)),
                                bin(BinaryOp.SUB, bin(BinaryOp.BIT_AND, b, i32(15)), i32(6)), List.of(
                                new Node.Assign("acc", add(bin(BinaryOp.MUL, var("acc"), i32(3)), var("k"))))),
                        store("out", i(), var("acc"))));
        // Loop left by Return; a Return in the middle of the body; Block scopes; the async no-ops
        add1d("ctl_loop_return", List.of(in("a", 0, U32), out("out", 1, U32), out("after", 2, U32)),
                withI(let("k", u32(0)),
                        ifThen(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, i(), u32(3)), u32(3)), List.of(
                                new Node.Loop(List.of(
                                        ifThen(bin(BinaryOp.GE, var("k"), bin(BinaryOp.BIT_AND, a, u32(31))),
                                                List.of(store("out", i(), var("k")), new Node.Return()), List.of()),
                                        new Node.Assign("k", add(var("k"), u32(3)))))), List.of()),
                        new Node.AsyncLoad(),
                        new Node.Block(List.of(let("inner", add(a, u32(1))), store("out", i(), var("inner")))),
                        new Node.AsyncWait(),
                        ifThen(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, i(), u32(3)), u32(1)),
                                List.of(new Node.Return()), List.of()),
                        store("after", i(), u32(7))));
        // a deep chain of nested Blocks and Ifs
        List<Node> inner = List.of(store("out", i(), var("d")));
        for (int level = 0; level < 60; level++) {
            inner = level % 2 == 0
                    ? List.of(new Node.Block(inner))
                    : List.of(new Node.Assign("d", add(var("d"), u32(level))),
                    ifThen(bin(BinaryOp.NE, bin(BinaryOp.BIT_AND, var("d"), u32(1 << (level % 8))), u32(0)),
                            inner, List.of(store("out", i(), u32(level)))));
        }
        List<Node> deep = withI(let("d", load("a", i())));
        deep.addAll(inner);
        add1d("ctl_deep", List.of(in("a", 0, U32), out("out", 1, U32)), deep);
    }

    /** 3-D workgroups (24 threads: a partial warp) on a 3-D grid: every id of every invocation. */
    private void ids() {
        Program.WorkgroupSize ws = new Program.WorkgroupSize(4, 2, 3);
        Dispatch grid = new Dispatch(2, 3, 2);
        int sx = 8;
        int sy = 6;
        Expr flat = add(add(new Expr.InvocationId(0), bin(BinaryOp.MUL, new Expr.InvocationId(1), u32(sx))),
                bin(BinaryOp.MUL, new Expr.InvocationId(2), u32(sx * sy)));
        Expr packed = u32(0);
        Expr[] parts = {new Expr.LocalId(0), new Expr.LocalId(1), new Expr.LocalId(2), new Expr.WorkgroupId(0),
                new Expr.WorkgroupId(1), new Expr.WorkgroupId(2)};
        for (int k = 0; k < parts.length; k++) {
            packed = bin(BinaryOp.BIT_OR, packed, bin(BinaryOp.SHL, parts[k], u32(4 * k)));
        }
        List<Node> body = List.of(let("f", flat), store("ids", var("f"), packed),
                store("gids", var("f"), bin(BinaryOp.BIT_OR, new Expr.InvocationId(0),
                        bin(BinaryOp.BIT_OR, bin(BinaryOp.SHL, new Expr.InvocationId(1), u32(8)),
                                bin(BinaryOp.SHL, new Expr.InvocationId(2), u32(16))))),
                store("ballots", var("f"), bin(BinaryOp.BALLOT, bin(BinaryOp.NE,
                        bin(BinaryOp.BIT_AND, new Expr.LocalId(0), u32(1)), u32(0)), u32(-1))));
        addCase("ids_3d", new Program(0, null, ws, List.of(out("ids", 0, U32), out("gids", 1, U32),
                        out("ballots", 2, U32)), new java.util.TreeMap<>(), List.of(), body),
                grid, 4 * 2 * 3 * 2 * 3 * 2);
    }

    /**
     * Every wave operator and type, with some lanes returned before it (their values read as 0 and they do not
     * vote or reduce), in full warps and in workgroups of 48 and 40 threads (partial last warps).
     */
    private void waves() {
        for (int size : new int[] {WG, 48, 40}) {
            Program.WorkgroupSize ws = Program.WorkgroupSize.of(size);
            for (BinaryOp op : List.of(BinaryOp.SHUFFLE, BinaryOp.WAVE_BROADCAST, BinaryOp.BALLOT,
                    BinaryOp.WAVE_REDUCE)) {
                for (ScalarType t : VALUES) {
                    int kinds = op == BinaryOp.WAVE_REDUCE ? 6 : 1;
                    for (int kind = 0; kind < kinds; kind++) {
                        ScalarType result = binaryType(op, t, U32);
                        if (result == null || op == BinaryOp.WAVE_REDUCE && t == F32 && kind > 2) {
                            continue;
                        }
                        Expr right = op == BinaryOp.WAVE_REDUCE ? u32(kind) : load("r", i());
                        List<Node> body = withI(
                                ifThen(bin(BinaryOp.NE, load("kill", i()), u32(0)), List.of(new Node.Return()),
                                        List.of()),
                                store("out", i(), bin(op, load("a", i()), right)));
                        String name = "wave_" + size + "_" + LoweringCheck.name(op)
                                + (op == BinaryOp.WAVE_REDUCE ? String.valueOf(kind) : "") + "_" + tname(t);
                        addCase(name, Program.of(ws, List.of(in("a", 0, t), in("r", 1, U32), in("kill", 2, U32),
                                out("out", 3, result)), body), Dispatch.of(3), size * 3);
                    }
                }
            }
        }
    }

    // ---- handlers ----------------------------------------------------------------------------------------------

    /** A megakernel handler program with the given buffers and body; workgroup size 1. */
    static Program handler(List<Node> body) {
        return Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of(PtxEmitter.HANDLER_ARGS, 0, BufferAccess.READ_WRITE, U32, PtxEmitter.HANDLER_ARG_WORDS,
                        true),
                BufferDecl.of(PtxEmitter.HANDLER_CONTROL, 1, BufferAccess.READ_WRITE, U32, 0, true)), body);
    }

    /** A megakernel handler that also declares the data region, with {@code dataType} elements. */
    static Program handlerWithData(ScalarType dataType, List<Node> body) {
        return Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of(PtxEmitter.HANDLER_ARGS, 0, BufferAccess.READ_WRITE, U32, PtxEmitter.HANDLER_ARG_WORDS,
                        true),
                BufferDecl.of(PtxEmitter.HANDLER_CONTROL, 1, BufferAccess.READ_WRITE, U32, 0, true),
                BufferDecl.of(PtxEmitter.HANDLER_DATA, 2, BufferAccess.READ_WRITE, dataType, 0, true)), body);
    }

    /**
     * Handlers: arithmetic over the argument words with loops and an early Return, every atomic operator on the
     * control block and on the arguments, out-of-range accesses, BufLen and the (zero) ids, a Loop that never
     * returns, nested data-dependent loops, the data region as bytes and as words (in and out of range, atomics).
     */
    static List<Case> handlers() {
        List<Case> out = new ArrayList<>();
        Expr arg0 = load("args", u32(0));
        Expr arg1 = load("args", u32(1));
        out.add(new Case("h_arith", handler(List.of(
                let("acc", u32(0)),
                new Node.For("k", u32(0), bin(BinaryOp.BIT_AND, arg0, u32(15)), List.of(
                        new Node.Assign("acc", add(bin(BinaryOp.MUL, var("acc"), u32(31)),
                                load("args", bin(BinaryOp.BIT_AND, var("k"), u32(15))))))),
                store("args", u32(2), var("acc")),
                store("args", u32(3), cast(U32, bin(BinaryOp.DIV, cast(F32, arg1), Expr.f32(3.0f)))),
                store("args", u32(4), add(new Expr.BufLen("control"), new Expr.BufLen("args"))),
                store("args", u32(5), add(add(new Expr.InvocationId(0), new Expr.LocalId(1)),
                        new Expr.WorkgroupId(2))),
                ifThen(bin(BinaryOp.GT, arg1, u32(0x8000_0000)), List.of(new Node.Return()), List.of()),
                store("args", u32(6), u32(66)))), Dispatch.of(1), 32));
        List<Node> atomics = new ArrayList<>();
        int slot = 0;
        for (AtomicOp op : AtomicOp.values()) {
            Expr expected = op.needsExpected() ? load("control", u32(slot)) : null;
            atomics.add(store("args", u32(slot % PtxEmitter.HANDLER_ARG_WORDS),
                    new Expr.Atomic(op, "control", u32(slot), expected, load("args", u32(11 - slot % 12)))));
            slot++;
        }
        atomics.add(store("control", u32(20), new Expr.Atomic(AtomicOp.FETCH_NAND, "args", u32(7), null,
                load("control", u32(21)))));
        out.add(new Case("h_atomics", handler(atomics), Dispatch.of(1), 32));
        out.add(new Case("h_oob", handler(List.of(
                store("args", u32(12), u32(1)),
                store("control", load("args", u32(0)), u32(2)),
                store("args", u32(0), add(load("args", u32(40)), load("control", u32(1_000_000)))),
                store("args", u32(1), new Expr.Atomic(AtomicOp.ADD, "control", i32(-1), null, u32(5))),
                store("args", u32(2), new Expr.Atomic(AtomicOp.ADD, "args", u32(12), null, u32(5))))),
                Dispatch.of(1), 32));
        // never returns: every run exhausts its step budget, with effects on every iteration until the cut-off
        out.add(new Case("h_spin", handler(List.of(new Node.Loop(List.of(
                let("p", new Expr.Atomic(AtomicOp.ADD, "control", u32(0), null, u32(1))),
                store("control", add(u32(1), bin(BinaryOp.BIT_AND, var("p"), u32(7))), var("p")))))),
                Dispatch.of(1), 32));
        // nested loops whose length comes from the data, an early Return, effects on both buffers
        out.add(new Case("h_loops", handler(List.of(
                let("acc", arg0),
                new Node.For("i", u32(0), bin(BinaryOp.BIT_AND, arg1, u32(31)), List.of(
                        new Node.For("j", u32(0), bin(BinaryOp.BIT_AND, load("args", u32(2)), u32(7)), List.of(
                                new Node.Assign("acc", add(add(bin(BinaryOp.MUL, var("acc"), u32(31)), var("i")),
                                        var("j"))),
                                ifThen(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, var("acc"), u32(255)), u32(7)),
                                        List.of(store("control", u32(2), var("acc")), new Node.Return()),
                                        List.of()))),
                        store("control", add(u32(3), bin(BinaryOp.BIT_AND, var("i"), u32(7))), var("acc")),
                        let("q", new Expr.Atomic(AtomicOp.ADD, "control", u32(12), null, var("acc"))))),
                store("args", u32(0), var("acc")),
                new Node.Block(List.of(store("args", u32(1), bin(BinaryOp.BIT_XOR, var("acc"), u32(5))))))),
                Dispatch.of(1), 32));
        out.add(new Case("h_data_bytes", handlerWithData(BYTES, List.of(
                let("h", u32(0x811C_9DC5)),
                new Node.For("i", u32(0), bin(BinaryOp.BIT_AND, arg0, u32(63)), List.of(
                        new Node.Assign("h", bin(BinaryOp.MUL, bin(BinaryOp.BIT_XOR, var("h"), load("data", var("i"))),
                                u32(0x0100_0193))))),
                store("data", bin(BinaryOp.BIT_AND, arg1, u32(63)), var("h")),
                store("args", u32(0), var("h")),
                store("args", u32(1), add(load("data", u32(40)), new Expr.BufLen("data"))))),
                Dispatch.of(1), 32));
        out.add(new Case("h_data_words", handlerWithData(U32, List.of(
                let("a", new Expr.Atomic(AtomicOp.ADD, "data", bin(BinaryOp.BIT_AND, arg0, u32(31)), null, arg1)),
                store("data", bin(BinaryOp.BIT_AND, load("args", u32(2)), u32(63)), var("a")),
                store("args", u32(3), add(load("data", bin(BinaryOp.BIT_AND, load("args", u32(2)), u32(31))),
                        new Expr.BufLen("data"))))),
                Dispatch.of(1), 32));
        // vector loads of the data region (docs/PTX-EMITTER.md): p from the arguments, anywhere, and p masked to
        // a small range, aligned or not; the words stored in order, one of them also to the region
        List<Node> quads = new ArrayList<>(List.of(let("p", arg0),
                let("q", bin(BinaryOp.BIT_AND, arg1, u32(0x3F)))));
        for (String p : List.of("p", "q")) {
            for (int k = 0; k < 4; k++) {
                quads.add(let(p + k, load("data", k == 0 ? var(p) : add(var(p), u32(k)))));
            }
        }
        for (int k = 0; k < 4; k++) {
            quads.add(store("args", u32(2 + k), var("p" + k)));
            quads.add(store("args", u32(6 + k), var("q" + k)));
        }
        quads.add(store("data", bin(BinaryOp.BIT_AND, load("args", u32(10)), u32(0x3F)), var("p3")));
        out.add(new Case("h_data_vector", handlerWithData(U32, quads), Dispatch.of(1), 32));
        return out;
    }
}
