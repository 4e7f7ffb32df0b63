package dev.uniplane.api;

import java.util.regex.Pattern;

/** A stable endpoint identifier: 1-63 characters of {@code [A-Za-z0-9._-]}, starting alphanumeric. */
public record EndpointId(String value) implements Comparable<EndpointId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public EndpointId {
        checkName("id", value);
    }

    /** The one name rule of endpoint ids, also used for remote endpoint ids. */
    static String checkName(String field, String value) {
        Check.notNull(field, value);
        if (!VALID.matcher(value).matches()) {
            throw new InvalidSpecException(field, value.length() > 80 ? value.substring(0, 64) + "... (" + value.length() + " characters)" : value,
                    "endpoint id must be 1-63 characters of [A-Za-z0-9._-], starting alphanumeric");
        }
        return value;
    }

    public static EndpointId of(String value) {
        return new EndpointId(value);
    }

    @Override
    public int compareTo(EndpointId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
