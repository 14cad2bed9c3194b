package dev.vyre.protocol;

import static dev.vyre.protocol.TaskLayout.MAX_ENCODED_TASKS;
import static dev.vyre.protocol.TaskLayout.STATE;
import static dev.vyre.protocol.TaskLayout.TASK_BYTES;
import static dev.vyre.protocol.TaskLayout.TASK_WORDS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A task list (consecutive 16-word tasks) over a {@link MemorySegment} shared with the device. {@link #set}
 * writes words 1..15 then STATE with release ordering; {@link #state} reads STATE with acquire ordering;
 * {@link #transition} is a compare-and-swap on STATE.
 */
public final class TaskView {
    private static final String BUFFER = "task list";

    private final MemorySegment segment;
    private final int taskCount;

    private TaskView(MemorySegment segment, int taskCount) {
        this.segment = segment;
        this.taskCount = taskCount;
    }

    /** A zeroed task list (every task Empty) of {@code tasks} tasks (0..MAX_ENCODED_TASKS). */
    public static TaskView allocate(Arena arena, int tasks) {
        checkTaskCount(tasks);
        return new TaskView(Wire.allocate(arena, (long) tasks * TASK_BYTES), tasks);
    }

    /** A view over an existing task-list segment: writable, 4-byte aligned, a whole number of tasks. */
    public static TaskView wrap(MemorySegment segment) {
        Wire.requireViewSegment(BUFFER, segment);
        return new TaskView(segment, tasksOf(segment.byteSize()));
    }

    /** The shared segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** Number of tasks. */
    public int taskCount() {
        return taskCount;
    }

    /** Word {@code word} (0..15) of task {@code task}, plain read. */
    public int word(int task, int word) {
        return Wire.getPlain(segment, index(task, word));
    }

    /** The state of task {@code task}, acquire read; refuses an unknown STATE word. */
    public TaskState state(int task) {
        return TaskState.fromWire(Wire.getAcquire(segment, index(task, STATE)), BUFFER,
                "task " + task + " state word");
    }

    /** Compare-and-swap of task {@code task}'s STATE from {@code from} to {@code to}. */
    public boolean transition(int task, TaskState from, TaskState to) {
        return Wire.compareAndSet(segment, index(task, STATE), from.wire(), to.wire());
    }

    /** Writes {@code value} into slot {@code task}: words 1..15 plain, then STATE with release ordering. */
    public void set(int task, Task value) {
        if (value == null) {
            throw new ProtocolException(BUFFER, "task is null", "pass a Task");
        }
        int[] w = value.toWords();
        long base = index(task, STATE);
        for (int i = 1; i < TASK_WORDS; i++) {
            Wire.setPlain(segment, base + i, w[i]);
        }
        Wire.setRelease(segment, base + STATE, w[STATE]);
    }

    /** A snapshot of task {@code task} (STATE with acquire, then the other words). */
    public Task get(int task) {
        int[] w = new int[TASK_WORDS];
        long base = index(task, STATE);
        w[STATE] = Wire.getAcquire(segment, base + STATE);
        for (int i = 1; i < TASK_WORDS; i++) {
            w[i] = Wire.getPlain(segment, base + i);
        }
        return Task.fromWords(w, BUFFER, "task " + task);
    }

    /** Encodes tasks as task-list bytes; refuses more than {@code MAX_ENCODED_TASKS}. */
    public static byte[] encode(List<Task> tasks) {
        if (tasks == null) {
            throw new ProtocolException(BUFFER, "task list is null", "pass the tasks to encode");
        }
        checkTaskCount(tasks.size());
        byte[] bytes = new byte[tasks.size() * TASK_BYTES];
        MemorySegment s = MemorySegment.ofArray(bytes);
        for (int i = 0; i < tasks.size(); i++) {
            tasks.get(i).writeTo(s, (long) i * TASK_WORDS);
        }
        return bytes;
    }

    /** Decodes task-list bytes; see {@link #decode(MemorySegment)}. */
    public static List<Task> decode(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the task list's bytes");
        }
        return decode(MemorySegment.ofArray(bytes));
    }

    /**
     * Decodes a task list from a segment of any alignment: refuses lengths that are not whole words or whole
     * tasks, more than {@code MAX_ENCODED_TASKS} tasks, and unknown state or priority words.
     */
    public static List<Task> decode(MemorySegment segment) {
        if (segment == null) {
            throw new ProtocolException(BUFFER, "segment is null", "pass the task list's segment");
        }
        int tasks = tasksOf(segment.byteSize());
        List<Task> out = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            out.add(Task.read(segment, (long) i * TASK_WORDS, BUFFER, "task " + i));
        }
        return out;
    }

    private long index(int task, int word) {
        Wire.checkIndex(BUFFER, "task", task, taskCount);
        Wire.checkIndex(BUFFER, "task word", word, TASK_WORDS);
        return (long) task * TASK_WORDS + word;
    }

    private static int tasksOf(long byteLength) {
        long words = Wire.wholeWords(BUFFER, byteLength);
        if (words % TASK_WORDS != 0) {
            throw new ProtocolException(BUFFER, "is truncated: " + words + " words is not a whole number of "
                    + TASK_WORDS + "-word tasks (the last task has " + words % TASK_WORDS + " words)",
                    "pass whole tasks: byte length a multiple of " + TASK_BYTES);
        }
        long tasks = words / TASK_WORDS;
        checkTaskCount(tasks);
        return (int) tasks;
    }

    private static void checkTaskCount(long tasks) {
        if (tasks < 0 || tasks > MAX_ENCODED_TASKS) {
            throw new ProtocolException(BUFFER, tasks + " tasks is outside 0.." + MAX_ENCODED_TASKS
                    + " (MAX_ENCODED_TASKS)", "split the task list into lists of at most " + MAX_ENCODED_TASKS);
        }
    }
}
