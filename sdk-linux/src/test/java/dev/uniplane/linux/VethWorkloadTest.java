package dev.uniplane.linux;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real kernel: a node namespace and workload namespaces. The workload end must end up exactly as the providers set it
 * up before (addresses, gateway route and neighbour, and offloads as {@code ethtool -K} leaves them), and each refused
 * spec must say which field and value is wrong and leave nothing behind.
 */
class VethWorkloadTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:aa:01");
    private static final MacAddress GATEWAY = MacAddress.parse("02:00:00:00:aa:fe");
    private static final Set<Ethtool.Offload> ALL_OFF =
            EnumSet.of(Ethtool.Offload.TX_CHECKSUM, Ethtool.Offload.TSO, Ethtool.Offload.GSO);

    private final List<String> namespaces = new ArrayList<>();
    private String run;
    private NetNs node;
    private RtNetlink nodeLinks;

    @BeforeEach
    void setUp() {
        Privileged.requireRoot();
        run = "hlin" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        node = namespace("n");
        nodeLinks = RtNetlink.open(node);
    }

    @AfterEach
    void tearDown() {
        if (nodeLinks != null) {
            nodeLinks.close();
        }
        if (node != null) {
            node.close();
        }
        for (String ns : namespaces) {
            NetNs.delete(ns);
        }
    }

    private NetNs namespace(String tag) {
        NetNs ns = NetNs.create(run + tag);
        namespaces.add(run + tag);
        return ns;
    }

    private static AttachSpec spec(String id, NetNs workload, String interfaceName) {
        return AttachSpec.builder(id).netns(workload.path().toString()).interfaceName(interfaceName)
                .address("10.88.0.2").address("fd00:88::2").build();
    }

    @Test
    void workloadEndIsConfiguredAndOffloadsMatchEthtool() throws Exception {
        try (NetNs workload = namespace("w"); NetNs reference = namespace("r")) {
            LinkInfo host = VethWorkload.create(nodeLinks, run + "h", spec("w1", workload, "eth0"), MAC, GATEWAY, ALL_OFF);
            assertThat(host.name()).isEqualTo(run + "h");
            assertThat(host.up()).as("the host end is left down for the provider").isFalse();
            try (RtNetlink links = RtNetlink.open(workload)) {
                LinkInfo eth0 = links.link("eth0");
                assertThat(eth0.up()).isTrue();
                assertThat(eth0.mac()).isEqualTo(MAC);
                assertThat(links.addresses(RtNetlink.AF_UNSPEC, eth0.index())).extracting(AddressInfo::prefix)
                        .contains(InterfaceAddress.parse("10.88.0.2/32"), InterfaceAddress.parse("fd00:88::2/128"));
                assertThat(links.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN))
                        .anySatisfy(r -> {
                            assertThat(r.destination().length()).isZero();
                            assertThat(r.gateway()).isEqualTo(WorkloadInterface.GATEWAY_V4);
                        });
                assertThat(links.neighbours(RtNetlink.AF_INET)).anySatisfy(n -> {
                    assertThat(n.address()).isEqualTo(IpAddress.parse("169.254.1.1"));
                    assertThat(n.mac()).isEqualTo(GATEWAY);
                    assertThat(n.state()).isEqualTo(NeighbourInfo.NUD_PERMANENT);
                });
            }
            // The same veth set up by hand and switched with the ethtool binary must show the same features.
            try (RtNetlink links = RtNetlink.open(reference)) {
                links.createVethPair("eth0", "eth1", null);
            }
            ethtool(reference, "-K", "eth0", "tx", "off", "tso", "off", "gso", "off");
            assertThat(ethtool(workload, "-k", "eth0")).isEqualTo(ethtool(reference, "-k", "eth0"))
                    .contains("tx-checksumming: off").contains("tcp-segmentation-offload: off")
                    .contains("generic-segmentation-offload: off");
        }
    }

    @Test
    void checksumOffOnlyMatchesEthtoolTxOff() throws Exception {
        try (NetNs workload = namespace("w"); NetNs reference = namespace("r")) {
            VethWorkload.create(nodeLinks, run + "h", spec("w1", workload, "eth0"), MAC, GATEWAY,
                    EnumSet.of(Ethtool.Offload.TX_CHECKSUM));
            try (RtNetlink links = RtNetlink.open(reference)) {
                links.createVethPair("eth0", "eth1", null);
            }
            ethtool(reference, "-K", "eth0", "tx", "off");
            assertThat(ethtool(workload, "-k", "eth0")).isEqualTo(ethtool(reference, "-k", "eth0"))
                    .contains("tx-checksumming: off").contains("generic-segmentation-offload: on");
        }
    }

    @Test
    void hostEndAsGatewayPinsTheHostEndsMac() {
        try (NetNs workload = namespace("w")) {
            LinkInfo host = VethWorkload.createWithHostEndAsGateway(nodeLinks, run + "h", spec("w1", workload, "eth0"),
                    MAC, Set.of());
            try (RtNetlink links = RtNetlink.open(workload)) {
                assertThat(links.neighbours(RtNetlink.AF_INET))
                        .anySatisfy(n -> assertThat(n.mac()).isEqualTo(host.mac()));
            }
        }
    }

    @Test
    void aRegularFileOrADirectoryIsNotANetworkNamespace(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-netns"), "x");
        for (Path path : List.of(file, dir)) {
            AttachSpec spec = AttachSpec.builder("w1").netns(path.toString()).address("10.88.0.2").build();
            assertThatThrownBy(() -> VethWorkload.create(nodeLinks, run + "h", spec, MAC, GATEWAY, ALL_OFF))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                        assertThat(e.field()).isEqualTo("netns");
                        assertThat(e.getMessage()).isEqualTo("netns=\"" + path + "\": is not a network namespace");
                    });
            assertThat(nodeLinks.findLink(run + "h")).as("nothing left behind").isEmpty();
        }
    }

    @Test
    void anInterfaceNameThatExistsInTheWorkloadNamespaceIsNamed() {
        try (NetNs workload = namespace("w")) {
            AttachSpec spec = spec("w1", workload, "lo");
            assertThatThrownBy(() -> VethWorkload.create(nodeLinks, run + "h", spec, MAC, GATEWAY, ALL_OFF))
                    .isInstanceOf(ConflictException.class)
                    .hasMessage("interfaceName=\"lo\": an interface of that name already exists in netns " + spec.netns());
            assertThat(nodeLinks.findLink(run + "h")).as("nothing left behind").isEmpty();
        }
    }

    @Test
    void aSecondWorkloadInTheSameNamespaceIsRefusedAndTheFirstIsUntouched() {
        try (NetNs workload = namespace("w")) {
            VethWorkload.create(nodeLinks, run + "h1", spec("w1", workload, "eth0"), MAC, GATEWAY, ALL_OFF);
            AttachSpec second = spec("w2", workload, "eth1");
            assertThatThrownBy(() -> VethWorkload.create(nodeLinks, run + "h2", second, MAC, GATEWAY, ALL_OFF))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageStartingWith("netns=\"" + second.netns() + "\": already holds another workload's gateway route (")
                    .hasMessageContaining("dev eth0");
            assertThat(nodeLinks.findLink(run + "h2")).as("nothing left behind").isEmpty();
            try (RtNetlink links = RtNetlink.open(workload)) {
                assertThat(links.findLink("eth1")).isEmpty();
                assertThat(links.link("eth0").up()).isTrue();
                assertThat(links.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN))
                        .anyMatch(r -> WorkloadInterface.GATEWAY_V4.equals(r.gateway()));
            }
        }
    }

    private static String ethtool(NetNs ns, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "ethtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
