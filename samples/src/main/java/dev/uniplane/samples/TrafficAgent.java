package dev.uniplane.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Demo traffic with plain Java sockets, run inside a workload namespace as {@code ip netns exec NS java ... TrafficAgent}.
 * {@code listen PORT...} serves each port (one greeting line per connection) and prints {@code ready} once bound;
 * {@code connect HOST PORT} exits 0 when it connected and read the greeting, 1 otherwise.
 */
public final class TrafficAgent {
    static final int CONNECT_TIMEOUT_MS = 3000;
    private static final long READY_TIMEOUT_S = 60;

    private TrafficAgent() {
    }

    /** A running listener process; {@link #close()} stops it. */
    public static final class Listener implements AutoCloseable {
        private final Process process;

        private Listener(Process process) {
            this.process = process;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts a listener on {@code ports} in namespace {@code netns} and waits until it is bound. */
    static Listener listen(String netns, int... ports) {
        List<String> args = new ArrayList<>(List.of("listen"));
        for (int port : ports) {
            args.add(Integer.toString(port));
        }
        Process process = start(netns, args);
        Listener listener = new Listener(process);
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> printsReady(process));
        try {
            if (ready.get(READY_TIMEOUT_S, TimeUnit.SECONDS)) {
                return listener;
            }
            throw new IllegalStateException("the listener in " + netns + " did not start (exit " + exitOf(process) + ")");
        } catch (TimeoutException | ExecutionException e) {
            listener.close();
            throw new IllegalStateException("the listener in " + netns + " did not get ready: " + e, e);
        } catch (InterruptedException e) {
            listener.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the listener in " + netns, e);
        }
    }

    /** Reads the process's output until {@code ready}; false when it ends first. */
    private static boolean printsReady(Process process) {
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals("ready")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Connects from namespace {@code netns} to {@code host:port}; true when the greeting arrived. */
    static boolean connect(String netns, String host, int port, PrintWriter out) {
        Process process = start(netns, List.of("connect", host, Integer.toString(port)));
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(CONNECT_TIMEOUT_MS + 60_000L, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return false;
            }
            out.println("[demo]   " + netns + " -> " + host + ":" + port + ": " + output);
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static Process start(String netns, List<String> args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrafficAgent.class.getName()));
        command.addAll(args);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command.subList(0, 5)) + ": " + e.getMessage(), e);
        }
    }

    private static String exitOf(Process process) {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    /** Entry point inside the namespace. */
    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("listen")) {
            serve(args);
        } else if (args.length == 3 && args[0].equals("connect")) {
            System.exit(tryConnect(args[1], Integer.parseInt(args[2])) ? 0 : 1);
        } else {
            System.err.println("usage: TrafficAgent listen PORT... | connect HOST PORT");
            System.exit(2);
        }
    }

    private static void serve(String[] args) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(Integer.parseInt(args[i])));
            sockets.add(socket);
        }
        for (ServerSocket socket : sockets) {
            Thread.ofPlatform().daemon(false).start(() -> acceptLoop(socket));
        }
        System.out.println("ready");
        System.out.flush();
    }

    private static void acceptLoop(ServerSocket socket) {
        while (true) {
            try (Socket s = socket.accept()) {
                s.getOutputStream().write(("hello from port " + socket.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean tryConnect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            System.out.println("connected: " + greeting);
            return greeting != null;
        } catch (IOException e) {
            System.out.println("blocked: " + e.getMessage());
            return false;
        }
    }
}
