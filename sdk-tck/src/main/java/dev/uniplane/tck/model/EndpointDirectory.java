package dev.uniplane.tck.model;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Local endpoints and registered remote endpoints, and who owns an address (the identities peer selectors see). */
final class EndpointDirectory {
    private final Map<EndpointId, AttachSpec> locals = new TreeMap<>();
    private final Map<String, RemoteEndpoint> remotes = new TreeMap<>();

    /** True when newly attached; false when the same spec was already attached (idempotent). */
    boolean attach(AttachSpec spec) {
        AttachSpec existing = locals.get(spec.id());
        if (existing != null) {
            if (existing.equals(spec)) {
                return false;
            }
            throw new ConflictException("endpoint " + spec.id() + " is attached with another spec");
        }
        for (IpAddress address : spec.addresses()) {
            localAt(address).ifPresent(owner -> {
                throw new ConflictException("address " + address + " of " + spec.id() + " belongs to endpoint " + owner);
            });
            remoteAt(address, null).ifPresent(owner -> {
                throw new ConflictException("address " + address + " of " + spec.id() + " belongs to remote endpoint " + owner);
            });
        }
        locals.put(spec.id(), spec);
        return true;
    }

    AttachSpec detach(EndpointId id) {
        AttachSpec removed = locals.remove(id);
        if (removed == null) {
            throw new NotFoundException("endpoint " + id + " is not attached");
        }
        return removed;
    }

    /** Registers or updates a remote; an address owned by a local endpoint or another remote is a ConflictException. */
    void registerRemote(RemoteEndpoint remote) {
        for (IpAddress address : remote.addresses()) {
            localAt(address).ifPresent(owner -> {
                throw new ConflictException("address " + address + " of remote " + remote.id() + " belongs to endpoint " + owner);
            });
            remoteAt(address, remote.id()).ifPresent(owner -> {
                throw new ConflictException("address " + address + " of remote " + remote.id() + " belongs to remote endpoint " + owner);
            });
        }
        remotes.put(remote.id(), remote);
    }

    private Optional<String> remoteAt(IpAddress address, String except) {
        return remotes.values().stream().filter(r -> !r.id().equals(except) && r.addresses().contains(address))
                .map(RemoteEndpoint::id).findFirst();
    }

    /**
     * No identity borrowing: a route to endpoint E lets E receive and send from its prefix, so the prefix may contain
     * another local endpoint's address only when it is exactly that address's host route (an explicit takeover). And
     * an attached E must have an address of the route's family.
     */
    void refuseIdentityBorrowing(Route route) {
        for (NextHop hop : route.nextHops()) {
            if (hop instanceof NextHop.ToEndpoint to) {
                AttachSpec target = locals.get(to.endpoint());
                if (target != null && target.address(route.prefix().family()).isEmpty()) {
                    throw new ConflictException("route " + route.prefix() + " names endpoint " + to.endpoint() + ", which has no "
                            + route.prefix().family() + " address");
                }
                for (AttachSpec other : locals.values()) {
                    if (!other.id().equals(to.endpoint())) {
                        other.addresses().forEach(a -> refuseCover(route, to.endpoint(), other.id(), a));
                    }
                }
            }
        }
    }

    /** The same rule for an endpoint attached while {@code routes} exist. */
    void refuseIdentityBorrowing(AttachSpec spec, List<Route> routes) {
        for (Route route : routes) {
            for (NextHop hop : route.nextHops()) {
                if (hop instanceof NextHop.ToEndpoint to && !to.endpoint().equals(spec.id())) {
                    spec.addresses().forEach(a -> refuseCover(route, to.endpoint(), spec.id(), a));
                }
            }
        }
    }

    private static void refuseCover(Route route, EndpointId nextHop, EndpointId owner, IpAddress address) {
        if (route.prefix().contains(address) && !route.prefix().equals(IpPrefix.host(address))) {
            throw new ConflictException("route " + route.prefix() + " to " + nextHop + " contains " + address + " of endpoint " + owner);
        }
    }

    void unregisterRemote(String id) {
        if (remotes.remove(id) == null) {
            throw new NotFoundException("remote endpoint " + id + " is not registered");
        }
    }

    List<AttachSpec> locals() {
        return List.copyOf(locals.values());
    }

    List<RemoteEndpoint> remotes() {
        return List.copyOf(remotes.values());
    }

    Optional<AttachSpec> local(EndpointId id) {
        return Optional.ofNullable(locals.get(id));
    }

    boolean isAttached(EndpointId id) {
        return locals.containsKey(id);
    }

    Optional<EndpointId> localAt(IpAddress address) {
        return locals.values().stream().filter(s -> s.addresses().contains(address)).map(AttachSpec::id).findFirst();
    }

    /** The labels of every endpoint, local or registered remote, that has this address (empty for an unknown one). */
    List<Labels> identitiesAt(IpAddress address) {
        List<Labels> identities = new ArrayList<>();
        locals.values().stream().filter(s -> s.addresses().contains(address)).forEach(s -> identities.add(s.labels()));
        remotes.values().stream().filter(r -> r.addresses().contains(address)).forEach(r -> identities.add(r.labels()));
        return identities;
    }
}
