package dev.vyre.cli;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/** The {@code --grid X[,Y[,Z]]} argument (workgroup counts, each 1..4294967295) and the default grid. */
final class GridSpec {
    private GridSpec() {
    }

    private static final long MAX_AXIS = 0xFFFF_FFFFL;

    /** Parses {@code X}, {@code X,Y} or {@code X,Y,Z}; missing axes are 1. */
    static Dispatch parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > 3) {
            throw new CliException("--grid " + text + " has " + parts.length + " axes", "write X, X,Y or X,Y,Z");
        }
        int[] axes = {1, 1, 1};
        for (int i = 0; i < parts.length; i++) {
            long v;
            try {
                v = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new CliException("--grid " + text + ": '" + parts[i] + "' is not a workgroup count",
                        "write positive integers, e.g. --grid 64 or --grid 8,8,1");
            }
            if (v < 1 || v > MAX_AXIS) {
                throw new CliException("--grid " + text + ": " + v + " workgroups on axis " + "xyz".charAt(i)
                        + " is out of range", "give 1 to " + MAX_AXIS + " workgroups per axis");
            }
            axes[i] = (int) v;
        }
        return new Dispatch(axes[0], axes[1], axes[2]);
    }

    /**
     * The grid used when {@code --grid} is absent: enough workgroups along x for one invocation per element of
     * the largest bound buffer (at least one workgroup).
     */
    static Dispatch defaultFor(Program program, Map<String, MemorySegment> bound) {
        long elements = 0;
        for (BufferDecl decl : program.buffers()) {
            MemorySegment segment = bound.get(decl.name());
            if (segment != null) {
                elements = Math.max(elements, Buffers.visibleElements(decl, segment));
            }
        }
        long perGroup = Math.max(1, program.workgroupSize().invocations());
        long groups = Math.clamp((elements + perGroup - 1) / perGroup, 1, MAX_AXIS);
        return new Dispatch((int) groups, 1, 1);
    }

    /** {@code [x,y,z]} with unsigned axes. */
    static String format(Dispatch grid) {
        return "[" + Integer.toUnsignedString(grid.x()) + "," + Integer.toUnsignedString(grid.y()) + ","
                + Integer.toUnsignedString(grid.z()) + "]";
    }
}
