package dev.uniplane.api;

import java.util.Objects;

/**
 * A spec, route, policy or option is malformed. The message names the field and the bad value;
 * nothing was changed in the backend.
 */
public class InvalidSpecException extends DataplaneException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String value;
    private final String problem;

    public InvalidSpecException(String field, Object value, String problem) {
        super(field + "=" + render(value) + ": " + problem);
        this.field = Objects.requireNonNull(field, "field");
        this.value = render(value);
        this.problem = problem;
    }

    /** The dotted path of the offending field, e.g. {@code policies[2].ingress[0].ports[1].to}. */
    public String field() {
        return field;
    }

    /** The offending value as text ({@code null} rendered as {@code "null"}, strings quoted). */
    public String value() {
        return value;
    }

    /** What is wrong with the value, without the field and value. */
    public String problem() {
        return problem;
    }

    /** The same error reported under an enclosing field: {@code rules[3]} + {@code ports[0].to}. */
    public InvalidSpecException within(String parentField) {
        InvalidSpecException wrapped = new InvalidSpecException(parentField + "." + field, new Rendered(value), problem);
        wrapped.setStackTrace(getStackTrace());
        return wrapped;
    }

    private record Rendered(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    }
}
