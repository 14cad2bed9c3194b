package dev.vyre.protocol;

/** Word layout of a continuation task, in the spec's order (PROTOCOL.md, Tasks). */
public final class TaskLayout {
    /** Words per task. */
    public static final int TASK_WORDS = 16;
    /** Bytes per task. */
    public static final int TASK_BYTES = TASK_WORDS * Wire.WORD_BYTES;

    public static final int STATE = 0;
    public static final int OP_HANDLE = 1;
    public static final int TENANT_ID = 2;
    public static final int PRIORITY = 3;
    public static final int INPUT_HANDLE = 4;
    public static final int OUTPUT_HANDLE = 5;
    public static final int PARAM = 6;
    public static final int CONTINUATION_PC = 7;
    public static final int CONTINUATION_DATA = 8;
    public static final int RESUME_EPOCH = 9;
    public static final int TASK_ID = 10;
    public static final int PARENT_TASK_ID = 11;
    public static final int AGE_TICKS = 12;
    public static final int REQUEUE_COUNT = 13;
    public static final int YIELD_COUNT = 14;
    public static final int FLAGS = 15;

    /** Our limit: most tasks a task-list encoder or decoder accepts (the spec gives none; same as the ring's). */
    public static final int MAX_ENCODED_TASKS = 1_048_576;

    private TaskLayout() {
    }
}
