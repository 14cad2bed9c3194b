package dev.vyre.scanpeers;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import com.gliwka.hyperscan.wrapper.Scanner;
import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.ScanPeer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Hyperscan (through hyperscan-java's JNI layer, block mode): one database of all patterns with their ids and
 * flags ({@code i} CASELESS, {@code s} DOTALL, {@code m} MULTILINE, nothing else), each file scanned as one block
 * of its raw bytes; patterns are passed as their bytes (ISO-8859-1), {@code $} mapped as {@link #source} says. Counts distinct (pattern id, end offset)
 * pairs, as vyre does, and keeps the count per pattern id.
 */
public final class HyperscanPeer implements ScanPeer {
    @Override
    public String name() {
        return "hyperscan";
    }

    @Override
    public Optional<String> unavailable() {
        try {
            return Scanner.getIsValidPlatform() ? Optional.empty()
                    : Optional.of("hyperscan does not support this CPU (it needs SSSE3)");
        } catch (Throwable t) {
            return Optional.of("hyperscan's native library did not load: " + t);
        }
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    /** Hyperscan's flag bits for {@code spec}: exactly the flags the spec carries. */
    static int flagBits(PatternSpec spec) {
        int bits = 0;
        if (spec.has(PatternFlag.CASELESS)) {
            bits |= hyperscan.HS_FLAG_CASELESS;
        }
        if (spec.has(PatternFlag.DOTALL)) {
            bits |= hyperscan.HS_FLAG_DOTALL;
        }
        if (spec.has(PatternFlag.MULTILINE)) {
            bits |= hyperscan.HS_FLAG_MULTILINE;
        }
        return bits;
    }

    /**
     * {@code spec}'s source as Hyperscan must read it to match what vyre matches: without {@code m}, each {@code $}
     * outside a class becomes {@code \z}, because Hyperscan's {@code $} (PCRE's) also holds before a final
     * {@code \n} while vyre's holds only at the end of the input (docs/AUTOMATA.md "Match semantics"). Everything
     * else is passed as it is.
     */
    static String source(PatternSpec spec) {
        String src = spec.source();
        if (spec.has(PatternFlag.MULTILINE) || src.indexOf('$') < 0) {
            return src;
        }
        StringBuilder out = new StringBuilder(src.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\' && i + 1 < src.length()) {
                out.append(c).append(src.charAt(++i));
            } else if (inClass) {
                inClass = c != ']';
                out.append(c);
            } else if (c == '[') {
                inClass = true;
                out.append(c);
                if (i + 1 < src.length() && src.charAt(i + 1) == '^') {
                    out.append(src.charAt(++i));
                }
            } else {
                out.append(c == '$' ? "\\z" : String.valueOf(c));
            }
        }
        return out.toString();
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        hs_database_t db = compile(patterns);
        return new BlockScan(db, scratch(db), true);
    }

    /** One block-mode database of all {@code patterns}, with their ids and flags. */
    static hs_database_t compile(List<PatternSpec> patterns) {
        int n = patterns.size();
        String[] sources = new String[n];
        int[] flags = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            sources[i] = source(patterns.get(i));
            flags[i] = flagBits(patterns.get(i));
            ids[i] = patterns.get(i).id();
        }
        hs_database_t db;
        try (PointerPointer<BytePointer> expressions = new PointerPointer<>(n);
             IntPointer flagPointer = new IntPointer(flags);
             IntPointer idPointer = new IntPointer(ids);
             PointerPointer<hs_database_t> dbOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errorOut = new PointerPointer<>(1)) {
            expressions.putString(sources, StandardCharsets.ISO_8859_1);
            int rc = hyperscan.hs_compile_multi(expressions, flagPointer, idPointer, n, hyperscan.HS_MODE_BLOCK, null,
                    dbOut, errorOut);
            if (rc != 0) {
                hs_compile_error_t error = errorOut.get(hs_compile_error_t.class);
                int index = error.expression();
                String message = error.message().getString();
                hyperscan.hs_free_compile_error(error);
                throw new IllegalArgumentException("hyperscan refused " + (index >= 0 ? "pattern "
                        + patterns.get(index).id() + " (" + sources[index] + ")" : "the pattern set") + ": " + message);
            }
            db = dbOut.get(hs_database_t.class);
        }
        return db;
    }

    /** Scratch space for scanning {@code db} on one thread (the database is freed if this fails). */
    static hs_scratch_t scratch(hs_database_t db) {
        hs_scratch_t scratch = new hs_scratch_t();
        int rc = hyperscan.hs_alloc_scratch(db, scratch);
        if (rc != 0) {
            hyperscan.hs_free_database(db);
            throw new IllegalStateException("hs_alloc_scratch failed with " + rc);
        }
        return scratch;
    }

    /**
     * A compiled database and one thread's scratch; scans files as blocks and counts per pattern id. It frees the
     * database on close only when it owns it.
     */
    static final class BlockScan extends match_event_handler implements Prepared {
        private final hs_database_t db;
        private final hs_scratch_t scratch;
        private final boolean ownsDatabase;
        private final Set<Long> seen = new HashSet<>();
        private Map<Integer, Long> counts = new HashMap<>();
        private BytePointer buffer = new BytePointer(1 << 20);

        BlockScan(hs_database_t db, hs_scratch_t scratch, boolean ownsDatabase) {
            this.db = db;
            this.scratch = scratch;
            this.ownsDatabase = ownsDatabase;
        }

        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            if (seen.add(to << 31 | (id & 0x7fffffffL))) {
                counts.merge(id, 1L, Long::sum);
            }
            return 0;
        }

        @Override
        public long scan(List<Path> files) throws IOException {
            counts = new HashMap<>();
            for (Path f : files) {
                scanFile(f);
            }
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Starts a new count ({@link #counts()} empty). */
        void begin() {
            counts = new HashMap<>();
        }

        /** Adds the matches of file {@code f}, scanned as one block, to the counts. */
        void scanFile(Path f) throws IOException {
            int length = read(f);
            seen.clear();
            int rc = hyperscan.hs_scan(db, buffer, length, 0, scratch, this, null);
            if (rc != 0) {
                throw new IOException("hs_scan of " + f + " failed with " + rc);
            }
        }

        /** The counts per pattern id since {@link #begin()}. */
        Map<Integer, Long> counts() {
            return counts;
        }

        private int read(Path f) throws IOException {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) {
                    throw new IOException(f + " has " + size + " bytes: hyperscan blocks hold at most 2^31 - 1");
                }
                if (size > buffer.capacity()) {
                    buffer.close();
                    buffer = new BytePointer(Math.max(size, buffer.capacity() * 2));
                }
                ByteBuffer bb = buffer.position(0).capacity(buffer.capacity()).limit(size).asByteBuffer();
                while (bb.hasRemaining() && ch.read(bb) >= 0) {
                    // read until the buffer holds the whole file
                }
                return bb.position();
            }
        }

        @Override
        public Optional<Map<Integer, Long>> lastCountsById() {
            return Optional.of(Map.copyOf(counts));
        }

        @Override
        public void close() {
            hyperscan.hs_free_scratch(scratch);
            if (ownsDatabase) {
                hyperscan.hs_free_database(db);
            }
            buffer.close();
            super.close();
        }
    }
}
