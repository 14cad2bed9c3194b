package dev.vyre.protocol;

import static dev.vyre.protocol.SlotLayout.ARG0;
import static dev.vyre.protocol.SlotLayout.ARGS_PER_SLOT;
import static dev.vyre.protocol.SlotLayout.OPCODE;
import static dev.vyre.protocol.SlotLayout.PRIORITY;
import static dev.vyre.protocol.SlotLayout.SLOT_BYTES;
import static dev.vyre.protocol.SlotLayout.SLOT_WORDS;
import static dev.vyre.protocol.SlotLayout.STATUS;
import static dev.vyre.protocol.SlotLayout.TENANT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One ring slot as plain values, for replay, logs and tests. Immutable: {@link #args()} returns a copy.
 *
 * @param status the STATUS word
 * @param opcode the OPCODE word (a u32 in an int)
 * @param tenant the TENANT word
 * @param priority the PRIORITY word
 * @param args exactly {@link SlotLayout#ARGS_PER_SLOT} argument words
 */
public record Slot(SlotState status, int opcode, int tenant, Priority priority, int[] args) {
    private static final String BUFFER = "slot";

    public Slot {
        if (status == null || priority == null || args == null) {
            throw new ProtocolException(BUFFER, "status, priority and args must not be null",
                    "pass a SlotState, a Priority and an int[" + ARGS_PER_SLOT + "]");
        }
        if (args.length != ARGS_PER_SLOT) {
            throw new ProtocolException(BUFFER, "has " + args.length + " argument words, the ABI has exactly "
                    + ARGS_PER_SLOT, "use Slot.of(...), which pads missing arguments with zeros");
        }
        args = args.clone();
    }

    /** A slot whose missing trailing arguments are zero; refuses more than 12 arguments. */
    public static Slot of(SlotState status, int opcode, int tenant, Priority priority, int... args) {
        return new Slot(status, opcode, tenant, priority, paddedArgs(args));
    }

    /** A copy of the 12 argument words. */
    @Override
    public int[] args() {
        return args.clone();
    }

    /** Argument word {@code i} (0..11). */
    public int arg(int i) {
        Wire.checkIndex(BUFFER, "argument", i, ARGS_PER_SLOT);
        return args[i];
    }

    /** The fault code of a FAULT slot; refuses other states and unknown codes. */
    public FaultCode faultCode() {
        if (status != SlotState.FAULT) {
            throw new ProtocolException(BUFFER, "status is " + status + ", not FAULT, so ARG0 is not a fault code",
                    "read fault codes only from FAULT slots");
        }
        return FaultCode.fromWire(args[SlotLayout.FAULT_CODE - ARG0]);
    }

    /** The fault detail word of a FAULT slot (ARG1); meaning depends on {@link #faultCode()}. */
    public int faultDetail() {
        faultCode();
        return args[SlotLayout.FAULT_DETAIL - ARG0];
    }

    /** The 16 wire words. */
    public int[] toWords() {
        int[] w = new int[SLOT_WORDS];
        w[STATUS] = status.wire();
        w[OPCODE] = opcode;
        w[TENANT] = tenant;
        w[PRIORITY] = priority.wire();
        System.arraycopy(args, 0, w, ARG0, ARGS_PER_SLOT);
        return w;
    }

    /** Decodes exactly 16 words; refuses other lengths and unknown status or priority words. */
    public static Slot fromWords(int[] words) {
        if (words == null || words.length != SLOT_WORDS) {
            throw new ProtocolException(BUFFER, (words == null ? "no words" : words.length + " words")
                    + " given, a slot is exactly " + SLOT_WORDS, "pass the 16 words of one slot");
        }
        return new Slot(SlotState.fromWire(words[STATUS], BUFFER, "status word"), words[OPCODE], words[TENANT],
                Priority.fromWire(words[PRIORITY], BUFFER, "priority word"),
                Arrays.copyOfRange(words, ARG0, ARG0 + ARGS_PER_SLOT));
    }

    /** The 64 little-endian wire bytes. */
    public byte[] toBytes() {
        byte[] bytes = new byte[SLOT_BYTES];
        writeTo(MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /** Decodes exactly 64 little-endian bytes; refuses other lengths and unknown status or priority words. */
    public static Slot fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the 64 bytes of one slot");
        }
        long words = Wire.wholeWords(BUFFER, bytes.length);
        if (words != SLOT_WORDS) {
            throw new ProtocolException(BUFFER, bytes.length + " bytes given, a slot is exactly " + SLOT_BYTES,
                    "pass the 64 bytes of one slot (use RingView.decode for a whole ring)");
        }
        return read(MemorySegment.ofArray(bytes), 0, BUFFER, "slot");
    }

    /** Writes the 16 words at word {@code baseWord} of {@code s} (any alignment). */
    void writeTo(MemorySegment s, long baseWord) {
        Wire.write(s, baseWord + STATUS, status.wire());
        Wire.write(s, baseWord + OPCODE, opcode);
        Wire.write(s, baseWord + TENANT, tenant);
        Wire.write(s, baseWord + PRIORITY, priority.wire());
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            Wire.write(s, baseWord + ARG0 + i, args[i]);
        }
    }

    /** Reads and checks the 16 words at word {@code baseWord} of {@code s} (any alignment). */
    static Slot read(MemorySegment s, long baseWord, String buffer, String where) {
        SlotState status = SlotState.fromWire(Wire.read(s, baseWord + STATUS), buffer, where + " status word");
        Priority priority = Priority.fromWire(Wire.read(s, baseWord + PRIORITY), buffer, where + " priority word");
        int[] args = new int[ARGS_PER_SLOT];
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            args[i] = Wire.read(s, baseWord + ARG0 + i);
        }
        return new Slot(status, Wire.read(s, baseWord + OPCODE), Wire.read(s, baseWord + TENANT), priority, args);
    }

    private static int[] paddedArgs(int[] args) {
        if (args == null) {
            return new int[ARGS_PER_SLOT];
        }
        checkArgCount(args.length);
        return Arrays.copyOf(args, ARGS_PER_SLOT);
    }

    /** Returns {@code count} if a slot can carry that many arguments; refuses more than 12. */
    static int checkArgCount(int count) {
        if (count > ARGS_PER_SLOT) {
            throw new ProtocolException(BUFFER, count + " arguments given, a slot carries at most "
                    + ARGS_PER_SLOT, "pass at most 12 argument words; put larger inputs in a buffer and pass "
                    + "its handle");
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slot s && status == s.status && opcode == s.opcode && tenant == s.tenant
                && priority == s.priority && Arrays.equals(args, s.args);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * status.hashCode() + opcode) + tenant) + priority.hashCode())
                + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "Slot[" + status + " " + Opcodes.name(opcode) + " tenant=" + tenant + " " + priority + " args="
                + Arrays.toString(args) + "]";
    }
}
