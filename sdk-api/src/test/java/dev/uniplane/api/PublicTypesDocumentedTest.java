package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public type of the API (top-level and nested) carries a javadoc comment. */
class PublicTypesDocumentedTest {
    private static final Pattern TYPE = Pattern.compile(
            "^(\\s*)(public\\s+)?((static|final|abstract|sealed|non-sealed)\\s+)*(record|class|interface|enum)\\s+\\w+.*");

    @Test
    void everyPublicTypeHasJavadoc() throws IOException {
        List<String> undocumented = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/uniplane"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    var m = TYPE.matcher(lines.get(i));
                    boolean nestedInInterface = m.matches() && m.group(1).length() == 4 && m.group(2) == null;
                    if (m.matches() && (m.group(2) != null || nestedInInterface) && !documented(lines, i)) {
                        undocumented.add(file + ":" + (i + 1) + " " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    private static boolean documented(List<String> lines, int typeLine) {
        int j = typeLine - 1;
        while (j >= 0 && lines.get(j).strip().startsWith("@")) {
            j--;
        }
        return j >= 0 && lines.get(j).strip().endsWith("*/");
    }
}
