package dev.uniplane.provider.dpdk.internal.state;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.spi.StateFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a DPDK dataplane writes after every change so that the next open of its name, in a new JVM, restores it: the
 * user's configuration (specs, routes, policies, remotes) and what attach chose (slot, host veth, MAC), plus the process
 * that owned it. JSON through {@link StateFiles}, in {@code /run/uniplane/dpdk-<name>.json}.
 *
 * @param version   format version ({@link #VERSION})
 * @param owner     the process that wrote it
 * @param endpoints attached endpoints, in attach order
 * @param routes    routes, in the dataplane's order
 * @param policies  the applied policy set
 * @param remotes   registered remote endpoints, in registration order
 */
public record SavedState(int version, Owner owner, List<SavedEndpoint> endpoints, List<Route> routes, PolicySet policies,
                         List<RemoteEndpoint> remotes) {

    /** The format this code writes and reads. */
    public static final int VERSION = 1;

    /**
     * One attached endpoint and what attach chose for it.
     *
     * @param spec     what the user attached
     * @param kind     the attachment kind chosen
     * @param slot     counter slot; the host veth is named after it
     * @param hostName the host end of the veth (the vdev name for MEMIF/VHOST_USER)
     * @param mac      the workload's MAC
     */
    public record SavedEndpoint(AttachSpec spec, AttachKind kind, int slot, String hostName, MacAddress mac) {
    }

    /**
     * The JVM that wrote the file: a process with this pid and start time that is still alive owns the dataplane.
     *
     * @param pid     process id
     * @param started process start time (epoch milliseconds), 0 when the system does not tell
     */
    public record Owner(long pid, long started) {
        /** This JVM. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), startMillis(self));
        }

        /** Whether the owning process still runs (the same pid with the same start time). */
        public boolean alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> startMillis(h) == started).orElse(false);
        }

        private static long startMillis(ProcessHandle h) {
            return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }
    }

    /** {@code /run/uniplane/dpdk-<name>.json}. */
    public static Path file(String dataplaneName) {
        return StateFiles.DIRECTORY.resolve("dpdk-" + dataplaneName + ".json");
    }

    /**
     * Reads {@code file}: empty when there is none.
     *
     * @throws java.io.UncheckedIOException when it does not parse
     * @throws IllegalStateException when it has another format version
     */
    public static Optional<SavedState> read(Path file) {
        return StateFiles.read(file, SavedState.class, SavedState::version, VERSION);
    }

    /** Replaces {@code file} atomically. */
    public void write(Path file) {
        StateFiles.write(file, this);
    }

    /** The configuration part, as {@code Dataplane.currentState()} reports it. */
    public DesiredState desiredState() {
        return new DesiredState(endpoints.stream().map(SavedEndpoint::spec).toList(), routes, policies, remotes);
    }
}
