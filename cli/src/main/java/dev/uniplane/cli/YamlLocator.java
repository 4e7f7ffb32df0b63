package dev.uniplane.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each field of a parsed document starts: the location of its key (or of an array element's first token),
 * by dotted path ({@code endpoints[0].addresses[1]}). The API's errors name fields that way, so this turns an
 * {@link dev.uniplane.api.InvalidSpecException} into a {@code line:column}.
 */
final class YamlLocator {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
    private final Map<String, JsonLocation> locations = new HashMap<>();

    private YamlLocator() {
    }

    /** Indexes {@code text}; a document that does not parse yields an empty index. */
    static YamlLocator of(ObjectMapper mapper, String text) {
        YamlLocator locator = new YamlLocator();
        try (JsonParser parser = mapper.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.FIELD_NAME) {
                    locator.locations.putIfAbsent(path(context), parser.currentTokenLocation());
                } else if (context.inArray() || (token.isStructStart() && context.getParent() != null && context.getParent().inArray())) {
                    JsonStreamContext element = token.isStructStart() ? context.getParent() : context;
                    locator.locations.putIfAbsent(path(element), parser.currentTokenLocation());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Parse errors are reported by the reader; what was indexed up to here stays usable.
        }
        return locator;
    }

    /** The dotted path of the value the context is at. */
    private static String path(JsonStreamContext context) {
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            String segment = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName() == null ? "" : "." + c.getCurrentName();
            sb.insert(0, segment);
        }
        return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
    }

    /** The location of exactly this path. */
    Optional<JsonLocation> exact(String path) {
        return Optional.ofNullable(locations.get(path));
    }

    /** How many leading segments of {@code path} exist in the document. */
    int depth(String path) {
        int depth = 0;
        StringBuilder prefix = new StringBuilder();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            prefix.append(m.group(1) != null ? (prefix.length() == 0 ? "" : ".") + m.group(1) : m.group());
            if (!locations.containsKey(prefix.toString())) {
                break;
            }
            depth++;
        }
        return depth;
    }

    /** The location of the deepest existing ancestor of {@code path} (itself included). */
    Optional<JsonLocation> nearest(String path) {
        Optional<JsonLocation> best = Optional.empty();
        StringBuilder prefix = new StringBuilder();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            prefix.append(m.group(1) != null ? (prefix.length() == 0 ? "" : ".") + m.group(1) : m.group());
            JsonLocation here = locations.get(prefix.toString());
            if (here == null) {
                break;
            }
            best = Optional.of(here);
        }
        return best;
    }
}
