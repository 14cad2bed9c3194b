import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.core.VyreException;
import dev.vyre.scanpeers.HyperscanPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Compiles every rule of an {@code ID:pattern} file alone, as {@code vyre scan} compiles (prefilter off), then
 * with Hyperscan (the bench's peer), and prints {@code ID<TAB>vyre: reason} or {@code ID<TAB>hyperscan: reason}
 * for each rule one of them refuses. Run as a source-file program with the class path of vyre-scan-peers (see
 * scripts/corpus/logcheck-rules.py): {@code java -cp CP scripts/corpus/CheckRules.java FILE FLAGS}.
 */
public final class CheckRules {
    public static void main(String[] args) throws Exception {
        Set<PatternFlag> flags = PatternFlag.parse(args.length > 1 ? args[1] : "");
        for (String line : new String(Files.readAllBytes(Path.of(args[0])), StandardCharsets.ISO_8859_1)
                .split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            PatternSpec spec = new PatternSpec(Integer.parseInt(line.substring(0, colon)), line.substring(colon + 1),
                    flags);
            try {
                RegexCompiler.compile(List.of(spec), CompileOptions.defaults().withPrefilter(false));
            } catch (VyreException e) {
                System.out.println(spec.id() + "\tvyre: " + e.getMessage().replace('\n', ' ').replace('\t', ' '));
                continue;
            }
            try {
                new HyperscanPeer().prepare(List.of(spec)).close();
            } catch (IllegalArgumentException e) {
                System.out.println(spec.id() + "\thyperscan: " + e.getMessage().replace('\n', ' ')
                        .replace('\t', ' '));
            }
        }
    }
}
