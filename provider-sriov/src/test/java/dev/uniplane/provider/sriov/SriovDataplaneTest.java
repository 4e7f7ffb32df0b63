package dev.uniplane.provider.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;
import dev.uniplane.tck.RequireAll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SR-IOV dataplane on a machine whose sysfs (a fake tree) shows a PF without VFs: what the SPI refuses before any
 * hook runs (the capabilities SR-IOV does not declare), what the dataplane itself refuses, and that nothing is left.
 * Real VFs are in {@link SriovVfGuestTest}, which runs inside the QEMU igb guest.
 */
class SriovDataplaneTest {
    @TempDir
    Path tmp;
    private Dataplane dataplane;
    private String name;

    @BeforeEach
    void openOnAFakePf() throws Exception {
        RequireAll.prerequisite(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
                "root (the dataplane opens its host namespace and keeps its state in /run/uniplane)");
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).file("/sys/class/net/usrpf0/device/sriov_totalvfs", "7\n");
        name = "usrdp" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        dataplane = new SriovProvider(new ProbeHost(tmp), tmp.resolve("allocations"))
                .open(DataplaneConfig.builder().provider(SriovProvider.NAME).name(name).build());
    }

    @AfterEach
    void destroy() {
        if (dataplane != null) {
            dataplane.destroy();
        }
    }

    @Test
    void declaresVfAttachAndNeitherRoutesNorPolicy() {
        assertThat(dataplane.capabilities().has(Capability.ATTACH_VF)).isTrue();
        for (Capability c : new Capability[] {Capability.POLICY, Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP,
                Capability.ECMP, Capability.REMOTE_ENDPOINTS, Capability.ATTACH_VETH}) {
            assertThat(dataplane.capabilities().has(c)).as("declares %s", c).isFalse();
        }
    }

    @Test
    void routesPoliciesRemotesAndOtherAttachKindsAreRefusedNamingTheCapability() {
        assertThatThrownBy(() -> dataplane.addRoute(Route.of("10.9.0.0/16", NextHop.drop())))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.ROUTE_DROP));
        assertThatThrownBy(() -> dataplane.applyPolicies(PolicySet.of(Policy.builder("p").selectLabels("app", "a")
                .ingress(Rule.allow(java.util.List.of(Peer.cidr("10.0.0.0/8")), java.util.List.of())).build())))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.POLICY));
        assertThatThrownBy(() -> dataplane.registerRemote(RemoteEndpoint.of("r", "10.1.1.1")))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.REMOTE_ENDPOINTS));
        assertThatThrownBy(() -> dataplane.attach(spec(AttachKind.VETH)))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.ATTACH_VETH));
        assertThatThrownBy(() -> dataplane.addRoute(Route.of("10.9.0.0/16", NextHop.gateway("10.0.0.1"))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("uplink");
        assertThat(dataplane.routes()).isEmpty();
        assertThat(dataplane.policies()).isEqualTo(PolicySet.empty());
    }

    @Test
    void aPfWithoutVfsHasNoFreeVfAndTheAttachChangesNothing() {
        assertThatThrownBy(() -> dataplane.attach(spec(AttachKind.VF)))
                .isInstanceOfSatisfying(BackendException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("ENOSPC");
                    assertThat(e.getMessage()).contains("no free VF");
                });
        assertThat(dataplane.endpoints()).isEmpty();
    }

    @Test
    void anUplinkIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> new SriovProvider(new ProbeHost(tmp), tmp.resolve("allocations"))
                .open(DataplaneConfig.builder().provider(SriovProvider.NAME).name(name + "u").uplink("eth0").build()))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("uplink"));
    }

    private AttachSpec spec(AttachKind kind) {
        return AttachSpec.builder("e1").netns("/run/netns/usr-sriov-none").address("192.0.2.9").kinds(kind).build();
    }
}
