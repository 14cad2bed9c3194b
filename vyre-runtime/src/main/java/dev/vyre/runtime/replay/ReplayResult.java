package dev.vyre.runtime.replay;

import dev.vyre.protocol.Opcodes;
import java.util.Arrays;

/** What a replay found. */
public sealed interface ReplayResult {
    /**
     * Every replayed slot ended as recorded.
     *
     * @param replayed   records re-executed and compared
     * @param skipped    records of slots that never ran in the recording (not re-executed)
     * @param complete   whether the log had its trailer (false: the recording process died; its prefix was replayed)
     */
    record NoDivergence(long replayed, long skipped, boolean complete) implements ReplayResult {
        @Override
        public String describe() {
            return "no divergence: " + replayed + " slots replayed, " + skipped + " not executed in the recording"
                    + " skipped" + (complete ? "" : " (log without trailer: the recording was cut off)");
        }
    }

    /**
     * The first record whose replay ended differently.
     *
     * @param index    record index in the log (0 is the first record)
     * @param sequence the recorded sequence number
     * @param slot     the recorded ring slot
     * @param opcode   the slot's opcode
     * @param expected the 16 words recorded
     * @param actual   the 16 words of the replay
     * @param replayed records that matched before it
     */
    record Divergence(long index, long sequence, int slot, int opcode, int[] expected, int[] actual, long replayed)
            implements ReplayResult {
        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder("divergence at record " + index + " (sequence " + sequence + ", slot "
                    + slot + ", opcode " + Opcodes.name(opcode) + ") after " + replayed + " matching slots:");
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] != actual[i]) {
                    sb.append(String.format("%n  word %2d: expected 0x%08x, actual 0x%08x", i, expected[i],
                            actual[i]));
                }
            }
            sb.append("\n  expected ").append(Arrays.toString(expected)).append("\n  actual   ")
                    .append(Arrays.toString(actual));
            return sb.toString();
        }
    }

    /** One paragraph for people. */
    String describe();
}
