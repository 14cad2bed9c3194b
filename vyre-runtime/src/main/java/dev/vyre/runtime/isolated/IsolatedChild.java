package dev.vyre.runtime.isolated;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.RingView;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.CudaBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of an {@link IsolatedBackend}: maps the shared ring file, starts the backend inside (CPU workers
 * or the CUDA megakernel) on it, with each worker starting at its cursor, reports RUNNING in the isolation header
 * and serves until its workers exit (or its parent process is gone). Exit status 0 after a drain that followed
 * SHUTDOWN (header DRAINED); anything else, or a process killed by a signal, is a crash to the parent. Run as
 * {@code java -cp <class path> dev.vyre.runtime.isolated.IsolatedChild <spec file>}.
 */
public final class IsolatedChild {
    /** Exit status when the backend inside failed (a kernel fault, a worker thread that died). */
    static final int FAILED = 3;

    private IsolatedChild() {
    }

    public static void main(String[] args) {
        ChildSpec spec = ChildSpec.read(Path.of(args[0]));
        Arena arena = Arena.ofShared();
        // each buffer's whole pages are mapped (and, on CUDA, registered); the buffer is the slice the parent sized
        MemorySegment[] pages = new MemorySegment[ChildSpec.Buffer.values().length];
        MemorySegment[] seg = new MemorySegment[pages.length];
        for (ChildSpec.Buffer b : ChildSpec.Buffer.values()) {
            long size = spec.size(b);
            pages[b.ordinal()] = size == 0 ? MemorySegment.NULL
                    : SharedFile.map(spec.ringFile(), spec.offset(b), SharedFile.roundUp(size), arena);
            seg[b.ordinal()] = size == 0 ? MemorySegment.NULL : pages[b.ordinal()].asSlice(0, size);
        }
        RingView ring = RingView.wrap(seg[ChildSpec.Buffer.RING.ordinal()]);
        RingBuffers buffers = new RingBuffers(ControlView.wrap(seg[ChildSpec.Buffer.CONTROL.ordinal()]), ring,
                DebugLogView.wrap(seg[ChildSpec.Buffer.DEBUG.ordinal()]), seg[ChildSpec.Buffer.IO_QUEUE.ordinal()],
                seg[ChildSpec.Buffer.DATA.ordinal()]);
        IsolationHeader header = new IsolationHeader(seg[ChildSpec.Buffer.HEADER.ordinal()], ring.slotCount());
        if (spec.fresh()) {
            for (int w = 0; w < ring.slotCount(); w++) {
                header.setCursor(w, w);
            }
        }
        MegakernelConfig config = spec.config(ring.slotCount());
        Backend inner;
        try {
            inner = spec.inner() == IsolatedOptions.Inner.CPU ? new CpuBackend(hook(spec, ring), header.cursors())
                    : cuda(spec, pages, header);
            inner.start(buffers, config);
        } catch (RuntimeException | Error e) {
            System.err.println("vyre isolated child: the backend did not start: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(FAILED);
            return;
        }
        header.set(IsolationHeader.WORKERS, inner.workers());
        header.set(IsolationHeader.STATE, IsolationHeader.RUNNING);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        try {
            while (!inner.awaitExit(Duration.ofMillis(50))) {
                if (parent != null && !parent.isAlive()) {
                    // orphaned (the parent JVM died): do not keep the workers, or the GPU, busy for nobody
                    System.err.println("vyre isolated child: the parent process " + parent.pid() + " is gone");
                    Runtime.getRuntime().halt(FAILED);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("vyre isolated child: the backend failed: " + e);
            Runtime.getRuntime().halt(FAILED);
        }
        if (!buffers.control().shutdownRequested()) {
            System.err.println("vyre isolated child: the workers exited without a SHUTDOWN");
            Runtime.getRuntime().halt(FAILED);
        }
        header.set(IsolationHeader.STATE, IsolationHeader.DRAINED);
        try {
            inner.close();
        } catch (RuntimeException e) {
            System.err.println("vyre isolated child: close failed after the drain: " + e);
        }
        Runtime.getRuntime().halt(0);
    }

    private static CpuBackend.SlotHook hook(ChildSpec spec, RingView ring) {
        if (spec.childHook() == null) {
            return null;
        }
        try {
            ChildHook h = (ChildHook) Class.forName(spec.childHook()).getConstructor().newInstance();
            return (worker, slot) -> h.beforeExecute(ring, slot);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the child hook " + spec.childHook(), e);
        }
    }

    /** The CUDA megakernel on the shared regions (registered with the driver), its workers at the cursors. */
    private static Backend cuda(ChildSpec spec, MemorySegment[] pages, IsolationHeader header) {
        CudaBackend b = CudaBackend.open(CudaBackend.Settings.defaults().withDevice(spec.cudaOrdinal()));
        for (MemorySegment s : pages) {
            if (s.byteSize() > 0) {
                b.adoptShared(s);
            }
        }
        b.useCursors(header.cursors());
        if (spec.faultOpcode() != 0) {
            b.injectFaultForTests(spec.faultOpcode());
        }
        return b;
    }
}
