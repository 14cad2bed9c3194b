package dev.vyre.ir.check;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Program;
import dev.vyre.ir.SystemMemory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a program's system-memory declaration ({@link SystemMemory}): one well-formed metadata field whose names are
 * declared, distinct, non-Workgroup buffers. Its result tells the {@link Checker} whether the profile's nodes are
 * allowed.
 */
final class SystemMemoryCheck {
    /** Rank of the extension fields among the top-level locations: after the buffers, before the body. */
    static final long RANK_EXTENSIONS = Declarations.RANK_BODY - (1L << 31);

    private SystemMemoryCheck() {
    }

    /** Whether {@code program} declares the profile (even with problems, which are reported). */
    static boolean check(Program program, Map<String, BufferDecl> buffers, Findings out) {
        boolean declared = false;
        List<MetadataExtension> extensions = program.extensions();
        for (int i = 0; i < extensions.size(); i++) {
            if (extensions.get(i).discriminant() != SystemMemory.METADATA_DISCRIMINANT) {
                continue;
            }
            Path at = Path.root("extensions[" + i + "]", RANK_EXTENSIONS + i);
            if (declared) {
                out.add(at, "the system-memory metadata field appears twice", "declare every mapped buffer in "
                        + "one field (SystemMemory.declare)");
                continue;
            }
            declared = true;
            List<String> names;
            try {
                names = SystemMemory.mappedBuffers(extensions.get(i));
            } catch (SystemMemory.MalformedException e) {
                out.add(at, e.problem(), e.fix());
                continue;
            }
            checkNames(names, buffers, at, out);
        }
        return declared;
    }

    private static void checkNames(List<String> names, Map<String, BufferDecl> buffers, Path at, Findings out) {
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            Path here = at.child(".mapped[" + k + "]", k);
            BufferDecl b = buffers.get(name);
            if (b == null) {
                out.add(here, "system-memory field maps undeclared buffer " + Names.quote(name),
                        "declare " + Names.quote(name) + " in the program's buffers, or leave it out of the field");
            } else if (b.access() == BufferAccess.WORKGROUP) {
                out.add(here, "system-memory field maps Workgroup buffer " + Names.quote(name) + "; Workgroup "
                        + "buffers are on-chip scratch, not host memory", "map only buffers the caller binds");
            }
            if (!seen.add(name)) {
                out.add(here, "system-memory field maps buffer " + Names.quote(name) + " twice",
                        "name every mapped buffer once");
            }
        }
    }
}
