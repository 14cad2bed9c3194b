package dev.vyre.runtime.cache;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A fingerprint of the compiled code of whole packages: for each anchor class, every {@code .class} file of its
 * package (not sub-packages) in the jar or directory it was loaded from, by name and bytes. A pipeline-cache key
 * that includes it changes whenever the code that generates the cached artifact changes, with nobody having to
 * remember to bump a version number. When a package's code cannot be read (no code source, an unusual class
 * loader) the fingerprint includes a random value instead, so the cache still works within the process but
 * nothing is shared with other processes: never a stale hit.
 */
public final class CodeFingerprint {
    private CodeFingerprint() {
    }

    /** The fingerprint of the packages of {@code anchors}, in the given order. */
    public static Fingerprint of(String domain, List<Class<?>> anchors) {
        Fingerprint.Builder b = Fingerprint.builder(domain);
        for (Class<?> anchor : anchors) {
            b.text("package", anchor.getPackageName());
            TreeMap<String, byte[]> classes = packageClasses(anchor);
            if (classes == null) {
                b.text("unreadable", UUID.randomUUID().toString());
                continue;
            }
            for (var e : classes.entrySet()) {
                b.text("class", e.getKey()).bytes("code", e.getValue());
            }
        }
        return b.build();
    }

    /** The class files of {@code anchor}'s package by name, or null when they cannot be read. */
    private static TreeMap<String, byte[]> packageClasses(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        String dir = anchor.getPackageName().replace('.', '/') + "/";
        try {
            Path location = Path.of(source.getLocation().toURI());
            TreeMap<String, byte[]> out = new TreeMap<>();
            if (Files.isDirectory(location)) {
                Path pkg = location.resolve(dir);
                List<Path> files = new ArrayList<>();
                try (Stream<Path> s = Files.list(pkg)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".class")).forEach(files::add);
                }
                for (Path p : files) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        String name = e.getName();
                        if (name.startsWith(dir) && name.endsWith(".class") && name.indexOf('/', dir.length()) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                out.put(name.substring(dir.length()), in.readAllBytes());
                            }
                        }
                    }
                }
            }
            return out.isEmpty() ? null : out;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
