package dev.uniplane.provider.ebpf.internal.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What an eBPF dataplane must remember to adopt its pinned maps after a restart: the user's configuration (specs,
 * routes, policies, remotes) and the bindings it chose (endpoint indexes, host veths, MACs, identities, route groups).
 * Written atomically (temp file + rename) after every change, under {@code /run/uniplane/<name>.json}.
 *
 * @param version    format version
 * @param endpoints  attached endpoints
 * @param routes     routes with their next-hop group ids
 * @param policies   the applied policy set
 * @param remotes    registered remote endpoints with their identities
 */
public record SavedState(int version, List<SavedEndpoint> endpoints, List<SavedRoute> routes, PolicySet policies,
                         List<SavedRemote> remotes) {

    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(Peer.class, PeerTypes.class)
            .addMixIn(NextHop.class, NextHopTypes.class);

    /** One attached endpoint and what attach chose for it. */
    public record SavedEndpoint(AttachSpec spec, int index, String hostName, int hostIfindex, MacAddress mac,
                                MacAddress hostMac, List<PolicyCompiler.AddressIdentity> identities) {
    }

    /** One route and its next-hop group. */
    public record SavedRoute(Route route, int group) {
        public IpPrefix prefix() {
            return route.prefix();
        }
    }

    /** One remote endpoint and its address identities. */
    public record SavedRemote(RemoteEndpoint remote, List<PolicyCompiler.AddressIdentity> identities) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Peer.Selector.class, name = "selector"),
            @JsonSubTypes.Type(value = Peer.Cidr.class, name = "cidr")})
    private interface PeerTypes {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = NextHop.Gateway.class, name = "gateway"),
            @JsonSubTypes.Type(value = NextHop.ToEndpoint.class, name = "endpoint"),
            @JsonSubTypes.Type(value = NextHop.Drop.class, name = "drop")})
    private interface NextHopTypes {
    }

    public static SavedState read(Path file) {
        try {
            SavedState s = JSON.readValue(file.toFile(), SavedState.class);
            if (s.version() != VERSION) {
                throw new IllegalStateException(file + " has format version " + s.version() + ", expected " + VERSION);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dataplane state " + file, e);
        }
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dataplane state " + file, e);
        }
    }
}
