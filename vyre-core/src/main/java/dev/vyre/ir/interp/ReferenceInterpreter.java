package dev.vyre.ir.interp;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The CPU reference interpreter: the oracle for every backend (docs/VIR0-SEMANTICS.md). Buffers are bound by
 * name to little-endian memory segments, which the run reads and writes in place.
 *
 * <p>Workgroups run one after another. A program without {@code Barrier} or wave operators runs its invocations
 * one after another on the calling thread; a program with them runs each workgroup's invocations concurrently,
 * one virtual thread each, meeting at every collective; divergent collectives fail the run instead of hanging.
 *
 * <p>Steps: every node execution, every iteration of a {@code For} or {@code Loop}, every expression evaluation
 * and the start of every invocation count one step against the budget. Instances are stateless between runs
 * and may be shared by threads.
 */
public final class ReferenceInterpreter {
    /** Default step budget per dispatch. */
    public static final long DEFAULT_STEP_BUDGET = 100_000_000L;
    /** Most bytes of Workgroup buffers one workgroup may declare (GPUs offer far less shared memory). */
    public static final long MAX_WORKGROUP_BYTES = 64L << 20;
    private static final long MAX_INVOCATIONS_PER_WORKGROUP = 1024;
    private static final long MAX_ELEMENTS = 0xFFFF_FFFFL;
    private static final String WORKGROUP_FIX =
            "give every axis a size >= 1 with a product <= 1024, and validate the program before running it";

    private final long stepBudget;

    public ReferenceInterpreter() {
        this(DEFAULT_STEP_BUDGET);
    }

    /** An interpreter that fails any dispatch taking more than {@code stepBudget} (>= 1) steps. */
    public ReferenceInterpreter(long stepBudget) {
        if (stepBudget < 1) {
            throw new InterpreterException("step budget " + stepBudget + " is not positive",
                    "pass a budget >= 1, e.g. ReferenceInterpreter.DEFAULT_STEP_BUDGET");
        }
        this.stepBudget = stepBudget;
    }

    /**
     * Runs a validated program over {@code grid}. Every non-Workgroup buffer must be bound in {@code buffers}
     * (and nothing else); the program sees the first {@code count} elements of a buffer that declares a count,
     * else the whole segment. {@code WriteOnly} buffers are zeroed first, so that they read 0 where the run has
     * not written.
     *
     * @throws InterpreterException on bad bindings or grid, an exhausted step budget, or divergent collectives
     */
    public RunResult run(Program program, Dispatch grid, Map<String, MemorySegment> buffers) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(buffers, "buffers");
        checkGrid(grid);
        int[] size = workgroupSize(program);
        ScalarType[] elements = elementTypes(program);
        Execution execution = new Execution(stepBudget);
        long[] outOfBounds;
        try {
            Compiler.Code code = Compiler.compile(program, elements);
            if (code.collective()) {
                outOfBounds = runConcurrent(program, elements, buffers, code, execution, size, grid);
            } else {
                outOfBounds = runSequential(code, execution, bind(program, elements, buffers), size, grid);
            }
        } catch (StackOverflowError e) {
            throw new InterpreterException("the program nests expressions or nodes too deeply for the interpreter's"
                    + " stack", "flatten deep expression chains with Let, or run with a larger thread stack (-Xss)");
        }
        return new RunResult(execution.steps(), outOfBounds[0], outOfBounds[1], execution.indirectDispatches());
    }

    /**
     * A program with collectives runs its invocations on threads of their own ({@link ConcurrentRun}), which cannot
     * touch a segment confined to the caller's thread: such a segment is copied into a shared one for the run and
     * copied back afterwards (unless it is read-only), so callers may pass segments of any arena.
     */
    private static long[] runConcurrent(Program program, ScalarType[] elements, Map<String, MemorySegment> buffers,
                                        Compiler.Code code, Execution execution, int[] size, Dispatch grid) {
        Thread other = Thread.ofVirtual().unstarted(() -> { });
        Map<String, MemorySegment> usable = new LinkedHashMap<>(buffers);
        Map<MemorySegment, MemorySegment> copies = new LinkedHashMap<>();
        try (Arena staging = Arena.ofShared()) {
            for (Map.Entry<String, MemorySegment> e : buffers.entrySet()) {
                MemorySegment segment = e.getValue();
                if (segment != null && !segment.isAccessibleBy(other)) {
                    // one copy per segment, so that two names bound to the same memory still alias
                    usable.put(e.getKey(), copies.computeIfAbsent(segment, s -> {
                        MemorySegment copy = staging.allocate(Math.max(1, s.byteSize()), Long.BYTES)
                                .asSlice(0, s.byteSize());
                        return copy.copyFrom(s);
                    }));
                }
            }
            long[] outOfBounds = new ConcurrentRun(code, execution, bind(program, elements, usable), size).run(grid);
            copies.forEach((segment, copy) -> {
                if (!segment.isReadOnly()) {
                    segment.copyFrom(copy);
                }
            });
            return outOfBounds;
        }
    }

    /** How one invocation of {@link #runLanes} ended. */
    public enum LaneEnd {
        /** It returned or finished its body within its step budget. */
        FINISHED,
        /** It took more steps than the budget; it stopped where a run of this budget stops. */
        STEP_BUDGET,
        /** It failed otherwise: it reached a collective after (or at) a divergence, or the run failed for it. */
        FAILED
    }

    /**
     * Runs workgroup (0, 0, 0) of {@code program} as independent lanes, the semantics of a cooperative megakernel
     * handler (docs/MEGAKERNEL.md): every invocation has this interpreter's step budget for itself (counted and cut
     * off as a one-invocation run of that budget), and an invocation that fails stops alone, no longer live, while
     * the others go on (a lane out of steps drops out of later collectives like one that returned). A divergent
     * collective (live lanes at different collectives) fails the invocations waiting at it and every invocation that
     * reaches a collective after it; invocations that reach none finish normally. Bindings as in {@link #run}.
     *
     * @return how each invocation ended, by local linear index
     * @throws InterpreterException on bad bindings or workgroup size (nothing has run then)
     */
    public LaneEnd[] runLanes(Program program, Map<String, MemorySegment> buffers) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(buffers, "buffers");
        int[] size = workgroupSize(program);
        ScalarType[] elements = elementTypes(program);
        Compiler.Code code = Compiler.compile(program, elements);
        BoundBuffer[] bound = bind(program, elements, buffers);
        return new LaneRun(code, new Execution(stepBudget, true), bound, size).run();
    }

    // ---- checks and bindings ---------------------------------------------------------------------------------

    private static void checkGrid(Dispatch grid) {
        int[] axes = {grid.x(), grid.y(), grid.z()};
        for (int a = 0; a < 3; a++) {
            if (axes[a] == 0) {
                throw new InterpreterException("grid " + Invocation.triple(grid.x(), grid.y(), grid.z())
                        + " has 0 workgroups on axis " + "xyz".charAt(a),
                        "dispatch at least one workgroup on every axis, e.g. Dispatch.of(n) for a 1-D grid");
            }
        }
    }

    private static int[] workgroupSize(Program program) {
        Program.WorkgroupSize ws = program.workgroupSize();
        int[] size = {ws.x(), ws.y(), ws.z()};
        for (int a = 0; a < 3; a++) {
            if (size[a] == 0) {
                throw new InterpreterException("workgroup size " + Invocation.triple(size[0], size[1], size[2])
                        + " is 0 on axis " + "xyz".charAt(a), WORKGROUP_FIX);
            }
        }
        if (ws.invocations() > MAX_INVOCATIONS_PER_WORKGROUP) {
            throw new InterpreterException("workgroup size " + Invocation.triple(size[0], size[1], size[2])
                    + " has " + ws.invocations() + " invocations, more than 1024", WORKGROUP_FIX);
        }
        return size;
    }

    private static ScalarType[] elementTypes(Program program) {
        List<BufferDecl> decls = program.buffers();
        ScalarType[] out = new ScalarType[decls.size()];
        for (int i = 0; i < out.length; i++) {
            BufferDecl d = decls.get(i);
            if (!(d.elementType() instanceof ScalarType t) || !Ops.isBufferType(t)) {
                throw new InterpreterException("buffer '" + d.name() + "' has element type " + d.elementType()
                        + ", which cannot run", "declare it as U32, I32, F32, Bool or Bytes");
            }
            out[i] = t;
        }
        return out;
    }

    private static BoundBuffer[] bind(Program program, ScalarType[] elements, Map<String, MemorySegment> buffers) {
        List<BufferDecl> decls = program.buffers();
        for (String name : buffers.keySet()) {
            BufferDecl d = program.buffer(name);
            if (d == null) {
                throw new InterpreterException("a segment is bound to '" + name + "', which the program does not"
                        + " declare (declared: " + names(decls) + ")", "bind only declared buffers");
            }
            if (d.access() == BufferAccess.WORKGROUP && buffers.get(name) != null) {
                throw new InterpreterException("a segment is bound to Workgroup buffer '" + name + "'",
                        "do not bind Workgroup buffers: the interpreter allocates them per workgroup, zeroed");
            }
        }
        BoundBuffer[] bound = new BoundBuffer[decls.size()];
        long workgroupBytes = 0;
        for (int i = 0; i < bound.length; i++) {
            BufferDecl d = decls.get(i);
            int elementSize = elements[i].byteSize();
            long count = Integer.toUnsignedLong(d.count());
            if (d.access() == BufferAccess.WORKGROUP) {
                if (count == 0) {
                    throw new InterpreterException("Workgroup buffer '" + d.name() + "' declares count 0",
                            "declare the element count of every Workgroup buffer");
                }
                workgroupBytes += count * elementSize;
                if (workgroupBytes > MAX_WORKGROUP_BYTES) {
                    throw new InterpreterException("Workgroup buffers up to '" + d.name() + "' need "
                            + workgroupBytes + " bytes per workgroup, more than " + MAX_WORKGROUP_BYTES,
                            "keep Workgroup buffers small (GPU shared memory is tens of KiB)");
                }
                bound[i] = new BoundBuffer(elements[i], count, scratch(count * elementSize), true);
            } else {
                bound[i] = bindOne(d, elements[i], count, buffers.get(d.name()));
            }
        }
        // the system-memory profile: mapped buffers are accessed as shared memory another thread may change
        for (SystemMemory.Mapped m : SystemMemory.modes(program).orElse(List.of())) {
            int i = decls.indexOf(program.buffer(m.name()));
            if (i >= 0 && !bound[i].workgroupScratch) {
                bound[i] = bound[i].mapped(m.acquire(), m.release());
            }
        }
        return bound;
    }

    private static BoundBuffer bindOne(BufferDecl d, ScalarType element, long count, MemorySegment segment) {
        String what = d.access() + " " + element + " buffer '" + d.name() + "' (binding " + d.binding() + ")";
        if (segment == null) {
            throw new InterpreterException(what + " is not bound",
                    "pass a MemorySegment for '" + d.name() + "' in the buffers map");
        }
        int elementSize = element.byteSize();
        long bytes = segment.byteSize();
        if (bytes % elementSize != 0) {
            throw new InterpreterException(what + " is bound to " + bytes + " bytes, not a multiple of the "
                    + elementSize + "-byte element", "bind a segment of a whole number of elements");
        }
        long available = bytes / elementSize;
        if (available < count) {
            throw new InterpreterException(what + " declares " + count + " elements but its segment holds "
                    + available, "bind a segment of at least " + count * elementSize + " bytes");
        }
        long length = count > 0 ? count : available;
        if (length > MAX_ELEMENTS) {
            throw new InterpreterException(what + " is bound to " + available + " elements, more than a u32 index"
                    + " can reach", "bind at most 4294967295 elements, or declare a count");
        }
        if (d.access().writable() && segment.isReadOnly()) {
            throw new InterpreterException(what + " is writable but bound to a read-only segment",
                    "bind a writable segment, or declare the buffer ReadOnly");
        }
        MemorySegment visible = segment.asSlice(0, length * elementSize);
        if (d.access() == BufferAccess.WRITE_ONLY) {
            visible.fill((byte) 0); // a WriteOnly buffer reads what the run wrote, else 0
        }
        return new BoundBuffer(element, length, visible, false);
    }

    /** Zeroed, 4-byte aligned heap memory of {@code bytes} bytes. */
    private static MemorySegment scratch(long bytes) {
        return MemorySegment.ofArray(new int[(int) ((bytes + 3) / 4)]).asSlice(0, bytes);
    }

    private static String names(List<BufferDecl> decls) {
        StringBuilder sb = new StringBuilder();
        for (BufferDecl d : decls) {
            sb.append(sb.isEmpty() ? "" : ", ").append(d.name());
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    // ---- sequential execution ------------------------------------------------------------------------------

    private static long[] runSequential(Compiler.Code code, Execution execution, BoundBuffer[] bound, int[] size,
                                        Dispatch grid) {
        Invocation inv = new Invocation(execution, bound, null, code.frameSize(), size);
        int invocations = size[0] * size[1] * size[2];
        forEachWorkgroup(grid, (x, y, z) -> {
            clearWorkgroupBuffers(bound);
            inv.setWorkgroup(x, y, z);
            for (int linear = 0; linear < invocations; linear++) {
                inv.setLocal(linear);
                inv.step();
                CNode.run(code.body(), inv);
                inv.flushSteps();
            }
        });
        return new long[] {inv.outOfBoundsLoads, inv.outOfBoundsStores};
    }

    /** Receives the id of one workgroup. */
    @FunctionalInterface
    interface WorkgroupVisitor {
        void visit(int x, int y, int z);
    }

    /** Visits every workgroup of {@code grid}, x fastest; counts are u32. */
    static void forEachWorkgroup(Dispatch grid, WorkgroupVisitor visitor) {
        long nx = Integer.toUnsignedLong(grid.x());
        long ny = Integer.toUnsignedLong(grid.y());
        long nz = Integer.toUnsignedLong(grid.z());
        for (long z = 0; z < nz; z++) {
            for (long y = 0; y < ny; y++) {
                for (long x = 0; x < nx; x++) {
                    visitor.visit((int) x, (int) y, (int) z);
                }
            }
        }
    }

    static void clearWorkgroupBuffers(BoundBuffer[] bound) {
        for (BoundBuffer b : bound) {
            if (b.workgroupScratch) {
                b.clear();
            }
        }
    }
}
