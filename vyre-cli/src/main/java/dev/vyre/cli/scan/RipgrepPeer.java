package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ripgrep, where an {@code rg} is on the PATH: {@code rg --count-matches} with every pattern, over the files in
 * batches (text mode, no ignore files, no config). Counts non-overlapping matches of the combined patterns.
 */
public final class RipgrepPeer implements ScanPeer {
    private static final int FILES_PER_RUN = 500;

    @Override
    public String name() {
        return "ripgrep";
    }

    @Override
    public Optional<String> unavailable() {
        return find().isPresent() ? Optional.empty() : Optional.of("rg is not on the PATH (install ripgrep to"
                + " compare with it)");
    }

    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path rg = Path.of(dir.isEmpty() ? "." : dir, "rg");
            if (Files.isExecutable(rg)) {
                return Optional.of(rg);
            }
        }
        return Optional.empty();
    }

    @Override
    public Counting counting() {
        return Counting.LEFTMOST;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        Path rg = find().orElseThrow();
        List<String> base = new ArrayList<>(List.of(rg.toString(), "--no-config", "--count-matches", "--with-filename",
                "--no-ignore", "--hidden", "-a", "--no-messages"));
        for (PatternSpec p : patterns) {
            base.add("-e");
            base.add(ScanPeer.inline(p));
        }
        return files -> {
            long n = 0;
            for (int i = 0; i < files.size(); i += FILES_PER_RUN) {
                List<String> cmd = new ArrayList<>(base);
                cmd.add("--");
                files.subList(i, Math.min(files.size(), i + FILES_PER_RUN)).forEach(f -> cmd.add(f.toString()));
                n += run(cmd);
            }
            return n;
        };
    }

    private static long run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code > 1) {
            throw new IOException("rg exited with " + code);
        }
        long n = 0;
        for (String line : out.split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon >= 0) {
                n += Long.parseLong(line.substring(colon + 1).strip());
            }
        }
        return n;
    }
}
