package dev.vyre.ir.codec;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.ScalarType;
import java.util.Locale;
import java.util.regex.Pattern;

/** Compact infix text of expressions and types for {@link ProgramPrinter}. */
final class ExprPrinter {
    private static final String AXES = "xyz";
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private ExprPrinter() {
    }

    static String expr(Expr e) {
        StringBuilder sb = new StringBuilder();
        expr(sb, e);
        return sb.toString();
    }

    static void expr(StringBuilder sb, Expr e) {
        switch (e) {
            case Expr.LitU32 l -> sb.append(Integer.toUnsignedString(l.value())).append('u');
            case Expr.LitI32 l -> sb.append(l.value()).append('i');
            case Expr.LitF32 l -> f32(sb, l);
            case Expr.LitBool l -> sb.append(l.value());
            case Expr.Var v -> sb.append(name(v.name()));
            case Expr.Load l -> {
                sb.append(name(l.buffer())).append('[');
                expr(sb, l.index());
                sb.append(']');
            }
            case Expr.BufLen b -> sb.append("len(").append(name(b.buffer())).append(')');
            case Expr.InvocationId i -> axis(sb, "gid", i.axis());
            case Expr.WorkgroupId w -> axis(sb, "wgid", w.axis());
            case Expr.LocalId l -> axis(sb, "lid", l.axis());
            case Expr.BinOp b -> binary(sb, b);
            case Expr.UnOp u -> unary(sb, u);
            case Expr.Call c -> {
                sb.append("call ").append(quoted(c.opId())).append('(');
                for (int i = 0; i < c.args().size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    expr(sb, c.args().get(i));
                }
                sb.append(')');
            }
            case Expr.Select s -> call(sb, "select", s.cond(), s.ifTrue(), s.ifFalse());
            case Expr.Cast c -> {
                sb.append("cast<").append(type(c.type())).append(">(");
                expr(sb, c.value());
                sb.append(')');
            }
            case Expr.Fma f -> call(sb, "fma", f.a(), f.b(), f.c());
            case Expr.Atomic a -> atomic(sb, a);
            case Expr.Opaque o -> sb.append("opaque#").append(Integer.toUnsignedString(o.extensionId()))
                    .append('(').append(o.payload()).append(')');
        }
    }

    static String type(DataType t) {
        return switch (t) {
            case ScalarType s -> s.name().toLowerCase(Locale.ROOT);
            case DataType.ArrayType a -> "array<" + type(a.element()) + ", " + Integer.toUnsignedString(a.length()) + ">";
            case DataType.OpaqueType o -> "opaque#" + Integer.toUnsignedString(o.extensionId()) + "(" + o.payload() + ")";
        };
    }

    /** An identifier as is when it is a plain word, else quoted with escapes. */
    static String name(String n) {
        return WORD.matcher(n).matches() ? n : quoted(n);
    }

    static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20 || cp == 0x7F) {
                sb.append(String.format("\\x%02x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    private static void f32(StringBuilder sb, Expr.LitF32 l) {
        float v = l.value();
        if (Float.isNaN(v)) {
            sb.append("f32(nan:0x").append(String.format("%08x", l.bits())).append(')');
        } else if (Float.isInfinite(v)) {
            sb.append(v > 0 ? "f32(+inf)" : "f32(-inf)");
        } else {
            sb.append(v).append('f');
        }
    }

    private static void axis(StringBuilder sb, String what, int axis) {
        sb.append(what).append('.');
        if (axis >= 0 && axis < AXES.length()) {
            sb.append(AXES.charAt(axis));
        } else {
            sb.append(axis);
        }
    }

    private static void binary(StringBuilder sb, Expr.BinOp b) {
        String symbol = symbol(b.op());
        if (symbol == null) {
            call(sb, lower(b.op()), b.left(), b.right());
            return;
        }
        sb.append('(');
        expr(sb, b.left());
        sb.append(' ').append(symbol).append(' ');
        expr(sb, b.right());
        sb.append(')');
    }

    private static String symbol(BinaryOp op) {
        return switch (op) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            case MOD -> "%";
            case BIT_AND -> "&";
            case BIT_OR -> "|";
            case BIT_XOR -> "^";
            case SHL -> "<<";
            case SHR -> ">>";
            case EQ -> "==";
            case NE -> "!=";
            case LT -> "<";
            case GT -> ">";
            case LE -> "<=";
            case GE -> ">=";
            case AND -> "&&";
            case OR -> "||";
            default -> null;
        };
    }

    private static void unary(StringBuilder sb, Expr.UnOp u) {
        String prefix = switch (u.op()) {
            case NEGATE -> "-";
            case BIT_NOT -> "~";
            case LOGICAL_NOT -> "!";
            default -> null;
        };
        if (prefix == null) {
            call(sb, lower(u.op()), u.operand());
        } else {
            sb.append(prefix);
            expr(sb, u.operand());
        }
    }

    private static void atomic(StringBuilder sb, Expr.Atomic a) {
        sb.append("atomic_").append(a.op().name().toLowerCase(Locale.ROOT)).append('(')
                .append(name(a.buffer())).append('[');
        expr(sb, a.index());
        sb.append("], ");
        if (a.expected() != null) {
            expr(sb, a.expected());
            sb.append(", ");
        }
        expr(sb, a.value());
        sb.append(')');
    }

    private static void call(StringBuilder sb, String fn, Expr... args) {
        sb.append(fn).append('(');
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ");
            expr(sb, args[i]);
        }
        sb.append(')');
    }

    private static String lower(Enum<?> op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
