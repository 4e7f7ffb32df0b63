package dev.uniplane.tck;

import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.InspectionUnsupportedException;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsListener;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS "validates its input first, then takes effect whole or not at all", "one owner per address" and "no
 * identity borrowing", against hostile input. Every case runs on a dataplane holding two workloads (hi-w1 app=web,
 * hi-w2 app=db), a drop route and one policy where the provider declares them, and asserts three things: the exception
 * type, that the message names the field (or, for a conflict, the value), and that nothing changed, neither in the
 * API's view ({@code currentState()}) nor in the kernel as a provider-independent read-back (links, addresses and routes
 * of the node namespace and of every workload namespace involved, read through sdk-linux rtnetlink).
 *
 * <p>A provider may add provider-specific option values it must refuse with {@link #hostileOptions()}.
 */
public abstract class HostileInputVerification extends DataplaneVerification {
    private static final int GENERATED = Integer.getInteger("uniplane.tck.hostile.generated", 12);
    private Workload w1;
    private Workload w2;
    private Workload spare;
    private final List<NetNs> watched = new ArrayList<>();

    /** Option key/value pairs this provider must refuse at open with an InvalidSpecException naming {@code options.KEY}. */
    protected Map<String, String> hostileOptions() {
        return Map.of();
    }

    /** The setup every case starts from: w1, w2, a drop route and a policy where the provider declares them. */
    private void baseline() {
        watched.clear();
        spare = newWorkload("hi-spare"); // made before any snapshot, so that the read-back includes it
        watched.add(spare.netns());
        watched.add(topology().node());
        w1 = attachWorkload("hi-w1", "app", "web");
        w2 = attachWorkload("hi-w2", "app", "db");
        watched.add(w1.netns());
        watched.add(w2.netns());
        if (dataplane().capabilities().has(Capability.ROUTE_DROP)) {
            dataplane().addRoute(Route.of("198.51.100.0/24", NextHop.drop()));
        }
        if (dataplane().capabilities().has(Capability.POLICY)) {
            dataplane().applyPolicies(PolicySet.of(Policy.builder("hi-db-in").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(5432)))).build()));
        }
    }

    /** A spec with {@code address} for a spare namespace (one per test, watched for changes), not attached. */
    private AttachSpec.Builder freshSpec(String id, String address) {
        return AttachSpec.builder(id).netns(spare.spec().netns()).address(address)
                .kinds(spare.spec().kinds().toArray(AttachKind[]::new));
    }

    // --- the assertion every case makes --------------------------------------------------------------------------

    /** The call fails with InvalidSpecException whose field is {@code field} (or starts with it), and nothing changes. */
    private void refusedAsInvalid(String field, ThrowingCallable call) {
        refused(call, e -> {
            assertThat(e).isInstanceOf(InvalidSpecException.class);
            assertThat(((InvalidSpecException) e).field()).as("the field named by: %s", e.getMessage()).startsWith(field);
            assertThat(e.getMessage()).as("the message names the field").contains(field);
        });
    }

    /** The call fails with ConflictException naming {@code value}, and nothing changes. */
    private void refusedAsConflict(String value, ThrowingCallable call) {
        refused(call, e -> assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining(value));
    }

    private void refused(ThrowingCallable call, Consumer<Throwable> expectation) {
        DesiredState state = dataplane().currentState();
        List<String> backend = backend();
        Optional<BackendView> programmedBefore = programmed();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).as("the hostile call was accepted").isNotNull();
        // Nothing changed is checked first: it matters more than the exception's type.
        assertThat(dataplane().currentState()).as("currentState() after: %s", thrown.getMessage()).isEqualTo(state);
        assertThat(backend()).as("links, addresses and routes after: %s", thrown.getMessage()).isEqualTo(backend);
        assertThat(programmed()).as("what the provider's own backend holds (BackendInspector) after: %s", thrown.getMessage())
                .isEqualTo(programmedBefore);
        expectation.accept(thrown);
    }

    /**
     * What the provider's own backend holds (maps, flows, tables), read back by its {@link BackendInspector}, or empty
     * for a provider without one. The kernel read-back above does not see inside eBPF maps, OVS flows or DPDK tables.
     */
    private Optional<BackendView> programmed() {
        if (dataplane() instanceof BackendInspector inspector) {
            try {
                return Optional.of(inspector.inspect());
            } catch (InspectionUnsupportedException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Links, addresses and routes of every watched namespace, as sorted lines (provider-independent read-back). */
    private List<String> backend() {
        List<String> lines = new ArrayList<>();
        for (NetNs ns : watched) {
            try (RtNetlink nl = RtNetlink.open(ns)) {
                String n = ns.path().getFileName() + " ";
                nl.links().forEach(l -> lines.add(n + "link " + l.index() + " " + l.name() + " mtu=" + l.mtu() + " mac=" + l.mac()
                        + " up=" + l.up() + " master=" + l.masterIndex() + " kind=" + l.kind()));
                // The kernel gives a link that came up an IPv6 link-local address on its own, sometimes only after the
                // first snapshot (seen under load); like the link-local routes below, it is not the dataplane's.
                nl.addresses(0).stream().filter(a -> !a.prefix().toString().startsWith("fe80:"))
                        .forEach(a -> lines.add(n + "address " + a.index() + " " + a.prefix()));
                for (int family : new int[] {2, 10}) {
                    // IPv6 link-local and multicast routes come and go with DAD on their own; they are not the dataplane's.
                    nl.routes(family, 0).stream().map(r -> r.destination() + " table=" + r.table() + " via=" + r.gateway() + " dev="
                                    + r.ifIndex() + " type=" + r.type() + " hops=" + r.nextHops())
                            .filter(r -> !r.startsWith("fe80:") && !r.startsWith("ff00:"))
                            .forEach(r -> lines.add(n + "route " + r));
                }
            }
        }
        lines.sort(null);
        return lines;
    }

    // --- endpoints ----------------------------------------------------------------------------------------------

    @Test
    public void required_S1_specValues_endpointAddressesThatAreNotUnicastAreRefused() {
        baseline();
        for (String address : List.of("0.0.0.0", "255.255.255.255", "127.0.0.1", "224.0.0.5", "169.254.1.1", "169.254.3.3",
                "::", "::1", "fe80::1", "ff02::1", "::ffff:" + w1.ipv4())) {
            refusedAsInvalid("addresses[0]", () -> dataplane().attach(freshSpec("hi-x", address).build()));
        }
    }

    @Test
    public void required_S1_specValues_generatedSpecialAddressesAreRefused() {
        baseline();
        Arbitrary<String> special = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0xffffff).map(i -> "127." + (i >> 16) + "." + (i >> 8 & 0xff) + "." + (i & 0xff)),
                Arbitraries.integers().between(224, 239).map(i -> i + ".1.2.3"),
                Arbitraries.integers().between(0, 0xffff).map(i -> "169.254." + (i >> 8) + "." + (i & 0xff)),
                Arbitraries.integers().between(0, 0xffff).map(i -> "fe80::" + Integer.toHexString(i)),
                Arbitraries.integers().between(0, 0xffff).map(i -> "ff0e::" + Integer.toHexString(i)));
        for (int i = 0; i < GENERATED; i++) {
            String address = special.sample();
            refusedAsInvalid("addresses[0]", () -> dataplane().attach(freshSpec("hi-g", address).build()));
        }
    }

    @Test
    public void required_S0_literalValues_addressesWithLeadingZerosAreRefused() {
        baseline();
        refusedAsInvalid("address", () -> dataplane().attach(freshSpec("hi-x", "10.100.3.042").build()));
        refusedAsInvalid("address", () -> dataplane().attach(freshSpec("hi-x", "010.100.3.42").build()));
    }

    @Test
    public void required_S0_literalValues_generatedMalformedAddressesAreRefusedAsInvalidSpecs() {
        baseline();
        Arbitrary<String> texts = Arbitraries.strings().withChars("0123456789.:/abcdefxz -").ofMinLength(1).ofMaxLength(24);
        for (int i = 0; i < GENERATED * 4; i++) {
            String text = texts.sample();
            try {
                IpAddress.parse(text);
            } catch (InvalidSpecException expected) {
                refusedAsInvalid("address", () -> dataplane().attach(AttachSpec.builder("hi-x").netns(w1.spec().netns())
                        .address(text).kinds(w1.spec().kinds().toArray(AttachKind[]::new)).build()));
            }
        }
    }

    @Test
    public void required_S1_specValues_invalidInterfaceNamesAreRefused() {
        baseline();
        List<String> names = new ArrayList<>(List.of("eth\0x", ".", "..", "a/b", "a:b", "a b", "tab\tx", "sixteen-chars-xx",
                "ééééééééé", ""));
        Arbitrary<String> generated = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)
                .flatMap(base -> Arbitraries.of("\0", "/", ":", " ", "\n", "\u0007").map(bad -> base.substring(0, base.length() / 2) + bad
                        + base.substring(base.length() / 2)));
        for (int i = 0; i < GENERATED; i++) {
            names.add(generated.sample());
        }
        for (String name : names) {
            refusedAsInvalid("interfaceName", () -> dataplane().attach(freshSpec("hi-x", "10.100.250.2").interfaceName(name).build()));
        }
    }

    @Test
    public void required_S1_specValues_theNodeNamespaceIsNotAWorkloadNamespace() {
        baseline();
        // The dataplane's node namespace is the kit's unless the provider's configure() puts it elsewhere (SR-IOV: the PF's).
        String node = configure(DataplaneConfig.builder().provider(providerName()).name(topology().prefix())
                .hostNetns(topology().nodeNetnsPath()).uplink(topology().uplink())).build().hostNetns();
        for (String netns : List.of(node == null ? topology().nodeNetnsPath() : node, "/proc/self/ns/net")) {
            refusedAsInvalid("netns", () -> dataplane().attach(AttachSpec.builder("hi-x").netns(netns).address("10.100.250.3")
                    .kinds(w1.spec().kinds().toArray(AttachKind[]::new)).build()));
        }
    }

    @Test
    public void required_S1_specValues_aPathThatIsNotANetworkNamespaceIsRefusedAsSuch() throws IOException {
        baseline();
        Path file = Files.createTempFile("uptk-not-a-netns", "");
        try {
            for (String netns : List.of(file.toString(), file.getParent().toString())) {
                refusedAsInvalid("netns", () -> dataplane().attach(AttachSpec.builder("hi-x").netns(netns).address("10.100.250.4")
                        .kinds(w1.spec().kinds().toArray(AttachKind[]::new)).build()));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    public void required_S1_oneOwnerPerAddress_anAddressHasOneOwner() {
        baseline();
        refusedAsConflict(w1.ipv4().toString(), () -> dataplane().attach(freshSpec("hi-x", w1.ipv4().toString()).build()));
    }

    @Test
    public void required_S1_specValues_aSecondWorkloadInTheSameNamespaceIsRefusedNamingIt() {
        baseline();
        AttachSpec second = AttachSpec.builder("hi-x").netns(w1.spec().netns()).interfaceName("eth1").address("10.100.250.5")
                .kinds(w1.spec().kinds().toArray(AttachKind[]::new)).build();
        refusedAsConflict(w1.spec().netns(), () -> dataplane().attach(second));
    }

    @Test
    public void required_S1_specValues_anInterfaceNameThatExistsInTheNamespaceIsAConflictNamingIt() {
        baseline();
        try (RtNetlink nl = RtNetlink.open(spare.netns())) {
            nl.createVethPair("eth0", "hi-peer0", spare.netns()); // an eth0 the dataplane did not make
        }
        for (String name : List.of("lo", "eth0")) {
            refused(() -> dataplane().attach(freshSpec("hi-x", "10.100.250.6").interfaceName(name).build()),
                    e -> assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining(name)
                            .hasMessageContaining(spare.spec().netns()));
        }
    }

    // --- remote endpoints ---------------------------------------------------------------------------------------

    @Test
    public void optional_S1_oneOwnerPerAddress_aRemoteCannotTakeALocalEndpointsOrAnotherRemotesAddress() {
        requireCapability(Capability.REMOTE_ENDPOINTS);
        baseline();
        refusedAsConflict(w1.ipv4().toString(), () -> dataplane().registerRemote(RemoteEndpoint.of("hi-r1", w1.ipv4().toString())));
        dataplane().registerRemote(RemoteEndpoint.of("hi-r2", "10.101.0.2", "app", "client"));
        refusedAsConflict("10.101.0.2", () -> dataplane().registerRemote(RemoteEndpoint.of("hi-r1", "10.101.0.2")));
        refusedAsConflict("10.101.0.2", () -> dataplane().attach(freshSpec("hi-x", "10.101.0.2").build()));
        assertThat(dataplane().endpoint(EndpointId.of("hi-w1"))).as("w1 keeps its endpoint").isPresent();
    }

    @Test
    public void optional_S3_remoteEndpoints_remoteEndpointsWithInvalidIdsOrAddressesAreRefused() {
        requireCapability(Capability.REMOTE_ENDPOINTS);
        baseline();
        for (String id : List.of("../x\"\n}", "r".repeat(10_000), "", "-r", "r/1")) {
            refusedAsInvalid("id", () -> dataplane().registerRemote(RemoteEndpoint.of(id, "10.101.0.9")));
        }
        for (String address : List.of("0.0.0.0", "255.255.255.255", "127.0.0.1", "224.0.0.1", "ff02::1", "::")) {
            refusedAsInvalid("addresses[0]", () -> dataplane().registerRemote(RemoteEndpoint.of("hi-r1", address)));
        }
        refusedAsInvalid("addresses[1]", () -> dataplane().registerRemote(new RemoteEndpoint("hi-r1",
                List.of(IpAddress.parse("10.101.0.9"), IpAddress.parse("10.101.0.9")), Labels.of())));
    }

    // --- routes -------------------------------------------------------------------------------------------------

    @Test
    public void required_S0_literalValues_routePrefixesWithHostBitsAreRefused() {
        baseline();
        refusedAsInvalid("prefix", () -> dataplane().addRoute(Route.of("10.9.0.1/24", NextHop.drop())));
        assertThatThrownBy(() -> Route.of("10.9.0.1/24", NextHop.drop())).hasMessageContaining("10.9.0.0/24");
        Arbitrary<String> withHostBits = Arbitraries.integers().between(8, 30).flatMap(length -> Arbitraries.integers()
                .between(1, (1 << (32 - length)) - 1).map(host -> IpAddress.ofV4(0x0a000000 | host) + "/" + length));
        for (int i = 0; i < GENERATED; i++) {
            String prefix = withHostBits.sample();
            refusedAsInvalid("prefix", () -> dataplane().addRoute(Route.of(prefix, NextHop.drop())));
        }
    }

    @Test
    public void optional_S1_noIdentityBorrowing_aRouteCannotBorrowAnotherEndpointsIdentity() {
        requireCapability(Capability.ROUTE_TO_ENDPOINT);
        baseline();
        String w2Address = w2.ipv4().toString();
        for (String prefix : List.of("10.100.0.0/16", "0.0.0.0/0", IpPrefix.parse(w2Address + "/24").toString())) {
            refusedAsConflict(w2Address, () -> dataplane().addRoute(Route.of(prefix, NextHop.endpoint("hi-w1"))));
            refusedAsConflict(w2Address, () -> dataplane().replaceRoute(Route.of(prefix, NextHop.endpoint("hi-w1"))));
        }
        dataplane().addRoute(Route.of("10.96.0.0/24", NextHop.endpoint("hi-w1")));
        refusedAsConflict("10.96.0.0/24", () -> dataplane().attach(freshSpec("hi-x", "10.96.0.5").build()));
    }

    @Test
    public void optional_S2_routeShape_aRouteToAnEndpointNeedsAnAddressOfItsFamily() {
        requireCapability(Capability.ROUTE_TO_ENDPOINT);
        requireCapability(Capability.IPV6);
        baseline();
        Workload v4only = newWorkload("hi-v4");
        dataplane().attach(AttachSpec.builder("hi-v4").netns(v4only.spec().netns()).address(v4only.ipv4())
                .kinds(v4only.spec().kinds().toArray(AttachKind[]::new)).build());
        watched.add(v4only.netns());
        refusedAsConflict("hi-v4", () -> dataplane().addRoute(Route.of("2001:db8::/32", NextHop.endpoint("hi-v4"))));
    }

    @Test
    public void required_S2_changingRoutes_aBatchCannotUpsertAndRemoveOnePrefix() {
        requireCapability(Capability.ROUTE_DROP);
        baseline();
        refusedAsInvalid("removals[0]", () -> dataplane().updateRoutes(List.of(Route.of("198.51.100.0/24", NextHop.drop())),
                List.of(IpPrefix.parse("198.51.100.0/24"))));
        refusedAsInvalid("routes[1].prefix", () -> dataplane().updateRoutes(List.of(Route.of("192.0.2.0/24", NextHop.drop()),
                Route.of("192.0.2.0/24", NextHop.drop())), List.of()));
    }

    // --- nulls, options, the same name twice ---------------------------------------------------------------------

    @Test
    public void required_S0_allOrNothing_nullArgumentsAreInvalidSpecsNamingTheParameter() {
        baseline();
        StatsListener listener = (snapshot, delta) -> { };
        refusedAsInvalid("spec", () -> dataplane().attach(null));
        refusedAsInvalid("id", () -> dataplane().detach(null));
        refusedAsInvalid("id", () -> dataplane().endpoint(null));
        refusedAsInvalid("route", () -> dataplane().addRoute(null));
        refusedAsInvalid("route", () -> dataplane().replaceRoute(null));
        refusedAsInvalid("prefix", () -> dataplane().removeRoute(null));
        refusedAsInvalid("upserts", () -> dataplane().updateRoutes(null, List.of()));
        refusedAsInvalid("removals", () -> dataplane().updateRoutes(List.of(), null));
        refusedAsInvalid("upserts[0]", () -> dataplane().updateRoutes(Arrays.asList((Route) null), List.of()));
        refusedAsInvalid("policies", () -> dataplane().applyPolicies(null));
        refusedAsInvalid("remote", () -> dataplane().registerRemote(null));
        refusedAsInvalid("id", () -> dataplane().unregisterRemote(null));
        refusedAsInvalid("listener", () -> dataplane().watch(Duration.ofSeconds(1), null));
        refusedAsInvalid("period", () -> dataplane().watch(null, listener));
        refusedAsInvalid("period", () -> dataplane().watch(Duration.ZERO, listener));
        refusedAsInvalid("plan", () -> dataplane().apply(null));
        refusedAsInvalid("desired", () -> dataplane().plan(null));
    }

    @Test
    public void required_S0_literalValues_hostileOptionsAreRefusedAtOpen() {
        baseline();
        for (Map.Entry<String, String> option : hostileOptions().entrySet()) {
            refusedAsInvalid("options." + option.getKey(), () -> open(configure(DataplaneConfig.builder().provider(providerName())
                    .name(topology().prefix() + "o").hostNetns(topology().nodeNetnsPath()).option(option.getKey(), option.getValue()))
                    .build()));
        }
        refusedAsInvalid("uplink", () -> DataplaneConfig.builder().uplink("eth\0x").build());
    }

    @Test
    public void required_S5_capabilities_theSameNameCannotBeOpenedTwiceInOneJvm() {
        baseline();
        DataplaneConfig same = configure(DataplaneConfig.builder().provider(providerName()).name(topology().prefix())
                .hostNetns(topology().nodeNetnsPath()).uplink(topology().uplink())).build();
        refused(() -> open(same), e -> assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining(topology().prefix()));
        assertThat(dataplane().stats()).as("the first instance still reads its counters").isNotNull();
    }

    /** Opens a second dataplane (closing it should the open wrongly succeed). */
    private void open(DataplaneConfig config) {
        Dataplane second = provider().open(config);
        second.close();
    }
}
