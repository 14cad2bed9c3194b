package dev.vyre.runtime.automata;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.scan.ScanOptions;
import dev.vyre.automata.scan.WindowedScan;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import dev.vyre.uring.IngestSources;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * The filtered scan (docs/SCAN.md "Filtered scan"): files are packed into batches of host staging memory, a
 * {@link BatchFilter} (the CUDA prefilter kernel, or its CPU model) finds the candidate windows of the line
 * engine's factors in each batch, and host threads confirm: per file, a {@link WindowedScan} stream runs the line
 * engine over the candidates only and the other engines (patterns without a long factor) over the bytes. Batches
 * are planned up front and pipelined: the host threads read each batch into its staging slot as soon as the slot's
 * previous batch is confirmed, and confirm batches one after another (so a file's pieces are confirmed in order);
 * a stage thread runs the batches' DFA stages in order; the scanning thread submits batch i and waits for its
 * candidates. Matches are byte-identical to a {@link dev.vyre.automata.scan.Scanner} over each file (and so to the ring scan): every piece of a file lies in
 * the batch at an offset congruent to its file offset modulo the stride, so window k of the batch is the file's
 * window at the same stride phase; only windows wholly inside a piece are passed on, the windows across piece
 * boundaries are read by the stream from its history.
 */
public final class FilteredScanner implements AutoCloseable {
    private final WindowedScan scan;
    private final BatchFilter filter;
    private final DfaStage stage;
    private final ForkJoinPool pool;
    /**
     * Runs the batches' confirmations one after another (each spreads its files over {@link #pool}), so that a
     * file's pieces are confirmed in order while the scanning thread reads and stages the next batches.
     */
    private final java.util.concurrent.ExecutorService confirmDriver;
    /** Runs the batches' DFA stages one after another (each starts from the states the one before carried). */
    private final java.util.concurrent.ExecutorService stageDriver;
    private final int stride;
    private long readSplit = READ_SPLIT;
    /** Per scan: host thread nanoseconds of confirmation summed over pieces, and the longest piece. */
    private final java.util.concurrent.atomic.AtomicLong confirmBusy = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong confirmLongest = new java.util.concurrent.atomic.AtomicLong();
    /** Per scan: nanoseconds the stage thread spent in the DFA stage. */
    private final java.util.concurrent.atomic.AtomicLong stageBusy = new java.util.concurrent.atomic.AtomicLong();

    /** What one scan did; {@code stages} breaks its wall time down. */
    public record Report(int files, int failedFiles, long bytes, long matches, long batches, long candidates,
            long readNanos, long confirmNanos, long elapsedNanos, Stages stages) {
    }

    /**
     * Where one scan's wall time went, host wall clock per stage (nanoseconds, summed over batches): {@code stat}
     * sizing the files, {@code pack} planning batches and zeroing gaps, {@code read} reading pieces (host threads),
     * {@code submit} starting the filter (the whole CPU model; on CUDA enqueueing copy and kernel), {@code await}
     * waiting for the filter's candidates (on CUDA: kernel wait, candidate transfer and sort), {@code dfaStage} the
     * DFA stage, {@code confirm} the host confirmation, {@code emit} handing results to the listener. The filter's
     * own view of its await ({@link BatchFilter#transferNanos()}, {@link BatchFilter#sortNanos()}) is the caller's.
     * The stages partition the scanning thread's wall clock. Reads and confirmations run on the host threads
     * behind the scanning thread's other stages, so {@code read} and {@code confirm} count only the time it
     * waited for them (the part not hidden; a batch's read starts once its slot's previous batch is confirmed,
     * so {@code read} includes that wait too). The DFA stage runs on a thread of its own, so {@code dfaStage} is 0
     * (kept for the shape of reports). Not part of the sum: {@code confirmBusy}, the host threads' time summed
     * over pieces, {@code confirmLongest}, the longest single piece (a piece is confirmed by one thread), and
     * {@code dfaStageBusy}, the stage thread's time in the DFA stage.
     */
    public record Stages(long stat, long pack, long read, long submit, long await, long dfaStage, long confirm,
            long emit, long confirmBusy, long confirmLongest, long dfaStageBusy) {
        /** The stages by name, in scan order. */
        public java.util.Map<String, Long> byName() {
            java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
            m.put("stat", stat);
            m.put("pack", pack);
            m.put("read", read);
            m.put("submit", submit);
            m.put("await", await);
            m.put("dfaStage", dfaStage);
            m.put("confirm", confirm);
            m.put("emit", emit);
            m.put("confirmBusy", confirmBusy);
            m.put("confirmLongest", confirmLongest);
            m.put("dfaStageBusy", dfaStageBusy);
            return m;
        }

        /** The sum of the stages (without the two views inside {@code confirm}). */
        public long total() {
            return stat + pack + read + submit + await + dfaStage + confirm + emit;
        }
    }

    /** Indices into the stage timers of one scan. */
    private static final int STAT = 0, PACK = 1, READ = 2, SUBMIT = 3, AWAIT = 4, DFA = 5, CONFIRM = 6, EMIT = 7;

    /** One file's piece in a batch: file bytes [offset, offset + length) at batch offset {@code at}. */
    private record Piece(int file, long offset, long length, long at, boolean last) {
    }

    /** A file in the scan: its id, path, size when listed, and its stream. */
    private static final class FileState {
        final IngestFile file;
        final long size;
        WindowedScan.Stream stream;
        /** Per DFA of the stage: the true state at the next piece's start ({@link DfaStage#FRESH} at first). */
        int[] dfaState;
        List<Match> matches = new ArrayList<>();
        IngestFileException error;

        FileState(IngestFile file, long size) {
            this.file = file;
            this.size = size;
        }
    }

    private record Batch(int slot, List<Piece> pieces, long bytes) {
    }


    /**
     * @param automaton compiled with the line prefilter (at most one line engine; without one the filter is not
     *     used and every engine scans the bytes)
     * @param filter    the prefilter stage; its capacity must exceed the stride
     * @param threads   host threads that read files and confirm candidates
     */
    public FilteredScanner(CompiledAutomaton automaton, BatchFilter filter, int threads) {
        this(automaton, filter, null, threads);
    }

    /**
     * As {@link #FilteredScanner(CompiledAutomaton, BatchFilter, int)}, with the DFAs of {@code stage} (engines of
     * {@code automaton}) run by the stage over each batch: the host steps only their segments that count a match.
     */
    public FilteredScanner(CompiledAutomaton automaton, BatchFilter filter, DfaStage stage, int threads) {
        this.stage = stage;
        this.scan = new WindowedScan(automaton, ScanOptions.defaults(),
                stage == null ? List.of() : List.copyOf(stage.engines()));
        this.filter = filter;
        this.pool = new ForkJoinPool(Math.max(1, threads));
        this.confirmDriver = driver("vyre-filtered-confirm");
        this.stageDriver = driver("vyre-filtered-stage");
        this.stride = scan.lineEngine() == null ? 1 : scan.lineEngine().matcher().stride();
        if (filter.capacity() <= 2L * stride + WindowFilter.WINDOW) {
            throw new ScanException("filtered scan: batches of " + filter.capacity() + " bytes",
                    "give the batch filter a capacity of at least 4096 bytes");
        }
    }

    /** The windowed scan (line engine and the others). */
    public WindowedScan windowedScan() {
        return scan;
    }

    /** Scans the files under {@code roots} (as {@link RingScanner#scanPaths} lists them). */
    public Report scanPaths(List<Path> roots, ScanListener listener) {
        IngestSources.Expansion x = IngestSources.expand(roots);
        return scan(x.files(), x.failures(), listener);
    }

    /** Scans {@code files} (ids 0..n-1 together with the failures' ids); results go to {@code listener} in id order. */
    public Report scan(List<IngestFile> files, List<IngestEvent.FileFailed> failures, ScanListener listener) {
        long t0 = System.nanoTime();
        long[] t = new long[8];
        confirmBusy.set(0);
        confirmLongest.set(0);
        stageBusy.set(0);
        InOrder ready = new InOrder(files.size() + failures.size());
        for (IngestEvent.FileFailed f : failures) {
            ready.put(f.file().id(), () -> listener.onFailure(f.file(), f.error()));
        }
        List<FileState> states = new ArrayList<>();
        for (Object o : sizes(files)) {
            if (o instanceof FileState fs) {
                states.add(fs);
            } else {
                IngestFileException err = (IngestFileException) o;
                ready.put(err.file().id(), () -> listener.onFailure(err.file(), err));
            }
        }
        long mark = lap(t, STAT, t0);
        long[] counters = new long[5]; // bytes, matches, batches, candidates, failed
        List<Batch> batches = pack(states);
        mark = lap(t, PACK, mark);
        int slots = filter.slots();
        // Batch i is read into slot i % slots as soon as the batch before it in that slot is confirmed: reads run
        // on the host threads ahead of this thread, which submits, stages and hands on the batches in order.
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        long[] candidates = new long[batches.size()];
        int handedOn = 0; // batches [0, handedOn) went to the listener
        try {
            int submittedUpTo = 0;
            for (int i = 0; i < batches.size(); i++) {
                // Batch i to the filter (after its read), and batch i + 1 too when its read is done already (two
                // slots or more: its copy and kernel then run while this thread waits for batch i's candidates).
                while (submittedUpTo <= i || (slots >= 2 && submittedUpTo == i + 1 && submittedUpTo < batches.size()
                        && reads.size() > submittedUpTo && reads.get(submittedUpTo).isDone())) {
                    int j = submittedUpTo++;
                    startReads(batches, reads, confirmed, states, j + slots - 1);
                    await(reads.get(j));
                    mark = lap(t, READ, mark);
                    Batch sb = batches.get(j);
                    if (scan.lineEngine() != null) {
                        filter.submit(sb.slot(), sb.bytes(), stride, keepFrom(sb));
                    }
                    mark = lap(t, SUBMIT, mark);
                }
                Batch b = batches.get(i);
                BatchFilter.Candidates c = scan.lineEngine() == null ? null : filter.await(b.slot());
                mark = lap(t, AWAIT, mark);
                // The DFA stage on its own thread, batches in order (each starts from the states the one before
                // carried), then the confirmation on the confirm thread, also in order (a file's pieces in order),
                // spread over the host threads; this thread goes on with the next batch meanwhile.
                CompletableFuture<Staged> staged = stage == null ? CompletableFuture.completedFuture(Staged.NONE)
                        : CompletableFuture.supplyAsync(() -> stage(b, states), stageDriver);
                CompletableFuture<Void> done = staged.thenAcceptAsync(
                        st -> confirm(b, c, st.segments(), st.bounds(), states), confirmDriver);
                confirmed.add(done);
                candidates[i] = c == null ? 0 : c.count();
                startReads(batches, reads, confirmed, states, i + slots);
                // Hand on every batch already confirmed (after the last batch: wait for them all). A slot's next
                // read waits for its confirmation by itself.
                while (handedOn <= i && (confirmed.get(handedOn).isDone() || i == batches.size() - 1)) {
                    await(confirmed.get(handedOn));
                    mark = lap(t, CONFIRM, mark);
                    handOn(batches.get(handedOn), candidates[handedOn], states, counters, ready, listener);
                    handedOn++;
                    ready.emit();
                    mark = lap(t, EMIT, mark);
                }
            }
        } finally {
            // A failure leaves no read or confirmation running over a staging slot that the caller may free.
            for (CompletableFuture<Void> f : reads) {
                f.exceptionally(e -> null).join();
            }
            for (CompletableFuture<Void> f : confirmed) {
                f.exceptionally(e -> null).join();
            }
        }
        ready.flush();
        lap(t, EMIT, mark);
        return new Report(files.size() + failures.size(), failures.size() + (int) counters[4]
                + (files.size() - states.size()), counters[0], counters[1], counters[2], counters[3], t[READ],
                t[CONFIRM], System.nanoTime() - t0,
                new Stages(t[STAT], t[PACK], t[READ], t[SUBMIT], t[AWAIT], t[DFA], t[CONFIRM], t[EMIT],
                        confirmBusy.get(), confirmLongest.get(), stageBusy.get()));
    }

    /**
     * Plans the batches over the sized files, in order: a file that does not fit the rest of a batch starts the
     * next one, a file larger than a batch is cut into pieces in consecutive batches, each piece at a batch offset
     * congruent to its file offset modulo the stride. Batch i uses staging slot i % slots.
     */
    private List<Batch> pack(List<FileState> states) {
        List<Batch> out = new ArrayList<>();
        int fileIndex = 0;
        long fileOffset = 0;
        while (fileIndex < states.size()) {
            List<Piece> pieces = new ArrayList<>();
            long at = 0;
            while (fileIndex < states.size()) {
                FileState fs = states.get(fileIndex);
                long start = at + Math.floorMod(fileOffset - at, stride);
                long room = filter.capacity() - start;
                long rest = fs.size - fileOffset;
                if (room <= 0 || (rest > room && !pieces.isEmpty())) {
                    break;
                }
                long len = Math.min(rest, room);
                pieces.add(new Piece(fileIndex, fileOffset, len, start, len == rest));
                at = start + len;
                if (len == rest) {
                    fileIndex++;
                    fileOffset = 0;
                } else {
                    fileOffset += len;
                    break;
                }
            }
            out.add(new Batch(out.size() % filter.slots(), pieces, at));
        }
        return out;
    }

    /**
     * Starts the reads of the batches up to {@code upTo} not started yet: batch j once batch j - 1 is read and
     * batch j - slots (the last user of its slot) is confirmed, on the host threads.
     */
    private void startReads(List<Batch> batches, List<CompletableFuture<Void>> reads,
            List<CompletableFuture<Void>> confirmed, List<FileState> states, int upTo) {
        int slots = filter.slots();
        while (reads.size() <= Math.min(upTo, batches.size() - 1)) {
            int j = reads.size();
            if (j >= slots && confirmed.size() <= j - slots) {
                return; // the slot's last batch is not staged yet
            }
            // One batch read at a time (each spreads over every host thread), so the first batches are ready
            // soonest; and only into a free slot.
            CompletableFuture<Void> slotFree = j < slots ? CompletableFuture.completedFuture(null)
                    : confirmed.get(j - slots);
            CompletableFuture<Void> previous = j == 0 ? CompletableFuture.completedFuture(null) : reads.get(j - 1);
            Batch b = batches.get(j);
            reads.add(CompletableFuture.allOf(slotFree, previous).thenRunAsync(() -> read(b, states), pool));
        }
    }

    /** Counts a confirmed batch and queues its finished files (and failures) for the listener. */
    private static void handOn(Batch b, long candidates, List<FileState> states, long[] counters,
            InOrder ready, ScanListener listener) {
        counters[2]++;
        counters[3] += candidates;
        for (Piece p : b.pieces()) {
            FileState fs = states.get(p.file());
            counters[0] += p.length();
            if (p.last()) {
                List<Match> ms = fs.matches;
                IngestFileException err = fs.error;
                fs.matches = null;
                fs.stream = null;
                if (err != null) {
                    counters[4]++;
                    ready.put(fs.file.id(), () -> listener.onFailure(fs.file, err));
                } else {
                    counters[1] += ms.size();
                    ready.put(fs.file.id(), () -> listener.onFile(fs.file, ms));
                }
            }
        }
        listener.onProgress(b.bytes());
    }

    /**
     * Sizes every file on the host threads (one stat each; on trees of tens of thousands of files a serial loop
     * costs a large share of the scan): per file, in order, its {@link FileState} or the stat's failure.
     */
    private Object[] sizes(List<IngestFile> files) {
        Object[] out = new Object[files.size()];
        pool.submit(() -> java.util.stream.IntStream.range(0, out.length).parallel().forEach(i -> {
            IngestFile f = files.get(i);
            try {
                out[i] = new FileState(f, java.nio.file.Files.size(f.path()));
            } catch (IOException e) {
                out[i] = IngestFileException.io(f, IngestFileException.Operation.STAT, -1, e);
            }
        })).join();
        return out;
    }

    /** Adds the time since {@code since} to stage {@code stage}; returns now. */
    private static long lap(long[] t, int stage, long since) {
        long now = System.nanoTime();
        t[stage] += now - since;
        return now;
    }

    /** Bytes one host thread reads of a piece at most: a large file is read by several threads at once. */
    static final long READ_SPLIT = 4L << 20;

    /** Reads of at most {@code bytes} per host thread (tests cut small files too); returns this scanner. */
    FilteredScanner readSplit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("read split " + bytes);
        }
        this.readSplit = bytes;
        return this;
    }

    /**
     * Reads every piece into the batch's staging slot (and zeroes the gaps between them), in parallel: pieces
     * larger than {@link #READ_SPLIT} in ranges of that size (each with its own channel), so that a batch of a few
     * large files still keeps every host thread reading. A failed range marks its file failed.
     */
    private void read(Batch b, List<FileState> states) {
        zeroGaps(b);
        MemorySegment staging = filter.staging(b.slot());
        List<long[]> ranges = new ArrayList<>(); // {piece index, offset within the piece, length}
        for (int i = 0; i < b.pieces().size(); i++) {
            long len = b.pieces().get(i).length();
            for (long from = 0; from < len; from += readSplit) {
                ranges.add(new long[] {i, from, Math.min(readSplit, len - from)});
            }
        }
        ranges.parallelStream().forEach(r -> {
            Piece p = b.pieces().get((int) r[0]);
            FileState fs = states.get(p.file());
            if (fs.error != null) {
                return;
            }
            MemorySegment dst = staging.asSlice(p.at() + r[1], r[2]);
            long first = p.offset() + r[1];
            try (FileChannel ch = FileChannel.open(fs.file.path(), StandardOpenOption.READ)) {
                ByteBuffer buf = dst.asByteBuffer();
                long pos = first;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        dst.asSlice(buf.position()).fill((byte) 0);
                        throw new IOException("the file shrank to " + pos + " bytes while it was scanned");
                    }
                    pos += n;
                }
            } catch (IOException e) {
                fs.error = IngestFileException.io(fs.file, IngestFileException.Operation.READ, first, e);
            }
        });
    }

    /**
     * The batch offset before which a factor's bytes may continue a file from a previous batch: the first piece's
     * offset when it continues a file (only a batch's first piece can), else 0 ({@link BatchFilter#submit}).
     */
    private static long keepFrom(Batch b) {
        return b.pieces().isEmpty() || b.pieces().getFirst().offset() == 0 ? 0 : b.pieces().getFirst().at();
    }

    /** Gaps between pieces hold bytes of earlier batches: clears them so no stale window is read as data. */
    private void zeroGaps(Batch b) {
        MemorySegment staging = filter.staging(b.slot());
        long at = 0;
        for (Piece p : b.pieces()) {
            staging.asSlice(at, p.at() - at).fill((byte) 0);
            at = p.at() + p.length();
        }
    }

    /** A batch's DFA stage results: segments per DFA and, per piece, its segment range (null without a stage). */
    private record Staged(List<DfaStage.Segments> segments, int[][] bounds) {
        static final Staged NONE = new Staged(null, null);
    }

    /** The DFA stage of batch {@code b} on the stage thread, with the states carried to the next batch. */
    private Staged stage(Batch b, List<FileState> states) {
        long s0 = System.nanoTime();
        List<DfaStage.Segments> segments = runStage(b, states);
        int[][] bounds = pieceSegments(b, segments);
        carryStates(b, segments, bounds, states);
        stageBusy.addAndGet(System.nanoTime() - s0);
        return new Staged(segments, bounds);
    }

    /** Runs the DFA stage over the batch, each piece starting from its file's carried states. */
    private List<DfaStage.Segments> runStage(Batch b, List<FileState> states) {
        int n = b.pieces().size();
        long[] starts = new long[n];
        long[] ends = new long[n];
        int[][] given = new int[stage.engines().size()][n];
        for (int i = 0; i < n; i++) {
            Piece p = b.pieces().get(i);
            starts[i] = p.at();
            ends[i] = p.at() + p.length();
            FileState fs = states.get(p.file());
            for (int e = 0; e < given.length; e++) {
                given[e][i] = fs.dfaState == null ? DfaStage.FRESH : fs.dfaState[e];
            }
        }
        return stage.run(b.slot(), starts, ends, given);
    }

    /** Confirms every piece of the batch with its candidates and DFA segments, files in parallel. */
    private void confirm(Batch b, BatchFilter.Candidates c, List<DfaStage.Segments> segments, int[][] bounds,
            List<FileState> states) {
        MemorySegment staging = filter.staging(b.slot());
        // Largest pieces first, one task each: a big file's confirmation starts at once instead of waiting behind
        // a static split of the list (files are independent; results are handed on in file order later).
        Integer[] order = java.util.stream.IntStream.range(0, b.pieces().size()).boxed()
                .sorted((x, y) -> Long.compare(b.pieces().get(y).length(), b.pieces().get(x).length()))
                .toArray(Integer[]::new);
        pool.submit(() -> java.util.Arrays.stream(order).parallel().forEach(i -> {
            long p0 = System.nanoTime();
            confirmPiece(b, i, c, segments, bounds, states, staging);
            long took = System.nanoTime() - p0;
            confirmBusy.addAndGet(took);
            confirmLongest.accumulateAndGet(took, Math::max);
        })).join();
    }

    /** Confirms piece {@code i} of the batch (one host thread). */
    private void confirmPiece(Batch b, int i, BatchFilter.Candidates c, List<DfaStage.Segments> segments,
            int[][] bounds, List<FileState> states, MemorySegment staging) {
        Piece p = b.pieces().get(i);
        FileState fs = states.get(p.file());
        if (fs.error != null) {
            return;
        }
        if (fs.stream == null) {
            fs.stream = scan.stream();
        }
        List<Match> out = fs.matches;
        MemorySegment chunk = staging.asSlice(p.at(), p.length());
        java.util.function.Consumer<dev.vyre.automata.MatchSink> extra = segments == null ? null
                : sink -> stageMatches(p, i, bounds, segments, fs, staging, sink);
        long[] windows = c == null ? null : windowsOf(c, p);
        fs.stream.feed(chunk, windows, windows == null ? 0 : windows.length, extra,
                (id, end) -> out.add(new Match(id, end)));
        if (p.last()) {
            fs.stream.finish(segments == null ? null : sink -> {
                for (int e = 0; e < segments.size(); e++) {
                    stage.engines().get(e).dfa().reportEnd(fs.dfaState[e], p.offset() + p.length(), sink);
                }
            }, (id, end) -> out.add(new Match(id, end)));
        }
    }

    /** Per piece, the index range [from, to) of its segments (the same for every DFA: one plan per batch). */
    private static int[][] pieceSegments(Batch b, List<DfaStage.Segments> segments) {
        int[][] bounds = new int[b.pieces().size()][2];
        for (int[] r : bounds) {
            r[0] = -1;
        }
        if (segments.isEmpty()) {
            return bounds;
        }
        int[] piece = segments.getFirst().piece();
        for (int s = 0; s < piece.length; s++) {
            if (bounds[piece[s]][0] < 0) {
                bounds[piece[s]][0] = s;
            }
            bounds[piece[s]][1] = s + 1;
        }
        return bounds;
    }

    /**
     * The stage DFAs' matches in piece {@code i}: its segments that count some are stepped again from their exact
     * start state (reports before each byte; the end of the file is reported by finish); the state after the piece
     * is carried to the file's next piece.
     */
    private void stageMatches(Piece p, int i, int[][] bounds, List<DfaStage.Segments> segments, FileState fs,
            MemorySegment staging, dev.vyre.automata.MatchSink sink) {
        if (bounds[i][0] < 0) {
            return; // an empty piece
        }
        long shift = p.offset() - p.at();
        for (int e = 0; e < segments.size(); e++) {
            DfaStage.Segments s = segments.get(e);
            dev.vyre.automata.dfa.Dfa dfa = stage.engines().get(e).dfa();
            for (int k = bounds[i][0]; k < bounds[i][1]; k++) {
                if (s.count()[k] > 0) {
                    dfa.run(staging, shift, s.start()[k] + shift, s.end()[k] + shift, s.used()[k], sink);
                }
            }
        }
    }

    /**
     * After the stage ran a batch (on the scanning thread, before its confirmation starts): each file's state after
     * its piece, which the next batch's stage starts from and the file's last confirmation reports the end from.
     * Only this thread writes {@code dfaState}, so a confirmation still running on an earlier batch never moves it
     * back.
     */
    private void carryStates(Batch b, List<DfaStage.Segments> segments, int[][] bounds, List<FileState> states) {
        for (int i = 0; i < b.pieces().size(); i++) {
            FileState fs = states.get(b.pieces().get(i).file());
            if (fs.dfaState == null) {
                fs.dfaState = new int[segments.size()];
                for (int e = 0; e < segments.size(); e++) {
                    fs.dfaState[e] = stage.engines().get(e).dfa().startState(dev.vyre.automata.dfa.Dfa.CONTEXT_START);
                }
            }
            if (bounds[i][0] >= 0) {
                for (int e = 0; e < segments.size(); e++) {
                    fs.dfaState[e] = segments.get(e).last()[bounds[i][1] - 1];
                }
            }
        }
    }

    /** The candidates wholly inside piece {@code p}, as absolute file offsets, ascending. */
    private long[] windowsOf(BatchFilter.Candidates c, Piece p) {
        long firstK = (p.at() + stride - 1) / stride;
        long lastG = p.at() + p.length() - WindowFilter.WINDOW;
        int from = Arrays.binarySearch(c.windows(), 0, c.count(), (int) Math.min(Integer.MAX_VALUE, firstK));
        from = from < 0 ? -from - 1 : from;
        int to = from;
        while (to < c.count() && (long) c.windows()[to] * stride <= lastG) {
            to++;
        }
        long[] out = new long[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = p.offset() + ((long) c.windows()[i] * stride - p.at());
        }
        return out;
    }

    /** Waits for a batch's read or confirmation on the host threads; a failure is rethrown as it was thrown. */
    private static void await(java.util.concurrent.Future<?> done) {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScanException("filtered scan: interrupted while host threads read or confirmed a batch",
                    "do not interrupt the scanning thread, or scan again");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new ScanException("filtered scan: reading or confirming a batch failed: " + e.getCause(),
                    "report this with the files scanned", e.getCause());
        }
    }

    /** A single daemon thread that runs tasks in the order they come. */
    private static java.util.concurrent.ExecutorService driver(String name) {
        return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, name);
            th.setDaemon(true);
            return th;
        });
    }

    /** Shuts the host pool and the stage and confirmation threads down (the filter is the caller's). */
    @Override
    public void close() {
        stageDriver.shutdown();
        confirmDriver.shutdown();
        pool.shutdown();
    }
}
