package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Encodings (RFC 7047 5.1) and reply handling, checked against replies captured from ovsdb-server. */
class OvsdbWireTest {
    private static JsonNode reply(long id) throws Exception {
        return CapturedSession.messages().stream().filter(m -> m.path("id").asLong(-1) == id).findFirst().orElseThrow();
    }

    @Test
    void aFailingOpIsNamedWithErrorAndDetails() throws Exception {
        List<Op> ops = List.of(new Op.Insert("Bridge", Map.of("name", OvsdbJson.atom("capbr"), "no_such_column", OvsdbJson.atom(1L)),
                Optional.empty()));

        assertThatThrownBy(() -> OvsdbClient.checkResult(ops, reply(3).get("result")))
                .isInstanceOfSatisfying(OvsdbException.TransactionFailed.class, e -> {
                    assertThat(e.opIndex()).isZero();
                    assertThat(e.operation()).isEqualTo("ovsdb transact: insert Bridge name=capbr (op 0)");
                    assertThat(e.errorCode()).isEqualTo("unknown column");
                    assertThat(e.getMessage()).contains("No column no_such_column in table Bridge.");
                });
    }

    @Test
    void aCommitFailureInTheExtraSlotNamesTheCommit() throws Exception {
        List<Op> ops = List.of(new Op.Insert("Port", Map.of("name", OvsdbJson.atom("dangling")), Optional.empty()));

        assertThatThrownBy(() -> OvsdbClient.checkResult(ops, reply(4).get("result")))
                .isInstanceOfSatisfying(OvsdbException.TransactionFailed.class, e -> {
                    assertThat(e.opIndex()).isEqualTo(1);
                    assertThat(e.errorCode()).isEqualTo("referential integrity violation");
                    assertThat(e.getMessage()).contains("commit of [insert Port name=dangling]").contains("references nonexistent row");
                });
    }

    @Test
    void aWaitThatTimedOutIsAnError() throws Exception {
        List<Op> ops = List.of(new Op.Wait("Bridge", List.of(Op.Condition.eq("name", "capbr")), List.of("name"), "!=",
                List.of(Map.of("name", OvsdbJson.atom("capbr"))), 0));

        assertThatThrownBy(() -> OvsdbClient.checkResult(ops, reply(6).get("result")))
                .isInstanceOf(OvsdbException.TransactionFailed.class).hasMessageContaining("timed out");
    }

    @Test
    void aSuccessfulTransactionYieldsUuidsAndCounts() throws Exception {
        List<Op> ops = List.of(new Op.Comment("a"), new Op.Comment("b"), new Op.Comment("c"), new Op.Comment("d"), new Op.Comment("e"));

        TransactResult result = OvsdbClient.checkResult(ops, reply(2).get("result"));

        assertThat(result.uuid(0)).isEqualTo(UUID.fromString("84ef7c96-a36e-45e3-9fe0-29d01d038535"));
        assertThat(result.count(3)).isEqualTo(1);
        assertThat(result.results().get(4).isEmpty()).isTrue();
    }

    @Test
    void unknownMethodHasATopLevelErrorAndNoResult() throws Exception {
        JsonNode message = reply(5);

        assertThat(message.get("error").asText()).isEqualTo("unknown method");
        assertThat(message.has("result")).isFalse();
    }

    @Test
    void encodingsMatchTheRfc() throws Exception {
        UUID u = UUID.fromString("de4e68b3-e1ca-4899-8a29-dfa21767da02");
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("owner", "uniplane");
        ids.put("k", "v");

        assertThat(OvsdbJson.uuid(u).toString()).isEqualTo("[\"uuid\",\"de4e68b3-e1ca-4899-8a29-dfa21767da02\"]");
        assertThat(OvsdbJson.namedUuid("port_1").toString()).isEqualTo("[\"named-uuid\",\"port_1\"]");
        assertThat(OvsdbJson.set(List.of()).toString()).isEqualTo("[\"set\",[]]");
        assertThat(OvsdbJson.map(ids).toString()).isEqualTo("[\"map\",[[\"owner\",\"uniplane\"],[\"k\",\"v\"]]]");
        assertThat(OvsdbJson.setElements(OvsdbJson.MAPPER.readTree("77"))).hasSize(1);
        assertThat(OvsdbJson.setElements(OvsdbJson.MAPPER.readTree("[\"uuid\",\"" + u + "\"]")).getFirst())
                .isEqualTo(OvsdbJson.uuid(u));
        assertThat(OvsdbJson.decodeAtom(OvsdbJson.uuid(u))).isEqualTo(u);
        assertThatThrownBy(() -> OvsdbJson.namedUuid("not-an-identifier")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void opsSerializeAsTheServerExpects() {
        Op mutate = new Op.Mutate("Open_vSwitch", List.of(), List.of(Op.Mutation.add("next_cfg", 1),
                Op.Mutation.insert("bridges", OvsdbJson.namedUuid("b1"))));
        Op delete = new Op.Mutate("Bridge", List.of(Op.Condition.eq("name", "br0")),
                List.of(new Op.Mutation("external_ids", "delete", OvsdbJson.set(List.of(OvsdbJson.atom("k"))))));

        assertThat(mutate.toJson().toString()).isEqualTo("{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],"
                + "\"mutations\":[[\"next_cfg\",\"+=\",1],[\"bridges\",\"insert\",[\"set\",[[\"named-uuid\",\"b1\"]]]]]}");
        assertThat(delete.toJson().toString()).isEqualTo("{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]],"
                + "\"mutations\":[[\"external_ids\",\"delete\",[\"set\",[\"k\"]]]]}");
        assertThat(new Op.Insert("Port", Map.of("name", OvsdbJson.atom("p")), Optional.of("p1")).toJson().toString())
                .isEqualTo("{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"p\"},\"uuid-name\":\"p1\"}");
    }
}
