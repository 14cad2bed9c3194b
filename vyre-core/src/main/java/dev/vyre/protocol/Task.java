package dev.vyre.protocol;

import static dev.vyre.protocol.TaskLayout.AGE_TICKS;
import static dev.vyre.protocol.TaskLayout.CONTINUATION_DATA;
import static dev.vyre.protocol.TaskLayout.CONTINUATION_PC;
import static dev.vyre.protocol.TaskLayout.FLAGS;
import static dev.vyre.protocol.TaskLayout.INPUT_HANDLE;
import static dev.vyre.protocol.TaskLayout.OP_HANDLE;
import static dev.vyre.protocol.TaskLayout.OUTPUT_HANDLE;
import static dev.vyre.protocol.TaskLayout.PARAM;
import static dev.vyre.protocol.TaskLayout.PARENT_TASK_ID;
import static dev.vyre.protocol.TaskLayout.PRIORITY;
import static dev.vyre.protocol.TaskLayout.REQUEUE_COUNT;
import static dev.vyre.protocol.TaskLayout.RESUME_EPOCH;
import static dev.vyre.protocol.TaskLayout.STATE;
import static dev.vyre.protocol.TaskLayout.TASK_BYTES;
import static dev.vyre.protocol.TaskLayout.TASK_ID;
import static dev.vyre.protocol.TaskLayout.TASK_WORDS;
import static dev.vyre.protocol.TaskLayout.TENANT_ID;
import static dev.vyre.protocol.TaskLayout.YIELD_COUNT;

import java.lang.foreign.MemorySegment;

/**
 * A continuation task: 16 words in the spec's order. Integer components are u32 words held in ints; {@code flags}
 * is a {@link TaskFlags} bit set (unknown bits are carried verbatim).
 */
public record Task(TaskState state, int opHandle, int tenantId, Priority priority, int inputHandle,
        int outputHandle, int param, int continuationPc, int continuationData, int resumeEpoch, int taskId,
        int parentTaskId, int ageTicks, int requeueCount, int yieldCount, int flags) {
    private static final String BUFFER = "task";

    public Task {
        if (state == null || priority == null) {
            throw new ProtocolException(BUFFER, "state and priority must not be null",
                    "pass a TaskState and a Priority");
        }
    }

    /** This task with another state. */
    public Task withState(TaskState newState) {
        return new Task(newState, opHandle, tenantId, priority, inputHandle, outputHandle, param, continuationPc,
                continuationData, resumeEpoch, taskId, parentTaskId, ageTicks, requeueCount, yieldCount, flags);
    }

    /** This task with another flags word. */
    public Task withFlags(int newFlags) {
        return new Task(state, opHandle, tenantId, priority, inputHandle, outputHandle, param, continuationPc,
                continuationData, resumeEpoch, taskId, parentTaskId, ageTicks, requeueCount, yieldCount, newFlags);
    }

    /** This task with another continuation ({@code continuation_pc}, {@code continuation_data}). */
    public Task withContinuation(int newPc, int newData) {
        return new Task(state, opHandle, tenantId, priority, inputHandle, outputHandle, param, newPc, newData,
                resumeEpoch, taskId, parentTaskId, ageTicks, requeueCount, yieldCount, flags);
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean hasFlag(int flag) {
        return TaskFlags.has(flags, flag);
    }

    /** The 16 wire words. */
    public int[] toWords() {
        int[] w = new int[TASK_WORDS];
        w[STATE] = state.wire();
        w[OP_HANDLE] = opHandle;
        w[TENANT_ID] = tenantId;
        w[PRIORITY] = priority.wire();
        w[INPUT_HANDLE] = inputHandle;
        w[OUTPUT_HANDLE] = outputHandle;
        w[PARAM] = param;
        w[CONTINUATION_PC] = continuationPc;
        w[CONTINUATION_DATA] = continuationData;
        w[RESUME_EPOCH] = resumeEpoch;
        w[TASK_ID] = taskId;
        w[PARENT_TASK_ID] = parentTaskId;
        w[AGE_TICKS] = ageTicks;
        w[REQUEUE_COUNT] = requeueCount;
        w[YIELD_COUNT] = yieldCount;
        w[FLAGS] = flags;
        return w;
    }

    /** Decodes exactly 16 words; refuses other lengths and unknown state or priority words. */
    public static Task fromWords(int[] words) {
        if (words == null || words.length != TASK_WORDS) {
            throw new ProtocolException(BUFFER, (words == null ? "no words" : words.length + " words")
                    + " given, a task is exactly " + TASK_WORDS, "pass the 16 words of one task");
        }
        return fromWords(words, BUFFER, "task");
    }

    /** The 64 little-endian wire bytes. */
    public byte[] toBytes() {
        byte[] bytes = new byte[TASK_BYTES];
        writeTo(MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /** Decodes exactly 64 little-endian bytes; refuses other lengths and unknown state or priority words. */
    public static Task fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the 64 bytes of one task");
        }
        if (Wire.wholeWords(BUFFER, bytes.length) != TASK_WORDS) {
            throw new ProtocolException(BUFFER, bytes.length + " bytes given, a task is exactly " + TASK_BYTES,
                    "pass the 64 bytes of one task (use TaskView.decode for a task list)");
        }
        return read(MemorySegment.ofArray(bytes), 0, BUFFER, "task");
    }

    /** Writes the 16 words at word {@code baseWord} of {@code s} (any alignment). */
    void writeTo(MemorySegment s, long baseWord) {
        int[] w = toWords();
        for (int i = 0; i < TASK_WORDS; i++) {
            Wire.write(s, baseWord + i, w[i]);
        }
    }

    /** Reads and checks the 16 words at word {@code baseWord} of {@code s} (any alignment). */
    static Task read(MemorySegment s, long baseWord, String buffer, String where) {
        int[] w = new int[TASK_WORDS];
        for (int i = 0; i < TASK_WORDS; i++) {
            w[i] = Wire.read(s, baseWord + i);
        }
        return fromWords(w, buffer, where);
    }

    static Task fromWords(int[] w, String buffer, String where) {
        return new Task(TaskState.fromWire(w[STATE], buffer, where + " state word"), w[OP_HANDLE], w[TENANT_ID],
                Priority.fromWire(w[PRIORITY], buffer, where + " priority word"), w[INPUT_HANDLE], w[OUTPUT_HANDLE],
                w[PARAM], w[CONTINUATION_PC], w[CONTINUATION_DATA], w[RESUME_EPOCH], w[TASK_ID], w[PARENT_TASK_ID],
                w[AGE_TICKS], w[REQUEUE_COUNT], w[YIELD_COUNT], w[FLAGS]);
    }
}
