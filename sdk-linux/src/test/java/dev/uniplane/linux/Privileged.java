package dev.uniplane.linux;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Test helper: privileged tests are skipped when not root, but fail when {@code UNIPLANE_REQUIRE_ALL=1} (CI must not
 * silently skip them). Also hands out unique {@code uph1} names.
 */
public final class Privileged {
    private Privileged() {
    }

    /** Skips (or fails under UNIPLANE_REQUIRE_ALL=1) unless running as root with netns support. */
    public static void requireRoot() {
        boolean root = isRoot() && Files.isDirectory(Path.of("/proc/self/ns"));
        if (root) {
            return;
        }
        String why = "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) for namespaces and rtnetlink";
        if ("1".equals(System.getenv("UNIPLANE_REQUIRE_ALL"))) {
            Assertions.fail(why + ", and UNIPLANE_REQUIRE_ALL=1 forbids skipping");
        }
        Assumptions.assumeTrue(false, why);
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A unique name like {@code uph1a3f9x} (at most 15 bytes for links). */
    public static String name(String tag) {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        String n = "uph1" + suffix + tag;
        return n.length() > 15 ? n.substring(0, 15) : n;
    }

    /** Runs {@code ip} (only as an independent checker) and returns stdout. */
    public static String ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
