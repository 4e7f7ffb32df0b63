package dev.uniplane.provider.bgp.internal.program;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one nftables table holds now, parsed from nft's JSON {@code list table} output: the names of its chains and
 * sets, its named counters with their values, and the policy generation its forward chain stamps on flows.
 *
 * @param chains     chain names, base chains included
 * @param sets       set and map names
 * @param counters   named counters by name
 * @param generation the ct mark the forward chain accepts established flows with (0 when it has none)
 */
public record NftTable(List<String> chains, List<String> sets, Map<String, Counter> counters, long generation) {
    /** A table with nothing in it. */
    public static final NftTable EMPTY = new NftTable(List.of(), List.of(), Map.of(), 0);

    /** Copies the lists and the map. */
    public NftTable {
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
        counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /**
     * One named counter.
     *
     * @param comment its comment, empty when it has none
     */
    public record Counter(String name, long packets, long bytes, String comment) {
    }

    /** Parses the output of {@code list table inet NAME} (JSON), keeping only objects of table {@code table}. */
    public static NftTable parse(JsonNode listing, String table) {
        List<String> chains = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        Map<String, Counter> counters = new LinkedHashMap<>();
        long generation = 0;
        for (JsonNode item : listing.path("nftables")) {
            if (item.has("chain") && table.equals(item.get("chain").path("table").asText())) {
                chains.add(item.get("chain").path("name").asText());
            } else if ((item.has("set") || item.has("map")) && table.equals(item.path(item.has("set") ? "set" : "map").path("table").asText())) {
                sets.add(item.path(item.has("set") ? "set" : "map").path("name").asText());
            } else if (item.has("counter") && table.equals(item.get("counter").path("table").asText())) {
                JsonNode c = item.get("counter");
                counters.put(c.path("name").asText(), new Counter(c.path("name").asText(), c.path("packets").asLong(),
                        c.path("bytes").asLong(), c.path("comment").asText("")));
            } else if (item.has("rule") && table.equals(item.get("rule").path("table").asText())
                    && NftRuleset.FORWARD.equals(item.get("rule").path("chain").asText())) {
                generation = Math.max(generation, markMatched(item.get("rule").path("expr")));
            }
        }
        return new NftTable(chains, sets, counters, generation);
    }

    /** The value a {@code ct mark == N} match of the rule compares with, or 0. */
    private static long markMatched(JsonNode expressions) {
        for (JsonNode e : expressions) {
            JsonNode m = e.path("match");
            if ("mark".equals(m.path("left").path("ct").path("key").asText()) && m.path("right").canConvertToLong()) {
                return m.path("right").asLong();
            }
        }
        return 0;
    }
}
