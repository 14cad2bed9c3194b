package dev.vyre.ir.check;

/**
 * A location in a program: a chain of segments from the root, each with its rank among its siblings (the field
 * order of its parent, then list indices), so that locations sort in the program's textual order. The text form
 * is built only for reported problems, which keeps checking a deep program linear in its size. Deliberately not
 * a record: generated equality would recurse along the chain.
 */
final class Path {
    private final Path parent;
    private final String segment;
    private final long rank;
    private final int depth;

    private Path(Path parent, String segment, long rank) {
        this.parent = parent;
        this.segment = segment;
        this.rank = rank;
        this.depth = parent == null ? 1 : parent.depth + 1;
    }

    /** A top-level location such as {@code body[3]}; {@code rank} orders it among the other roots. */
    static Path root(String segment, long rank) {
        return new Path(null, segment, rank);
    }

    /** A location below this one; {@code segment} carries its own separator, e.g. {@code ".Store.value"}. */
    Path child(String segment, long rank) {
        return new Path(this, segment, rank);
    }

    /** The ranks from the root down to this location. */
    long[] ranks() {
        long[] ranks = new long[depth];
        Path p = this;
        for (int i = depth - 1; i >= 0; i--) {
            ranks[i] = p.rank;
            p = p.parent;
        }
        return ranks;
    }

    /** Textual order of two rank chains: by the first differing rank, an enclosing location first. */
    static int compare(long[] a, long[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        String[] parts = new String[depth];
        Path p = this;
        for (int i = depth - 1; i >= 0; i--) {
            parts[i] = p.segment;
            p = p.parent;
        }
        return String.join("", parts);
    }
}
