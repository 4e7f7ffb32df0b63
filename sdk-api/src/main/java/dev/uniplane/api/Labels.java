package dev.uniplane.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Kubernetes-style labels: keys {@code [prefix/]name}, values up to 63 characters (may be empty). */
public record Labels(Map<String, String> values) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Labels EMPTY = new Labels(Map.of());

    public Labels {
        Check.notNull("labels", values);
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = validateKey("labels", e.getKey());
            sorted.put(key, validateValue("labels[" + key + "]", e.getValue()));
        }
        values = java.util.Collections.unmodifiableSortedMap(sorted);
    }

    public static Labels of() {
        return EMPTY;
    }

    public static Labels of(Map<String, String> values) {
        return new Labels(values);
    }

    /** {@code Labels.of("app", "web", "tier", "front")}. */
    public static Labels of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new InvalidSpecException("labels", keyValues.length + " strings", "need key/value pairs");
        }
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return new Labels(map);
    }

    public String get(String key) {
        return values.get(key);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    static String validateKey(String field, String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidSpecException(field, key, "label key must not be empty");
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                throw new InvalidSpecException(field, key, "label key prefix must be a DNS subdomain");
            }
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidSpecException(field, key,
                    "label key name must be 1-63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric");
        }
        return key;
    }

    static String validateValue(String field, String value) {
        if (value == null) {
            throw new InvalidSpecException(field, null, "label value must not be null");
        }
        if (!value.isEmpty() && !NAME.matcher(value).matches()) {
            throw new InvalidSpecException(field, value,
                    "label value must be empty or 1-63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric");
        }
        return value;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
