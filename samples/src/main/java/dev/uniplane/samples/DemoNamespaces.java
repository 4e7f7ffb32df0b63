package dev.uniplane.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Named network namespaces for the demo ({@code ip netns add/del}), all under one per-run prefix. {@link #close()}
 * deletes them; a shutdown hook does the same if the JVM is interrupted (Ctrl-C) before that.
 */
final class DemoNamespaces implements AutoCloseable {
    /** Where {@code ip netns} keeps named namespaces. */
    static final String NETNS_DIR = "/run/netns";

    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::deleteAll, "updemo-cleanup");

    DemoNamespaces(String prefix) {
        this.prefix = prefix;
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Creates {@code <prefix>-<role>} and returns its name. */
    String create(String role) {
        String name = prefix + "-" + role;
        ip("netns", "add", name);
        synchronized (created) {
            created.add(name);
        }
        ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
        return name;
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or ran; nothing left to do.
        }
    }

    private void deleteAll() {
        List<String> names;
        synchronized (created) {
            names = List.copyOf(created);
            created.clear();
        }
        for (String name : names.reversed()) {
            try {
                ip("netns", "del", name);
            } catch (RuntimeException e) {
                System.err.println("[demo] could not delete netns " + name + ": " + e.getMessage());
            }
        }
    }

    static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
