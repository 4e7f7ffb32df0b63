package dev.uniplane.provider.bgp;

import dev.uniplane.tck.harness.FrrRouter;

/** Reachability checks of the BGP provider's multi-namespace tests, with {@code ping} run inside a namespace. */
final class Pings {
    private Pings() {
    }

    /** Whether one of five pings from {@code netns} to {@code address} is answered. */
    static boolean reach(String netns, String address) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                FrrRouter.sh("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "2", address);
                return true;
            } catch (AssertionError e) {
                // the first packets may wait for neighbour resolution on three hops
            }
        }
        return false;
    }
}
