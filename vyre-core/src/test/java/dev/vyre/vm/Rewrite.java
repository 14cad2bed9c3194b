package dev.vyre.vm;

import dev.vyre.ir.Program;

/**
 * Makes a generated program runnable on the VM without races: one invocation per workgroup. (Every operator is
 * kept: the VM runs the transcendental ones too, so parity corpora swap nothing out.)
 */
public final class Rewrite {
    private Rewrite() {
    }

    static Program singleInvocation(Program p) {
        return new Program(p.flags(), p.entryOp(), new Program.WorkgroupSize(1, 1, 1), p.buffers(), p.metadata(),
                p.extensions(), p.body());
    }
}
