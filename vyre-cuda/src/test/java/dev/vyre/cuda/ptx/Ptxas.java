package dev.vyre.cuda.ptx;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs NVIDIA's {@code ptxas} (where installed) on PTX text, to check emitted PTX off the GPU. */
final class Ptxas {
    /** Where ptxas is looked for besides PATH. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/local/bin", "/usr/local/cuda/bin");

    private Ptxas() {
    }

    /** The ptxas executable, or null where there is none. */
    static Path locate() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ptxas"))) {
                return Path.of(dir, "ptxas");
            }
        }
        return null;
    }

    /** The exit code and output of one ptxas run. */
    record Result(int exit, String output) {
    }

    /** Assembles {@code ptx} for {@code arch} (e.g. sm_90), writing nothing but a temporary source file. */
    static Result assemble(Path ptxas, Path dir, String name, String ptx, String arch)
            throws IOException, InterruptedException {
        Path source = dir.resolve(name + ".ptx");
        Files.writeString(source, ptx, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-o", "/dev/null", source.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "ptxas did not finish within 120 s");
        }
        return new Result(p.exitValue(), output);
    }
}
