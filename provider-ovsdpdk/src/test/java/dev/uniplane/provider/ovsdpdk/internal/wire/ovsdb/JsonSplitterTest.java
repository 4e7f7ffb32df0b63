package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSplitterTest {
    private static List<String> split(byte[] bytes, int chunk) {
        JsonSplitter splitter = new JsonSplitter();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += chunk) {
            splitter.feed(bytes, i, Math.min(chunk, bytes.length - i))
                    .forEach(t -> texts.add(new String(t, StandardCharsets.UTF_8)));
        }
        assertThat(splitter.inText()).isFalse();
        return texts;
    }

    @Test
    void capturedSessionSplitsIntoItsEightTextsWhateverTheReadSizes() throws Exception {
        byte[] session = CapturedSession.bytes();
        List<String> whole = split(session, session.length);

        assertThat(whole).hasSize(8);
        assertThat(whole.getFirst()).startsWith("{\"id\":1,\"result\"");
        assertThat(whole.get(1)).startsWith("{\"id\":null,\"method\":\"update2\"");
        Random random = new Random(6);
        for (int round = 0; round < 50; round++) {
            assertThat(split(session, 1 + random.nextInt(97))).isEqualTo(whole);
        }
        assertThat(split(session, 1)).isEqualTo(whole);
    }

    @Test
    void bracketsAndEscapedQuotesInsideStringsDoNotCount() {
        String a = "{\"details\":\"a } ] [ { \\\" still a string \\\\\",\"x\":[1,{\"y\":\"]\"}]}";
        String b = "[\"{\",\"\\\\\"]";
        byte[] bytes = (a + "\n  " + b + a).getBytes(StandardCharsets.UTF_8);

        assertThat(split(bytes, 3)).containsExactly(a, b, a);
    }

    @Test
    void multiByteUtf8IsKeptIntact() {
        String text = "{\"comment\":\"grüße → ✓\"}";

        assertThat(split(text.getBytes(StandardCharsets.UTF_8), 1)).containsExactly(text);
    }

    @Test
    void garbageBetweenTextsIsRejected() {
        byte[] bytes = "{} x {}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new JsonSplitter().feed(bytes, 0, bytes.length)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0x78");
    }
}
