package dev.vyre.cli;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns {@code --buffer} arguments into the memory segments a run binds: given buffers get their values, file
 * contents or zeros; buffers not given are zero-filled from their declared count; Workgroup buffers are never
 * bound (the interpreter owns them).
 */
final class BufferBinder {
    private BufferBinder() {
    }

    /** Segments by buffer name, in declaration order, allocated in {@code arena}. */
    static Map<String, MemorySegment> bind(Program program, List<BufferArg> args, Arena arena) {
        Map<String, BufferArg> given = new HashMap<>();
        for (BufferArg arg : args) {
            BufferDecl decl = program.buffer(arg.name());
            if (decl == null) {
                throw new CliException("--buffer " + arg.name() + ": the program declares no buffer named '"
                        + arg.name() + "' (it declares: " + declaredNames(program) + ")",
                        "use one of the declared names");
            }
            if (decl.access() == BufferAccess.WORKGROUP) {
                throw new CliException("--buffer " + arg.name() + ": '" + arg.name()
                        + "' is a Workgroup buffer, which each workgroup gets fresh and zeroed",
                        "drop --buffer " + arg.name());
            }
            if (given.put(arg.name(), arg) != null) {
                throw new CliException("--buffer " + arg.name() + " is given twice", "give each buffer once");
            }
        }
        Map<String, MemorySegment> bound = new LinkedHashMap<>();
        for (BufferDecl decl : program.buffers()) {
            if (decl.access() == BufferAccess.WORKGROUP) {
                continue;
            }
            BufferArg arg = given.get(decl.name());
            bound.put(decl.name(), arg == null ? zeroFilled(decl, arena) : fromArg(decl, arg, arena));
        }
        return bound;
    }

    private static String declaredNames(Program program) {
        String names = program.buffers().stream().map(BufferDecl::name).collect(Collectors.joining(", "));
        return names.isEmpty() ? "none" : names;
    }

    private static MemorySegment zeroFilled(BufferDecl decl, Arena arena) {
        int size = Buffers.elementSize(decl);
        if (decl.count() == 0) {
            throw new CliException("buffer '" + decl.name() + "' declares no element count, so vyre cannot size it",
                    "give it with --buffer " + decl.name() + "=zeros:BYTES or with values, e.g. "
                            + decl.name() + "=" + keywordOf(decl) + ":0,0,0,0");
        }
        long bytes = Integer.toUnsignedLong(decl.count()) * size;
        if (bytes > BufferArg.MAX_BYTES) {
            throw new CliException("buffer '" + decl.name() + "' declares " + Integer.toUnsignedString(decl.count())
                    + " elements (" + bytes + " bytes), more than vyre vir0 run allocates (" + BufferArg.MAX_BYTES
                    + " bytes)", "declare a smaller count");
        }
        return arena.allocate(bytes, Long.BYTES);
    }

    private static String keywordOf(BufferDecl decl) {
        return decl.elementType() instanceof ScalarType s && Buffers.bindable(s)
                ? BufferArg.keyword(s) : "bytes";
    }

    private static MemorySegment fromArg(BufferDecl decl, BufferArg arg, Arena arena) {
        int size = Buffers.elementSize(decl);
        String what = "--buffer " + decl.name();
        MemorySegment segment = switch (arg.source()) {
            case BufferArg.Values v -> {
                if (v.type() != decl.elementType()) {
                    throw new CliException(what + " gives " + BufferArg.keyword(v.type()) + " values but '"
                            + decl.name() + "' holds " + Buffers.typeName(decl.elementType()),
                            "write " + decl.name() + "=" + keywordOf(decl) + ":...");
                }
                yield copyOf(v.bytes(), arena);
            }
            case BufferArg.FromFile f -> copyOf(readFile(decl, f), arena);
            case BufferArg.Zeros z -> arena.allocate(z.byteCount(), Long.BYTES);
        };
        long bytes = segment.byteSize();
        if (bytes % size != 0) {
            throw new CliException(what + " has " + bytes + " bytes, not a whole number of "
                    + Buffers.typeName(decl.elementType()) + " elements (" + size + " bytes each)",
                    "give a multiple of " + size + " bytes");
        }
        long count = Integer.toUnsignedLong(decl.count());
        if (count != 0 && bytes / size < count) {
            throw new CliException(what + " has " + bytes / size + " elements but '" + decl.name()
                    + "' declares " + count + " (" + count * size + " bytes)",
                    "give at least " + count + " elements, or leave out --buffer " + decl.name()
                            + " to zero-fill it");
        }
        return segment;
    }

    private static byte[] readFile(BufferDecl decl, BufferArg.FromFile f) {
        try {
            long size = Files.size(f.path());
            if (size > BufferArg.MAX_BYTES) {
                throw new CliException("--buffer " + decl.name() + "=file:" + f.path() + " is " + size
                        + " bytes, more than vyre vir0 run loads (" + BufferArg.MAX_BYTES + ")", "use a smaller file");
            }
            return Files.readAllBytes(f.path());
        } catch (NoSuchFileException e) {
            throw new CliException("--buffer " + decl.name() + ": file " + f.path() + " does not exist",
                    "check the path (relative paths start at the current directory)", e);
        } catch (IOException e) {
            throw new CliException("--buffer " + decl.name() + ": cannot read " + f.path() + ": " + e,
                    "check the file's permissions", e);
        }
    }

    private static MemorySegment copyOf(byte[] bytes, Arena arena) {
        MemorySegment segment = arena.allocate(bytes.length, Long.BYTES);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }
}
