package dev.vyre.ir.check;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks a program's shape: workgroup size and buffer declarations (docs/VIR0-SEMANTICS.md, Program shape). */
final class Declarations {
    /** Most invocations a workgroup may have. */
    static final int MAX_WORKGROUP_INVOCATIONS = 1024;

    /** Ranks of the top-level locations, in the order problems are listed. */
    static final long RANK_WORKGROUP_SIZE = 1L << 32;
    static final long RANK_BUFFERS = 2L << 32;
    static final long RANK_BODY = 3L << 32;

    private static final String[] AXES = {"x", "y", "z"};

    private Declarations() {
    }

    /**
     * Reports every shape problem and returns the buffers by name (the first declaration of a duplicated name),
     * in declaration order.
     */
    static Map<String, BufferDecl> check(Program program, Findings out) {
        checkWorkgroupSize(program.workgroupSize(), out);
        Map<String, BufferDecl> byName = new LinkedHashMap<>();
        Map<String, Integer> nameIndex = new HashMap<>();
        Map<Integer, BufferDecl> byBinding = new HashMap<>();
        for (int i = 0; i < program.buffers().size(); i++) {
            BufferDecl b = program.buffers().get(i);
            Path at = Path.root("buffers[" + i + "]", RANK_BUFFERS + i);
            String bad = Names.badIdent("buffer", b.name());
            Integer first = nameIndex.putIfAbsent(b.name(), i);
            if (bad != null) {
                out.add(at.child(".name", 0), bad, Names.identFix("buffer"));
            } else if (first != null) {
                out.add(at.child(".name", 0), "buffer name " + Names.quote(b.name()) + " is declared twice (first by buffers["
                        + first + "])", "give each buffer its own name");
            }
            byName.putIfAbsent(b.name(), b);
            BufferDecl sameBinding = byBinding.putIfAbsent(b.binding(), b);
            if (sameBinding != null) {
                out.add(at.child(".binding", 1), "binding " + Integer.toUnsignedString(b.binding()) + " of buffer "
                        + Names.quote(b.name()) + " is already used by buffer " + Names.quote(sameBinding.name()),
                        "give each buffer its own binding");
            }
            if (valueType(b.elementType()) == null) {
                out.add(at.child(".elementType", 3), "buffer " + Names.quote(b.name()) + " has element type "
                        + Names.type(b.elementType()) + ", which this runtime cannot run", supportedTypeFix(b.elementType()));
            }
            if (b.access() == BufferAccess.WORKGROUP && b.count() == 0) {
                out.add(at.child(".count", 4), "Workgroup buffer " + Names.quote(b.name())
                        + " has count 0; Workgroup buffers are per-workgroup scratch and need a count > 0",
                        "declare how many elements the scratch buffer holds, e.g. the workgroup size");
            }
        }
        return byName;
    }

    private static void checkWorkgroupSize(Program.WorkgroupSize size, Findings out) {
        Path at = Path.root("workgroupSize", RANK_WORKGROUP_SIZE);
        boolean allPositive = true;
        for (int axis = 0; axis < 3; axis++) {
            if (size.get(axis) == 0) {
                allPositive = false;
                out.add(at.child("." + AXES[axis], axis), "workgroup size " + AXES[axis] + " is 0; each axis must be >= 1",
                        "use 1 for an unused axis");
            }
        }
        if (!allPositive) {
            return;
        }
        BigInteger product = BigInteger.ONE;
        for (int axis = 0; axis < 3; axis++) {
            product = product.multiply(BigInteger.valueOf(Integer.toUnsignedLong(size.get(axis))));
        }
        if (product.compareTo(BigInteger.valueOf(MAX_WORKGROUP_INVOCATIONS)) > 0) {
            out.add(at, "workgroup size " + Integer.toUnsignedString(size.x()) + " x " + Integer.toUnsignedString(size.y())
                            + " x " + Integer.toUnsignedString(size.z()) + " has " + product + " invocations, more than "
                            + MAX_WORKGROUP_INVOCATIONS,
                    "use at most " + MAX_WORKGROUP_INVOCATIONS + " invocations per workgroup (e.g. 256 x 1 x 1) and "
                            + "dispatch more workgroups");
        }
    }

    /**
     * The type a Load of this element type gives and a Store takes ({@code Bytes} loads and stores {@code U32}),
     * or null for an element type this runtime cannot run.
     */
    static ScalarType valueType(DataType elementType) {
        if (!(elementType instanceof ScalarType s)) {
            return null;
        }
        return switch (s) {
            case U32, BYTES -> ScalarType.U32;
            case I32 -> ScalarType.I32;
            case F32 -> ScalarType.F32;
            case BOOL -> ScalarType.BOOL;
            default -> null;
        };
    }

    private static String supportedTypeFix(DataType type) {
        return switch (type) {
            case ScalarType s -> switch (s) {
                case U64 -> "declare it as U32 with two elements per 64-bit value";
                case F16, BF16, F64 -> "declare it as F32 and convert the data on the host";
                case VEC2_U32 -> "declare it as U32 with 2 elements per vector";
                case VEC4_U32 -> "declare it as U32 with 4 elements per vector";
                default -> "declare it as a flat U32, I32 or F32 buffer";
            };
            case DataType.ArrayType a -> "declare it as a flat buffer of "
                    + (valueType(a.element()) != null ? Names.type(a.element()) : "U32") + " with "
                    + Integer.toUnsignedString(a.length()) + " elements per array";
            case DataType.OpaqueType o -> "declare it as U32, I32, F32, Bool or Bytes";
        };
    }
}
