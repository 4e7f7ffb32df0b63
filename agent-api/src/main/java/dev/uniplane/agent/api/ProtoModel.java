package dev.uniplane.agent.api;

import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.Timestamp;
import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.Action;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Change;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.ProviderStatus;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.BackendView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.lang3.StringUtils;

/**
 * The one conversion between the API model ({@code dev.uniplane.api} records) and the agent's messages
 * ({@link AgentPb}). {@code toProto} methods take records; {@code from*} methods build records through their
 * constructors, so a malformed message fails exactly as malformed Java input would: with an
 * {@link InvalidSpecException} naming the field and the value. Enums map by name ({@code TCP} and
 * {@code PROTOCOL_TCP}); the unspecified proto value is refused.
 */
public final class ProtoModel {
    private ProtoModel() {
    }

    // --- enums ------------------------------------------------------------------------------------------------------

    private static <P extends Enum<P> & ProtocolMessageEnum> P toProto(Enum<?> value, Class<P> type, String prefix) {
        return Enum.valueOf(type, prefix + value.name());
    }

    private static <E extends Enum<E>> E fromProto(Enum<?> value, Class<E> type, String prefix, String field) {
        String name = StringUtils.removeStart(value.name(), prefix);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(field, value.name(), "not a " + type.getSimpleName());
        }
    }

    public static AgentPb.AttachKind toProto(AttachKind kind) {
        return toProto(kind, AgentPb.AttachKind.class, "ATTACH_KIND_");
    }

    public static AttachKind fromProto(AgentPb.AttachKind kind) {
        return fromProto(kind, AttachKind.class, "ATTACH_KIND_", "kind");
    }

    public static AgentPb.Capability toProto(Capability capability) {
        return toProto(capability, AgentPb.Capability.class, "CAPABILITY_");
    }

    public static Capability fromProto(AgentPb.Capability capability) {
        return fromProto(capability, Capability.class, "CAPABILITY_", "capability");
    }

    private static AgentPb.Direction toProto(Direction direction) {
        return toProto(direction, AgentPb.Direction.class, "DIRECTION_");
    }

    private static Direction fromProto(AgentPb.Direction direction) {
        return fromProto(direction, Direction.class, "DIRECTION_", "direction");
    }

    private static AgentPb.Action toProto(Action action) {
        return toProto(action, AgentPb.Action.class, "ACTION_");
    }

    private static Action fromProto(AgentPb.Action action) {
        return fromProto(action, Action.class, "ACTION_", "action");
    }

    // --- values -----------------------------------------------------------------------------------------------------

    public static AgentPb.IpAddress toProto(IpAddress address) {
        return AgentPb.IpAddress.newBuilder().setAddress(com.google.protobuf.ByteString.copyFrom(address.toBytes())).build();
    }

    public static IpAddress fromProto(AgentPb.IpAddress address) {
        return IpAddress.ofBytes(address.getAddress().toByteArray());
    }

    public static AgentPb.IpPrefix toProto(IpPrefix prefix) {
        return AgentPb.IpPrefix.newBuilder().setAddress(toProto(prefix.address())).setLength(prefix.length()).build();
    }

    public static IpPrefix fromProto(AgentPb.IpPrefix prefix) {
        return new IpPrefix(fromProto(prefix.getAddress()), prefix.getLength());
    }

    private static List<AgentPb.IpAddress> addresses(List<IpAddress> addresses) {
        return addresses.stream().map(ProtoModel::toProto).toList();
    }

    private static List<IpAddress> addressesOf(List<AgentPb.IpAddress> addresses) {
        return addresses.stream().map(ProtoModel::fromProto).toList();
    }

    public static Timestamp toProto(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Instant fromProto(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    public static com.google.protobuf.Duration toProto(Duration duration) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }

    public static Duration fromProto(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    // --- labels and selectors ---------------------------------------------------------------------------------------

    public static AgentPb.LabelSelector toProto(LabelSelector selector) {
        AgentPb.LabelSelector.Builder b = AgentPb.LabelSelector.newBuilder().putAllMatchLabels(selector.matchLabels().values());
        for (LabelRequirement r : selector.matchExpressions()) {
            b.addMatchExpressions(AgentPb.LabelRequirement.newBuilder().setKey(r.key())
                    .setOperator(toProto(r.operator(), AgentPb.LabelRequirement.Operator.class, "OPERATOR_"))
                    .addAllValues(r.values()));
        }
        return b.build();
    }

    public static LabelSelector fromProto(AgentPb.LabelSelector selector) {
        List<LabelRequirement> expressions = new ArrayList<>();
        for (AgentPb.LabelRequirement r : selector.getMatchExpressionsList()) {
            expressions.add(new LabelRequirement(r.getKey(),
                    fromProto(r.getOperator(), LabelRequirement.Operator.class, "OPERATOR_", "operator"), Set.copyOf(r.getValuesList())));
        }
        return new LabelSelector(Labels.of(selector.getMatchLabelsMap()), expressions);
    }

    // --- endpoints ----------------------------------------------------------------------------------------------------

    public static AgentPb.AttachSpec toProto(AttachSpec spec) {
        AgentPb.AttachSpec.Builder b = AgentPb.AttachSpec.newBuilder().setId(spec.id().value()).setNetns(spec.netns())
                .setInterfaceName(spec.interfaceName()).addAllAddresses(addresses(spec.addresses()))
                .putAllLabels(spec.labels().values());
        spec.macAddress().ifPresent(mac -> b.setMac(mac.value()));
        spec.kinds().forEach(k -> b.addKinds(toProto(k)));
        return b.build();
    }

    public static AttachSpec fromProto(AgentPb.AttachSpec spec) {
        return new AttachSpec(EndpointId.of(spec.getId()), spec.getNetns(), spec.getInterfaceName(), addressesOf(spec.getAddressesList()),
                spec.hasMac() ? new MacAddress(spec.getMac()) : null, Labels.of(spec.getLabelsMap()),
                spec.getKindsList().stream().map(ProtoModel::fromProto).toList());
    }

    public static AgentPb.Endpoint toProto(Endpoint endpoint) {
        return AgentPb.Endpoint.newBuilder().setSpec(toProto(endpoint.spec())).setKind(toProto(endpoint.kind()))
                .setHostInterface(endpoint.hostInterface()).setMac(endpoint.mac().value())
                .setGatewayMac(endpoint.gatewayMac().value()).build();
    }

    public static Endpoint fromProto(AgentPb.Endpoint endpoint) {
        return new Endpoint(fromProto(endpoint.getSpec()), fromProto(endpoint.getKind()), endpoint.getHostInterface(),
                new MacAddress(endpoint.getMac()), new MacAddress(endpoint.getGatewayMac()));
    }

    public static AgentPb.RemoteEndpoint toProto(RemoteEndpoint remote) {
        return AgentPb.RemoteEndpoint.newBuilder().setId(remote.id()).addAllAddresses(addresses(remote.addresses()))
                .putAllLabels(remote.labels().values()).build();
    }

    public static RemoteEndpoint fromProto(AgentPb.RemoteEndpoint remote) {
        return new RemoteEndpoint(remote.getId(), addressesOf(remote.getAddressesList()), Labels.of(remote.getLabelsMap()));
    }

    // --- routes -------------------------------------------------------------------------------------------------------

    public static AgentPb.NextHop toProto(NextHop hop) {
        AgentPb.NextHop.Builder b = AgentPb.NextHop.newBuilder();
        switch (hop) {
            case NextHop.Gateway g -> b.setGateway(AgentPb.NextHop.Gateway.newBuilder().setAddress(toProto(g.address())).setWeight(g.weight()));
            case NextHop.ToEndpoint e -> b.setToEndpoint(AgentPb.NextHop.ToEndpoint.newBuilder().setEndpoint(e.endpoint().value())
                    .setWeight(e.weight()));
            case NextHop.Drop d -> b.setDrop(AgentPb.NextHop.Drop.getDefaultInstance());
        }
        return b.build();
    }

    public static NextHop fromProto(AgentPb.NextHop hop) {
        return switch (hop.getHopCase()) {
            case GATEWAY -> new NextHop.Gateway(fromProto(hop.getGateway().getAddress()), hop.getGateway().getWeight());
            case TO_ENDPOINT -> new NextHop.ToEndpoint(EndpointId.of(hop.getToEndpoint().getEndpoint()), hop.getToEndpoint().getWeight());
            case DROP -> new NextHop.Drop();
            case HOP_NOT_SET -> throw new InvalidSpecException("nextHop", null, "names no gateway, endpoint or drop");
        };
    }

    public static AgentPb.Route toProto(Route route) {
        return AgentPb.Route.newBuilder().setPrefix(toProto(route.prefix()))
                .addAllNextHops(route.nextHops().stream().map(ProtoModel::toProto).toList()).build();
    }

    public static Route fromProto(AgentPb.Route route) {
        return new Route(fromProto(route.getPrefix()), route.getNextHopsList().stream().map(ProtoModel::fromProto).toList());
    }

    // --- policy -------------------------------------------------------------------------------------------------------

    private static AgentPb.Peer toProto(Peer peer) {
        return switch (peer) {
            case Peer.Selector s -> AgentPb.Peer.newBuilder().setSelector(toProto(s.selector())).build();
            case Peer.Cidr c -> AgentPb.Peer.newBuilder().setCidr(AgentPb.Peer.Cidr.newBuilder().setCidr(toProto(c.cidr()))
                    .addAllExcept(c.except().stream().map(ProtoModel::toProto).toList())).build();
        };
    }

    private static Peer fromProto(AgentPb.Peer peer) {
        return switch (peer.getPeerCase()) {
            case SELECTOR -> new Peer.Selector(fromProto(peer.getSelector()));
            case CIDR -> new Peer.Cidr(fromProto(peer.getCidr().getCidr()),
                    peer.getCidr().getExceptList().stream().map(ProtoModel::fromProto).toList());
            case PEER_NOT_SET -> throw new InvalidSpecException("peer", null, "names neither a selector nor a cidr");
        };
    }

    private static AgentPb.PortMatch toProto(PortMatch port) {
        AgentPb.PortMatch.Builder b = AgentPb.PortMatch.newBuilder()
                .setProtocol(toProto(port.protocol(), AgentPb.Protocol.class, "PROTOCOL_"));
        if (port.range() != null) {
            b.setRange(AgentPb.PortRange.newBuilder().setFrom(port.range().from()).setTo(port.range().to()));
        }
        return b.build();
    }

    private static PortMatch fromProto(AgentPb.PortMatch port) {
        return new PortMatch(fromProto(port.getProtocol(), Protocol.class, "PROTOCOL_", "protocol"),
                port.hasRange() ? new PortRange(port.getRange().getFrom(), port.getRange().getTo()) : null);
    }

    private static AgentPb.RuleList toProto(List<Rule> rules) {
        AgentPb.RuleList.Builder b = AgentPb.RuleList.newBuilder();
        for (Rule r : rules) {
            b.addRules(AgentPb.Rule.newBuilder().setAction(toProto(r.action()))
                    .addAllPeers(r.peers().stream().map(ProtoModel::toProto).toList())
                    .addAllPorts(r.ports().stream().map(ProtoModel::toProto).toList()));
        }
        return b.build();
    }

    private static List<Rule> fromProto(AgentPb.RuleList rules) {
        return rules.getRulesList().stream().map(r -> new Rule(fromProto(r.getAction()),
                r.getPeersList().stream().map(ProtoModel::fromProto).toList(),
                r.getPortsList().stream().map(ProtoModel::fromProto).toList())).toList();
    }

    public static AgentPb.Policy toProto(Policy policy) {
        AgentPb.Policy.Builder b = AgentPb.Policy.newBuilder().setName(policy.name()).setSelector(toProto(policy.selector()));
        policy.rules(Direction.INGRESS).ifPresent(rules -> b.setIngress(toProto(rules)));
        policy.rules(Direction.EGRESS).ifPresent(rules -> b.setEgress(toProto(rules)));
        return b.build();
    }

    public static Policy fromProto(AgentPb.Policy policy) {
        return new Policy(policy.getName(), fromProto(policy.getSelector()),
                policy.hasIngress() ? fromProto(policy.getIngress()) : null, policy.hasEgress() ? fromProto(policy.getEgress()) : null);
    }

    public static AgentPb.PolicySet toProto(PolicySet set) {
        return AgentPb.PolicySet.newBuilder().addAllPolicies(set.policies().stream().map(ProtoModel::toProto).toList()).build();
    }

    public static PolicySet fromProto(AgentPb.PolicySet set) {
        return new PolicySet(set.getPoliciesList().stream().map(ProtoModel::fromProto).toList());
    }

    // --- desired state and plans ------------------------------------------------------------------------------------

    public static AgentPb.DesiredState toProto(DesiredState state) {
        return AgentPb.DesiredState.newBuilder()
                .addAllEndpoints(state.endpoints().stream().map(ProtoModel::toProto).toList())
                .addAllRoutes(state.routes().stream().map(ProtoModel::toProto).toList())
                .setPolicies(toProto(state.policies()))
                .addAllRemotes(state.remotes().stream().map(ProtoModel::toProto).toList()).build();
    }

    public static DesiredState fromProto(AgentPb.DesiredState state) {
        return new DesiredState(state.getEndpointsList().stream().map(ProtoModel::fromProto).toList(),
                state.getRoutesList().stream().map(ProtoModel::fromProto).toList(), fromProto(state.getPolicies()),
                state.getRemotesList().stream().map(ProtoModel::fromProto).toList());
    }

    public static AgentPb.Plan toProto(Plan plan) {
        AgentPb.Plan.Builder b = AgentPb.Plan.newBuilder().setFrom(toProto(plan.from())).setTo(toProto(plan.to()));
        for (Change<AttachSpec> c : plan.endpoints()) {
            AgentPb.AttachSpecChange.Builder m = AgentPb.AttachSpecChange.newBuilder();
            switch (c) {
                case Change.Add<AttachSpec>(AttachSpec v) -> m.setAdd(toProto(v));
                case Change.Modify<AttachSpec>(AttachSpec before, AttachSpec after) ->
                        m.setModify(AgentPb.AttachSpecModify.newBuilder().setBefore(toProto(before)).setAfter(toProto(after)));
                case Change.Remove<AttachSpec>(AttachSpec v) -> m.setRemove(toProto(v));
            }
            b.addEndpoints(m);
        }
        for (Change<Route> c : plan.routes()) {
            AgentPb.RouteChange.Builder m = AgentPb.RouteChange.newBuilder();
            switch (c) {
                case Change.Add<Route>(Route v) -> m.setAdd(toProto(v));
                case Change.Modify<Route>(Route before, Route after) ->
                        m.setModify(AgentPb.RouteModify.newBuilder().setBefore(toProto(before)).setAfter(toProto(after)));
                case Change.Remove<Route>(Route v) -> m.setRemove(toProto(v));
            }
            b.addRoutes(m);
        }
        for (Change<Policy> c : plan.policies()) {
            AgentPb.PolicyChange.Builder m = AgentPb.PolicyChange.newBuilder();
            switch (c) {
                case Change.Add<Policy>(Policy v) -> m.setAdd(toProto(v));
                case Change.Modify<Policy>(Policy before, Policy after) ->
                        m.setModify(AgentPb.PolicyModify.newBuilder().setBefore(toProto(before)).setAfter(toProto(after)));
                case Change.Remove<Policy>(Policy v) -> m.setRemove(toProto(v));
            }
            b.addPolicies(m);
        }
        for (Change<RemoteEndpoint> c : plan.remotes()) {
            AgentPb.RemoteChange.Builder m = AgentPb.RemoteChange.newBuilder();
            switch (c) {
                case Change.Add<RemoteEndpoint>(RemoteEndpoint v) -> m.setAdd(toProto(v));
                case Change.Modify<RemoteEndpoint>(RemoteEndpoint before, RemoteEndpoint after) ->
                        m.setModify(AgentPb.RemoteModify.newBuilder().setBefore(toProto(before)).setAfter(toProto(after)));
                case Change.Remove<RemoteEndpoint>(RemoteEndpoint v) -> m.setRemove(toProto(v));
            }
            b.addRemotes(m);
        }
        return b.build();
    }

    public static Plan fromProto(AgentPb.Plan plan) {
        List<Change<AttachSpec>> endpoints = new ArrayList<>();
        for (AgentPb.AttachSpecChange c : plan.getEndpointsList()) {
            endpoints.add(switch (c.getChangeCase()) {
                case ADD -> new Change.Add<>(fromProto(c.getAdd()));
                case MODIFY -> new Change.Modify<>(fromProto(c.getModify().getBefore()), fromProto(c.getModify().getAfter()));
                case REMOVE -> new Change.Remove<>(fromProto(c.getRemove()));
                case CHANGE_NOT_SET -> throw unset("endpoints");
            });
        }
        List<Change<Route>> routes = new ArrayList<>();
        for (AgentPb.RouteChange c : plan.getRoutesList()) {
            routes.add(switch (c.getChangeCase()) {
                case ADD -> new Change.Add<>(fromProto(c.getAdd()));
                case MODIFY -> new Change.Modify<>(fromProto(c.getModify().getBefore()), fromProto(c.getModify().getAfter()));
                case REMOVE -> new Change.Remove<>(fromProto(c.getRemove()));
                case CHANGE_NOT_SET -> throw unset("routes");
            });
        }
        List<Change<Policy>> policies = new ArrayList<>();
        for (AgentPb.PolicyChange c : plan.getPoliciesList()) {
            policies.add(switch (c.getChangeCase()) {
                case ADD -> new Change.Add<>(fromProto(c.getAdd()));
                case MODIFY -> new Change.Modify<>(fromProto(c.getModify().getBefore()), fromProto(c.getModify().getAfter()));
                case REMOVE -> new Change.Remove<>(fromProto(c.getRemove()));
                case CHANGE_NOT_SET -> throw unset("policies");
            });
        }
        List<Change<RemoteEndpoint>> remotes = new ArrayList<>();
        for (AgentPb.RemoteChange c : plan.getRemotesList()) {
            remotes.add(switch (c.getChangeCase()) {
                case ADD -> new Change.Add<>(fromProto(c.getAdd()));
                case MODIFY -> new Change.Modify<>(fromProto(c.getModify().getBefore()), fromProto(c.getModify().getAfter()));
                case REMOVE -> new Change.Remove<>(fromProto(c.getRemove()));
                case CHANGE_NOT_SET -> throw unset("remotes");
            });
        }
        return new Plan(fromProto(plan.getFrom()), fromProto(plan.getTo()), endpoints, routes, policies, remotes);
    }

    private static InvalidSpecException unset(String field) {
        return new InvalidSpecException(field, null, "a change must be an add, a modify or a remove");
    }

    // --- stats ----------------------------------------------------------------------------------------------------------

    private static AgentPb.RuleRef toProto(RuleRef ref) {
        return AgentPb.RuleRef.newBuilder().setPolicy(ref.policy()).setDirection(toProto(ref.direction())).setIndex(ref.index()).build();
    }

    private static RuleRef fromProto(AgentPb.RuleRef ref) {
        return new RuleRef(ref.getPolicy(), fromProto(ref.getDirection()), ref.getIndex());
    }

    public static AgentPb.StatsSnapshot toProto(StatsSnapshot snapshot) {
        AgentPb.StatsSnapshot.Builder b = AgentPb.StatsSnapshot.newBuilder().setTakenAt(toProto(snapshot.takenAt()));
        for (EndpointStats e : snapshot.endpoints().values()) {
            AgentPb.EndpointStats.Builder s = AgentPb.EndpointStats.newBuilder().setEndpoint(e.endpoint().value())
                    .setRxPackets(e.rxPackets()).setRxBytes(e.rxBytes()).setTxPackets(e.txPackets()).setTxBytes(e.txBytes());
            e.drops().forEach((reason, packets) -> s.addDrops(AgentPb.DropCount.newBuilder()
                    .setReason(toProto(reason, AgentPb.DropReason.class, "DROP_REASON_")).setPackets(packets)));
            b.addEndpoints(s);
        }
        for (RuleStats r : snapshot.rules().values()) {
            b.addRules(AgentPb.RuleStats.newBuilder().setRule(toProto(r.rule())).setAction(toProto(r.action())).setPackets(r.packets()));
        }
        snapshot.extensions().forEach((name, ext) -> {
            AgentPb.ProviderStats.Builder p = AgentPb.ProviderStats.newBuilder();
            ext.rows().forEach((key, row) -> p.putRows(key, AgentPb.ProviderStatsRow.newBuilder().putAllAttributes(row.attributes())
                    .putAllGauges(row.gauges()).putAllCounters(row.counters()).build()));
            b.putExtensions(name, p.build());
        });
        return b.build();
    }

    public static StatsSnapshot fromProto(AgentPb.StatsSnapshot snapshot) {
        Map<EndpointId, EndpointStats> endpoints = new LinkedHashMap<>();
        for (AgentPb.EndpointStats e : snapshot.getEndpointsList()) {
            Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
            for (AgentPb.DropCount d : e.getDropsList()) {
                drops.put(fromProto(d.getReason(), DropReason.class, "DROP_REASON_", "drops.reason"), d.getPackets());
            }
            EndpointId id = EndpointId.of(e.getEndpoint());
            endpoints.put(id, new EndpointStats(id, e.getRxPackets(), e.getRxBytes(), e.getTxPackets(), e.getTxBytes(), drops));
        }
        Map<RuleRef, RuleStats> rules = new LinkedHashMap<>();
        for (AgentPb.RuleStats r : snapshot.getRulesList()) {
            RuleRef ref = fromProto(r.getRule());
            rules.put(ref, new RuleStats(ref, fromProto(r.getAction()), r.getPackets()));
        }
        Map<String, dev.uniplane.api.ProviderStats> extensions = new LinkedHashMap<>();
        snapshot.getExtensionsMap().forEach((name, ext) -> {
            Map<String, dev.uniplane.api.ProviderStats.Row> rows = new LinkedHashMap<>();
            ext.getRowsMap().forEach((key, row) -> rows.put(key, new dev.uniplane.api.ProviderStats.Row(row.getAttributesMap(),
                    row.getGaugesMap(), row.getCountersMap())));
            extensions.put(name, new dev.uniplane.api.ProviderStats(rows));
        });
        return new StatsSnapshot(fromProto(snapshot.getTakenAt()), endpoints, rules, extensions);
    }

    // --- providers and configuration ------------------------------------------------------------------------------

    public static AgentPb.Capabilities toProto(Capabilities capabilities) {
        AgentPb.Capabilities.Builder b = AgentPb.Capabilities.newBuilder();
        capabilities.values().forEach(c -> b.addValues(toProto(c)));
        return b.build();
    }

    public static Capabilities fromProto(AgentPb.Capabilities capabilities) {
        Set<Capability> values = EnumSet.noneOf(Capability.class);
        capabilities.getValuesList().forEach(c -> values.add(fromProto(c)));
        return new Capabilities(values);
    }

    public static AgentPb.Availability toProto(Availability availability) {
        return AgentPb.Availability.newBuilder().setAvailable(availability.available()).setCause(availability.cause())
                .setHint(availability.hint()).build();
    }

    public static Availability fromProto(AgentPb.Availability availability) {
        return new Availability(availability.getAvailable(), availability.getCause(), availability.getHint());
    }

    public static AgentPb.ProviderStatus toProto(ProviderStatus status) {
        return AgentPb.ProviderStatus.newBuilder().setName(status.name()).setDescription(StringUtils.defaultString(status.description()))
                .setCapabilities(toProto(status.capabilities())).setPriority(status.priority())
                .setAvailability(toProto(status.availability())).build();
    }

    public static ProviderStatus fromProto(AgentPb.ProviderStatus status) {
        return new ProviderStatus(status.getName(), status.getDescription(), fromProto(status.getCapabilities()), status.getPriority(),
                fromProto(status.getAvailability()));
    }

    public static AgentPb.DataplaneConfig toProto(DataplaneConfig config) {
        FlowTimeouts t = config.flowTimeouts();
        AgentPb.DataplaneConfig.Builder b = AgentPb.DataplaneConfig.newBuilder().setName(config.name())
                .setFlowTimeouts(AgentPb.FlowTimeouts.newBuilder().setTcpEstablished(toProto(t.tcpEstablished()))
                        .setTcpOther(toProto(t.tcpOther())).setUdp(toProto(t.udp())).setIcmp(toProto(t.icmp())))
                .putAllOptions(config.options());
        config.providerName().ifPresent(b::setProvider);
        config.hostNetnsPath().ifPresent(b::setHostNetns);
        config.uplinkInterface().ifPresent(b::setUplink);
        return b.build();
    }

    public static DataplaneConfig fromProto(AgentPb.DataplaneConfig config) {
        AgentPb.FlowTimeouts t = config.getFlowTimeouts();
        FlowTimeouts timeouts = config.hasFlowTimeouts()
                ? new FlowTimeouts(fromProto(t.getTcpEstablished()), fromProto(t.getTcpOther()), fromProto(t.getUdp()), fromProto(t.getIcmp()))
                : FlowTimeouts.DEFAULT;
        return new DataplaneConfig(config.hasProvider() ? config.getProvider() : null, config.getName(),
                config.hasHostNetns() ? config.getHostNetns() : null, config.hasUplink() ? config.getUplink() : null, timeouts,
                config.getOptionsMap());
    }

    // --- backend inspection ---------------------------------------------------------------------------------------

    public static AgentPb.BackendView toProto(BackendView view) {
        AgentPb.BackendView.Builder b = AgentPb.BackendView.newBuilder().setProvider(view.provider());
        view.readable().stream().sorted().forEach(a -> b.addReadable(toProto(a, AgentPb.BackendView.Aspect.class, "ASPECT_")));
        view.endpoints().forEach(e -> b.addEndpoints(AgentPb.BackendView.EndpointView.newBuilder().setId(e.id().value())
                .addAllAddresses(addresses(e.addresses())).setHostInterface(e.hostInterface())));
        view.routes().forEach(r -> b.addRoutes(toProto(r)));
        view.remoteAddresses().stream().sorted().forEach(a -> b.addRemoteAddresses(toProto(a)));
        view.policy().forEach(p -> b.addPolicy(AgentPb.BackendView.PolicyEntries.newBuilder().setEndpoint(p.endpoint().value())
                .setDirection(toProto(p.direction())).setIsolated(p.isolated()).setEntries(p.entries())));
        view.countedRules().stream().sorted().forEach(r -> b.addCountedRules(toProto(r)));
        b.addAllUnexplained(view.unexplained());
        return b.build();
    }

    public static BackendView fromProto(AgentPb.BackendView view) {
        Set<BackendView.Aspect> readable = EnumSet.noneOf(BackendView.Aspect.class);
        view.getReadableList().forEach(a -> readable.add(fromProto(a, BackendView.Aspect.class, "ASPECT_", "readable")));
        return new BackendView(view.getProvider(), readable,
                map(view.getEndpointsList(), e -> new BackendView.EndpointView(EndpointId.of(e.getId()),
                        addressesOf(e.getAddressesList()), e.getHostInterface())),
                map(view.getRoutesList(), ProtoModel::fromProto),
                Set.copyOf(addressesOf(view.getRemoteAddressesList())),
                map(view.getPolicyList(), p -> new BackendView.PolicyEntries(EndpointId.of(p.getEndpoint()), fromProto(p.getDirection()),
                        p.getIsolated(), p.getEntries())),
                Set.copyOf(map(view.getCountedRulesList(), ProtoModel::fromProto)),
                view.getUnexplainedList());
    }

    private static <A, B> List<B> map(List<A> values, Function<A, B> f) {
        return values.stream().map(f).toList();
    }
}
