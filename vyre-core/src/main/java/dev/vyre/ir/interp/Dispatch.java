package dev.vyre.ir.interp;

/** A grid of workgroups to run, each count >= 1 (u32). */
public record Dispatch(int x, int y, int z) {
    public static Dispatch of(int x) {
        return new Dispatch(x, 1, 1);
    }
}
