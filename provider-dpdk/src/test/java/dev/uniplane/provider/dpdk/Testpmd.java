package dev.uniplane.provider.dpdk;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code dpdk-testpmd} as a DPDK-native workload in its own process, in a network namespace (which it does not use:
 * its only port is the vdev): {@code --forward-mode=icmpecho} answers ARP and ICMP echo on that port. Both lcores
 * share CPU 0 (the dataplane's lcore is on the last CPU), 4 KiB pages, a {@code uph5} file prefix. {@link #close()}
 * asks it to exit (Enter on stdin), then kills it, and removes its runtime directory.
 */
final class Testpmd implements AutoCloseable {
    private final Process process;
    private final String filePrefix;
    private final Path log;
    private final Thread killer;

    private Testpmd(Process process, String filePrefix, Path log) {
        this.process = process;
        this.filePrefix = filePrefix;
        this.log = log;
        // a JVM that dies before close() (a killed surefire fork) must not leave testpmd polling a CPU
        this.killer = Thread.ofPlatform().unstarted(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts testpmd in namespace {@code netns} with one vdev, e.g. {@code net_memif0,role=client,...}. */
    static Testpmd start(String netns, String vdev) {
        String prefix = "uph5" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "dpdk-testpmd", "--lcores=0@0,1@0",
                "--no-huge", "-m", "256", "--no-pci", "--no-telemetry", "--file-prefix=" + prefix, "--vdev=" + vdev, "--",
                "--rxq=1", "--txq=1", "--total-num-mbufs=2048", "--forward-mode=icmpecho", "--auto-start"));
        try {
            Path log = Files.createTempFile(prefix + "-testpmd", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Testpmd(process, prefix, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** Whether the process still runs. */
    boolean alive() {
        return process.isAlive();
    }

    /** What testpmd printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    process.getOutputStream().write('\n'); // "Press enter to exit"
                    process.getOutputStream().flush();
                } catch (IOException exitedMeanwhile) {
                    // handled by the waits below
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
            Eal.removeRuntimeDirectory(filePrefix);
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }

}
