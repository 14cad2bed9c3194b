package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.ScalarType;
import dev.vyre.testing.Props;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BufferArgTest {

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static BufferArg.Values values(String arg) {
        return (BufferArg.Values) BufferArg.parse(arg).source();
    }

    @Test
    void u32ValuesAreLittleEndianWords() {
        BufferArg arg = BufferArg.parse("in=u32:1, 2,0xFFFFFFFF,4294967295,0");
        assertEquals("in", arg.name());
        BufferArg.Values v = (BufferArg.Values) arg.source();
        assertEquals(ScalarType.U32, v.type());
        assertArrayEquals(le(20).putInt(1).putInt(2).putInt(-1).putInt(-1).putInt(0).array(), v.bytes());
    }

    @Test
    void i32F32BoolAndBytes() {
        assertArrayEquals(le(12).putInt(-1).putInt(Integer.MIN_VALUE).putInt(0x80000000).array(),
                values("a=i32:-1,-2147483648,0x80000000").bytes());
        assertArrayEquals(le(20).putFloat(1.5f).putFloat(-0f).putFloat(Float.NaN).putFloat(Float.NEGATIVE_INFINITY)
                .putFloat(1e-3f).array(), values("a=f32:1.5,-0,NaN,-Infinity,1e-3").bytes());
        assertArrayEquals(le(16).putInt(1).putInt(0).putInt(1).putInt(0).array(),
                values("a=bool:true,false,1,FALSE").bytes());
        assertArrayEquals(new byte[] {0, (byte) 255, 16}, values("a=bytes:0,255,0x10").bytes());
        assertEquals(ScalarType.BYTES, values("a=BYTES:1").type());
    }

    @Test
    void emptyValueListIsZeroElements() {
        assertEquals(0, values("a=u32:").bytes().length);
    }

    @Test
    void fileAndZerosSources() {
        assertEquals(new BufferArg.FromFile(Path.of("dir:with/colon.bin")),
                BufferArg.parse("d=file:dir:with/colon.bin").source());
        assertEquals(new BufferArg.Zeros(1024), BufferArg.parse("out=zeros:1024").source());
        assertEquals(new BufferArg.Zeros(0), BufferArg.parse("out=zeros:0").source());
    }

    @ParameterizedTest
    @ValueSource(strings = {"noequals", "=u32:1", "x=u32", "x=float:1", "x=u32:1,,2", "x=u32:-1", "x=u32:4294967296",
            "x=u32:0x", "x=u32:0x123456789", "x=i32:2147483648", "x=f32:1.5f", "x=f32:0x1p3", "x=f32:one",
            "x=bool:yes", "x=bytes:256", "x=bytes:-1", "x=zeros:-1", "x=zeros:abc", "x=zeros:2147483648",
            "x=file:", "x=file:a\u0000b"})
    void malformedSpecsFailWithAFix(String spec) {
        CliException e = assertThrows(CliException.class, () -> BufferArg.parse(spec));
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        assertTrue(!e.fix().isBlank());
    }

    @Test
    void errorsNameTheBufferAndTheElement() {
        CliException e = assertThrows(CliException.class, () -> BufferArg.parse("weights=f32:1,2,zwei"));
        assertTrue(e.problem().contains("weights") && e.problem().contains("element 2")
                && e.problem().contains("zwei"), e.problem());
    }

    @Test
    void printedValuesParseBackToTheSameBits() {
        Props.forAll("u32/i32/f32 text round trip", 300, (i, rnd) -> {
            int n = rnd.nextInt(0, 20);
            StringJoiner u = new StringJoiner(",");
            StringJoiner s = new StringJoiner(",");
            StringJoiner f = new StringJoiner(",");
            ByteBuffer ue = le(n * 4);
            ByteBuffer se = le(n * 4);
            ByteBuffer fe = le(n * 4);
            for (int k = 0; k < n; k++) {
                int bits = rnd.nextInt();
                u.add(rnd.nextBoolean() ? Integer.toUnsignedString(bits) : "0x" + Integer.toHexString(bits));
                ue.putInt(bits);
                s.add(Integer.toString(bits));
                se.putInt(bits);
                float x = Float.intBitsToFloat(bits);
                f.add(Float.toString(x));
                // NaN payloads do not survive text; the parser gives the canonical NaN
                fe.putFloat(Float.isNaN(x) ? Float.NaN : x);
            }
            assertArrayEquals(ue.array(), values("b=u32:" + u).bytes());
            assertArrayEquals(se.array(), values("b=i32:" + s).bytes());
            assertArrayEquals(fe.array(), values("b=f32:" + f).bytes());
        });
    }
}
