package dev.uniplane.provider.dpdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Route;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.api.Endpoint;
import dev.uniplane.provider.dpdk.internal.state.DpdkEndpointState;
import dev.uniplane.provider.dpdk.internal.state.DpdkState;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.spi.StateFiles;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * State files that cannot be restored as written, in one JVM: a corrupt one, one whose veths are gone, and one whose
 * writer still runs. None makes open crash; each is logged and replaced (or refused, for a live owner).
 */
class DpdkStateFileTest {

    @Test
    void aCorruptStateFileStartsEmptyAndIsReplaced() throws Exception {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        try (Topology topology = Topology.create()) {
            DataplaneConfig config = config(topology, "sc");
            Path file = SavedDataplane.file(DpdkProvider.NAME, config.name());
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, "{\"version\":1,\"endpoints\":[{\"spec\":{\"id\"");
                Dataplane dp = new DpdkProvider().open(config);
                try {
                    assertThat(dp.currentState()).isEqualTo(DesiredState.empty());
                    assertThat(SavedDataplane.read(file).orElseThrow().desired()).as("replaced at open").isEqualTo(DesiredState.empty());
                    Workload w = topology.workload("sc-1", false);
                    dp.attach(w.spec());
                    assertThat(SavedDataplane.read(file).orElseThrow().desired()).isEqualTo(dp.currentState());
                } finally {
                    dp.close();
                }
                assertThat(file).as("close removed the veths, so nothing is left to restore").doesNotExist();
            } finally {
                StateFiles.delete(file);
            }
        }
    }

    @Test
    void endpointsWhoseVethOrNamespaceIsGoneAreRecreatedOrDropped() throws Exception {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        try (Topology topology = Topology.create()) {
            DataplaneConfig config = config(topology, "sg");
            Path file = SavedDataplane.file(DpdkProvider.NAME, config.name());
            Workload kept = topology.workload("sg-kept", false);
            Workload peer = topology.workload("sg-peer", false);
            AttachSpec gone = AttachSpec.builder("sg-gone").netns("/run/netns/uph7-no-such-netns").address("10.100.9.9").build();
            Route toGone = Route.of("10.200.0.0/24", NextHop.endpoint("sg-gone"));
            Route drop = Route.of("192.0.2.0/24", NextHop.drop());
            // as a killed process would have left it, except that no veth exists any more (slot 0's name is free)
            Endpoint keptEndpoint = new Endpoint(kept.spec(), AttachKind.VETH, config.name().substring(0, 9) + "d3",
                    MacAddress.parse("02:00:00:00:33:33"), DpdkDataplane.GATEWAY_MAC);
            Endpoint goneEndpoint = new Endpoint(gone, AttachKind.VETH, config.name().substring(0, 9) + "d4",
                    MacAddress.parse("02:00:00:00:44:44"), DpdkDataplane.GATEWAY_MAC);
            SavedDataplane.of(DpdkProvider.NAME, config.name(),
                    new DesiredState(List.of(kept.spec(), gone), List.of(toGone, drop), PolicySet.empty(), List.of()),
                    List.of(keptEndpoint, goneEndpoint),
                    e -> new DpdkEndpointState(e == keptEndpoint ? 3 : 4, e.hostInterface()),
                    new DpdkState(new DpdkState.Owner(Integer.MAX_VALUE, 0))).write(file);
            try {
                Dataplane dp = new DpdkProvider().open(config);
                try {
                    assertThat(dp.currentState()).isEqualTo(new DesiredState(List.of(kept.spec()), List.of(drop), PolicySet.empty(), List.of()));
                    try (RtNetlink nl = RtNetlink.open(kept.netns())) {
                        assertThat(nl.findLink("eth0")).as("a new veth for the kept endpoint").isPresent();
                    }
                    dp.attach(peer.spec());
                    try (EchoServer server = Traffic.serve(peer, 7600)) {
                        assertThat(Traffic.udp(kept, peer.ipv4(), 7600).outcome()).isEqualTo(Outcome.DELIVERED);
                    }
                    assertThat(SavedDataplane.read(file).orElseThrow().desired()).isEqualTo(dp.currentState());
                } finally {
                    dp.destroy();
                }
                assertThat(file).doesNotExist();
            } finally {
                StateFiles.delete(file);
            }
        }
    }

    @Test
    void aStateFileWhoseWriterStillRunsIsRefused() throws Exception {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        String name = "uph7" + ProcessHandle.current().pid() + "own";
        Path file = SavedDataplane.file(DpdkProvider.NAME, name);
        ProcessHandle init = ProcessHandle.of(1).orElseThrow();
        long started = init.info().startInstant().orElseThrow().toEpochMilli();
        SavedDataplane.of(DpdkProvider.NAME, name, DesiredState.empty(), List.of(), e -> null,
                new DpdkState(new DpdkState.Owner(1, started))).write(file);
        try {
            assertThatThrownBy(() -> new DpdkProvider().open(DataplaneConfig.builder().provider(DpdkProvider.NAME).name(name).build()))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("open in process 1").hasMessageContaining(file.toString());
            assertThat(file).as("left to its owner").exists();
        } finally {
            StateFiles.delete(file);
        }
    }

    private static DataplaneConfig config(Topology topology, String suffix) {
        return DataplaneConfig.builder().provider(DpdkProvider.NAME).name(topology.prefix() + suffix)
                .hostNetns(topology.nodeNetnsPath()).build();
    }
}
