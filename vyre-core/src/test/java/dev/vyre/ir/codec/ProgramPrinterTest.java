package dev.vyre.ir.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramPrinterTest {

    @Test
    void printsTheTinyProgram() {
        assertEquals("""
                program flags=0x0000
                workgroup_size [64, 1, 1]
                buffer out: u32[4] binding=0 read_write output
                body:
                  out[gid.x] = (1u + 2u)
                """, ProgramPrinter.print(Vir0GoldenTest.tiny()));
    }

    @Test
    void printsMetadataExtensionsAndNestedNodes() {
        assertEquals("""
                program flags=0x0102 entry="main"
                workgroup_size [8, 2, 1]
                buffer in: f32[*] binding=3 read_only range=[4, 12) hints=0x000000a5
                meta "a" = 0x
                meta "z" = 0x01
                extension 0x90 = 0xdead
                body:
                  let x = cast<array<i32, 2>>(opaque#7(0xee))
                  if !x {
                    return
                  } else {
                    let y = atomic_compare_exchange(in[5u], -1i, f32(nan:0x7fc00001))
                  }
                """, ProgramPrinter.print(Vir0GoldenTest.rich()));
    }

    @Test
    void printsEveryOtherNodeKind() {
        Program p = Program.of(new Program.WorkgroupSize(-1, 1, 1),
                List.of(BufferDecl.of("b", 1, BufferAccess.WORKGROUP, ScalarType.BYTES, 8, false)),
                List.of(new Node.For("i", Expr.i32(-2), Expr.i32(3),
                                List.of(new Node.Loop(List.of(new Node.Barrier(), new Node.Return())))),
                        new Node.Block(List.of(new Node.AsyncLoad(), new Node.AsyncWait())),
                        new Node.IndirectDispatch("args", 3),
                        new Node.Opaque(5, Payload.of((byte) 1, (byte) 2)),
                        new Node.Assign("weird name", new Expr.Select(Expr.bool(false), Expr.f32(1.5f),
                                Expr.f32(Float.NEGATIVE_INFINITY))),
                        new Node.Let("c", new Expr.Call("fft", List.of(new Expr.WorkgroupId(1), new Expr.LocalId(7),
                                new Expr.BufLen("b")))),
                        new Node.Store("b", new Expr.UnOp(UnaryOp.CLZ, Expr.u32(-1)), new Expr.Fma(Expr.f32(0f),
                                Expr.f32(-0f), Expr.bin(BinaryOp.WAVE_REDUCE, Expr.u32(1), Expr.u32(0)))),
                        new Node.If(Expr.bin(BinaryOp.AND, Expr.bool(true), Expr.var("q")), List.of(), List.of())));
        assertEquals("""
                program flags=0x0000
                workgroup_size [4294967295, 1, 1]
                buffer b: bytes[8] binding=1 workgroup
                body:
                  for i in -2i..3i {
                    loop {
                      barrier
                      return
                    }
                  }
                  block {
                    async_load
                    async_wait
                  }
                  indirect_dispatch args[3..+3]
                  opaque#5(0x0102)
                  "weird name" = select(false, 1.5f, f32(-inf))
                  let c = call "fft"(wgid.y, lid.7, len(b))
                  b[clz(4294967295u)] = fma(0.0f, -0.0f, wave_reduce(1u, 0u))
                  if (true && q) {
                  }
                """, ProgramPrinter.print(p));
    }
}
