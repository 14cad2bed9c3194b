package dev.vyre.runtime;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a tenant may do (docs/TENANTS.md): the opcodes it may publish, how many of its slots may be in flight at
 * once, its fairness share, and optionally the regions it is confined to. Declared at bootstrap with
 * {@link MegakernelConfig#withTenant(int, TenantSpec)}; published through {@link Megakernel#tenant(int)}.
 *
 * @param opcodes the opcodes the tenant may publish (built-ins, system opcodes and registered user handlers); its
 *                permission mask ({@code control[TENANT_BASE + t]}) allows exactly these
 * @param quota   most slots published through the tenant's handle that may be in flight at once, 1..slotCount, or
 *                0 for the ring's size; written to {@code control[TENANT_QUOTA_BASE + t]}
 * @param share   fairness share 1..65535: when tenants contend for the admission window they are admitted in
 *                proportion to their shares; written to {@code control[TENANT_FAIRNESS_BASE + t]}
 * @param regions the tenant's regions, or null for an unconfined tenant (it sees the whole control block and data
 *                region, as every tenant did before tenants existed)
 */
public record TenantSpec(Set<Integer> opcodes, int quota, int share, Regions regions) {
    /** Largest fairness share (it is kept in 16 bits so that a device scheduler can use it as a weight). */
    public static final int MAX_SHARE = 0xFFFF;

    /**
     * The memory a confined tenant's slots may touch. Built-ins of the tenant may address only control words
     * {@code controlFirst .. controlFirst + controlWords - 1} (absolute indices, all in the observables); its user
     * handlers see their {@code control} buffer as exactly that window (index 0 is {@code controlFirst}) and their
     * {@code data} buffer as the data-region bytes {@code dataOffset .. dataOffset + dataBytes - 1}.
     *
     * @param controlFirst first control word of the window, at least {@code OBSERVABLE_BASE} (160)
     * @param controlWords words in the window (0: none)
     * @param dataOffset   first byte of the tenant's part of the data region, a multiple of 4
     * @param dataBytes    bytes in it, a multiple of 4 (0: none)
     */
    public record Regions(int controlFirst, int controlWords, long dataOffset, long dataBytes) {
    }

    public TenantSpec {
        if (opcodes == null) {
            throw new BootstrapException("tenant spec has a null opcode set", "pass the opcodes the tenant may publish");
        }
        for (Integer op : opcodes) {
            if (op == null) {
                throw new BootstrapException("tenant spec opcode set contains null", "pass only opcode values");
            }
        }
        opcodes = Set.copyOf(opcodes);
    }

    /** A tenant allowed exactly {@code opcodes}, quota = the ring, share 1, unconfined. */
    public static TenantSpec allowing(int... opcodes) {
        Set<Integer> s = new TreeSet<>();
        for (int op : opcodes) {
            s.add(op);
        }
        return new TenantSpec(s, 0, 1, null);
    }

    /** This spec with an in-flight quota ({@code 0}: the ring's size). */
    public TenantSpec withQuota(int slots) {
        return new TenantSpec(opcodes, slots, share, regions);
    }

    /** This spec with a fairness share (1..65535). */
    public TenantSpec withShare(int weight) {
        return new TenantSpec(opcodes, quota, weight, regions);
    }

    /** This spec confined to a control-word window and a part of the data region (see {@link Regions}). */
    public TenantSpec confinedTo(int controlFirst, int controlWords, long dataOffset, long dataBytes) {
        return new TenantSpec(opcodes, quota, share, new Regions(controlFirst, controlWords, dataOffset, dataBytes));
    }
}
