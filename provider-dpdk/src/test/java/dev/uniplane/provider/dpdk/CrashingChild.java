package dev.uniplane.provider.dpdk;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.spi.StateFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * The JVM that {@link DpdkCrashRecoveryTest} kills: opens a DPDK dataplane, configures the desired state read from a
 * file, prints {@code EAL-PREFIX <prefix>} and {@code READY <currentState equals it>}, then waits for SIGKILL.
 * Arguments: dataplane name, node namespace path, uplink, desired-state file ({@link StateFiles} JSON).
 */
public final class CrashingChild {
    private CrashingChild() {
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        DataplaneConfig config = DataplaneConfig.builder().provider(DpdkProvider.NAME).name(args[0]).hostNetns(args[1])
                .uplink(args[2]).build();
        DesiredState wanted = StateFiles.read(Path.of(args[3]), DesiredState.class).orElseThrow();
        Dataplane dataplane = new DpdkProvider().open(config);
        wanted.endpoints().forEach(dataplane::attach);
        wanted.remotes().forEach(dataplane::registerRemote);
        dataplane.updateRoutes(wanted.routes(), List.of());
        dataplane.applyPolicies(wanted.policies());
        System.out.println("EAL-PREFIX " + Eal.running().orElseThrow().arguments().filePrefix());
        System.out.println("READY " + dataplane.currentState().equals(wanted));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
