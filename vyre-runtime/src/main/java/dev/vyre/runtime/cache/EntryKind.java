package dev.vyre.runtime.cache;

/** What a cache entry holds; the wire value is part of the entry header and the file name's extension. */
public enum EntryKind {
    /** PTX text (UTF-8) generated for the key. */
    PTX(1, "ptx"),
    /** The cubin the driver's JIT compiled from that PTX (its build time is the JIT time). */
    CUBIN(2, "cubin");

    private final int wire;
    private final String extension;

    EntryKind(int wire, String extension) {
        this.wire = wire;
        this.extension = extension;
    }

    /** The u32 in the entry header. */
    public int wire() {
        return wire;
    }

    /** The file-name extension of its entries. */
    public String extension() {
        return extension;
    }

    /** The kind with wire value {@code wire}, or null. */
    static EntryKind fromWire(int wire) {
        for (EntryKind k : values()) {
            if (k.wire == wire) {
                return k;
            }
        }
        return null;
    }
}
