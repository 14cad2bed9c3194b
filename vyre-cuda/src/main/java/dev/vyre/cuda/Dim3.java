package dev.vyre.cuda;

/**
 * A launch grid or block size in three dimensions, each at least 1.
 *
 * @param x extent along x
 * @param y extent along y
 * @param z extent along z
 */
public record Dim3(int x, int y, int z) {
    public Dim3 {
        if (x < 1 || y < 1 || z < 1) {
            throw new CudaUsageException("launch dimension (" + x + ", " + y + ", " + z + ") has an extent below 1",
                    "give every axis of a grid or block a size of at least 1");
        }
    }

    /** A one-dimensional size {@code (x, 1, 1)}. */
    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    /** A two-dimensional size {@code (x, y, 1)}. */
    public static Dim3 of(int x, int y) {
        return new Dim3(x, y, 1);
    }

    /** The product of the three extents. */
    public long volume() {
        return (long) x * y * z;
    }
}
