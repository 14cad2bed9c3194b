package dev.vyre.scanpeers;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.ScanPeer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hyperscan;

/**
 * hyperscan on every host core: the database of {@link HyperscanPeer}, shared, and one scratch space per thread;
 * the threads take whole files from a shared index (block mode, each file one block), so a corpus of fewer files
 * than cores leaves cores idle. Counts are {@link HyperscanPeer}'s, summed over the threads.
 */
public final class HyperscanAllCoresPeer implements ScanPeer {
    private final int threads;

    /** One thread per available processor. */
    public HyperscanAllCoresPeer() {
        this(Runtime.getRuntime().availableProcessors());
    }

    HyperscanAllCoresPeer(int threads) {
        this.threads = Math.max(1, threads);
    }

    @Override
    public String name() {
        return "hyperscan-all-cores";
    }

    @Override
    public Optional<String> unavailable() {
        return new HyperscanPeer().unavailable();
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        hs_database_t db = HyperscanPeer.compile(patterns);
        List<HyperscanPeer.BlockScan> scans = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                scans.add(new HyperscanPeer.BlockScan(db, HyperscanPeer.scratch(db), false));
            }
        } catch (RuntimeException e) {
            scans.forEach(HyperscanPeer.BlockScan::close);
            throw e;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hyperscan-all-cores");
            t.setDaemon(true);
            return t;
        });
        return new Prepared() {
            private Map<Integer, Long> counts = Map.of();

            @Override
            public long scan(List<Path> files) throws Exception {
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> done = new ArrayList<>();
                for (HyperscanPeer.BlockScan s : scans) {
                    done.add(pool.submit(() -> {
                        s.begin();
                        for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                            s.scanFile(files.get(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                Map<Integer, Long> all = new HashMap<>();
                scans.forEach(s -> s.counts().forEach((id, n) -> all.merge(id, n, Long::sum)));
                counts = all;
                return all.values().stream().mapToLong(Long::longValue).sum();
            }

            @Override
            public Optional<Map<Integer, Long>> lastCountsById() {
                return Optional.of(Map.copyOf(counts));
            }

            @Override
            public void close() {
                pool.shutdownNow();
                scans.forEach(HyperscanPeer.BlockScan::close);
                hyperscan.hs_free_database(db);
            }
        };
    }
}
