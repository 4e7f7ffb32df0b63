package dev.uniplane.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.tck.RequireAll;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The demo's plumbing without a dataplane: two namespaces joined by a plain veth pair, the demo's listener in one and
 * its client in the other. Proves that {@link DemoNamespaces} and {@link TrafficAgent} work on this machine, so a
 * failing demo points at the provider. Needs root and iproute2.
 */
class TrafficAgentTest {

    @Test
    void clientReachesAListeningPortAndIsRefusedOnAClosedOne() {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (creates network namespaces)");
        RequireAll.prerequisite(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "iproute2 (ip)");
        String id = HexFormat.of().formatHex(randomBytes());
        StringWriter log = new StringWriter();

        try (DemoNamespaces namespaces = new DemoNamespaces("updemo-" + id)) {
            String a = namespaces.create("a");
            String b = namespaces.create("b");
            String vethA = "upd" + id + "a";
            String vethB = "upd" + id + "b";
            DemoNamespaces.ip("link", "add", vethA, "netns", a, "type", "veth", "peer", "name", vethB, "netns", b);
            DemoNamespaces.ip("-n", a, "addr", "add", "10.231.9.1/24", "dev", vethA);
            DemoNamespaces.ip("-n", b, "addr", "add", "10.231.9.2/24", "dev", vethB);
            DemoNamespaces.ip("-n", a, "link", "set", vethA, "up");
            DemoNamespaces.ip("-n", b, "link", "set", vethB, "up");

            try (TrafficAgent.Listener _ = TrafficAgent.listen(b, 8080)) {
                PrintWriter out = new PrintWriter(log, true);
                assertThat(TrafficAgent.connect(a, "10.231.9.2", 8080, out)).as("open port; log: %s", log).isTrue();
                assertThat(TrafficAgent.connect(a, "10.231.9.2", 9090, out)).as("closed port; log: %s", log).isFalse();
            }
        }
        assertThat(log.toString()).contains("hello from port 8080");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[3];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
