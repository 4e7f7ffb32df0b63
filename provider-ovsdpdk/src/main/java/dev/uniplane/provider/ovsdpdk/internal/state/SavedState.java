package dev.uniplane.provider.ovsdpdk.internal.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What an OVS-DPDK dataplane must remember to adopt its bridge after a close: the user's configuration (specs, routes,
 * policies, remotes) and the bindings it chose (endpoint index = ofport, host veth, MAC, route ids), plus where its
 * OVS instance runs. Written atomically (temp file + rename) after every change, under
 * {@code /run/uniplane/ovsdpdk-<name>.json} (the eBPF provider uses {@code /run/uniplane/<name>.json}).
 *
 * @param version     format version
 * @param dbSocket    the instance's ovsdb-server socket when the state was written
 * @param runDir      the instance's OVS_RUNDIR
 * @param endpoints   attached endpoints
 * @param routes      routes with their flow ids
 * @param nextRouteId the next free route id
 * @param policies    the applied policy set
 * @param remotes     registered remote endpoints
 */
public record SavedState(int version, String dbSocket, String runDir, List<SavedEndpoint> endpoints, List<SavedRoute> routes,
                         int nextRouteId, PolicySet policies, List<RemoteEndpoint> remotes) {

    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(Peer.class, PeerTypes.class)
            .addMixIn(NextHop.class, NextHopTypes.class);

    /** One attached endpoint and what attach chose for it. */
    public record SavedEndpoint(AttachSpec spec, AttachKind kind, int index, long ofport, String hostName, MacAddress mac) {
    }

    /** One route and its flow id (cookie). */
    public record SavedRoute(Route route, int id) {
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
