package dev.vyre.runtime.cuda;

import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.TenantSpec;

/**
 * The window table of a megakernel with confined tenants (docs/TENANTS.md, "Confinement"): what the CUDA kernel
 * reads to confine each slot to its tenant's regions ({@link MegakernelPtx.Param#WINDOWS}, device memory written
 * once before the launch). Layout, in u32 words:
 * <ul>
 *   <li>a header of {@link #HEADER_WORDS} words: {@link #CONFINED_MASK} (bit t set: tenant t is confined), the rest
 *       zero;</li>
 *   <li>then one entry of {@link #ENTRY_WORDS} words per tenant 0..29 (16-byte aligned, one vector load):
 *       {@link #CONTROL_FIRST}, {@link #CONTROL_WORDS}, {@link #DATA_OFFSET}, {@link #DATA_BYTES}. A confined tenant's
 *       entry holds its {@link TenantSpec.Regions}; every other tenant's holds the whole control block and data
 *       region ({@code 0, control words, 0, data bytes}), so the kernel's checks pass for it unchanged.</li>
 * </ul>
 */
public final class TenantWindows {
    /** Header word: the mask of confined tenants. */
    public static final int CONFINED_MASK = 0;
    /** Words before the first entry (one 16-byte vector). */
    public static final int HEADER_WORDS = 4;
    /** Entry word: first control word of the tenant's window. */
    public static final int CONTROL_FIRST = 0;
    /** Entry word: control words in the window. */
    public static final int CONTROL_WORDS = 1;
    /** Entry word: first byte of the tenant's data range in the data region. */
    public static final int DATA_OFFSET = 2;
    /** Entry word: bytes of the data range. */
    public static final int DATA_BYTES = 3;
    /** Words per tenant entry. */
    public static final int ENTRY_WORDS = 4;
    /** Bytes per tenant entry. */
    public static final int ENTRY_BYTES = ENTRY_WORDS * Wire.WORD_BYTES;
    /** Byte offset of tenant 0's entry. */
    public static final int FIRST_ENTRY_BYTE = HEADER_WORDS * Wire.WORD_BYTES;
    /** Words of the whole table. */
    public static final int TABLE_WORDS = HEADER_WORDS + Permissions.TENANTS * ENTRY_WORDS;

    private TenantWindows() {
    }

    /** Whether some tenant of {@code regions} is confined: the kernel then needs the table. */
    public static boolean any(TenantSpec.Regions[] regions) {
        for (TenantSpec.Regions r : regions) {
            if (r != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The table's words for {@code regions} (checked at bootstrap by {@code Tenants.resolve}) over a control block
     * of {@code controlWords} words and a data region of {@code dataBytes} bytes (below 4 GiB, as the kernel's
     * {@code DATA_BYTES} parameter).
     */
    public static int[] table(TenantSpec.Regions[] regions, int controlWords, long dataBytes) {
        int[] words = new int[TABLE_WORDS];
        int mask = 0;
        for (int t = 0; t < Permissions.TENANTS; t++) {
            TenantSpec.Regions r = t < regions.length ? regions[t] : null;
            int at = HEADER_WORDS + t * ENTRY_WORDS;
            if (r != null) {
                mask |= 1 << t;
                words[at + CONTROL_FIRST] = r.controlFirst();
                words[at + CONTROL_WORDS] = r.controlWords();
                words[at + DATA_OFFSET] = (int) r.dataOffset();
                words[at + DATA_BYTES] = (int) r.dataBytes();
            } else {
                words[at + CONTROL_WORDS] = controlWords;
                words[at + DATA_BYTES] = (int) dataBytes;
            }
        }
        words[CONFINED_MASK] = mask;
        return words;
    }
}
