package dev.vyre.cuda;

/**
 * A device address ({@code CUdeviceptr}, an unsigned 64-bit integer held in a {@code long}). Passed to kernels as
 * an 8-byte parameter.
 *
 * @param address the device virtual address
 */
public record DevicePtr(long address) {
    /** The null device pointer. */
    public static final DevicePtr NULL = new DevicePtr(0);

    /** This address plus {@code bytes}. */
    public DevicePtr plus(long bytes) {
        return new DevicePtr(address + bytes);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(address);
    }
}
