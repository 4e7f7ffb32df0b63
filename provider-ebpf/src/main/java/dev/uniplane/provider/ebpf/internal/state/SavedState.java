package dev.uniplane.provider.ebpf.internal.state;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import dev.uniplane.spi.StateFiles;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What an eBPF dataplane must remember to adopt its pinned maps after a restart: the user's configuration (specs,
 * routes, policies, remotes) and the bindings it chose (endpoint indexes, host veths, MACs, identities, route groups).
 * Written atomically (temp file + rename) after every change, under {@code /run/uniplane/<name>.json}, with the JSON
 * mapping of {@link StateFiles} (sdk-api's SPI), which both the writer and the reader of older files use.
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

    /** Reads the state {@link #write} wrote; a missing, unreadable or other-version file is an error naming it. */
    public static SavedState read(Path file) {
        return StateFiles.read(file, SavedState.class, SavedState::version, VERSION)
                .orElseThrow(() -> new UncheckedIOException(new NoSuchFileException(file + " (the dataplane state)")));
    }

    /** Replaces {@code file} atomically ({@link StateFiles#write}). */
    public void write(Path file) {
        StateFiles.write(file, this);
    }
}
