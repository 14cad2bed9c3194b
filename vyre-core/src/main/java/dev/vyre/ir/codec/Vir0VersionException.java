package dev.vyre.ir.codec;

/** VIR0 input whose header names a version this decoder does not read. */
public class Vir0VersionException extends Vir0FormatException {
    private static final long serialVersionUID = 1L;

    private final int version;

    public Vir0VersionException(int version) {
        super(Vir0Format.OFFSET_VERSION, "unsupported VIR0 version " + version + "; this decoder reads version "
                + Vir0Format.VERSION + " only", "re-encode the program as VIR0 version " + Vir0Format.VERSION
                + " or use a vyre build that supports version " + version);
        this.version = version;
    }

    /** The version byte found in the header. */
    public int version() {
        return version;
    }
}
