package dev.vyre.ir.check;

/**
 * One validation finding.
 *
 * @param path    where in the program, e.g. {@code body[2].If.then[0].Store.value.BinOp.left}
 * @param message what is wrong
 * @param fix     how to fix it
 */
public record Problem(String path, String message, String fix) {
    @Override
    public String toString() {
        return path + ": " + message + " (Fix: " + fix + ")";
    }
}
