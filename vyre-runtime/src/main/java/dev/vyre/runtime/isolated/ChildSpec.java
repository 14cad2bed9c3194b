package dev.vyre.runtime.isolated;

import dev.vyre.ir.Program;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SchedulerConfig;
import dev.vyre.runtime.TenantSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a child process of the isolated backend needs to serve the shared ring, written by the parent to a small
 * file beside the ring file: where each buffer lies in the ring file, and the part of the configuration the
 * backend inside uses (workers, handlers as VIR0, step budget, tenant regions).
 *
 * @param ringFile    the shared ring file
 * @param offsets     byte offset of each {@link Buffer} in it (the data region's is unused when its size is 0)
 * @param sizes       byte size of each {@link Buffer}
 * @param inner       what runs the ring
 * @param cudaOrdinal the CUDA device
 * @param workers     the worker count (0: the inner backend's default; only for the first child)
 * @param fresh       whether the workers start at their first slot (the first child) rather than at the cursors
 * @param stepBudget  the handler step budget
 * @param regions     tenant to confined regions
 * @param handlers    user opcode to VIR0 bytes
 * @param childHook   test-only hook class, or null
 * @param faultOpcode test-only CUDA fault opcode, or 0
 */
record ChildSpec(Path ringFile, long[] offsets, long[] sizes, IsolatedOptions.Inner inner, int cudaOrdinal,
                 int workers, boolean fresh, long stepBudget, Map<Integer, TenantSpec.Regions> regions,
                 Map<Integer, byte[]> handlers, String childHook, int faultOpcode) {
    private static final int FORMAT = 1;

    /** The buffers of the ring file, in {@link #offsets} order. */
    enum Buffer {
        CONTROL, RING, DEBUG, IO_QUEUE, DATA, HEADER
    }

    /** The spec of {@code config} (its handlers encoded once). */
    static ChildSpec of(Path ringFile, long[] offsets, long[] sizes, IsolatedOptions options,
                        MegakernelConfig config) {
        Map<Integer, TenantSpec.Regions> regions = new TreeMap<>();
        config.scheduler().tenants().forEach((t, spec) -> {
            if (spec.regions() != null) {
                regions.put(t, spec.regions());
            }
        });
        Map<Integer, byte[]> handlers = new TreeMap<>();
        config.userHandlers().forEach((op, p) -> handlers.put(op, Vir0Encoder.encode(p)));
        return new ChildSpec(ringFile, offsets.clone(), sizes.clone(), options.inner(), options.cudaOrdinal(),
                config.workers(), true, config.handlerStepBudget(), regions, handlers, options.childHook(),
                options.faultOpcode());
    }

    /** This spec for a restarted child: {@code workers} workers starting at the cursors. */
    ChildSpec restart(int w) {
        return new ChildSpec(ringFile, offsets, sizes, inner, cudaOrdinal, w, false, stepBudget, regions, handlers,
                childHook, faultOpcode);
    }

    long offset(Buffer b) {
        return offsets[b.ordinal()];
    }

    long size(Buffer b) {
        return sizes[b.ordinal()];
    }

    /**
     * The configuration the backend inside the child starts with: the slot count of the shared ring, the workers,
     * handlers, step budget and tenant regions; recovery off (the parent recovers), ring-order claims.
     */
    MegakernelConfig config(int slots) {
        SchedulerConfig s = SchedulerConfig.defaults().withRecovery(false);
        for (Map.Entry<Integer, TenantSpec.Regions> e : regions.entrySet()) {
            s = s.withTenant(e.getKey(), new TenantSpec(Set.of(), 0, 1, e.getValue()));
        }
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(slots).withWorkers(workers)
                .withHandlerStepBudget(stepBudget).withScheduler(s);
        for (Map.Entry<Integer, byte[]> e : handlers.entrySet()) {
            Program p = Vir0Decoder.decode(e.getValue());
            c = c.withHandler(e.getKey(), p);
        }
        return c;
    }

    void write(Path file) {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(FORMAT);
            out.writeUTF(ringFile.toString());
            for (Buffer b : Buffer.values()) {
                out.writeLong(offsets[b.ordinal()]);
                out.writeLong(sizes[b.ordinal()]);
            }
            out.writeUTF(inner.name());
            out.writeInt(cudaOrdinal);
            out.writeInt(workers);
            out.writeBoolean(fresh);
            out.writeLong(stepBudget);
            out.writeInt(regions.size());
            for (Map.Entry<Integer, TenantSpec.Regions> e : regions.entrySet()) {
                TenantSpec.Regions r = e.getValue();
                out.writeInt(e.getKey());
                out.writeInt(r.controlFirst());
                out.writeInt(r.controlWords());
                out.writeLong(r.dataOffset());
                out.writeLong(r.dataBytes());
            }
            out.writeInt(handlers.size());
            for (Map.Entry<Integer, byte[]> e : handlers.entrySet()) {
                out.writeInt(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.writeUTF(childHook == null ? "" : childHook);
            out.writeInt(faultOpcode);
        } catch (IOException e) {
            throw new UncheckedIOException("isolated backend: cannot write the child spec " + file, e);
        }
    }

    static ChildSpec read(Path file) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("child spec format " + format + ", expected " + FORMAT);
            }
            Path ring = Path.of(in.readUTF());
            int n = Buffer.values().length;
            long[] offsets = new long[n];
            long[] sizes = new long[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = in.readLong();
                sizes[i] = in.readLong();
            }
            IsolatedOptions.Inner inner = IsolatedOptions.Inner.valueOf(in.readUTF());
            int ordinal = in.readInt();
            int workers = in.readInt();
            boolean fresh = in.readBoolean();
            long budget = in.readLong();
            Map<Integer, TenantSpec.Regions> regions = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                regions.put(in.readInt(), new TenantSpec.Regions(in.readInt(), in.readInt(), in.readLong(),
                        in.readLong()));
            }
            Map<Integer, byte[]> handlers = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                int op = in.readInt();
                handlers.put(op, in.readNBytes(in.readInt()));
            }
            String hook = in.readUTF();
            int faultOpcode = in.readInt();
            return new ChildSpec(ring, offsets, sizes, inner, ordinal, workers, fresh, budget, regions, handlers,
                    hook.isEmpty() ? null : hook, faultOpcode);
        } catch (IOException e) {
            throw new UncheckedIOException("isolated child: cannot read the child spec " + file, e);
        }
    }
}
