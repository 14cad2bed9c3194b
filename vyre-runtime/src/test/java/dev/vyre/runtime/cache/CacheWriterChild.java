package dev.vyre.runtime.cache;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A child JVM of {@link CacheConcurrencyTest}: writes and reads keys in a shared directory through its own
 * {@link DiskStore}; every read must be missing or the exact payload, never corrupt. Exit 0 when all were, 3
 * otherwise (the failures on stderr). Arguments: directory, writer id, rounds.
 */
public final class CacheWriterChild {
    private CacheWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String id = args[1];
        int rounds = Integer.parseInt(args[2]);
        System.exit(run(DiskStore.open(dir), id, rounds) == 0 ? 0 : 3);
    }

    /** Runs {@code rounds} write-and-read rounds; returns the number of bad reads (printed to stderr). */
    static int run(DiskStore store, String id, int rounds) throws Exception {
        int bad = 0;
        for (int i = 0; i < rounds; i++) {
            Fingerprint shared = CacheFixtures.key("shared-" + i % 6);
            Fingerprint own = CacheFixtures.key("own-" + id + "-" + i % 10);
            store.write(CacheFixtures.entry(shared, EntryKind.CUBIN));
            store.write(CacheFixtures.entry(own, EntryKind.PTX));
            for (Fingerprint k : new Fingerprint[] {shared, CacheFixtures.key("shared-" + (i + 3) % 6)}) {
                bad += check(store, k, EntryKind.CUBIN);
            }
            bad += check(store, own, EntryKind.PTX);
        }
        return bad;
    }

    private static int check(DiskStore store, Fingerprint k, EntryKind kind) throws Exception {
        switch (store.read(k, kind)) {
            case DiskStore.Read.Missing() -> {
                return 0;
            }
            case DiskStore.Read.Found(CacheEntry e) -> {
                if (Arrays.equals(e.payload(), CacheFixtures.payload(k))) {
                    return 0;
                }
                System.err.println("wrong payload for " + k);
                return 1;
            }
            case DiskStore.Read.Corrupt(CorruptEntryException x) -> {
                System.err.println("corrupt read: " + x.getMessage());
                return 1;
            }
        }
    }
}
