package dev.uniplane.provider.ovsdpdk.internal.state;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.spi.StateFiles;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** One attached endpoint and what attach chose for it. */
    public record SavedEndpoint(AttachSpec spec, AttachKind kind, int index, long ofport, String hostName, MacAddress mac) {
    }

    /** One route and its flow id (cookie). */
    public record SavedRoute(Route route, int id) {
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
