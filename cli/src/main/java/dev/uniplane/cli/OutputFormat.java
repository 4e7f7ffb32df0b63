package dev.uniplane.cli;

/** {@code --output}: a table for people, JSON or YAML for programs. */
public enum OutputFormat {
    TABLE, JSON, YAML
}
