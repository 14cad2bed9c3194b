package dev.vyre.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The vyre version, filtered into {@code vyre-version.properties} from the Maven project version. */
public final class VersionProvider implements IVersionProvider {
    private static final String RESOURCE = "vyre-version.properties";

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new CliException("the vyre-cli jar has no " + RESOURCE,
                        "rebuild vyre with ./mvnw -B -DskipTests package");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        Runtime.Version java = Runtime.version();
        return new String[] {"vyre " + version(), "Java " + java + " (" + System.getProperty("java.vendor") + ")"};
    }
}
