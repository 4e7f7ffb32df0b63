package dev.uniplane.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.PolicySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Reads state and policy files (YAML, which includes JSON) into the API model. Every failure is a
 * {@link SpecFileException} at {@code file:line:column} naming the field and the value: Jackson's own errors (syntax,
 * unknown field, wrong type) with Jackson's location, and the API's {@link InvalidSpecException} located at the
 * field it names inside the object that refused it.
 */
public final class SpecReader {
    private final ObjectMapper mapper = ModelMapper.yaml();

    /** A desired state file ({@code endpoints}, {@code routes}, {@code policies}, {@code remotes}). */
    public DesiredState readState(Path file) {
        return read(file, DesiredState.class);
    }

    /** A policy file: the list of policies {@code policy apply -f} replaces the set with. */
    public PolicySet readPolicies(Path file) {
        return read(file, PolicySet.class);
    }

    <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecFileException(file, 0, 0, "", null, "no such file", e);
        } catch (IOException e) {
            throw new SpecFileException(file, 0, 0, "", null, "cannot read: " + e.getMessage(), e);
        }
        return parse(file, text, type);
    }

    <T> T parse(Path file, String text, Class<T> type) {
        if (StringUtils.isBlank(text)) {
            throw new SpecFileException(file, 1, 1, "", null, "the file is empty", null);
        }
        try {
            return mapper.readValue(text, type);
        } catch (JsonMappingException e) {
            throw located(file, text, e);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new SpecFileException(file, line(at), column(at), "", null, firstLine(e.getOriginalMessage()), e);
        } catch (InvalidSpecException e) {
            // the top-level object itself refused (e.g. a duplicate across the whole state)
            throw fromSpec(file, YamlLocator.of(mapper, text), List.of(e.field()), e, null, e);
        }
    }

    private SpecFileException located(Path file, String text, JsonMappingException e) {
        String path = path(e);
        YamlLocator locator = YamlLocator.of(mapper, text);
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ", " (known: ", ")"));
            JsonLocation at = locator.exact(path).orElse(e.getLocation());
            return new SpecFileException(file, line(at), column(at), path, null, "unknown field" + known, e);
        }
        Optional<InvalidSpecException> spec = ExceptionUtils.getThrowableList(e).stream()
                .filter(InvalidSpecException.class::isInstance).map(InvalidSpecException.class::cast).findFirst();
        if (spec.isPresent()) {
            InvalidSpecException s = spec.get();
            // The API names the field relative to the object that refused it; Jackson knows where that object is.
            String parent = path.contains(".") || path.endsWith("]") ? StringUtils.substringBeforeLast(trimIndex(path), ".") : "";
            // A record's constructor names a field inside it (present but wrong, or left out); a value type's parser
            // names only itself ("address"), so then the path Jackson was at is the field.
            String inside = join(path, s.field());
            String missing = e instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException ? inside : path;
            List<String> candidates = List.of(inside, join(parent, s.field()), missing);
            return fromSpec(file, locator, candidates, s, e.getLocation(), e);
        }
        JsonLocation at = locator.exact(path).orElse(e.getLocation());
        String value = e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException bad ? String.valueOf(bad.getValue()) : null;
        return new SpecFileException(file, line(at), column(at), path, value, firstLine(e.getOriginalMessage()), e);
    }

    /** The first candidate path that exists in the document, else the last candidate. */
    private static SpecFileException fromSpec(Path file, YamlLocator locator, List<String> candidates, InvalidSpecException s,
                                              JsonLocation fallback, Throwable cause) {
        // else the last candidate: a field the file leaves out is named in full and located at the object that lacks it
        String field = candidates.stream().filter(c -> !c.isEmpty() && locator.exact(c).isPresent()).findFirst()
                .orElseGet(() -> candidates.getLast().isEmpty() ? s.field() : candidates.getLast());
        JsonLocation at = locator.exact(field).or(() -> locator.nearest(field)).orElse(fallback);
        return new SpecFileException(file, line(at), column(at), field, s.value(), s.problem(), cause);
    }

    private static String trimIndex(String path) {
        return path.endsWith("]") ? path.substring(0, path.lastIndexOf('[')) : path;
    }

    private static String join(String parent, String child) {
        if (parent.isEmpty()) {
            return child;
        }
        // PolicySet says "policies[2].name" where the file has the list under "policies" already.
        String last = StringUtils.substringAfterLast("." + trimIndex(parent), ".");
        if (child.startsWith(last + "[") && !parent.endsWith("]")) {
            return parent + child.substring(last.length());
        }
        return parent + "." + child;
    }

    /** Jackson's reference chain as a dotted path. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return sb.toString();
    }

    private static int line(JsonLocation at) {
        return at == null || at == JsonLocation.NA ? 0 : at.getLineNr();
    }

    private static int column(JsonLocation at) {
        return at == null || at == JsonLocation.NA ? 0 : at.getColumnNr();
    }

    private static String firstLine(String message) {
        return StringUtils.substringBefore(StringUtils.defaultString(message), "\n").strip();
    }
}
