package dev.vyre.runtime.automata;

import dev.vyre.automata.Match;
import dev.vyre.automata.scan.ScanStream;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One file of a scan: chunks arrive in any order and wait in {@link #waiting} until they are next in the file;
 * the chunk in {@link #head} has its lane 0 running from the state {@link #carried} over from the chunk before.
 */
final class StreamWork {
    final IngestFile file;
    final TreeMap<Long, ChunkWork> waiting = new TreeMap<>();
    final List<Match> matches = new ArrayList<>();
    final ScanStream host;
    /** The host engines' feeds of this file, one after another on the scanner's host pool. */
    java.util.concurrent.CompletableFuture<Void> hostChain = java.util.concurrent.CompletableFuture.completedFuture(null);
    /** The host engines' matches: written only by {@link #hostChain}'s tasks, read once it is joined. */
    final List<Match> hostMatches = new ArrayList<>();
    /** What a host feed threw, if anything (read once {@link #hostChain} is joined). */
    volatile Throwable hostError;
    int[] carried;
    long frontier;
    ChunkWork head;
    long doneBytes = -1;
    IngestFileException error;
    int liveChunks;
    int endPending;
    boolean endLaunched;
    boolean finished;
    MatchBuffer endBuffer;
    int endBufferId = -1;

    StreamWork(IngestFile file, int[] startStates, ScanStream host) {
        this.file = file;
        this.carried = startStates.clone();
        this.host = host;
    }

    boolean failed() {
        return error != null;
    }
}
