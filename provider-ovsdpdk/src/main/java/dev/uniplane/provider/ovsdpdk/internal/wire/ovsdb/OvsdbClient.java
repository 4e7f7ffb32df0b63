package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Op.Condition;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Op.Mutation;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.BridgeRow;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An OVSDB client for the {@code Open_vSwitch} database: {@code transact} with named-uuids and per-op error
 * reporting, a {@code monitor_cond}/{@code update2} replica of the Open_vSwitch, Bridge, Port and Interface tables, and
 * changes that return only once ovs-vswitchd applied them ({@code next_cfg}/{@code cur_cfg}, then
 * {@code Interface.error} and {@code ofport}). Thread-safe.
 */
public final class OvsdbClient implements AutoCloseable {
    /** The database this client works on. */
    public static final String DATABASE = "Open_vSwitch";
    /** Default time for a request and for vswitchd to apply a change (the first DPDK port takes 2-5 s with no-huge). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String MONITOR_ID = "uniplane-cache";
    static final Map<String, List<String>> MONITORED = Map.of(
            "Open_vSwitch", List.of("cur_cfg", "next_cfg", "bridges", "other_config", "dpdk_initialized", "dpdk_version"),
            "Bridge", List.of("name", "ports", "datapath_type", "external_ids", "protocols"),
            "Port", List.of("name", "interfaces", "external_ids"),
            "Interface", List.of("name", "type", "options", "ofport", "ofport_request", "error", "external_ids", "link_state"));

    private final JsonRpcConnection rpc;
    private final OvsdbSchema schema;
    private final OvsdbCache cache;
    private final Duration timeout;

    private OvsdbClient(JsonRpcConnection rpc, OvsdbSchema schema, OvsdbCache cache, Duration timeout) {
        this.rpc = rpc;
        this.schema = schema;
        this.cache = cache;
        this.timeout = timeout;
    }

    /** Connects to ovsdb-server's UNIX socket ({@code punix:} remote). */
    public static OvsdbClient connect(Path unixSocket) {
        return connect(UnixDomainSocketAddress.of(unixSocket), DEFAULT_TIMEOUT);
    }

    /**
     * Connects (UNIX or TCP address), reads the schema and starts the monitor that feeds {@link #cache()}; the initial
     * contents are in the cache when this returns.
     */
    public static OvsdbClient connect(SocketAddress address, Duration timeout) {
        OvsdbCache[] cacheRef = new OvsdbCache[1];
        JsonRpcConnection rpc = JsonRpcConnection.open(address, (method, params) -> {
            if ("update2".equals(method) && MONITOR_ID.equals(params.path(0).asText()) && cacheRef[0] != null) {
                cacheRef[0].applyUpdate2(params.path(1));
            }
        });
        try {
            OvsdbSchema schema = OvsdbSchema.parse(rpc.call("get_schema", params(DATABASE), timeout));
            OvsdbCache cache = new OvsdbCache(schema, MONITORED);
            cacheRef[0] = cache;
            ObjectNode requests = OvsdbJson.NODES.objectNode();
            MONITORED.forEach((table, columns) -> {
                ObjectNode request = requests.putArray(table).addObject();
                ArrayNode c = request.putArray("columns");
                columns.forEach(c::add);
            });
            ArrayNode p = params(DATABASE, MONITOR_ID);
            p.add(requests);
            cache.applyUpdate2(rpc.call("monitor_cond", p, timeout));
            return new OvsdbClient(rpc, schema, cache, timeout);
        } catch (RuntimeException e) {
            rpc.close();
            throw e;
        }
    }

    private static ArrayNode params(String... strings) {
        ArrayNode p = OvsdbJson.NODES.arrayNode();
        for (String s : strings) {
            p.add(s);
        }
        return p;
    }

    /** The schema the server reported. */
    public OvsdbSchema schema() {
        return schema;
    }

    /** The live replica of the monitored tables. */
    public OvsdbCache cache() {
        return cache;
    }

    /** The underlying JSON-RPC connection. */
    public JsonRpcConnection connection() {
        return rpc;
    }

    /** {@code list_dbs}. */
    public List<String> listDbs() {
        List<String> dbs = new ArrayList<>();
        rpc.call("list_dbs", OvsdbJson.NODES.arrayNode(), timeout).forEach(n -> dbs.add(n.asText()));
        return dbs;
    }

    /** {@code echo}: round trip to the server; returns what it echoed. */
    public JsonNode echo() {
        return rpc.call("echo", params("uniplane"), timeout);
    }

    /**
     * Runs the ops as one transaction. A failing op throws {@link OvsdbException.TransactionFailed} naming that op
     * (its {@link Op#describe()}), the server's {@code error} and {@code details}; a commit-time failure (the extra
     * result slot) names "commit" and lists the ops.
     */
    public TransactResult transact(List<Op> ops) {
        ArrayNode p = params(DATABASE);
        ops.forEach(op -> p.add(op.toJson()));
        JsonNode result = rpc.call("transact", p, timeout);
        return checkResult(ops, result);
    }

    static TransactResult checkResult(List<Op> ops, JsonNode result) {
        if (!result.isArray()) {
            throw OvsdbException.rpc("transact", "bad reply", "result is not an array: " + result);
        }
        List<JsonNode> slots = new ArrayList<>();
        for (int i = 0; i < result.size(); i++) {
            JsonNode slot = result.get(i);
            JsonNode error = slot == null ? null : slot.get("error");
            if (error != null && !error.isNull()) {
                String op = i < ops.size() ? ops.get(i).describe() + " (op " + i + ")"
                        : "commit of [" + String.join("; ", ops.stream().map(Op::describe).toList()) + "]";
                throw new OvsdbException.TransactionFailed(op, i, error.asText(), slot.path("details").asText(""));
            }
            slots.add(slot);
        }
        return new TransactResult(slots);
    }

    /**
     * Runs the ops plus {@code next_cfg += 1} as one transaction and waits until ovs-vswitchd reports the new value in
     * {@code cur_cfg}, i.e. has reconfigured with it (a transact reply alone only means the database committed).
     */
    public TransactResult transactAndWait(String what, List<Op> ops) {
        List<Op> all = new ArrayList<>(ops);
        all.add(new Op.Mutate("Open_vSwitch", List.of(), List.of(Mutation.add("next_cfg", 1))));
        // A select after the mutate in the same transaction sees the incremented value.
        all.add(new Op.Select("Open_vSwitch", List.of(), List.of("next_cfg")));
        TransactResult result = transact(all);
        long target = result.rows(all.size() - 1).getFirst().path("next_cfg").asLong();
        awaitCurCfg(what, target);
        return new TransactResult(result.results().subList(0, ops.size()));
    }

    private void awaitCurCfg(String what, long target) {
        boolean applied;
        try {
            applied = cache.await(c -> c.root().map(r -> r.integer("cur_cfg") >= target).orElse(false), timeout, rpc::isOpen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsdbException.NotApplied(what, "interrupted", "while waiting for cur_cfg " + target);
        }
        if (!rpc.isOpen()) {
            throw new OvsdbException.ConnectionLost(what, "connection to " + rpc.peer() + " lost while waiting for cur_cfg "
                    + target, null);
        }
        if (!applied) {
            long cur = cache.root().map(r -> r.integer("cur_cfg")).orElse(-1L);
            throw new OvsdbException.NotApplied(what, "timeout", "ovs-vswitchd did not reach next_cfg " + target + " within "
                    + timeout + " (cur_cfg " + cur + "); is ovs-vswitchd running?");
        }
    }

    /** Writes {@code other_config} keys of the root row (creating the row if the database is empty). No vswitchd wait. */
    public void configure(Map<String, String> otherConfig) {
        if (cache.root().isEmpty()) {
            transact(List.of(new Op.Insert("Open_vSwitch", Map.of("other_config", OvsdbJson.map(otherConfig)), Optional.empty())));
            return;
        }
        List<Mutation> mutations = List.of(
                new Mutation("other_config", "delete", OvsdbJson.set(otherConfig.keySet().stream().map(OvsdbJson::atom).toList())),
                new Mutation("other_config", "insert", OvsdbJson.map(otherConfig)));
        transact(List.of(new Op.Mutate("Open_vSwitch", List.of(), mutations)));
    }

    /** Creates a bridge (with its LOCAL internal port, as ovs-vsctl does) and waits until vswitchd created it. */
    public BridgeRow addBridge(String name, String datapathType, Map<String, String> externalIds) {
        List<Op> ops = List.of(
                new Op.Insert("Interface", Map.of("name", OvsdbJson.atom(name), "type", OvsdbJson.atom("internal")),
                        Optional.of("iface")),
                new Op.Insert("Port", Map.of("name", OvsdbJson.atom(name), "interfaces", OvsdbJson.namedUuid("iface")),
                        Optional.of("port")),
                new Op.Insert("Bridge", Map.of("name", OvsdbJson.atom(name), "datapath_type", OvsdbJson.atom(datapathType),
                        "ports", OvsdbJson.namedUuid("port"), "external_ids", OvsdbJson.map(externalIds)), Optional.of("bridge")),
                new Op.Mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("bridges", OvsdbJson.namedUuid("bridge")))));
        UUID uuid = transactAndWait("add bridge " + name, ops).uuid(2);
        return cache.row("Bridge", uuid).map(BridgeRow::of).orElseThrow(
                () -> new OvsdbException.NotApplied("add bridge " + name, "missing", "bridge row " + uuid + " not in the cache"));
    }

    /** Removes a bridge from the root row (its Port and Interface rows are garbage-collected) and waits for vswitchd. */
    public void deleteBridge(String name) {
        BridgeRow bridge = bridge(name).orElseThrow(() -> new OvsdbException.TransactionFailed("delete bridge " + name, 0,
                "not found", "no bridge named " + name));
        transactAndWait("delete bridge " + name, List.of(new Op.Mutate("Open_vSwitch", List.of(),
                List.of(Mutation.delete("bridges", OvsdbJson.uuid(bridge.uuid()))))));
    }

    /** The cached bridge named {@code name}. */
    public Optional<BridgeRow> bridge(String name) {
        return cache.rowNamed("Bridge", name).map(BridgeRow::of);
    }

    /** The cached interface named {@code name}. */
    public Optional<InterfaceRow> iface(String name) {
        return cache.rowNamed("Interface", name).map(InterfaceRow::of);
    }

    /**
     * Adds a port with one interface to {@code bridge} in one transaction (Interface + Port by named-uuid, then the
     * Bridge.ports mutation; an unreferenced Port would be garbage-collected) and waits until vswitchd applied it. If
     * vswitchd reports {@code Interface.error} or no OpenFlow port, the port is removed again and
     * {@link OvsdbException.NotApplied} carries the interface's error.
     */
    public InterfaceRow addPort(String bridge, PortSpec spec) {
        String what = "add port " + spec.name() + " to bridge " + bridge;
        Map<String, JsonNode> iface = new LinkedHashMap<>();
        iface.put("name", OvsdbJson.atom(spec.name()));
        iface.put("type", OvsdbJson.atom(spec.type()));
        iface.put("options", OvsdbJson.map(spec.options()));
        iface.put("external_ids", OvsdbJson.map(spec.externalIds()));
        spec.ofportRequest().ifPresent(p -> iface.put("ofport_request", OvsdbJson.atom(p)));
        List<Op> ops = List.of(
                new Op.Insert("Interface", iface, Optional.of("iface")),
                new Op.Insert("Port", Map.of("name", OvsdbJson.atom(spec.name()), "interfaces", OvsdbJson.namedUuid("iface"),
                        "external_ids", OvsdbJson.map(spec.externalIds())), Optional.of("port")),
                new Op.Mutate("Bridge", List.of(Condition.eq("name", bridge)),
                        List.of(Mutation.insert("ports", OvsdbJson.namedUuid("port")))));
        TransactResult result = transactAndWait(what, ops);
        if (result.count(2) != 1) {
            // The Port and Interface were collected at commit: nothing references them.
            throw new OvsdbException.TransactionFailed(ops.get(2).describe(), 2, "not found", "no bridge named " + bridge);
        }
        UUID uuid = result.uuid(0);
        InterfaceRow row = awaitInterfaceStatus(uuid);
        if (!row.error().isEmpty() || !row.hasOfport()) {
            try {
                deletePort(bridge, spec.name());
            } catch (OvsdbException cleanup) {
                OvsdbException.NotApplied e = notApplied(what, row);
                e.addSuppressed(cleanup);
                throw e;
            }
            throw notApplied(what, row);
        }
        return row;
    }

    private static OvsdbException.NotApplied notApplied(String what, InterfaceRow row) {
        return new OvsdbException.NotApplied(what, row.error().isEmpty() ? "no ofport" : "interface error",
                (row.error().isEmpty() ? "ofport " + row.ofport() : row.error()) + "; the port was removed again");
    }

    /** vswitchd writes ofport/error together with cur_cfg so far, but allow a later update as well. */
    private InterfaceRow awaitInterfaceStatus(UUID uuid) {
        try {
            cache.await(c -> c.row("Interface", uuid).map(InterfaceRow::of)
                    .map(r -> !r.error().isEmpty() || r.ofport().isPresent()).orElse(false), Duration.ofSeconds(2), rpc::isOpen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cache.row("Interface", uuid).map(InterfaceRow::of).orElseThrow(() -> new OvsdbException.NotApplied(
                "add interface " + uuid, "missing", "interface row not in the cache"));
    }

    /** Removes a port from {@code bridge} (Port and Interface rows are then collected) and waits for vswitchd. */
    public void deletePort(String bridge, String port) {
        String what = "delete port " + port + " from bridge " + bridge;
        Row row = cache.rowNamed("Port", port).orElseThrow(() -> new OvsdbException.TransactionFailed(what, 0, "not found",
                "no port named " + port));
        TransactResult result = transactAndWait(what, List.of(new Op.Mutate("Bridge", List.of(Condition.eq("name", bridge)),
                List.of(Mutation.delete("ports", OvsdbJson.uuid(row.uuid()))))));
        if (result.count(0) != 1) {
            throw new OvsdbException.TransactionFailed(what, 0, "not found", "no bridge named " + bridge);
        }
    }

    /** True until the connection is closed or lost. */
    public boolean isConnected() {
        return rpc.isOpen();
    }

    /** Runs {@code listener} once if the server goes away (not after {@link #close()}); on the reader thread, must not block. */
    public void onLost(Runnable listener) {
        rpc.onLost(listener);
    }

    /** Closes the connection (the server drops the monitor with it). Idempotent. */
    @Override
    public void close() {
        rpc.close();
    }
}
