package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The per-op results of a successful transaction, in op order. */
public record TransactResult(List<JsonNode> results) {
    public TransactResult {
        results = List.copyOf(results);
    }

    /** The uuid an {@code insert} op created. */
    public UUID uuid(int op) {
        return (UUID) OvsdbJson.decodeAtom(results.get(op).path("uuid"));
    }

    /** The row count of an {@code update}, {@code mutate} or {@code delete} op. */
    public long count(int op) {
        return results.get(op).path("count").asLong();
    }

    /** The rows of a {@code select} op, as JSON objects. */
    public List<JsonNode> rows(int op) {
        List<JsonNode> rows = new ArrayList<>();
        results.get(op).path("rows").forEach(rows::add);
        return rows;
    }
}
