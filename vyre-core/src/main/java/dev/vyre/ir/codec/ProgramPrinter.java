package dev.vyre.ir.codec;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A readable, indented text form of a program (for {@code vyre vir0 dump}): header, metadata, then the node tree
 * with expressions in a compact infix form ({@code 3u} is a U32 literal, {@code -1i} an I32, {@code 1.5f} an F32,
 * {@code gid.x} the invocation id, {@code buf[i]} a load).
 */
public final class ProgramPrinter {
    private static final String INDENT = "  ";

    private final StringBuilder sb = new StringBuilder();

    private ProgramPrinter() {
    }

    /** The text form of {@code program}; one line per metadata field and per node, children indented. */
    public static String print(Program program) {
        ProgramPrinter p = new ProgramPrinter();
        p.header(program);
        p.nodes(program.body(), 1);
        return p.sb.toString();
    }

    private void header(Program p) {
        sb.append(String.format("program flags=0x%04x", p.flags()));
        if (p.entryOp() != null) {
            sb.append(" entry=").append(ExprPrinter.quoted(p.entryOp()));
        }
        sb.append('\n');
        Program.WorkgroupSize wg = p.workgroupSize();
        sb.append("workgroup_size [").append(Integer.toUnsignedString(wg.x())).append(", ")
                .append(Integer.toUnsignedString(wg.y())).append(", ").append(Integer.toUnsignedString(wg.z()))
                .append("]\n");
        for (BufferDecl b : p.buffers()) {
            buffer(b);
        }
        for (Map.Entry<String, Payload> e : p.metadata().entrySet()) {
            sb.append("meta ").append(ExprPrinter.quoted(e.getKey())).append(" = ").append(e.getValue()).append('\n');
        }
        for (MetadataExtension x : p.extensions()) {
            sb.append(String.format("extension 0x%02x = ", x.discriminant())).append(x.payload()).append('\n');
        }
        sb.append("body:\n");
    }

    private void buffer(BufferDecl b) {
        sb.append("buffer ").append(ExprPrinter.name(b.name()))
                .append(": ").append(ExprPrinter.type(b.elementType()))
                .append('[').append(b.count() == 0 ? "*" : Integer.toUnsignedString(b.count())).append(']')
                .append(" binding=").append(Integer.toUnsignedString(b.binding()))
                .append(' ').append(b.access().name().toLowerCase(Locale.ROOT));
        if (b.output()) {
            sb.append(" output");
        }
        if (b.outputRange() != null) {
            sb.append(" range=[").append(Integer.toUnsignedString(b.outputRange().start())).append(", ")
                    .append(Integer.toUnsignedString(b.outputRange().end())).append(')');
        }
        if (b.hints() != 0) {
            sb.append(String.format(" hints=0x%08x", b.hints()));
        }
        sb.append('\n');
    }

    private void nodes(List<Node> list, int depth) {
        for (Node n : list) {
            node(n, depth);
        }
    }

    private void line(int depth, String text) {
        sb.append(INDENT.repeat(depth)).append(text).append('\n');
    }

    private void block(int depth, String opener, List<Node> body) {
        line(depth, opener + " {");
        nodes(body, depth + 1);
        line(depth, "}");
    }

    private void node(Node n, int depth) {
        switch (n) {
            case Node.Let l -> line(depth, "let " + ExprPrinter.name(l.name()) + " = " + ExprPrinter.expr(l.value()));
            case Node.Assign a -> line(depth, ExprPrinter.name(a.name()) + " = " + ExprPrinter.expr(a.value()));
            case Node.Store s -> line(depth, ExprPrinter.name(s.buffer()) + "[" + ExprPrinter.expr(s.index()) + "] = "
                    + ExprPrinter.expr(s.value()));
            case Node.If i -> {
                line(depth, "if " + ExprPrinter.expr(i.cond()) + " {");
                nodes(i.then(), depth + 1);
                if (!i.otherwise().isEmpty()) {
                    line(depth, "} else {");
                    nodes(i.otherwise(), depth + 1);
                }
                line(depth, "}");
            }
            case Node.For f -> block(depth, "for " + ExprPrinter.name(f.var()) + " in " + ExprPrinter.expr(f.start())
                    + ".." + ExprPrinter.expr(f.end()), f.body());
            case Node.Loop l -> block(depth, "loop", l.body());
            case Node.Block b -> block(depth, "block", b.body());
            case Node.Barrier b -> line(depth, "barrier");
            case Node.Return r -> line(depth, "return");
            case Node.IndirectDispatch d -> line(depth, "indirect_dispatch " + ExprPrinter.name(d.buffer()) + "["
                    + Integer.toUnsignedString(d.offset()) + "..+3]");
            case Node.AsyncLoad a -> line(depth, "async_load");
            case Node.AsyncWait w -> line(depth, "async_wait");
            case Node.Opaque o -> line(depth, "opaque#" + Integer.toUnsignedString(o.extensionId()) + "("
                    + o.payload() + ")");
        }
    }
}
