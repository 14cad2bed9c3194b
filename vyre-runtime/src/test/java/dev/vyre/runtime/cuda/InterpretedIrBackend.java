package dev.vyre.runtime.cuda;

import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.cuda.ir.MegakernelProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A backend that runs the IR-built megakernel's VIR0 program in the reference interpreter, the oracle, on one Java
 * thread over the live shared buffers: no PTX at all. The interpreter runs invocations one after another, so the
 * program is built for one worker (invocation 0 owns every slot; the other invocations of its workgroup return at
 * once after it). Fences are full fences and sleeps spin-wait hints; the step budget is unbounded, since the
 * worker's loop ends only with SHUTDOWN.
 */
final class InterpretedIrBackend implements Backend {
    private final Arena arena = Arena.ofShared();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread worker;
    private RingBuffers buffers;

    @Override
    public String name() {
        return "ir-interpreter";
    }

    @Override
    public synchronized MemorySegment allocateShared(long bytes, long alignment) {
        MemorySegment s = arena.allocate(bytes, alignment);
        s.fill((byte) 0);
        return s;
    }

    @Override
    public synchronized void start(RingBuffers b, MegakernelConfig config) {
        CudaBackend.checkIrKernel(config, b);
        if (config.workers() > 1) {
            throw new IllegalArgumentException("the interpreted IR kernel runs one worker, not " + config.workers());
        }
        dev.vyre.runtime.TenantSpec.Regions[] regions = dev.vyre.runtime.Tenants.regions(config);
        Program program = MegakernelProgram.build(new MegakernelProgram.Options(1, 1, 64).withHandlers(
                dev.vyre.runtime.HandlerTable.of(config.userHandlers()), config.handlerStepBudget())
                .withConfinement(TenantWindows.any(regions)));
        // the window table, as CudaBackend uploads it (bound only where some tenant is confined)
        MemorySegment windows = MemorySegment.ofArray(TenantWindows.table(regions, b.control().wordCount(),
                b.data().byteSize()));
        Map<String, MemorySegment> memory = Map.of(
                MegakernelProgram.CONTROL, b.control().segment(),
                MegakernelProgram.RING, b.ring().segment().asSlice(0, (long) IrKernel.elements(MegakernelProgram.RING,
                        b, 0) * Integer.BYTES),
                MegakernelProgram.DEBUG, b.debug().segment(), MegakernelProgram.DATA, b.data(),
                MegakernelProgram.WINDOWS_MEMORY, windows);
        Map<String, MemorySegment> bound = new java.util.HashMap<>();
        program.buffers().forEach(d -> bound.put(d.name(), memory.get(MegakernelProgram.memoryOf(d.name()))));
        buffers = b;
        worker = Thread.ofPlatform().daemon().name("ir-interpreter").start(() -> {
            try {
                new ReferenceInterpreter(Long.MAX_VALUE).run(program, Dispatch.of(1), bound);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                b.control().requestShutdown();
            }
        });
    }

    /** The interpreter's failure, or null. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public boolean awaitExit(Duration timeout) {
        Thread t;
        synchronized (this) {
            t = worker;
        }
        try {
            return t == null || t.join(timeout.isZero() ? Duration.ofNanos(1) : timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (!awaitExit(Duration.ZERO) && buffers != null) {
            buffers.control().requestShutdown();
            if (!awaitExit(Duration.ofSeconds(10))) {
                throw new IllegalStateException("the interpreted IR kernel still runs 10 s after SHUTDOWN");
            }
        }
        arena.close();
    }
}
