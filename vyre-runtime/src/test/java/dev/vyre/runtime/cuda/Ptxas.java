package dev.vyre.runtime.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Runs {@code ptxas} (the CUDA toolkit's PTX assembler) on generated PTX, where it is installed. */
public final class Ptxas {
    private Ptxas() {
    }

    /** Result of one assembly. */
    public record Result(int exit, String output) {
        /** Whether ptxas refused the architecture itself (a toolkit that dropped it), not the PTX. */
        public boolean unknownArchitecture() {
            return exit != 0 && output.contains("is not defined for option 'gpu-name'");
        }
    }

    /** ptxas on PATH, in /usr/local/bin or /usr/local/cuda/bin; null when there is none. */
    public static Path locate() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        dirs.add("/usr/local/bin");
        dirs.add("/usr/local/cuda/bin");
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "ptxas");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Assembles {@code ptx} for {@code arch} (e.g. sm_90) in {@code dir}. */
    public static Result assemble(Path ptxas, Path dir, String name, String arch, String ptx)
            throws IOException, InterruptedException {
        Path source = dir.resolve(name + ".ptx");
        Files.writeString(source, ptx, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-v", source.toString(), "-o",
                dir.resolve(name + ".cubin").toString()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ptxas did not finish within 60 s on " + source);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * Assembles an IR-built megakernel's {@code ptx} for {@code arch} and asserts that ptxas accepts it within
     * {@link MegakernelPtx#MAX_REGISTERS} registers and without spills; skips (with the reason) where ptxas is not
     * installed or no longer knows {@code arch}.
     *
     * @return the registers ptxas reported
     */
    public static int assertAssemblesWithinTheRegisterCap(Path dir, String name, String arch, String ptx)
            throws IOException, InterruptedException {
        Path ptxas = locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found on PATH, /usr/local/bin or /usr/local/cuda/bin: "
                + name + " is not assembled on this machine");
        Result r = assemble(ptxas, dir, name, arch, ptx);
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + arch);
        Assertions.assertEquals(0, r.exit(), () -> "ptxas -arch=" + arch + " rejected " + name + ":\n" + r.output());
        Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(r.output());
        Assertions.assertTrue(regs.find(), () -> "ptxas -v reported no register count:\n" + r.output());
        int used = Integer.parseInt(regs.group(1));
        Assertions.assertTrue(used <= MegakernelPtx.MAX_REGISTERS, r.output());
        Assertions.assertTrue(r.output().contains("0 bytes spill stores"), () -> name + " spills:\n" + r.output());
        return used;
    }
}
