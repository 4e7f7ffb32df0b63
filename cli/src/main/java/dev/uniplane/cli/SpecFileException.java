package dev.uniplane.cli;

import dev.uniplane.api.DataplaneException;
import java.nio.file.Path;

/**
 * A state or policy file the CLI cannot use: where ({@code file:line:column}), which field, which value, and what is
 * wrong. Reading such a file changes nothing.
 */
public final class SpecFileException extends DataplaneException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final int line;
    private final int column;
    private final String field;
    private final String value;
    private final String problem;

    /**
     * @param line   1-based, or 0 when unknown
     * @param column 1-based, or 0 when unknown
     * @param field  the dotted path of the field ({@code endpoints[0].addresses[1]}), empty for the whole file
     * @param value  the offending value as text, or {@code null} when there is none to show
     */
    public SpecFileException(Path file, int line, int column, String field, String value, String problem, Throwable cause) {
        super(format(file, line, column, field, value, problem), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
        this.value = value;
        this.problem = problem;
    }

    private static String format(Path file, int line, int column, String field, String value, String problem) {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (!field.isEmpty()) {
            sb.append(field);
            if (value != null) {
                sb.append(" = ").append(value);
            }
            sb.append(": ");
        }
        return sb.append(problem).toString();
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    public String problem() {
        return problem;
    }
}
