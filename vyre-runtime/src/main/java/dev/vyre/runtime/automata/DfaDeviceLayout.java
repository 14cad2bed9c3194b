package dev.vyre.runtime.automata;

import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.dfa.DfaImage;
import java.util.List;

/**
 * What a device executor of DFA_STEP reads besides the slot (docs/SCAN.md "DFA_STEP on CUDA"), described once for
 * the host side ({@link DfaStepUnit}, the CUDA backend) and the PTX generator:
 *
 * <pre>
 * automata blob (device memory, uploaded at bootstrap, read-only):
 *   words 0..n-1       word offset of automaton i's {@link DfaImage} in the blob
 *   then the images, each starting at a multiple of {@link #IMAGE_ALIGN_WORDS} words
 * descriptor tables (shared memory the host writes when it registers an id):
 *   inputs:  {@link DfaStepUnit#MAX_INPUTS} entries of 4 words: ADDRESS (u64, the device address),
 *            BYTES_LO, BYTES_HI (u64 byte length; bit 31 of BYTES_HI: {@link #REGISTERED})
 *   outputs: {@link DfaStepUnit#MAX_MATCH_BUFFERS} entries of 2 words: the match buffer's device address (u64,
 *            0 = none)
 * </pre>
 */
public final class DfaDeviceLayout {
    /** Images start at multiples of this many words (16 bytes). */
    public static final int IMAGE_ALIGN_WORDS = 4;
    /** Bytes of one input descriptor. */
    public static final int INPUT_ENTRY_BYTES = 16;
    /** Input descriptor word: device address, low word (the high word follows). */
    public static final int IN_ADDRESS = 0;
    /** Input descriptor word: byte length, low word. */
    public static final int IN_BYTES_LO = 2;
    /** Input descriptor word: byte length, high word, with {@link #REGISTERED}. */
    public static final int IN_BYTES_HI = 3;
    /** Bit of {@link #IN_BYTES_HI}: the id is registered (a zero-byte input is valid, so length 0 cannot say it). */
    public static final int REGISTERED = 1 << 31;
    /** Bytes of one match buffer descriptor (its u64 device address). */
    public static final int OUTPUT_ENTRY_BYTES = 8;
    /** Byte offset of the input descriptors in the tables. */
    public static final long INPUTS_OFFSET = 0;
    /** Byte offset of the match buffer descriptors in the tables. */
    public static final long OUTPUTS_OFFSET = (long) DfaStepUnit.MAX_INPUTS * INPUT_ENTRY_BYTES;
    /** Bytes of the descriptor tables. */
    public static final long TABLE_BYTES = OUTPUTS_OFFSET + (long) DfaStepUnit.MAX_MATCH_BUFFERS * OUTPUT_ENTRY_BYTES;

    private DfaDeviceLayout() {
    }

    /** The automata blob of {@code automata} (automaton id = index), as words. */
    public static int[] blob(List<Dfa> automata) {
        int[][] images = new int[automata.size()][];
        long words = align(automata.size());
        for (int i = 0; i < images.length; i++) {
            images[i] = DfaImage.encode(automata.get(i));
            words = align(words) + images[i].length;
        }
        if (words > Integer.MAX_VALUE) {
            throw new ScanException("the automata's device images need " + words + " words, more than 2^31",
                    "register fewer or smaller DFAs (CompileOptions.maxStates)");
        }
        int[] blob = new int[(int) words];
        int at = (int) align(automata.size());
        for (int i = 0; i < images.length; i++) {
            blob[i] = at;
            System.arraycopy(images[i], 0, blob, at, images[i].length);
            at = (int) align(at + images[i].length);
        }
        return blob;
    }

    private static long align(long words) {
        return (words + IMAGE_ALIGN_WORDS - 1) / IMAGE_ALIGN_WORDS * IMAGE_ALIGN_WORDS;
    }
}
