package dev.vyre.runtime.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A small interpreter for the PTX subset {@link MegakernelPtx} emits, so that the megakernel's logic can be run
 * and checked on a machine without a GPU. Device memory is host memory: a kernel's pointers are the addresses of
 * {@link MemorySegment}s registered with {@link #map}, and every access is bounds- and alignment-checked against
 * them (an access outside is what the GPU would report as an illegal address). Orderings map to Java access
 * modes: {@code .relaxed} to opaque, {@code .acquire}/{@code .release} to acquire/release, atomics to volatile
 * read-modify-writes. Only the instructions the generator uses are understood; anything else is an error.
 */
final class PtxSim {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    /** Special registers, set per thread before it runs. */
    static final String CTAID = "%ctaid.x";
    static final String NTID = "%ntid.x";
    static final String TID = "%tid.x";

    private final List<Insn> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<String, Integer> registers = new HashMap<>();
    private final List<String> params = new ArrayList<>();
    private final List<MemorySegment> memory = new CopyOnWriteArrayList<>();

    /** One parsed instruction: opcode parts, operands, and an optional guard predicate. */
    private record Insn(String text, String[] op, Operand[] args, int guard, boolean negated) {
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
            } else if (inSignature) {
                if (line.startsWith(".param")) {
                    String[] parts = line.replace(",", "").split("\\s+");
                    params.add(parts[2]);
                } else if (line.equals(")")) {
                    inSignature = false;
                }
            } else if (line.startsWith(".reg")) {
                declare(line);
            } else if (line.endsWith(":")) {
                labels.put(line.substring(0, line.length() - 1), code.size());
            } else if (line.endsWith(";")) {
                code.add(parse(line.substring(0, line.length() - 1)));
            }
        }
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
                    register(name.substring(0, angle) + i);
                }
            } else {
                register(name);
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
        return new Insn(text, opcode.split("\\."), args.toArray(new Operand[0]), guard, negated);
    }

    private static List<String> splitOperands(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
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
        if (a.startsWith("{")) {
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
        if (a.startsWith("0x")) {
            return new Imm(Long.parseLong(a.substring(2), 16));
        }
        if (Character.isDigit(a.charAt(0)) || a.charAt(0) == '-') {
            return new Imm(Long.parseLong(a));
        }
        return new Name(a);
    }

    private int reg(String name) {
        Integer i = registers.get(name);
        if (i == null) {
            throw new IllegalStateException("PTX uses undeclared register " + name);
        }
        return i;
    }

    /** One device thread: registers (predicates as 0/1) and a program counter. */
    final class Thread {
        private final long[] regs = new long[registers.size()];
        private final long[] paramValues;
        private int pc;
        private boolean exited;

        Thread(int ctaid, int ntid, int tid, long[] paramValues) {
            regs[registers.get(CTAID)] = ctaid;
            regs[registers.get(NTID)] = ntid;
            regs[registers.get(TID)] = tid;
            this.paramValues = paramValues.clone();
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
            return (base.equals("ld") && !insn.op()[1].equals("param")) || base.equals("st")
                    || base.equals("atom") || base.equals("red");
        }

        private void execute(Insn insn) {
            String[] op = insn.op();
            Operand[] a = insn.args();
            String type = op[op.length - 1];
            switch (op[0]) {
                case "ld" -> load(op, a);
                case "st" -> store(op, a);
                case "atom" -> {
                    MemorySegment s = segment(a[1], 4);
                    long off = offset(a[1], 4);
                    int result = switch (op[op.length - 2]) {
                        case "cas" -> (int) WORD.compareAndExchange(s, off, (int) value(a[2]), (int) value(a[3]));
                        case "add" -> (int) WORD.getAndAdd(s, off, (int) value(a[2]));
                        default -> throw unsupported(insn);
                    };
                    set(a[0], Integer.toUnsignedLong(result));
                }
                case "red" -> {
                    if (!op[op.length - 2].equals("add")) {
                        throw unsupported(insn);
                    }
                    WORD.getAndAdd(segment(a[0], 4), offset(a[0], 4), (int) value(a[1]));
                }
                case "mov" -> set(a[0], value(a[1]));
                case "add" -> set(a[0], width(type, value(a[1]) + value(a[2])));
                case "sub" -> set(a[0], width(type, value(a[1]) - value(a[2])));
                case "mul" -> set(a[0], op[1].equals("wide") ? value(a[1]) * value(a[2])
                        : width(type, value(a[1]) * value(a[2])));
                case "mad" -> set(a[0], width(type, value(a[1]) * value(a[2]) + value(a[3])));
                case "shl" -> set(a[0], width(type, value(a[1]) << value(a[2])));
                case "shr" -> set(a[0], width(type, value(a[1]) >>> value(a[2])));
                case "and" -> set(a[0], width(type, value(a[1]) & value(a[2])));
                case "min" -> set(a[0], Long.compareUnsigned(value(a[1]), value(a[2])) <= 0 ? value(a[1])
                        : value(a[2]));
                case "max" -> set(a[0], Long.compareUnsigned(value(a[1]), value(a[2])) >= 0 ? value(a[1])
                        : value(a[2]));
                case "cvt" -> set(a[0], width(op[1], value(a[1])));
                case "setp" -> set(a[0], compare(op[1], value(a[1]), value(a[2])) ? 1 : 0);
                case "bra" -> pc = target(a[0]);
                case "ret" -> exited = true;
                case "nanosleep" -> LockSupport.parkNanos(value(a[0]));
                case "fence" -> java.lang.invoke.VarHandle.fullFence();
                default -> throw unsupported(insn);
            }
        }

        private void load(String[] op, Operand[] a) {
            if (op[1].equals("param")) {
                set(a[0], paramValues[params.indexOf(((Name) a[1]).name())]);
                return;
            }
            String sem = op[1];
            if (a[0] instanceof Vec v) {
                MemorySegment s = segment(a[1], 16);
                long off = offset(a[1], 16);
                for (int i = 0; i < v.regs().length; i++) {
                    regs[v.regs()[i]] = Integer.toUnsignedLong((int) WORD.getOpaque(s, off + 4L * i));
                }
                return;
            }
            MemorySegment s = segment(a[1], 4);
            long off = offset(a[1], 4);
            int w = sem.equals("acquire") ? (int) WORD.getAcquire(s, off) : (int) WORD.getOpaque(s, off);
            set(a[0], Integer.toUnsignedLong(w));
        }

        private void store(String[] op, Operand[] a) {
            String sem = op[1];
            if (a[1] instanceof Vec v) {
                MemorySegment s = segment(a[0], 16);
                long off = offset(a[0], 16);
                for (int i = 0; i < v.regs().length; i++) {
                    WORD.setOpaque(s, off + 4L * i, (int) regs[v.regs()[i]]);
                }
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

        private static boolean compare(String cmp, long x, long y) {
            int c = Long.compareUnsigned(x, y);
            return switch (cmp) {
                case "eq" -> c == 0;
                case "ne" -> c != 0;
                case "lt" -> c < 0;
                case "le" -> c <= 0;
                case "gt" -> c > 0;
                case "ge" -> c >= 0;
                default -> throw new IllegalStateException("unsupported comparison " + cmp);
            };
        }

        private IllegalStateException unsupported(Insn insn) {
            return new IllegalStateException("the simulator does not support: " + insn.text());
        }
    }
}
