package dev.vyre.uring;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;

/** Turns the paths a user names into the files of a stream: directories are walked, errors kept per path. */
public final class IngestSources {
    private IngestSources() {
    }

    /**
     * The result of {@link #expand}: ids run over files and failures together, in root order and, inside a
     * root, in path order.
     *
     * @param files    regular files to read
     * @param failures paths that could not be listed or are not regular files, each with its error
     */
    public record Expansion(List<IngestFile> files, List<IngestEvent.FileFailed> failures) {
    }

    private record Entry(Path path, Function<IngestFile, IngestFileException> error) {
    }

    /**
     * Expands {@code roots}: a regular file stands for itself, a directory for every regular file under it
     * (symbolic links followed, loops reported). A path that is missing, unreadable, dangling or not a regular file
     * becomes a failure; the walk goes on past it.
     */
    public static Expansion expand(List<Path> roots) {
        List<IngestFile> files = new ArrayList<>();
        List<IngestEvent.FileFailed> failures = new ArrayList<>();
        int id = 0;
        for (Path root : roots) {
            List<Entry> entries = walk(root);
            entries.sort(Comparator.comparing(Entry::path));
            for (Entry e : entries) {
                IngestFile file = new IngestFile(id++, e.path());
                if (e.error() == null) {
                    files.add(file);
                } else {
                    failures.add(new IngestEvent.FileFailed(file, e.error().apply(file)));
                }
            }
        }
        return new Expansion(List.copyOf(files), List.copyOf(failures));
    }

    private static List<Entry> walk(Path root) {
        List<Entry> entries = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile()) {
                                entries.add(new Entry(file, null));
                            } else if (attrs.isSymbolicLink()) {
                                entries.add(new Entry(file, f -> IngestFileException.errno(f,
                                        IngestFileException.Operation.OPEN, -1, LinuxErrno.ENOENT)));
                            } else {
                                entries.add(new Entry(file, IngestFileException::notRegular));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException exc) {
                            IngestFileException.Operation op = Files.isDirectory(file)
                                    ? IngestFileException.Operation.LIST : IngestFileException.Operation.STAT;
                            entries.add(new Entry(file, f -> IngestFileException.io(f, op, -1, exc)));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                            if (exc != null) {
                                entries.add(new Entry(dir, f -> IngestFileException.io(f,
                                        IngestFileException.Operation.LIST, -1, exc)));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // the visitor never throws, so this is a failure to start the walk at all
            entries.add(new Entry(root, f -> IngestFileException.io(f, IngestFileException.Operation.LIST, -1, e)));
        }
        return entries;
    }
}
