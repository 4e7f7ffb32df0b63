package dev.uniplane.samples;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.DataplaneProvider;
import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The end-to-end demo: two workloads in their own network namespaces, a policy that lets the client reach the server
 * on {@value #ALLOWED_PORT} and denies {@value #DENIED_PORT}, real TCP connections between them, then the stats.
 * Everything it creates is named with a per-run {@code updemo-XXXXXX} prefix and removed at the end, also on failure.
 * Needs root (namespaces, dataplane).
 */
public final class Demo {
    /** The port the server connects back to on the client. */
    static final int REVERSE_PORT = 7070;

    /** What a provider needs to run this demo. */
    public static final List<Capability> REQUIRED =
            List.of(Capability.ATTACH_VETH, Capability.IPV4, Capability.POLICY, Capability.ENDPOINT_STATS);
    static final int ALLOWED_PORT = 8080;
    static final int DENIED_PORT = 9090;
    static final String CLIENT_ADDRESS = "10.231.1.2";
    static final String SERVER_ADDRESS = "10.231.2.2";

    private final DataplaneProvider provider;
    private final PrintWriter out;
    private final String prefix;

    public Demo(DataplaneProvider provider, PrintWriter out) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.out = Objects.requireNonNull(out, "out");
        byte[] id = new byte[3];
        ThreadLocalRandom.current().nextBytes(id);
        // 13 characters: also a valid dataplane name (at most 15).
        this.prefix = "updemo-" + HexFormat.of().formatHex(id);
    }

    /** Runs the demo; true when the allowed port connected and the denied one did not. */
    public boolean run() {
        say("provider %s, run prefix %s", provider.name(), prefix);
        try (DemoNamespaces namespaces = new DemoNamespaces(prefix)) {
            String clientNs = namespaces.create("client");
            String serverNs = namespaces.create("server");
            try (Dataplane dataplane = provider.open(DataplaneConfig.builder().provider(provider.name()).name(prefix).build())) {
                try {
                    return exercise(dataplane, clientNs, serverNs);
                } finally {
                    dataplane.destroy();
                }
            }
        }
    }

    private boolean exercise(Dataplane dataplane, String clientNs, String serverNs) {
        Endpoint client = dataplane.attach(workload("client", clientNs, CLIENT_ADDRESS, "demo-client"));
        Endpoint server = dataplane.attach(workload("server", serverNs, SERVER_ADDRESS, "demo-server"));
        say("attached %s (%s) via %s and %s (%s) via %s", client.id(), CLIENT_ADDRESS, client.kind(), server.id(),
                SERVER_ADDRESS, server.kind());

        List<Peer> fromClient = List.of(Peer.labels("app", "demo-client"));
        dataplane.applyPolicies(PolicySet.of(Policy.builder("demo-server-ingress")
                .selectLabels("app", "demo-server")
                .ingress(Rule.allow(fromClient, List.of(PortMatch.tcp(ALLOWED_PORT))),
                        Rule.deny(fromClient, List.of(PortMatch.tcp(DENIED_PORT))))
                .build()));
        say("policy: client -> server tcp/%d ALLOW, tcp/%d DENY", ALLOWED_PORT, DENIED_PORT);

        boolean allowedConnected;
        boolean deniedConnected;
        boolean reverseConnected;
        try (TrafficAgent.Listener _ = TrafficAgent.listen(serverNs, ALLOWED_PORT, DENIED_PORT);
             TrafficAgent.Listener _ = TrafficAgent.listen(clientNs, REVERSE_PORT)) {
            allowedConnected = TrafficAgent.connect(clientNs, SERVER_ADDRESS, ALLOWED_PORT, out);
            deniedConnected = TrafficAgent.connect(clientNs, SERVER_ADDRESS, DENIED_PORT, out);
            // The other way: no policy selects the client, so the server may open connections to it.
            reverseConnected = TrafficAgent.connect(serverNs, CLIENT_ADDRESS, REVERSE_PORT, out);
        }
        say("client -> server tcp/%d: %s (expected: connected)", ALLOWED_PORT, allowedConnected ? "connected" : "blocked");
        say("client -> server tcp/%d: %s (expected: blocked)", DENIED_PORT, deniedConnected ? "connected" : "blocked");
        say("server -> client tcp/%d: %s (expected: connected, the client is not isolated)", REVERSE_PORT,
                reverseConnected ? "connected" : "blocked");

        printStats(dataplane.stats());
        boolean asExpected = allowedConnected && !deniedConnected && reverseConnected;
        say(asExpected ? "demo OK: policy enforced as written" : "demo FAILED: traffic did not match the policy");
        return asExpected;
    }

    private static AttachSpec workload(String id, String netnsName, String address, String app) {
        return AttachSpec.builder(id)
                .netns(DemoNamespaces.NETNS_DIR + "/" + netnsName)
                .address(address)
                .labels("app", app)
                .kinds(AttachKind.VETH)
                .build();
    }

    private void printStats(StatsSnapshot stats) {
        say("stats at %s:", stats.takenAt());
        for (EndpointStats e : stats.endpoints().values()) {
            StringBuilder drops = new StringBuilder();
            for (DropReason reason : DropReason.values()) {
                if (e.drops(reason) > 0) {
                    drops.append(' ').append(reason).append('=').append(e.drops(reason));
                }
            }
            say("  endpoint %-6s tx %d pkts/%d B, rx %d pkts/%d B, drops:%s", e.endpoint(), e.txPackets(), e.txBytes(),
                    e.rxPackets(), e.rxBytes(), drops.isEmpty() ? " none" : drops);
        }
        for (RuleStats r : stats.rules().values()) {
            say("  rule %s %s: %d new-flow packets", r.rule(), r.action() == Action.ALLOW ? "ALLOW" : "DENY", r.packets());
        }
    }

    private void say(String format, Object... args) {
        out.println("[demo] " + String.format(format, args));
        out.flush();
    }
}
