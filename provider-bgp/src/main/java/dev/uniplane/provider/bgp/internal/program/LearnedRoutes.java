package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerStatus;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the best paths GoBGP learned from peers into the node namespace's kernel FIB, at
 * {@link FibRoutes#LEARNED_METRIC} (so the user's routes, at a lower metric, win for the same prefix). GoBGP's
 * WatchEvent thread only queues events ({@link #submit}); one writer thread drains everything queued, keeps the last
 * state per prefix (a burst of 100k paths becomes one pass) and writes it with batched netlink requests (one REPLACE
 * batch, one DELETE batch). While events trickle in (one per path) the writer gathers them for up to a few
 * milliseconds, so it writes a few large batches rather than many tiny ones. Each event lists, per prefix, its
 * complete current set of best paths (with multipath: all equal ones), so the next hops of a prefix are replaced,
 * never merged; a prefix whose paths are all withdrawn is deleted.
 *
 * <p>Each installed next hop remembers the neighbor it was learned from. When a neighbor's session leaves ESTABLISHED
 * ({@link #peerChanged}) and routes are not kept on session loss, that neighbor's next hops are taken off every prefix
 * at once, in queue order with the path events: a prefix left without hops is deleted, one with other neighbors' hops
 * keeps those (ECMP shrinks), and withdrawals of those paths arriving afterwards find nothing left to do. (GoBGP 3.10
 * queues a peer's state change behind the withdrawal events of all its paths, so the caller reports the loss from
 * sources that come sooner: a stream of session events of its own, and the kernel's close of the session's TCP
 * connection.) With graceful restart ({@code keepOnSessionLoss}) nothing happens
 * on session loss: GoBGP keeps the peer's paths as stale and withdraws them itself when the restart timer ends.
 *
 * <p>After a restart the routes already in the kernel are {@link #adopt adopted} as stale: they keep forwarding until
 * an event refreshes them or {@link #sweepStale} removes those that were not refreshed (graceful restart). Their
 * neighbor is unknown, so a session loss never removes them.
 */
public final class LearnedRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LearnedRoutes.class);
    /**
     * How long the writer waits for more once the queue is empty, and at most since the first item it took. GoBGP sends
     * one event per path (~30k/s in a burst): without gathering, the writer wakes for a handful of events at a time and
     * writes tiny netlink batches; with it a burst becomes batches of thousands, while a single route change still
     * lands within a few milliseconds.
     */
    private static final Duration GATHER_QUIET = Duration.ofMillis(1);
    private static final long GATHER_MAX_NANOS = Duration.ofMillis(5).toNanos();
    /** Bounds the neighbor-string cache (neighbors are few; this only guards against a daemon that names them oddly). */
    private static final int MAX_CACHED_NEIGHBORS = 1024;
    private final RtNetlink fib;
    private final int linkLocalIfindex;
    private final boolean keepOnSessionLoss;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    /** What the kernel holds for each learned prefix: the next hops written last, with the neighbors they came from. */
    private final Map<IpPrefix, Learned> installed = new ConcurrentHashMap<>();
    private final Set<IpPrefix> stale = ConcurrentHashMap.newKeySet();
    /** Per neighbor (as {@link #neighborKey}), whether its last reported state was ESTABLISHED; guarded by {@code this}. */
    private final Map<Object, Boolean> established = new ConcurrentHashMap<>();
    /** Neighbor strings parsed so far; the writer thread's. */
    private final Map<String, Object> neighborKeys = new HashMap<>();
    private final Thread writer;
    private volatile boolean closed;
    private volatile long written;

    /** What the writer thread applies, in queue order. */
    private sealed interface Item {
    }

    /** The paths of one WatchEvent. */
    private record Paths(List<BgpRoute> paths) implements Item {
    }

    /** A neighbor's session left ESTABLISHED: its next hops go. */
    private record SessionLost(Object neighbor, String address) implements Item {
    }

    /** Every learned route goes. */
    private record Flush() implements Item {
    }

    /** One next hop of a prefix and the neighbor it was learned from ({@code null}: unknown, an adopted route). */
    private record Hop(IpAddress address, Object neighbor) {
    }

    /** A prefix's paths and the distinct next hops they give the kernel, in order. */
    private record Learned(List<IpAddress> hops, List<Hop> paths) {
        static final Learned NONE = new Learned(List.of(), List.of());

        static Learned of(List<Hop> paths) {
            if (paths.isEmpty()) {
                return NONE;
            }
            if (paths.size() == 1) {
                return new Learned(List.of(paths.getFirst().address()), List.copyOf(paths));
            }
            return new Learned(List.copyOf(new LinkedHashSet<>(paths.stream().map(Hop::address).toList())), List.copyOf(paths));
        }

        /** Without the paths of {@code neighbor}; this same object when it has none. */
        Learned without(Object neighbor) {
            if (paths.stream().noneMatch(h -> neighbor.equals(h.neighbor()))) {
                return this;
            }
            return of(paths.stream().filter(h -> !neighbor.equals(h.neighbor())).toList());
        }
    }

    /**
     * @param fib               a netlink socket of the node namespace, used only by the writer thread (and owned: closed
     *                          by {@link #close()})
     * @param linkLocalIfindex  the interface link-local next hops are reached through (the uplink), 0 for none
     * @param keepOnSessionLoss keep a neighbor's routes when its session goes down (graceful restart: GoBGP keeps them
     *                          stale and withdraws them itself when the restart timer ends)
     */
    public LearnedRoutes(RtNetlink fib, int linkLocalIfindex, String name, boolean keepOnSessionLoss) {
        this.fib = fib;
        this.linkLocalIfindex = linkLocalIfindex;
        this.keepOnSessionLoss = keepOnSessionLoss;
        this.writer = Thread.ofPlatform().daemon().name("bgp-fib-" + name).unstarted(this::drain);
    }

    /** Starts the writer thread. */
    public LearnedRoutes start() {
        writer.start();
        return this;
    }

    /** Queues the paths of one WatchEvent (called on the gRPC thread; never blocks). */
    public void submit(List<BgpRoute> paths) {
        if (!paths.isEmpty() && !closed) {
            queue.add(new Paths(List.copyOf(paths)));
        }
    }

    /** Queues the removal of every learned route (the daemon is gone and graceful restart is off). */
    public void flush() {
        queue.add(new Flush());
    }

    /** Takes the learned routes a previous process left in the kernel, as stale, until refreshed or swept. */
    public void adopt() {
        for (int af : List.of(RtNetlink.AF_INET, RtNetlink.AF_INET6)) {
            for (RouteInfo r : fib.routes(af, RouteSpec.TABLE_MAIN)) {
                if (r.protocol() == FibRoutes.PROTO_BGP && r.priority() == FibRoutes.LEARNED_METRIC) {
                    List<IpAddress> hops = r.nextHops().isEmpty()
                            ? (r.gateway() == null ? List.of() : List.of(r.gateway()))
                            : r.nextHops().stream().map(h -> h.gateway()).filter(java.util.Objects::nonNull).toList();
                    installed.put(r.destination(), Learned.of(hops.stream().map(h -> new Hop(h, null)).toList()));
                    stale.add(r.destination());
                }
            }
        }
        if (!stale.isEmpty()) {
            LOG.info("adopted {} learned routes as stale until the sessions refresh them", stale.size());
        }
    }

    /** Deletes the adopted routes that no event has refreshed since {@link #adopt}. */
    public void sweepStale() {
        List<BgpRoute> withdrawals = new ArrayList<>();
        for (IpPrefix prefix : List.copyOf(stale)) {
            IpAddress none = prefix.family() == IpFamily.IPV4 ? IpAddress.ofV4(0) : IpAddress.ofV6(0, 0);
            withdrawals.add(new BgpRoute(prefix, none, List.of(), "stale", false, true));
        }
        submit(withdrawals);
    }

    /**
     * Marks every learned route in the kernel stale: they keep forwarding until an event refreshes them or
     * {@link #sweepStale} removes the rest (the daemon restarted with graceful restart and learns them again).
     */
    public void markStale() {
        stale.addAll(installed.keySet());
    }

    /**
     * A neighbor's session state changed (from gobgpd's session stream, or from the kernel when the session's TCP
     * connection closed; never blocks; a repeated "down" is ignored). When it leaves ESTABLISHED and routes are not
     * kept on session loss, the removal of every next hop learned from it is queued behind the paths already queued.
     */
    public synchronized void peerChanged(BgpPeerStatus peer) {
        if (keepOnSessionLoss || closed) {
            return;
        }
        Object neighbor = parseNeighbor(peer.address());
        Boolean was = established.put(neighbor, peer.established());
        // unknown before counts as established: a down state seen first may follow a session this stream never showed
        if (!peer.established() && !Boolean.FALSE.equals(was)) {
            queue.add(new SessionLost(neighbor, peer.address()));
        }
    }

    /** The learned routes in the kernel now: prefix to next hops. */
    public Map<IpPrefix, List<IpAddress>> installed() {
        Map<IpPrefix, List<IpAddress>> hops = new HashMap<>(installed.size() * 2);
        installed.forEach((prefix, learned) -> hops.put(prefix, learned.hops()));
        return Map.copyOf(hops);
    }

    /** How many route writes (replace or delete) the writer has done. */
    public long written() {
        return written;
    }

    /** True when nothing is queued (the writer may still be writing the last batch). */
    public boolean idle() {
        return queue.isEmpty();
    }

    private void drain() {
        List<Item> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
                gather(batch);
            } catch (InterruptedException e) {
                return;
            }
            try {
                write(batch);
            } catch (RuntimeException e) {
                LOG.error("writing learned routes failed: {}", e.toString());
            }
            batch.clear();
        }
    }

    /** Keeps draining until nothing came during {@link #GATHER_QUIET} or {@link #GATHER_MAX_NANOS} have passed. */
    private void gather(List<Item> batch) throws InterruptedException {
        long until = System.nanoTime() + GATHER_MAX_NANOS;
        while (!closed && System.nanoTime() - until < 0) {
            queue.drainTo(batch);
            Thread.sleep(GATHER_QUIET);
            if (queue.isEmpty()) {
                return;
            }
        }
        queue.drainTo(batch);
    }

    private void write(List<Item> items) {
        // Items apply in order; the last word per prefix wins; a flush empties everything queued before it.
        Map<IpPrefix, Learned> next = new LinkedHashMap<>();
        for (Item item : items) {
            switch (item) {
                case Flush f -> {
                    next.clear();
                    installed.keySet().forEach(p -> next.put(p, Learned.NONE));
                }
                case SessionLost lost -> sessionLost(lost, next);
                case Paths event -> {
                    Map<IpPrefix, Set<Hop>> byPrefix = new LinkedHashMap<>();
                    for (BgpRoute path : event.paths()) {
                        Set<Hop> hops = byPrefix.computeIfAbsent(path.prefix(), p -> new LinkedHashSet<>());
                        if (!path.withdrawal() && !(path.nextHop().high() == 0 && path.nextHop().low() == 0) && !isLocal(path)) {
                            hops.add(new Hop(path.nextHop(), neighborKey(path.neighbor())));
                        }
                    }
                    byPrefix.forEach((prefix, hops) -> next.put(prefix, Learned.of(List.copyOf(hops))));
                }
            }
        }
        List<RouteSpec> replace = new ArrayList<>();
        List<RouteSpec> delete = new ArrayList<>();
        List<IpPrefix> deleted = new ArrayList<>();
        next.forEach((prefix, learned) -> {
            stale.remove(prefix);
            Learned now = installed.get(prefix);
            if (learned.hops().isEmpty()) {
                if (now != null) {
                    delete.add(FibRoutes.learnedSelector(prefix));
                    deleted.add(prefix);
                }
            } else if (now == null || !learned.hops().equals(now.hops())) {
                replace.add(FibRoutes.learned(prefix, learned.hops(), linkLocalIfindex));
            }
        });
        program(RouteOperation.REPLACE, replace);
        program(RouteOperation.DELETE, delete);
        deleted.forEach(installed::remove);
        next.forEach((prefix, learned) -> {
            if (!learned.hops().isEmpty()) {
                installed.put(prefix, learned);
            }
        });
    }

    /** Takes the neighbor's next hops off every prefix, over what {@code next} has computed so far. */
    private void sessionLost(SessionLost lost, Map<IpPrefix, Learned> next) {
        int affected = 0;
        for (Map.Entry<IpPrefix, Learned> e : next.entrySet()) {
            Learned rest = e.getValue().without(lost.neighbor());
            if (rest != e.getValue()) {
                e.setValue(rest);
                affected++;
            }
        }
        for (Map.Entry<IpPrefix, Learned> e : installed.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                Learned rest = e.getValue().without(lost.neighbor());
                if (rest != e.getValue()) {
                    next.put(e.getKey(), rest);
                    affected++;
                }
            }
        }
        if (affected > 0) {
            LOG.info("session with {} lost: its next hops leave {} learned prefixes", lost.address(), affected);
        }
    }

    /** One batch; when the kernel refuses one route, the rest are written one by one so that one bad path costs only itself. */
    private void program(RouteOperation op, List<RouteSpec> routes) {
        if (routes.isEmpty()) {
            return;
        }
        try {
            fib.programRoutes(op, routes);
        } catch (LinuxException batchFailed) {
            for (RouteSpec r : routes) {
                try {
                    fib.programRoutes(op, List.of(r));
                } catch (LinuxException e) {
                    if (op != RouteOperation.DELETE) {
                        LOG.warn("cannot install learned route {}: {}", r, e.getMessage());
                    }
                }
            }
        }
        written += routes.size();
    }

    /** The neighbor as an address when it parses (so "::1" spellings match), else as its string; cached. */
    private Object neighborKey(String neighbor) {
        Object key = neighborKeys.get(neighbor);
        if (key == null) {
            if (neighborKeys.size() >= MAX_CACHED_NEIGHBORS) {
                neighborKeys.clear();
            }
            key = parseNeighbor(neighbor);
            neighborKeys.put(neighbor, key);
        }
        return key;
    }

    private static Object parseNeighbor(String neighbor) {
        try {
            return IpAddress.parse(neighbor);
        } catch (RuntimeException notAnAddress) {
            return neighbor;
        }
    }

    private static boolean isLocal(BgpRoute path) {
        String n = path.neighbor();
        return n.isEmpty() || n.equals("<nil>") || n.equals("0.0.0.0") || n.equals("::");
    }

    /** Stops the writer and closes its netlink socket (what is queued is dropped; the kernel keeps what was written). */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fib.close();
    }
}
