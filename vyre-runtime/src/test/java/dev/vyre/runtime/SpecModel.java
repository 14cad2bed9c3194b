package dev.vyre.runtime;

import dev.vyre.protocol.DebugRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, single-threaded statement of the built-in semantics of docs/MEGAKERNEL.md over an {@code int[]}
 * control block, written from the document with the spec's literal numbers (not the runtime's constants). Unlike
 * the executor, which checks every sub-op before running any, it runs a slot on a copy and throws the copy away on
 * a fault: the two must agree that a faulting slot has no effect.
 */
final class SpecModel {
    static final long U32 = 0xFFFF_FFFFL;
    static final int OBS = 160;

    final int[] control;
    final int capacity;
    final List<DebugRecord> log = new ArrayList<>();
    long dropped;

    /** What a slot must end as: DONE (code 0) or FAULT with code and detail, and its 12 argument words. */
    record Expect(int code, int detail, int[] args) {
        boolean done() {
            return code == 0;
        }
    }

    SpecModel(int controlWords, int debugCapacity) {
        this.control = new int[controlWords];
        this.capacity = debugCapacity;
    }

    /** Executes one slot published in ring slot {@code slot}; returns the expected outcome. */
    Expect exec(int slot, int opcode, int tenant, int[] args) {
        int[] scratch = control.clone();
        List<DebugRecord> newRecords = new ArrayList<>();
        long[] fault = run(scratch, slot, opcode, tenant, args, newRecords);
        int[] outArgs = args.clone();
        if (fault == null) {
            System.arraycopy(scratch, 0, control, 0, control.length);
            for (DebugRecord r : newRecords) {
                if (log.size() < capacity) {
                    log.add(r);
                } else {
                    dropped++;
                }
            }
        } else {
            outArgs[0] = (int) fault[0];
            outArgs[1] = (int) fault[1];
        }
        control[1]++; // DONE_COUNT counts faults too
        return fault == null ? new Expect(0, 0, outArgs) : new Expect((int) fault[0], (int) fault[1], outArgs);
    }

    /** Permission bit per the documented table, or -1 for an opcode without one. */
    static int bit(int opcode) {
        if (opcode >= 0 && opcode <= 7) {
            return opcode;
        }
        return switch (opcode) {
            case 0xFFFD -> 8;
            case 0xFFFE -> 9;
            case 0x8000_0001 -> 10;
            case 0xFFFF_FFFF -> 11;
            default -> -1;
        };
    }

    /** The tenants' masks as the backend read them at start ({@link #startWorkers()}); stores later do not count. */
    private final int[] startMasks = new int[30];

    /** Models the backend's start: it reads the tenant masks once, then every slot uses that snapshot. */
    void startWorkers() {
        System.arraycopy(control, 2, startMasks, 0, 30);
    }

    /** Permissions come from the masks read when the workers started. */
    private boolean allowed(int tenant, int bit) {
        return tenant >= 0 && tenant < 30 && (startMasks[tenant] & (1 << bit)) != 0;
    }

    private long[] run(int[] c, int slot, int opcode, int tenant, int[] a, List<DebugRecord> records) {
        int bit = bit(opcode);
        if (bit < 0) {
            return new long[] {1, 0};
        }
        if (!allowed(tenant, bit)) {
            return new long[] {2, 0};
        }
        if (opcode == 0x8000_0001) {
            for (int k = 0; k < 3; k++) {
                int op = a[4 * k];
                if (op == 0) {
                    continue;
                }
                if (!(op >= 1 && op <= 5 || op == 7)) {
                    return new long[] {5, 4 * k};
                }
                if (!allowed(tenant, op)) {
                    return new long[] {2, 4 * k};
                }
                long[] f = builtin(c, op, a[4 * k + 1], a[4 * k + 2], a[4 * k + 3]);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        return switch (opcode) {
            case 0xFFFE -> {
                records.add(new DebugRecord(a[0], a[1], a[2], slot * 16));
                yield null;
            }
            case 0xFFFF_FFFF -> {
                c[0] = 1;
                yield null;
            }
            case 6, 0xFFFD -> new long[] {1, 0};
            default -> builtin(c, opcode, a[0], a[1], a[2]);
        };
    }

    private long[] builtin(int[] c, int op, int a0, int a1, int a2) {
        long x0 = a0 & U32;
        long x1 = a1 & U32;
        long x2 = a2 & U32;
        long w = c.length;
        switch (op) {
            case 0:
                return null;
            case 1:
                if (x1 >= w) {
                    return out(x1);
                }
                c[(int) x1] = a0;
                return null;
            case 2:
                if (x1 >= w) {
                    return out(x1);
                }
                c[(int) x1] += a0;
                return null;
            case 3:
                if (x0 >= w) {
                    return out(x0);
                }
                if (OBS + x1 >= w) {
                    return out(OBS + x1);
                }
                c[(int) (OBS + x1)] = c[(int) x0];
                return null;
            case 4:
                if (x0 >= w) {
                    return out(x0);
                }
                if (OBS + x0 >= w) {
                    return out(OBS + x0);
                }
                int prev = c[(int) x0];
                if (prev == a1) {
                    c[(int) x0] = a2;
                }
                c[(int) (OBS + x0)] = prev;
                return null;
            case 5:
                if (x0 + x2 > w) {
                    return out(Math.max(x0, w));
                }
                if (x1 + x2 > w) {
                    return out(Math.max(x1, w));
                }
                int[] tmp = Arrays.copyOfRange(c, (int) x0, (int) (x0 + x2));
                System.arraycopy(tmp, 0, c, (int) x1, tmp.length);
                return null;
            case 7:
                if (OBS >= w) {
                    return out(OBS);
                }
                c[128]++;
                c[OBS] = a1;
                return null;
            default:
                throw new AssertionError("not a simple built-in: " + op);
        }
    }

    private static long[] out(long index) {
        return new long[] {6, Math.min(index, U32)};
    }
}
