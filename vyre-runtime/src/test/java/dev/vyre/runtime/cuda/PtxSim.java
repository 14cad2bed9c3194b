package dev.vyre.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small interpreter for the PTX subset {@link MegakernelPtx} emits, so that the megakernel's logic can be run
 * and checked on a machine without a GPU. Device memory is host memory: a kernel's pointers are the addresses of
 * {@link MemorySegment}s registered with {@link #map}, and every access is bounds- and alignment-checked against
 * them (an access outside is what the GPU would report as an illegal address). Orderings map to Java access
 * modes: {@code .relaxed} and weak accesses to opaque, {@code .acquire}/{@code .release} to acquire/release,
 * atomics to volatile read-modify-writes.
 *
 * <p>Fused user handlers are {@code .func}s called by the entry ({@code call (%ret), f, (args)}; {@code ld.param}
 * and {@code st.param} inside a function read its arguments and set its return value); registers and labels are
 * scoped per function, as in PTX. Of the handler lowering it understands the unsigned 32-bit integer and Bool
 * subset (byte and word loads and stores, U32 arithmetic, bitwise operators, shifts, unsigned comparisons, Select,
 * atomics on U32 words, the step meter's 64-bit arithmetic); {@link SimArith} adds the signed, F32 and F64
 * instructions of the operator sequences ({@link dev.vyre.cuda.ptx.OpBlocks}). {@code brx.idx} jumps through a
 * {@code .branchtargets} list. For the fdlibm functions of the transcendental operators
 * ({@code dev.vyre.cuda.ptx.FdlibmPtx}) {@link FloatOps} runs what {@link SimArith} does not: IEEE f64 arithmetic
 * (Java's double operations are the IEEE ones PTX's {@code .rn} instructions specify; {@code Math.fma} for
 * {@code fma.rn.f64}), the conversions between f32, f64 and 32-bit integers, {@code mov.b64} between a double and
 * its two words; the simulator also takes module-scope {@code .const} arrays with initializers, per-thread
 * {@code .local} arrays and {@code exit} (kernels from {@code PtxEmitter.emitKernel}). Every instruction the
 * simulator does not know is an error.
 */
final class PtxSim {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** Special registers, set per thread before it runs. */
    static final String CTAID = "%ctaid.x";
    static final String NTID = "%ntid.x";
    static final String TID = "%tid.x";
    static final String LANEID = "%laneid";
    /** Lanes of a warp. */
    static final int WARP_LANES = 32;

    private static final Pattern FUNC = Pattern.compile("\\.func\\s*(\\(\\s*\\.param\\s+\\S+\\s+(\\w+)\\s*\\))?\\s*"
            + "(\\w+)\\s*\\((.*)\\)");

    private final List<Insn> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    /** {@code .branchtargets} lists of {@code brx.idx}, by scoped name: their scoped label names. */
    private final Map<String, List<String>> branchTargets = new HashMap<>();
    private final Map<String, Integer> registers = new HashMap<>();
    private final List<String> params = new ArrayList<>();
    private final Map<String, Function> functions = new HashMap<>();
    private final List<MemorySegment> memory = new CopyOnWriteArrayList<>();
    /** The warps' rendezvous for {@code .sync} instructions, by global warp index. */
    private final Map<Long, SimWarp> warps = new java.util.concurrent.ConcurrentHashMap<>();
    /** While parsing: the scope of register and label names ({@code ""} in the entry, {@code "f:"} in .func f). */
    private String scope = "";
    /** The entry's first instruction (the functions it calls come before it). */
    private int entryStart;
    /** Module-scope {@code .const} arrays: name to address (their segments are in {@link #memory}). */
    private final Map<String, Long> constants = new HashMap<>();
    /** Function-scope {@code .local} arrays: scoped name to bytes (each thread gets its own). */
    private final Map<String, Integer> locals = new HashMap<>();
    private static final Pattern ARRAY = Pattern.compile("\\.(const|local)\\s+\\.align\\s+\\d+\\s+\\.(b8|b32|b64)\\s+"
            + "(\\w+)\\[(\\d+)\\](\\s*=\\s*\\{(.*)\\})?\\s*;");

    /** A {@code .func}: its first instruction and parameter names. */
    private record Function(String name, int start, List<String> params) {
    }

    /** One parsed instruction: opcode parts, operands, and an optional guard predicate. */
    private record Insn(String text, String[] op, Operand[] args, int guard, boolean negated) {
    }

    /** A call in progress: the function, its argument values, where to return and the register for the result. */
    private static final class Frame {
        final Function function;
        final long[] args;
        final int returnPc;
        final int resultRegister;
        long result;

        Frame(Function function, long[] args, int returnPc, int resultRegister) {
            this.function = function;
            this.args = args;
            this.returnPc = returnPc;
            this.resultRegister = resultRegister;
        }
    }

    private sealed interface Operand permits Reg, Imm, Mem, Vec, Name {
    }

    private record Reg(int index) implements Operand {
    }

    private record Imm(long value) implements Operand {
    }

    private record Mem(int base, long offset) implements Operand {
    }

    private record Vec(int[] regs) implements Operand {
    }

    /** A label or a parameter name. */
    private record Name(String name) implements Operand {
    }

    PtxSim(String ptx) {
        register(CTAID);
        register(NTID);
        register(TID);
        register(LANEID);
        boolean inSignature = false;
        for (String raw : ptx.lines().toList()) {
            String line = raw.strip();
            int comment = line.indexOf("//");
            if (comment >= 0) {
                line = line.substring(0, comment).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith(".visible .entry")) {
                inSignature = true;
                scope = "";
                entryStart = code.size();
            } else if (line.startsWith(".func")) {
                function(line);
            } else if (inSignature) {
                if (line.startsWith(".param")) {
                    String[] parts = line.replace(",", "").split("\\s+");
                    params.add(parts[2]);
                } else if (line.equals(")")) {
                    inSignature = false;
                }
            } else if (line.startsWith(".reg")) {
                declare(line);
            } else if (line.contains(".branchtargets")) {
                int colon = line.indexOf(':');
                List<String> targets = new ArrayList<>();
                for (String t : line.substring(line.indexOf(".branchtargets") + ".branchtargets".length(),
                        line.length() - 1).split(",")) {
                    targets.add(scope + t.strip());
                }
                branchTargets.put(scope + line.substring(0, colon).strip(), List.copyOf(targets));
            } else if (line.startsWith(".const") || line.startsWith(".local")) {
                array(line);
            } else if (line.endsWith(":")) {
                labels.put(scope + line.substring(0, line.length() - 1), code.size());
            } else if (line.endsWith(";")) {
                code.add(parse(line.substring(0, line.length() - 1)));
            }
        }
    }

    /** {@code .func (.param .b32 r) name(.param .u64 a, ...)} on one line: its registers and labels are scoped. */
    private void function(String line) {
        Matcher m = FUNC.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("the simulator does not understand the function header: " + line);
        }
        String name = m.group(3);
        List<String> names = new ArrayList<>();
        for (String param : m.group(4).split(",")) {
            String[] parts = param.strip().split("\\s+");
            names.add(parts[parts.length - 1]);
        }
        functions.put(name, new Function(name, code.size(), List.copyOf(names)));
        scope = name + ":";
    }

    /** A {@code .const} array (allocated and filled now) or a {@code .local} one (per thread, when first used). */
    private void array(String line) {
        Matcher m = ARRAY.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("the simulator does not understand the declaration: " + line);
        }
        int elementBytes = switch (m.group(2)) {
            case "b8" -> 1;
            case "b32" -> 4;
            default -> 8;
        };
        int bytes = elementBytes * Integer.parseInt(m.group(4));
        if (m.group(1).equals("local")) {
            locals.put(scope + m.group(3), bytes);
            return;
        }
        MemorySegment segment = Arena.global().allocate(bytes, 8);
        if (m.group(6) != null) {
            String[] values = m.group(6).split(",");
            for (int i = 0; i < values.length; i++) {
                long v = Long.parseUnsignedLong(values[i].strip().substring(2), 16);
                if (elementBytes == 4) {
                    segment.set(ValueLayout.JAVA_INT, 4L * i, (int) v);
                } else {
                    segment.set(ValueLayout.JAVA_LONG, 8L * i, v);
                }
            }
        }
        memory.add(segment);
        constants.put(m.group(3), segment.address());
    }

    /** Makes {@code segment} addressable by the kernel at its own address. */
    void map(MemorySegment segment) {
        memory.add(segment);
    }

    private void declare(String line) {
        String names = line.substring(line.indexOf('%')).replace(";", "");
        for (String n : names.split(",")) {
            String name = n.strip();
            int angle = name.indexOf('<');
            if (angle > 0) {
                int count = Integer.parseInt(name.substring(angle + 1, name.length() - 1));
                for (int i = 0; i < count; i++) {
                    register(scope + name.substring(0, angle) + i);
                }
            } else {
                register(scope + name);
            }
        }
    }

    private int register(String name) {
        return registers.computeIfAbsent(name, k -> registers.size());
    }

    private Insn parse(String text) {
        int guard = -1;
        boolean negated = false;
        String body = text;
        if (body.startsWith("@")) {
            int space = body.indexOf(' ');
            String p = body.substring(1, space);
            negated = p.startsWith("!");
            guard = reg(negated ? p.substring(1) : p);
            body = body.substring(space + 1).strip();
        }
        int space = body.indexOf(' ');
        String opcode = space < 0 ? body : body.substring(0, space);
        List<Operand> args = new ArrayList<>();
        if (space >= 0) {
            for (String a : splitOperands(body.substring(space + 1))) {
                args.add(operand(a.strip()));
            }
        }
        if (opcode.equals("bra")) {
            args.set(0, new Name(scope + ((Name) args.getFirst()).name())); // labels are scoped per function
        } else if (opcode.startsWith("brx")) {
            args.set(1, new Name(scope + ((Name) args.get(1)).name()));
        }
        if (opcode.startsWith("mov") && args.getLast() instanceof Name n && locals.containsKey(scope + n.name())) {
            args.set(args.size() - 1, new Name(scope + n.name())); // a .local array of this function
        }
        return new Insn(text, opcode.split("\\."), args.toArray(new Operand[0]), guard, negated);
    }

    private static List<String> splitOperands(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private Operand operand(String a) {
        if (a.startsWith("{") || a.startsWith("(")) {
            String[] names = a.substring(1, a.length() - 1).split(",");
            int[] regs = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                regs[i] = reg(names[i].strip());
            }
            return new Vec(regs);
        }
        if (a.startsWith("[")) {
            String inner = a.substring(1, a.length() - 1);
            if (!inner.startsWith("%")) {
                return new Name(inner);
            }
            int plus = inner.indexOf('+');
            return plus < 0 ? new Mem(reg(inner), 0)
                    : new Mem(reg(inner.substring(0, plus)), Long.parseLong(inner.substring(plus + 1)));
        }
        if (a.startsWith("%")) {
            return new Reg(reg(a));
        }
        if (a.startsWith("0f") || a.startsWith("0d")) {
            return new Imm(Long.parseUnsignedLong(a.substring(2), 16)); // an f32 or f64 immediate's bits
        }
        if (a.startsWith("0x")) {
            return new Imm(Long.parseLong(a.substring(2), 16));
        }
        if (a.startsWith("0d") || a.startsWith("0f")) { // the exact hex form of an f64 or f32 immediate
            return new Imm(Long.parseUnsignedLong(a.substring(2), 16));
        }
        if (Character.isDigit(a.charAt(0)) || a.charAt(0) == '-') {
            return new Imm(Long.parseLong(a));
        }
        return new Name(a);
    }

    private int reg(String name) {
        Integer i = registers.get(scope + name);
        if (i == null && name.equals(LANEID)) {
            i = registers.get(LANEID); // a special register, visible in every function
        }
        if (i == null) {
            throw new IllegalStateException("PTX uses undeclared register " + name);
        }
        return i;
    }

    /** One device thread: registers (predicates as 0/1), a program counter and the calls in progress. */
    final class Thread {
        private final long[] regs = new long[registers.size()];
        private final long[] paramValues;
        private final ArrayDeque<Frame> frames = new ArrayDeque<>();
        private int pc;
        private boolean exited;
        private final SimWarp warp;
        private final int lane;
        /** This thread's {@code .local} arrays, by scoped name. */
        private final Map<String, MemorySegment> localArrays = new HashMap<>();

        Thread(int ctaid, int ntid, int tid, long[] paramValues) {
            regs[registers.get(CTAID)] = ctaid;
            regs[registers.get(NTID)] = ntid;
            regs[registers.get(TID)] = tid;
            long global = (long) ctaid * ntid + tid;
            lane = (int) (global % WARP_LANES);
            regs[registers.get(LANEID)] = lane;
            warp = warps.computeIfAbsent(global / WARP_LANES, k -> new SimWarp());
            this.paramValues = paramValues.clone();
            this.pc = entryStart;
        }

        boolean exited() {
            return exited;
        }

        /**
         * Runs until the thread exits or, with {@code untilMemory}, until its next instruction touches shared
         * memory (a launch runs every thread's prologue this way, then gives the live ones a Java thread).
         */
        void run(boolean untilMemory) {
            while (!exited) {
                Insn insn = code.get(pc);
                if (untilMemory && touchesMemory(insn)) {
                    return;
                }
                pc++;
                if (insn.guard() >= 0 && (regs[insn.guard()] != 0) == insn.negated()) {
                    continue;
                }
                execute(insn);
            }
        }

        private boolean touchesMemory(Insn insn) {
            String base = insn.op()[0];
            return ((base.equals("ld") || base.equals("st")) && !insn.op()[1].equals("param"))
                    || base.equals("atom") || base.equals("red") || base.equals("call") || base.equals("shfl")
                    || base.equals("vote") || base.equals("redux") || base.equals("bar");
        }

        private void execute(Insn insn) {
            String[] op = insn.op();
            Operand[] a = insn.args();
            String type = op[op.length - 1];
            if (SimArith.handles(op) && !floatOpsOwns(op)) {
                long[] sources = new long[a.length - 1];
                for (int i = 0; i < sources.length; i++) {
                    sources[i] = value(a[i + 1]);
                }
                set(a[0], SimArith.eval(op, sources));
                return;
            }
            if (type.startsWith("f") && FloatOps.ARITHMETIC.contains(op[0])) {
                set(a[0], FloatOps.arithmetic(insn.text(), op[0], type, a.length > 1 ? value(a[1]) : 0,
                        a.length > 2 ? value(a[2]) : 0, a.length > 3 ? value(a[3]) : 0));
                return;
            }
            if (type.equals("s32") && (op[0].equals("div") || op[0].equals("min") || op[0].equals("max"))) {
                set(a[0], width(type, FloatOps.signed(insn.text(), op[0], (int) value(a[1]), (int) value(a[2]))));
                return;
            }
            switch (op[0]) {
                case "ld" -> load(op, a);
                case "st" -> store(op, a);
                case "atom" -> atomic(insn, op, a);
                case "red" -> {
                    if (!op[op.length - 2].equals("add")) {
                        throw unsupported(insn);
                    }
                    if (type.equals("u64")) {
                        LONG.getAndAdd(segment(a[0], 8), offset(a[0], 8), value(a[1]));
                    } else {
                        WORD.getAndAdd(segment(a[0], 4), offset(a[0], 4), (int) value(a[1]));
                    }
                }
                case "mov", "cvta" -> move(a);
                case "add" -> set(a[0], width(type, value(a[1]) + value(a[2])));
                case "sub" -> set(a[0], width(type, value(a[1]) - value(a[2])));
                case "mul" -> set(a[0], switch (op[1]) {
                    case "wide" -> type.equals("s32") ? (long) (int) value(a[1]) * (int) value(a[2])
                            : value(a[1]) * value(a[2]);
                    case "lo" -> width(type, value(a[1]) * value(a[2]));
                    default -> throw unsupported(insn);
                });
                case "mad" -> {
                    if (!op[1].equals("lo")) {
                        throw unsupported(insn);
                    }
                    set(a[0], width(type, value(a[1]) * value(a[2]) + value(a[3])));
                }
                case "div", "rem" -> {
                    long divisor = value(a[2]);
                    if (!type.equals("u32") || divisor == 0) {
                        throw unsupported(insn);
                    }
                    set(a[0], op[0].equals("div") ? Long.divideUnsigned(value(a[1]), divisor)
                            : Long.remainderUnsigned(value(a[1]), divisor));
                }
                case "shl" -> set(a[0], width(type, value(a[1]) << value(a[2])));
                case "shr" -> {
                    if (type.equals("s32")) { // PTX clamps the amount: 32 or more fills with the sign
                        set(a[0], width(type, (int) value(a[1]) >> Math.min(31, value(a[2]))));
                    } else if (type.startsWith("s")) {
                        throw unsupported(insn);
                    } else {
                        set(a[0], width(type, value(a[1]) >>> value(a[2])));
                    }
                }
                case "and" -> set(a[0], width(type, value(a[1]) & value(a[2])));
                case "or" -> set(a[0], width(type, value(a[1]) | value(a[2])));
                case "xor" -> set(a[0], width(type, value(a[1]) ^ value(a[2])));
                case "not" -> set(a[0], type.equals("pred") ? 1 - value(a[1]) : width(type, ~value(a[1])));
                case "selp" -> set(a[0], value(a[3]) != 0 ? value(a[1]) : value(a[2]));
                case "min", "max" -> {
                    if (type.startsWith("s")) {
                        throw unsupported(insn);
                    }
                    boolean first = Long.compareUnsigned(value(a[1]), value(a[2])) <= 0 == op[0].equals("min");
                    set(a[0], first ? value(a[1]) : value(a[2]));
                }
                case "cvt" -> {
                    if (op.length == 3 && op[1].startsWith("u") && op[2].startsWith("u")) {
                        set(a[0], width(op[1], value(a[1])));
                    } else {
                        set(a[0], FloatOps.convert(insn.text(), op, value(a[1])));
                    }
                }
                case "setp" -> {
                    if (op.length != 3) {
                        throw unsupported(insn);
                    }
                    set(a[0], (type.startsWith("f") ? FloatOps.compare(insn.text(), op[1], type, value(a[1]),
                            value(a[2])) : compare(insn, op[1], type, value(a[1]), value(a[2]))) ? 1 : 0);
                }
                case "exit" -> {
                    exited = true;
                    warp.exit(lane);
                }
                case "bra" -> pc = target(a[0]);
                case "brx" -> {
                    List<String> table = branchTargets.get(((Name) a[1]).name());
                    long index = value(a[0]);
                    if (table == null || index >= table.size()) {
                        throw new IllegalStateException("brx.idx index " + index + " outside its table: "
                                + insn.text());
                    }
                    pc = target(new Name(table.get((int) index)));
                }
                case "call" -> call(insn, a);
                case "ret" -> {
                    Frame f = frames.poll();
                    if (f == null) {
                        exited = true;
                        warp.exit(lane);
                    } else {
                        if (f.resultRegister >= 0) {
                            regs[f.resultRegister] = f.result;
                        }
                        pc = f.returnPc;
                    }
                }
                case "nanosleep" -> LockSupport.parkNanos(value(a[0]));
                case "brev" -> set(a[0], Integer.toUnsignedLong(Integer.reverse((int) value(a[1]))));
                case "clz" -> set(a[0], Integer.numberOfLeadingZeros((int) value(a[1])));
                case "shfl" -> {
                    if (!insn.text().contains("shfl.sync.idx.b32") || value(a[3]) != WARP_LANES - 1) {
                        throw unsupported(insn);
                    }
                    set(a[0], warp.arrive(insn.op(), lane, (int) value(a[4]), value(a[1]), (int) value(a[2])));
                }
                case "vote" -> {
                    if (!op[2].equals("ballot")) {
                        throw unsupported(insn);
                    }
                    set(a[0], warp.arrive(insn.op(), lane, (int) value(a[2]), value(a[1]), 0));
                }
                case "redux" -> set(a[0], warp.arrive(insn.op(), lane, (int) value(a[2]), value(a[1]), 0));
                case "bar" -> {
                    if (!op[1].equals("warp")) {
                        throw unsupported(insn);
                    }
                    warp.arrive(insn.op(), lane, (int) value(a[0]), 0, 0);
                }
                case "fence" -> java.lang.invoke.VarHandle.fullFence();
                default -> throw unsupported(insn);
            }
        }

        /** {@code mov}: a value, an array's address, or a double split into or built from its two words. */
        private void move(Operand[] a) {
            if (a[0] instanceof Vec v) { // mov.b64 {lo, hi}, %fd
                long bits = value(a[1]);
                regs[v.regs()[0]] = bits & 0xFFFF_FFFFL;
                regs[v.regs()[1]] = bits >>> 32;
            } else if (a[1] instanceof Vec v) { // mov.b64 %fd, {lo, hi}
                set(a[0], (regs[v.regs()[1]] << 32) | (regs[v.regs()[0]] & 0xFFFF_FFFFL));
            } else if (a[1] instanceof Name n) {
                Long constant = constants.get(n.name());
                set(a[0], constant != null ? constant : localArrays.computeIfAbsent(n.name(),
                        k -> Arena.ofAuto().allocate(locals.get(k), 8)).address());
            } else {
                set(a[0], value(a[1]));
            }
        }

        /** The segment of this thread's .local arrays holding {@code size} bytes at the address in {@code m}. */
        private MemorySegment local(Operand m, int size) {
            long address = address(m);
            for (MemorySegment s : localArrays.values()) {
                if (address >= s.address() && address + size <= s.address() + s.byteSize()) {
                    return s;
                }
            }
            throw new IllegalStateException("illegal local address 0x" + Long.toHexString(address) + " at pc "
                    + (pc - 1) + ": " + code.get(pc - 1).text());
        }

        /** A {@code ld.local} or {@code st.local} of a 4- or 8-byte value ({@code value} null for a load). */
        private void localAccess(String[] op, Operand[] a, boolean load) {
            Operand at = load ? a[1] : a[0];
            int size = op[op.length - 1].endsWith("64") ? 8 : 4;
            MemorySegment s = local(at, size);
            long off = address(at) - s.address();
            if (load) {
                set(a[0], size == 8 ? s.get(ValueLayout.JAVA_LONG_UNALIGNED, off)
                        : Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, off)));
            } else if (size == 8) {
                s.set(ValueLayout.JAVA_LONG_UNALIGNED, off, value(a[1]));
            } else {
                s.set(ValueLayout.JAVA_INT_UNALIGNED, off, (int) value(a[1]));
            }
        }

        /** {@code call (%r), f, (%a, ...)} or {@code call f, (%a, ...)}: pushes a frame and jumps to f. */
        private void call(Insn insn, Operand[] a) {
            int result = a.length == 3 ? ((Vec) a[0]).regs()[0] : -1;
            Function f = functions.get(((Name) a[a.length - 2]).name());
            if (f == null) {
                throw unsupported(insn);
            }
            int[] argRegs = ((Vec) a[a.length - 1]).regs();
            long[] args = new long[argRegs.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = regs[argRegs[i]];
            }
            frames.push(new Frame(f, args, pc, result));
            pc = f.start();
        }

        private void atomic(Insn insn, String[] op, Operand[] a) {
            if (op[op.length - 1].equals("u64") && op[op.length - 2].equals("add")) {
                set(a[0], (long) LONG.getAndAdd(segment(a[1], 8), offset(a[1], 8), value(a[2])));
                return;
            }
            boolean signed = op[op.length - 1].equals("s32");
            if (!op[op.length - 1].endsWith("32") || signed && !op[op.length - 2].equals("min")
                    && !op[op.length - 2].equals("max")) {
                throw unsupported(insn);
            }
            MemorySegment s = segment(a[1], 4);
            long off = offset(a[1], 4);
            int v = (int) value(a[2]);
            int result = switch (op[op.length - 2]) {
                case "cas" -> (int) WORD.compareAndExchange(s, off, v, (int) value(a[3]));
                case "add" -> (int) WORD.getAndAdd(s, off, v);
                case "exch" -> (int) WORD.getAndSet(s, off, v);
                case "or" -> (int) WORD.getAndBitwiseOr(s, off, v);
                case "and" -> (int) WORD.getAndBitwiseAnd(s, off, v);
                case "xor" -> (int) WORD.getAndBitwiseXor(s, off, v);
                case "min", "max" -> {
                    boolean min = op[op.length - 2].equals("min");
                    int old = (int) WORD.getVolatile(s, off);
                    while (true) {
                        int c = signed ? Integer.compare(v, old) : Integer.compareUnsigned(v, old);
                        int next = (c < 0) == min ? v : old;
                        int seen = (int) WORD.compareAndExchange(s, off, old, next);
                        if (seen == old) {
                            yield old;
                        }
                        old = seen;
                    }
                }
                default -> throw unsupported(insn);
            };
            set(a[0], Integer.toUnsignedLong(result));
        }

        private void load(String[] op, Operand[] a) {
            if (op[1].equals("param")) {
                String name = ((Name) a[1]).name();
                Frame f = frames.peek();
                set(a[0], f == null ? paramValues[params.indexOf(name)] : f.args[f.function.params().indexOf(name)]);
                return;
            }
            String sem = op[1];
            if (sem.equals("local")) {
                localAccess(op, a, true);
                return;
            }
            if (a[0] instanceof Vec v) {
                MemorySegment s = segment(a[1], 4 * v.regs().length);
                long off = offset(a[1], 4 * v.regs().length);
                // an acquire vector load: its first word with acquire, so the others and every later access are
                // ordered after it (the STATUS or SEQ word the host writes last, with release)
                boolean acquire = sem.equals("acquire");
                for (int i = 0; i < v.regs().length; i++) {
                    int w = acquire && i == 0 ? (int) WORD.getAcquire(s, off) : (int) WORD.getOpaque(s, off + 4L * i);
                    regs[v.regs()[i]] = Integer.toUnsignedLong(w);
                }
                return;
            }
            if (op[op.length - 1].equals("u8")) {
                MemorySegment s = segment(a[1], 1);
                set(a[0], Byte.toUnsignedLong((byte) BYTE.getOpaque(s, offset(a[1], 1))));
                return;
            }
            if (op[op.length - 1].endsWith("64")) {
                MemorySegment s = segment(a[1], 8);
                long off = offset(a[1], 8);
                set(a[0], sem.equals("acquire") ? (long) LONG.getAcquire(s, off) : (long) LONG.getOpaque(s, off));
                return;
            }
            MemorySegment s = segment(a[1], 4);
            long off = offset(a[1], 4);
            int w = sem.equals("acquire") ? (int) WORD.getAcquire(s, off) : (int) WORD.getOpaque(s, off);
            set(a[0], Integer.toUnsignedLong(w));
        }

        private void store(String[] op, Operand[] a) {
            String sem = op[1];
            if (sem.equals("param")) {
                frames.getFirst().result = value(a[1]);
                return;
            }
            if (sem.equals("local")) {
                localAccess(op, a, false);
                return;
            }
            if (a[1] instanceof Vec v) {
                MemorySegment s = segment(a[0], 4 * v.regs().length);
                long off = offset(a[0], 4 * v.regs().length);
                for (int i = 0; i < v.regs().length; i++) {
                    WORD.setOpaque(s, off + 4L * i, (int) regs[v.regs()[i]]);
                }
                return;
            }
            if (op[op.length - 1].equals("u8")) {
                BYTE.setOpaque(segment(a[0], 1), offset(a[0], 1), (byte) value(a[1]));
                return;
            }
            MemorySegment s = segment(a[0], 4);
            long off = offset(a[0], 4);
            if (sem.equals("release")) {
                WORD.setRelease(s, off, (int) value(a[1]));
            } else {
                WORD.setOpaque(s, off, (int) value(a[1]));
            }
        }

        private long address(Operand m) {
            Mem mem = (Mem) m;
            return regs[mem.base()] + mem.offset();
        }

        private MemorySegment segment(Operand m, int alignment) {
            long address = address(m);
            if (address % alignment != 0) {
                throw new IllegalStateException("misaligned address 0x" + Long.toHexString(address) + " for a "
                        + alignment + "-byte access at pc " + (pc - 1) + ": " + code.get(pc - 1).text());
            }
            for (MemorySegment s : memory) {
                if (address >= s.address() && address + alignment <= s.address() + s.byteSize()) {
                    return s;
                }
            }
            throw new IllegalStateException("illegal address 0x" + Long.toHexString(address) + " at pc " + (pc - 1)
                    + ": " + code.get(pc - 1).text());
        }

        private long offset(Operand m, int alignment) {
            return address(m) - segment(m, alignment).address();
        }

        private long value(Operand o) {
            return switch (o) {
                case Reg r -> regs[r.index()];
                case Imm i -> i.value();
                default -> throw new IllegalStateException("not a value operand: " + o);
            };
        }

        private void set(Operand o, long v) {
            regs[((Reg) o).index()] = v;
        }

        private int target(Operand o) {
            Integer t = labels.get(((Name) o).name());
            if (t == null) {
                throw new IllegalStateException("branch to undefined label " + o);
            }
            return t;
        }

        private static long width(String type, long v) {
            return type.endsWith("32") ? v & 0xFFFF_FFFFL : v;
        }

        /** Comparisons of u32, b32 and u64 values (registers hold them zero-extended) and of s32 values. */
        private boolean compare(Insn insn, String cmp, String type, long x, long y) {
            if (!type.equals("u32") && !type.equals("b32") && !type.equals("u64") && !type.equals("s32")) {
                throw unsupported(insn);
            }
            int c = type.equals("s32") ? Integer.compare((int) x, (int) y) : Long.compareUnsigned(x, y);
            return SimArith.ordered(cmp, c, () -> unsupported(insn));
        }

        private IllegalStateException unsupported(Insn insn) {
            return new IllegalStateException("the simulator does not support: " + insn.text());
        }
    }

    /**
     * Whether {@link FloatOps} (the fdlibm functions' f64 arithmetic, conversions and comparisons, and signed
     * division, whose divide-by-zero the functions may execute) runs {@code op} rather than {@link SimArith} (the
     * interpreter's operator sequences, which never divide by zero and use f64 only for rcp/sqrt/cvt).
     */
    static boolean floatOpsOwns(String[] op) {
        boolean f64 = java.util.Arrays.asList(op).contains("f64");
        String base = op[0];
        return f64 && (FloatOps.ARITHMETIC.contains(base) || base.equals("cvt") || base.equals("setp"))
                || op[op.length - 1].equals("s32") && base.equals("div");
    }
}
