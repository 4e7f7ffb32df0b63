package dev.uniplane.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java example must be {@link QuickStart}'s code, which the build compiles, so the README stays true. */
class ReadmeExampleTest {
    // Surefire runs in the module directory.
    private static final Path README = Path.of("..", "README.md");
    private static final Path QUICK_START = Path.of("src/main/java/dev/uniplane/samples/QuickStart.java");

    private static List<String> codeLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//")).toList();
    }

    @Test
    void readmeJavaExampleIsQuickStartsBody() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("```java\n");
        assertThat(start).as("README has a java code block").isNotNegative();
        String example = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
        List<String> quickStart = codeLines(Files.readString(QUICK_START));

        List<String> exampleLines = codeLines(example);
        assertThat(exampleLines).hasSizeGreaterThan(5);
        int from = quickStart.indexOf(exampleLines.getFirst());
        assertThat(from).as("QuickStart contains the example's first line").isNotNegative();
        assertThat(quickStart.subList(from, Math.min(quickStart.size(), from + exampleLines.size())))
                .as("QuickStart.main holds the README example line by line")
                .containsExactlyElementsOf(exampleLines);
    }
}
