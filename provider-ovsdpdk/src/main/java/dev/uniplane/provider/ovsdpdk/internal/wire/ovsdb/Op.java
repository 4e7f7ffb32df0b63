package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One operation of an OVSDB {@code transact} (RFC 7047 section 5.2). {@link #describe()} names it in errors. */
public sealed interface Op {
    /** The op as JSON. */
    ObjectNode toJson();

    /** A short human description such as {@code insert Interface name=p0}, used in exception messages. */
    String describe();

    /** A condition {@code [column, function, value]} of a {@code where} clause. */
    record Condition(String column, String function, JsonNode value) {
        /** {@code column == value}. */
        public static Condition eq(String column, Object value) {
            return new Condition(column, "==", OvsdbJson.atom(value));
        }

        ArrayNode toJson() {
            return OvsdbJson.NODES.arrayNode().add(column).add(function).add(value);
        }

        @Override
        public String toString() {
            return column + function + value;
        }
    }

    /** A mutation {@code [column, mutator, value]}: {@code insert}/{@code delete} on sets and maps, {@code +=} on integers. */
    record Mutation(String column, String mutator, JsonNode value) {
        /** Adds the elements to a set column. */
        public static Mutation insert(String column, JsonNode... atoms) {
            return new Mutation(column, "insert", OvsdbJson.set(List.of(atoms)));
        }

        /** Removes the elements from a set column (or the keys from a map column). */
        public static Mutation delete(String column, JsonNode... atoms) {
            return new Mutation(column, "delete", OvsdbJson.set(List.of(atoms)));
        }

        /** Adds {@code delta} to an integer column. */
        public static Mutation add(String column, long delta) {
            return new Mutation(column, "+=", OvsdbJson.NODES.numberNode(delta));
        }

        ArrayNode toJson() {
            return OvsdbJson.NODES.arrayNode().add(column).add(mutator).add(value);
        }
    }

    /** Inserts a row; {@code uuidName} (optional) lets later ops of the same transaction refer to it as a named-uuid. */
    record Insert(String table, Map<String, JsonNode> row, Optional<String> uuidName) implements Op {
        public Insert {
            row = Map.copyOf(row);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "insert").put("table", table);
            ObjectNode r = op.putObject("row");
            row.forEach(r::set);
            uuidName.ifPresent(name -> op.put("uuid-name", name));
            return op;
        }

        @Override
        public String describe() {
            JsonNode name = row.get("name");
            return "insert " + table + (name == null ? "" : " name=" + name.asText());
        }
    }

    /** Applies mutations to the rows matching {@code where}. */
    record Mutate(String table, List<Condition> where, List<Mutation> mutations) implements Op {
        public Mutate {
            where = List.copyOf(where);
            mutations = List.copyOf(mutations);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "mutate").put("table", table);
            ArrayNode w = op.putArray("where");
            where.forEach(c -> w.add(c.toJson()));
            ArrayNode m = op.putArray("mutations");
            mutations.forEach(x -> m.add(x.toJson()));
            return op;
        }

        @Override
        public String describe() {
            return "mutate " + table + " where " + where + " " + mutations.stream().map(m -> m.column() + " " + m.mutator()).toList();
        }
    }

    /** Sets columns of the rows matching {@code where}. */
    record Update(String table, List<Condition> where, Map<String, JsonNode> row) implements Op {
        public Update {
            where = List.copyOf(where);
            row = Map.copyOf(row);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "update").put("table", table);
            ArrayNode w = op.putArray("where");
            where.forEach(c -> w.add(c.toJson()));
            ObjectNode r = op.putObject("row");
            row.forEach(r::set);
            return op;
        }

        @Override
        public String describe() {
            return "update " + table + " where " + where + " set " + row.keySet();
        }
    }

    /** Selects {@code columns} of the rows matching {@code where}. */
    record Select(String table, List<Condition> where, List<String> columns) implements Op {
        public Select {
            where = List.copyOf(where);
            columns = List.copyOf(columns);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "select").put("table", table);
            ArrayNode w = op.putArray("where");
            where.forEach(c -> w.add(c.toJson()));
            ArrayNode c = op.putArray("columns");
            columns.forEach(c::add);
            return op;
        }

        @Override
        public String describe() {
            return "select " + table + " where " + where;
        }
    }

    /** Deletes the rows matching {@code where}. */
    record Delete(String table, List<Condition> where) implements Op {
        public Delete {
            where = List.copyOf(where);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "delete").put("table", table);
            ArrayNode w = op.putArray("where");
            where.forEach(c -> w.add(c.toJson()));
            return op;
        }

        @Override
        public String describe() {
            return "delete " + table + " where " + where;
        }
    }

    /** Waits until {@code rows} do ({@code "=="}) or do not ({@code "!="}) match; timeout in ms, 0 = check once. */
    record Wait(String table, List<Condition> where, List<String> columns, String until, List<Map<String, JsonNode>> rows,
                long timeoutMillis) implements Op {
        public Wait {
            where = List.copyOf(where);
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode op = OvsdbJson.NODES.objectNode().put("op", "wait").put("table", table).put("timeout", timeoutMillis);
            ArrayNode w = op.putArray("where");
            where.forEach(c -> w.add(c.toJson()));
            ArrayNode c = op.putArray("columns");
            columns.forEach(c::add);
            op.put("until", until);
            ArrayNode r = op.putArray("rows");
            rows.forEach(row -> {
                ObjectNode o = r.addObject();
                row.forEach(o::set);
            });
            return op;
        }

        @Override
        public String describe() {
            return "wait " + table + " where " + where + " until " + until;
        }
    }

    /** A comment for the server's log; its result slot is {@code {}}. */
    record Comment(String text) implements Op {
        @Override
        public ObjectNode toJson() {
            return OvsdbJson.NODES.objectNode().put("op", "comment").put("comment", text);
        }

        @Override
        public String describe() {
            return "comment";
        }
    }
}
