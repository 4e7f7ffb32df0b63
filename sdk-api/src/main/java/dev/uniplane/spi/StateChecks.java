package dev.uniplane.spi;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The checks of {@link AbstractDataplane} that need the current state (who owns an address, what routes exist, which
 * namespace the dataplane runs in), and the null checks of its arguments. Each fails before any backend write.
 */
final class StateChecks {
    private static final Path JVM_NETNS = Path.of("/proc/self/ns/net");

    private StateChecks() {
    }

    /** A {@code null} argument is invalid input: {@link InvalidSpecException} naming the parameter. */
    static <T> T argument(String parameter, T value) {
        if (value == null) {
            throw new InvalidSpecException(parameter, null, "must not be null");
        }
        return value;
    }

    /** A list argument that is not null and holds no null element. */
    static <T> List<T> elements(String parameter, List<T> values) {
        argument(parameter, values);
        for (int i = 0; i < values.size(); i++) {
            argument(parameter + "[" + i + "]", values.get(i));
        }
        return List.copyOf(values);
    }

    /** One batch cannot both upsert and remove a prefix: which one should win is not the caller's to leave open. */
    static void notUpsertedAndRemoved(List<Route> upserts, List<IpPrefix> removals) {
        for (int i = 0; i < removals.size(); i++) {
            for (int j = 0; j < upserts.size(); j++) {
                if (upserts.get(j).prefix().equals(removals.get(i))) {
                    throw new InvalidSpecException("removals[" + i + "]", removals.get(i), "is also upserted in the same batch (upserts["
                            + j + "]); replace or remove it, not both");
                }
            }
        }
    }

    /** A route to endpoint E needs E to have an address of the route's family (E can neither answer nor be reached otherwise). */
    static void hasAddressOfFamily(Route route, Endpoint endpoint) {
        if (endpoint.spec().address(route.prefix().family()).isEmpty()) {
            throw new ConflictException("nextHops.endpoint=" + endpoint.id() + ": route " + route.prefix() + " names endpoint "
                    + endpoint.id() + ", which has no " + route.prefix().family() + " address");
        }
    }

    /**
     * A workload namespace must be a network namespace and not the one the dataplane itself runs in (its node: the
     * configured host netns, else the JVM's), nor the JVM's own: attach would put a default route into it. Namespaces
     * are compared by identity (device and inode of the nsfs file), so any path to the same namespace is caught. A
     * path that does not exist or cannot be read is left to the provider, which reports it.
     */
    static void workloadNamespace(DataplaneConfig config, String netns) {
        Path path = Path.of(netns);
        Map<String, Object> workload = identity(path);
        Map<String, Object> jvm = identity(JVM_NETNS);
        if (workload == null || jvm == null) {
            return;
        }
        if (Files.isDirectory(path) || !workload.get("dev").equals(jvm.get("dev"))) {
            throw new InvalidSpecException("netns", netns, (Files.isDirectory(path) ? "is a directory" : "is a regular file")
                    + ", not a network namespace (expected /run/netns/NAME or /proc/PID/ns/net)");
        }
        if (workload.equals(jvm)) {
            throw new InvalidSpecException("netns", netns, "is the network namespace of this JVM; a workload needs a namespace of its own");
        }
        if (config.hostNetnsPath().isPresent() && workload.equals(identity(Path.of(config.hostNetns())))) {
            throw new InvalidSpecException("netns", netns, "is the dataplane's node namespace (DataplaneConfig.hostNetns "
                    + config.hostNetns() + "); a workload needs a namespace of its own");
        }
    }

    /**
     * A kernel-interface endpoint (every kind but MEMIF and VHOST_USER) gets the default route of each of its families
     * in its namespace, so two of them cannot share a namespace and a family: refused up front, naming the namespace
     * and the endpoint already there, instead of the kernel's EEXIST on the second default route.
     */
    static void oneKernelInterfacePerNamespaceAndFamily(AttachSpec spec, AttachKind kind, Collection<Endpoint> endpoints) {
        if (!isKernelInterface(kind)) {
            return;
        }
        Map<String, Object> namespace = identity(Path.of(spec.netns()));
        for (Endpoint other : endpoints) {
            boolean sameNamespace = other.spec().netns().equals(spec.netns())
                    || namespace != null && namespace.equals(identity(Path.of(other.spec().netns())));
            if (sameNamespace && isKernelInterface(other.kind())) {
                for (IpAddress address : spec.addresses()) {
                    if (other.spec().address(address.family()).isPresent()) {
                        throw new ConflictException("namespace " + spec.netns() + " of endpoint " + spec.id() + " already holds endpoint "
                                + other.id() + " (" + other.spec().netns() + "), whose " + address.family()
                                + " default route is there; attach each workload in a namespace of its own");
                    }
                }
            }
        }
    }

    private static boolean isKernelInterface(AttachKind kind) {
        return kind != AttachKind.MEMIF && kind != AttachKind.VHOST_USER;
    }

    private static Map<String, Object> identity(Path path) {
        try {
            return Files.readAttributes(path, "unix:dev,ino");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * An address is owned by one endpoint, local or remote: {@code owner} ("endpoint w1", "remote endpoint r1") may
     * not take an address a local endpoint or another remote endpoint has. {@code remoteId} is the remote being
     * registered (its own earlier registration does not count), or null.
     */
    static void addressIsFree(String owner, IpAddress address, Collection<Endpoint> endpoints, Collection<RemoteEndpoint> remotes,
                              String remoteId) {
        for (Endpoint e : endpoints) {
            if (e.spec().addresses().contains(address)) {
                throw new ConflictException("address " + address + " of " + owner + " already belongs to endpoint " + e.id());
            }
        }
        for (RemoteEndpoint r : remotes) {
            if (!r.id().equals(remoteId) && r.addresses().contains(address)) {
                throw new ConflictException("address " + address + " of " + owner + " already belongs to remote endpoint " + r.id());
            }
        }
    }

    /**
     * Identity borrowing: a route to endpoint E lets E receive and send from every address of its prefix, so its prefix
     * must not contain another local endpoint's address, unless it is exactly that address's host route (an explicit
     * takeover, as a service chain does: visible in {@code routes()} and over once the route is removed).
     */
    static void noIdentityBorrowing(Route route, Collection<Endpoint> endpoints) {
        for (NextHop hop : route.nextHops()) {
            if (hop instanceof NextHop.ToEndpoint to) {
                for (Endpoint other : endpoints) {
                    if (!other.id().equals(to.endpoint())) {
                        for (IpAddress address : other.spec().addresses()) {
                            refuseCover(route, to.endpoint(), other.id(), address);
                        }
                    }
                }
            }
        }
    }

    /** The same rule when endpoint {@code id} is attached with {@code address} while routes exist. */
    static void noRouteBorrows(EndpointId id, IpAddress address, Collection<Route> routes) {
        for (Route route : routes) {
            for (NextHop hop : route.nextHops()) {
                if (hop instanceof NextHop.ToEndpoint to && !to.endpoint().equals(id)) {
                    refuseCover(route, to.endpoint(), id, address);
                }
            }
        }
    }

    private static void refuseCover(Route route, EndpointId nextHop, EndpointId owner, IpAddress address) {
        if (route.prefix().contains(address) && !route.prefix().equals(IpPrefix.host(address))) {
            throw new ConflictException("route " + route.prefix() + " to endpoint " + nextHop + " contains " + address
                    + " of endpoint " + owner + " and would let " + nextHop + " use its identity; only the exact host route "
                    + IpPrefix.host(address) + " may take an endpoint's address over");
        }
    }
}
