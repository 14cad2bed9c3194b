package dev.vyre.runtime.stream;

import dev.vyre.protocol.SlotLayout;

/**
 * How a {@link GpuStream} slot names its chunk: the argument words it publishes. Offsets are byte offsets into the
 * megakernel's data region ({@code Megakernel.data()}), which a user handler sees as its {@code data} buffer, so a
 * handler reads the chunk in place with no base address to look up: with {@code data} declared as {@code Bytes},
 * byte {@code j} of the chunk is {@code data[args[DATA_OFFSET] + j]}.
 *
 * <table>
 *   <caption>argument words of a chunk slot</caption>
 *   <tr><th>word</th><th>meaning</th></tr>
 *   <tr><td>{@value #BUFFER}</td><td>index of the chunk's buffer in the stream's pool</td></tr>
 *   <tr><td>{@value #DATA_OFFSET}</td><td>byte offset of the chunk's first byte in the data region</td></tr>
 *   <tr><td>{@value #LENGTH}</td><td>the chunk's own bytes (the file bytes it stands for)</td></tr>
 *   <tr><td>{@value #FILE_ID}</td><td>the file's id in the stream</td></tr>
 *   <tr><td>{@value #FILE_OFFSET_LO}, {@value #FILE_OFFSET_HI}</td><td>where the chunk starts in its file, low and
 *   high 32 bits</td></tr>
 *   <tr><td>{@value #OVERLAP_LENGTH}</td><td>bytes of the next chunk of the same file carried with this one (at most
 *   the stream's overlap; 0 when no chunk follows)</td></tr>
 *   <tr><td>{@value #OVERLAP_OFFSET}</td><td>byte offset of those bytes in the data region (the next chunk's buffer;
 *   0 when the overlap length is 0)</td></tr>
 *   <tr><td>{@value #RESULT_FIRST}..11</td><td>zero when published: the handler's results, returned in the slot's
 *   outcome ({@link ChunkResult#outcome()})</td></tr>
 * </table>
 *
 * <p>The file bytes {@code [fileOffset, fileOffset + length + overlapLength)} are therefore
 * {@code data[dataOffset ..< dataOffset + length]} followed by {@code data[overlapOffset ..< overlapOffset +
 * overlapLength]}.
 *
 * @param buffer        index of the buffer in the pool
 * @param dataOffset    byte offset of the chunk in the data region
 * @param length        the chunk's own bytes
 * @param fileId        the file's id
 * @param fileOffset    where the chunk starts in its file
 * @param overlapLength bytes of the next chunk carried
 * @param overlapOffset byte offset of those bytes in the data region
 */
public record ChunkSlot(int buffer, long dataOffset, int length, int fileId, long fileOffset, int overlapLength,
                        long overlapOffset) {
    /** Word of the buffer index. */
    public static final int BUFFER = 0;
    /** Word of the chunk's byte offset in the data region. */
    public static final int DATA_OFFSET = 1;
    /** Word of the chunk's own length in bytes. */
    public static final int LENGTH = 2;
    /** Word of the file id. */
    public static final int FILE_ID = 3;
    /** Word of the low 32 bits of the file offset. */
    public static final int FILE_OFFSET_LO = 4;
    /** Word of the high 32 bits of the file offset. */
    public static final int FILE_OFFSET_HI = 5;
    /** Word of the overlap length in bytes. */
    public static final int OVERLAP_LENGTH = 6;
    /** Word of the overlap's byte offset in the data region. */
    public static final int OVERLAP_OFFSET = 7;
    /** First of the words left to the handler's results (8..11). */
    public static final int RESULT_FIRST = 8;
    /** How many result words there are. */
    public static final int RESULT_WORDS = SlotLayout.ARGS_PER_SLOT - RESULT_FIRST;

    /** The 12 argument words to publish (results zero). */
    public int[] toArgs() {
        int[] a = new int[SlotLayout.ARGS_PER_SLOT];
        a[BUFFER] = buffer;
        a[DATA_OFFSET] = (int) dataOffset;
        a[LENGTH] = length;
        a[FILE_ID] = fileId;
        a[FILE_OFFSET_LO] = (int) fileOffset;
        a[FILE_OFFSET_HI] = (int) (fileOffset >>> 32);
        a[OVERLAP_LENGTH] = overlapLength;
        a[OVERLAP_OFFSET] = (int) overlapOffset;
        return a;
    }

    /** Reads the chunk words back from 12 argument words (e.g. a slot outcome's). */
    public static ChunkSlot fromArgs(int[] args) {
        return new ChunkSlot(args[BUFFER], Integer.toUnsignedLong(args[DATA_OFFSET]), args[LENGTH], args[FILE_ID],
                Integer.toUnsignedLong(args[FILE_OFFSET_LO]) | (long) args[FILE_OFFSET_HI] << 32,
                args[OVERLAP_LENGTH], Integer.toUnsignedLong(args[OVERLAP_OFFSET]));
    }
}
