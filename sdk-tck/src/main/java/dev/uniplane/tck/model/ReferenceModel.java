package dev.uniplane.tck.model;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The executable semantics of a Uniplane dataplane: endpoints, remote endpoints, routes and a policy set, and for each
 * {@link Packet} the {@link Verdict} a conforming backend must reach. Mutable and not thread-safe.
 *
 * <h2>Order of evaluation of one packet</h2>
 * <ol>
 * <li>Count it as sent ({@code tx}) by the origin endpoint, whatever happens next.</li>
 * <li>Flow lookup. A packet of a live flow (either direction), or an ICMP error sent to the sender of an embedded
 * packet that belongs to a live flow, is not evaluated against policy and goes straight to routing. A flow that
 * passed under an older {@linkplain #generation() generation} of the policy inputs is first re-checked against the
 * current ones as a new flow (egress at its source endpoint, ingress at the endpoint its opening 5-tuple is routed to
 * now): if they no longer allow it, the flow is forgotten and the packet is evaluated as new in its own direction (no
 * grandfathering). An opening SYN that matches a closing or reset TCP flow also starts afresh.</li>
 * <li>New flow A→B: egress check at A if the packet comes from a local endpoint; a drop here happens before routing.</li>
 * <li>Routing (every packet, tracked or new): longest prefix match over explicit routes and the implicit host routes
 * of attached endpoints; no match, a drop route, or no usable next hop → {@link DropReason#NO_ROUTE}; else a received
 * TTL of 1 or less → {@link DropReason#TTL_EXCEEDED}; else forwarded with the TTL decremented. Local-to-local delivery
 * is routed too, so its TTL is decremented as well.</li>
 * <li>New flow delivered to a local endpoint B (its host route, or a route whose chosen next hop is B): ingress check
 * at B, with the packet's source address as peer.</li>
 * <li>Delivered: counted as received ({@code rx}) by B; a new flow that may be tracked opens a flow (TCP unless the
 * packet is a RST; UDP, SCTP and other protocols; ICMP echo requests — other ICMP messages are evaluated every time and
 * never tracked; ICMP errors never open flows).</li>
 * </ol>
 *
 * <h2>Counters</h2>
 * Per endpoint, from the workload's point of view: {@code tx} counts every packet the workload sent, {@code rx} every
 * packet delivered to it (both with {@link Packet#length()} bytes). A drop is counted at the endpoint on whose behalf it
 * happened: egress-check and routing drops at the source endpoint, ingress-check drops at the destination endpoint;
 * drops of packets from the uplink before any local endpoint is involved are counted nowhere. Per rule: each policy
 * check of a new-flow packet that a rule decided increments that rule's counter (so one packet may count an egress and
 * an ingress rule), also when a later stage drops the packet; which rule decides when several match is the counter
 * attribution rule of {@link PolicyEvaluator}: the matching DENY rule with the smallest {@link dev.uniplane.api.RuleRef}
 * (policy name, then index), else the matching ALLOW rule with the smallest one. Packets of tracked flows and the
 * re-checks after an apply count no rule. Rule counters survive an apply only for policies that are unchanged
 * (equal) in the new set.
 *
 * <h2>Flows</h2>
 * Idle timeouts as {@link FlowTable} documents them (TCP established vs. other states, UDP, ICMP), read from the
 * {@link InstantSource} given at construction (use a {@link ManualClock} in tests).
 *
 * <h2>Identity, receivers and re-checks</h2>
 * The source endpoint of a packet is its {@link Origin}. Anti-spoofing: a packet from an endpoint whose source is
 * neither one of the endpoint's addresses nor inside a prefix routed to that endpoint is dropped with
 * {@link DropReason#INVALID}, counted at the endpoint, before anything else. No identity borrowing: a route to an
 * endpoint must not contain another local endpoint's address unless it is exactly that address's host route (an
 * explicit takeover, as a service chain does), and an address belongs to one endpoint, local or remote; the model
 * refuses both with a ConflictException, as every provider does (SEMANTICS "Identity"). Peers are matched by address: a selector peer through the local or registered remote endpoints owning the address.
 * The policy inputs — and with them the generation — change on an apply of a different set, attach, detach,
 * registering or unregistering a remote endpoint, and any route change (routes decide the receiving endpoint, whose
 * ingress is checked). SEMANTICS requires the re-check after an apply; the model applies the same rule to every
 * change so that a live flow passes only while the current configuration would allow it as a new flow.
 * <p>The ingress check is made at the endpoint that <em>receives</em> the packet: the owner of the destination
 * address through its host route, or the endpoint a route's chosen next hop names (a VNF, for example).
 */
public final class ReferenceModel {
    private static final int MAX_TTL = 255;
    private final EndpointDirectory directory = new EndpointDirectory();
    private final RoutingTable routing = new RoutingTable();
    private final ModelCounters counters = new ModelCounters();
    private final InstantSource clock;
    private final FlowTable flows;
    private PolicySet policies = PolicySet.empty();
    private long generation;

    /** A model with the default timeouts and the system clock. */
    public ReferenceModel() {
        this(FlowTimeouts.DEFAULT, InstantSource.system());
    }

    /** A model with these flow timeouts, reading time (flow expiry, snapshot time) from {@code clock}. */
    public ReferenceModel(FlowTimeouts timeouts, InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.flows = new FlowTable(timeouts, clock);
    }

    /** A model holding a desired state: its endpoints, remote endpoints, routes and policies. */
    public static ReferenceModel of(DesiredState state, FlowTimeouts timeouts, InstantSource clock) {
        ReferenceModel model = new ReferenceModel(timeouts, clock);
        state.endpoints().forEach(model::attach);
        state.remotes().forEach(model::registerRemote);
        model.setRoutes(state.routes());
        model.applyPolicies(state.policies());
        return model;
    }

    public static ReferenceModel of(DesiredState state) {
        return of(state, FlowTimeouts.DEFAULT, InstantSource.system());
    }

    // --- endpoints ------------------------------------------------------------------------------------------

    /**
     * Attaches an endpoint: idempotent for the same spec, {@link dev.uniplane.api.ConflictException} for another spec
     * under the same id or an address another endpoint has. Its host routes exist from now on.
     */
    public void attach(AttachSpec spec) {
        if (!directory.isAttached(spec.id())) {
            directory.refuseIdentityBorrowing(spec, routing.routes());
        }
        if (directory.attach(spec)) {
            counters.attached(spec.id());
            generation++;
        }
    }

    /** Detaches an endpoint with its flows and counters; {@link dev.uniplane.api.NotFoundException} if unknown. */
    public void detach(EndpointId id) {
        directory.detach(id);
        counters.detached(id);
        flows.removeIf(flow -> flow.involves(id));
        generation++;
    }

    public List<AttachSpec> endpoints() {
        return directory.locals();
    }

    /** Registers or updates a remote endpoint, so that peer selectors match its addresses. */
    public void registerRemote(RemoteEndpoint remote) {
        directory.registerRemote(Objects.requireNonNull(remote, "remote"));
        generation++;
    }

    public void unregisterRemote(String id) {
        directory.unregisterRemote(id);
        generation++;
    }

    public List<RemoteEndpoint> remotes() {
        return directory.remotes();
    }

    // --- routes ---------------------------------------------------------------------------------------------

    /** Adds a route; the same route again is a no-op, another route for the prefix a ConflictException. */
    public void addRoute(Route route) {
        directory.refuseIdentityBorrowing(route);
        routing.add(route);
        generation++;
    }

    public void replaceRoute(Route route) {
        directory.refuseIdentityBorrowing(route);
        routing.replace(route);
        generation++;
    }

    public void removeRoute(IpPrefix prefix) {
        routing.remove(prefix);
        generation++;
    }

    /** Replaces every explicit route (at most one per prefix, else IllegalArgumentException and no change). */
    public void setRoutes(List<Route> routes) {
        HashSet<IpPrefix> prefixes = new HashSet<>();
        for (Route route : routes) {
            if (!prefixes.add(route.prefix())) {
                throw new IllegalArgumentException("two routes for " + route.prefix());
            }
            directory.refuseIdentityBorrowing(route);
        }
        routing.clear();
        routes.forEach(routing::replace);
        generation++;
    }

    /** The explicit routes (implicit host routes of endpoints are not listed). */
    public List<Route> routes() {
        return routing.routes();
    }

    // --- policy ---------------------------------------------------------------------------------------------

    /**
     * Replaces the whole policy set. Live flows are re-checked against the new set on their next packet, and stop
     * passing if it denies them.
     */
    public void applyPolicies(PolicySet set) {
        Objects.requireNonNull(set, "policies");
        counters.policiesReplaced(policies, set);
        if (!set.equals(policies)) {
            generation++;
        }
        policies = set;
    }

    public PolicySet policies() {
        return policies;
    }

    /** Advances whenever the policy inputs change (see the class comment); flows remember the one they passed under. */
    public long generation() {
        return generation;
    }

    // --- traffic --------------------------------------------------------------------------------------------

    /**
     * Evaluates one packet in the order of the class comment, updating flows and counters.
     *
     * @throws IllegalArgumentException when the packet comes from an endpoint that is not attached
     */
    public Verdict evaluate(Packet packet) {
        Optional<EndpointId> source = packet.origin().endpoint();
        source.ifPresent(id -> {
            if (!directory.isAttached(id)) {
                throw new IllegalArgumentException("packet from endpoint " + id + ", which is not attached: " + packet);
            }
            counters.transmitted(id, packet.length());
        });
        if (source.isPresent() && !maySendFrom(source.get(), packet.source())) {
            counters.dropped(source.get(), DropReason.INVALID);
            return new Verdict(Optional.of(DropReason.INVALID), FlowMatch.NEW, Optional.empty(), Optional.empty(), Optional.empty());
        }
        Optional<TrackedPacket> tracked = trackedFlowOf(packet);
        return tracked.isPresent() ? passTracked(packet, source, tracked.get()) : evaluateNew(packet, source);
    }

    /** Its own addresses, and addresses in prefixes routed to it (a router or VNF answers for them). */
    private boolean maySendFrom(EndpointId endpoint, IpAddress source) {
        if (directory.local(endpoint).orElseThrow().addresses().contains(source)) {
            return true;
        }
        return routing.routes().stream().anyMatch(r -> r.prefix().contains(source) && r.nextHops().stream()
                .anyMatch(h -> h instanceof dev.uniplane.api.NextHop.ToEndpoint t && t.endpoint().equals(endpoint)));
    }

    /** The routing outcome of a packet, without touching flows or counters. */
    public RouteDecision route(Packet packet) {
        return routing.decide(packet.destination(), packet.flowKey(), packet.ttl(), directory);
    }

    /**
     * The outcome of one policy check for a new flow, without touching flows or counters.
     *
     * @param endpoint        an attached endpoint
     * @param direction       EGRESS (peer = destination) or INGRESS (peer = source)
     * @param peer            the address on the other side
     * @param protocol        IANA protocol number
     * @param destinationPort destination port (0 for portless protocols)
     */
    public PolicyCheck check(EndpointId endpoint, Direction direction, IpAddress peer, int protocol, int destinationPort) {
        if (!directory.isAttached(endpoint)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not attached");
        }
        return PolicyEvaluator.check(policies, directory, endpoint, direction, peer, protocol, destinationPort);
    }

    /** The live flows. */
    public List<Flow> flows() {
        return flows.liveFlows();
    }

    /** Every counter now, as a backend reports them. */
    public StatsSnapshot stats() {
        return counters.snapshot(clock.instant(), policies);
    }

    public FlowTimeouts timeouts() {
        return flows.timeouts();
    }

    // --- internals ------------------------------------------------------------------------------------------

    /** A live, still-allowed flow a packet belongs to, and how. */
    private record TrackedPacket(Flow flow, FlowMatch match) {
    }

    private Optional<TrackedPacket> trackedFlowOf(Packet packet) {
        IcmpKind icmp = packet.icmpKind();
        if (icmp == IcmpKind.ERROR) {
            // As Linux conntrack: an error is related only when sent to the sender of the embedded packet.
            FlowKey original = packet.icmp().original();
            return packet.destination().equals(original.source())
                    ? stillAllowed(flows.find(original), FlowMatch.RELATED) : Optional.empty();
        }
        if (icmp == IcmpKind.OTHER) {
            return Optional.empty();
        }
        Optional<FlowTable.Match> found = flows.find(packet.flowKey());
        if (found.isPresent() && !found.get().reply() && packet.tcpFlags() != null && packet.tcpFlags().isInitialSyn()
                && found.get().flow().tcpState().map(TcpState::isTerminating).orElse(false)) {
            flows.remove(found.get().flow().key());
            return Optional.empty();
        }
        return stillAllowed(found, found.map(m -> m.reply() ? FlowMatch.REPLY : FlowMatch.ORIGINAL).orElse(null));
    }

    private Optional<TrackedPacket> stillAllowed(Optional<FlowTable.Match> found, FlowMatch match) {
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Flow flow = found.get().flow();
        if (flow.generation() != generation) {
            Optional<Flow> rechecked = recheck(flow);
            if (rechecked.isEmpty()) {
                flows.remove(flow.key());
                return Optional.empty();
            }
            flow = rechecked.get();
            flows.put(flow);
        }
        return Optional.of(new TrackedPacket(flow, match));
    }

    /**
     * The flow re-checked against the current policy inputs as a new flow (egress at its source endpoint, ingress at
     * the endpoint its opening direction is now routed to), or empty when they no longer allow it.
     */
    private Optional<Flow> recheck(Flow flow) {
        FlowKey key = flow.key();
        boolean egressAllows = flow.sourceEndpoint()
                .map(id -> check(id, Direction.EGRESS, key.destination(), key.protocol(), key.policyPort()).allows())
                .orElse(true);
        Optional<EndpointId> target = routing.decide(key.destination(), key, MAX_TTL, directory)
                instanceof RouteDecision.LocalDelivery local ? Optional.of(local.endpoint()) : Optional.empty();
        boolean ingressAllows = target
                .map(id -> check(id, Direction.INGRESS, key.source(), key.protocol(), key.policyPort()).allows())
                .orElse(true);
        return egressAllows && ingressAllows ? Optional.of(flow.rechecked(generation, target)) : Optional.empty();
    }

    private Verdict passTracked(Packet packet, Optional<EndpointId> source, TrackedPacket tracked) {
        RouteDecision route = route(packet);
        if (!route.forwarded()) {
            return dropped(route.dropReason().orElseThrow(), source, tracked.match(), Optional.empty(), Optional.empty(), route);
        }
        deliver(packet, route);
        if (tracked.match() != FlowMatch.RELATED) {
            flows.put(tracked.flow().seen(clock.instant(), tracked.match() == FlowMatch.ORIGINAL, packet.tcpFlags()));
        }
        return new Verdict(Optional.empty(), tracked.match(), Optional.empty(), Optional.empty(), Optional.of(route));
    }

    private Verdict evaluateNew(Packet packet, Optional<EndpointId> source) {
        FlowKey key = packet.flowKey();
        Optional<PolicyCheck> egress = source.map(id -> check(id, Direction.EGRESS, key.destination(), key.protocol(), key.policyPort()));
        egress.flatMap(PolicyCheck::rule).ifPresent(counters::ruleDecided);
        if (egress.isPresent() && !egress.get().allows()) {
            counters.dropped(source.orElseThrow(), egress.get().outcome().dropReason().orElseThrow());
            return new Verdict(egress.get().outcome().dropReason(), FlowMatch.NEW, egress, Optional.empty(), Optional.empty());
        }
        RouteDecision route = route(packet);
        if (!route.forwarded()) {
            return dropped(route.dropReason().orElseThrow(), source, FlowMatch.NEW, egress, Optional.empty(), route);
        }
        Optional<EndpointId> target = route instanceof RouteDecision.LocalDelivery local
                ? Optional.of(local.endpoint()) : Optional.empty();
        Optional<PolicyCheck> ingress = target.map(id -> check(id, Direction.INGRESS, key.source(), key.protocol(), key.policyPort()));
        ingress.flatMap(PolicyCheck::rule).ifPresent(counters::ruleDecided);
        if (ingress.isPresent() && !ingress.get().allows()) {
            return dropped(ingress.get().outcome().dropReason().orElseThrow(), target, FlowMatch.NEW, egress, ingress, route);
        }
        deliver(packet, route);
        openFlow(packet, source, target);
        return new Verdict(Optional.empty(), FlowMatch.NEW, egress, ingress, Optional.of(route));
    }

    private Verdict dropped(DropReason reason, Optional<EndpointId> chargedTo, FlowMatch match, Optional<PolicyCheck> egress,
                            Optional<PolicyCheck> ingress, RouteDecision route) {
        chargedTo.ifPresent(id -> counters.dropped(id, reason));
        return new Verdict(Optional.of(reason), match, egress, ingress, Optional.of(route));
    }

    private void deliver(Packet packet, RouteDecision route) {
        if (route instanceof RouteDecision.LocalDelivery local) {
            counters.received(local.endpoint(), packet.length());
        }
    }

    private void openFlow(Packet packet, Optional<EndpointId> source, Optional<EndpointId> target) {
        IcmpKind icmp = packet.icmpKind();
        if (icmp != null && icmp != IcmpKind.ECHO_REQUEST) {
            return;
        }
        Optional<TcpState> state = Optional.empty();
        if (packet.tcpFlags() != null) {
            state = TcpState.opening(packet.tcpFlags());
            if (state.isEmpty()) {
                return;
            }
        }
        flows.put(new Flow(packet.flowKey(), state, clock.instant(), generation, source, target));
    }
}
