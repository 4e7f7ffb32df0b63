package dev.uniplane.cli;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.Objects;
import picocli.CommandLine.Help.Ansi;

/**
 * Prints a {@link PlanReport} for people: {@code +} added, {@code ~} changed (with each changed field, before and
 * after), {@code -} removed, coloured green, yellow and red when {@code ansi} is enabled, then a summary line.
 */
final class PlanPrinter {
    private final Ansi ansi;
    private final ObjectMapper compact = ModelMapper.json().copy().disable(SerializationFeature.INDENT_OUTPUT);

    PlanPrinter(Ansi ansi) {
        this.ansi = ansi;
    }

    void print(PlanReport plan, PrintWriter out) {
        if (plan.isEmpty()) {
            out.println("No changes: the dataplane matches the desired state.");
            return;
        }
        for (PlanReport.Entry e : plan.changes()) {
            switch (e.action()) {
                case "add" -> out.println(colour("green", "+ " + e.kind() + " " + e.key()) + "  " + compact(e.after()));
                case "remove" -> out.println(colour("red", "- " + e.kind() + " " + e.key()));
                default -> {
                    out.println(colour("yellow", "~ " + e.kind() + " " + e.key()));
                    printFieldChanges(e.before(), e.after(), out);
                }
            }
        }
        out.println(summary(plan));
    }

    static String summary(PlanReport plan) {
        return "Plan: " + plan.add() + " to add, " + plan.change() + " to change, " + plan.remove() + " to remove.";
    }

    /** The record components that differ, one line each. */
    private void printFieldChanges(Object before, Object after, PrintWriter out) {
        if (!(before instanceof Record) || before.getClass() != after.getClass()) {
            out.println("    " + colour("red", "- " + compact(before)));
            out.println("    " + colour("green", "+ " + compact(after)));
            return;
        }
        for (RecordComponent component : before.getClass().getRecordComponents()) {
            Object was = value(component, before);
            Object now = value(component, after);
            if (!Objects.equals(was, now)) {
                // written as its declared type, so that a List<NextHop> keeps each hop's "type"
                JavaType type = compact.getTypeFactory().constructType(component.getGenericType());
                out.println("    " + component.getName() + ": " + colour("red", compact(was, type)) + " -> " + colour("green", compact(now, type)));
            }
        }
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private String compact(Object value) {
        return value == null ? "(none)" : Printer.write(compact, value);
    }

    private String compact(Object value, JavaType type) {
        try {
            return value == null ? "(none)" : compact.writerFor(type).writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }

    private String colour(String style, String text) {
        // picocli's markup: @|style text|@; a literal "|@" in text would end it early, so it is not markup then.
        return text.contains("|@") ? text : ansi.string("@|" + style + " " + text + "|@");
    }
}
