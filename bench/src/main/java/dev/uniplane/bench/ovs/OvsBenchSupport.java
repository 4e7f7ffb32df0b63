package dev.uniplane.bench.ovs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Process, netns and statistics helpers of the OVS-DPDK harnesses. */
final class OvsBenchSupport {
    private OvsBenchSupport() {
    }

    /** {@code uph12} + 4 random base-36 characters. */
    static String prefix() {
        return "uph12" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
    }

    static String load() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return "loadavg " + f[0] + " " + f[1] + " " + f[2];
    }
}
