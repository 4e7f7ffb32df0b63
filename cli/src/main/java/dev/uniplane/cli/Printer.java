package dev.uniplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Writes a command's result as a table, JSON or YAML (the model mapped one to one, see {@link ModelMapper}). */
final class Printer {
    private final OutputFormat format;
    private final PrintWriter out;
    private final ObjectMapper json = ModelMapper.json();
    private final ObjectMapper yaml = ModelMapper.yaml();

    Printer(OutputFormat format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    OutputFormat format() {
        return format;
    }

    boolean table() {
        return format == OutputFormat.TABLE;
    }

    /** {@code data} as JSON/YAML, or {@code table} for the table format. */
    void print(Object data, Consumer<PrintWriter> table) {
        switch (format) {
            case TABLE -> table.accept(out);
            case JSON -> out.println(write(json, data));
            case YAML -> out.print(write(yaml, data));
        }
        out.flush();
    }

    /** One compact JSON line ({@code stats --watch -o json} writes one per refresh). */
    void printJsonLine(Object data) {
        try {
            out.println(json.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + data.getClass().getSimpleName() + " as JSON", e);
        }
        out.flush();
    }

    static String write(ObjectMapper mapper, Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + data.getClass().getSimpleName(), e);
        }
    }
}
