package dev.uniplane.provider.vpp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.vpp.internal.wire.Messages.AclRule;
import dev.uniplane.provider.vpp.internal.wire.Messages.FibPath;
import dev.uniplane.provider.vpp.internal.wire.Messages.InterfaceDetails;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.tck.RequireAll;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the real VPP 26.06 from the shared tarball ({@code UNIPLANE_VPP_HOME}, the unpacked
 * /opt/uniplane/vpp-26.06 that scripts/setup.sh makes, or the tarball beside the checkout unpacked to a temp dir).
 * VPP runs in a private netns ({@code hvpp*}) with its own startup.conf (own sockets, api-segment prefix, no
 * hugepages), on a veth pair made in that netns; everything is removed afterwards, also when a test fails.
 */
class VppApiClientVppTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path SHARED_TARBALL = Path.of("..", "..", "shared", "vpp", "vpp-26.06-dist.tar.zst");
    private static final Path SETUP_HOME = Path.of("/opt/uniplane/vpp-26.06");

    private static String tag;
    private static String netns;
    private static String vethVpp;
    private static Path runDir;
    private static Path unpacked;
    private static Process vpp;
    private static VppApiClient client;

    @BeforeAll
    static void startVpp() throws Exception {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (netns, veth, af_packet)");
        Optional<Path> home = vppHome();
        RequireAll.prerequisite(home.isPresent(), "a VPP install: UNIPLANE_VPP_HOME, " + SETUP_HOME
                + " (scripts/setup.sh) or " + SHARED_TARBALL.toAbsolutePath().normalize() + " with zstd");
        tag = "hvpp" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
        netns = tag;
        vethVpp = tag + "a";
        runDir = Files.createTempDirectory(Path.of("/tmp"), tag);
        try {
            sh("ip", "netns", "add", netns);
            sh("ip", "-n", netns, "link", "add", vethVpp, "type", "veth", "peer", "name", tag + "b");
            sh("ip", "-n", netns, "link", "set", "lo", "up");
            sh("ip", "-n", netns, "link", "set", vethVpp, "up");
            sh("ip", "-n", netns, "link", "set", tag + "b", "up");
            Path conf = runDir.resolve("startup.conf");
            Files.writeString(conf, dev.uniplane.provider.vpp.internal.LiveVpp.startupConf(home.get(), runDir, tag));
            vpp = new ProcessBuilder("ip", "netns", "exec", netns, home.get().resolve("bin/vpp").toString(), "-c",
                    conf.toString()).redirectErrorStream(true).redirectOutput(runDir.resolve("vpp.out").toFile())
                    .start();
            client = connectWhenReady(runDir.resolve("api.sock"));
        } catch (Throwable e) {
            cleanUp();
            throw e;
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (vpp != null) {
            vpp.destroy(); // SIGTERM: vpp exits 0 and removes its shared memory
            if (!vpp.waitFor(10, TimeUnit.SECONDS)) {
                vpp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            vpp = null;
        }
        if (netns != null) {
            new ProcessBuilder("ip", "netns", "del", netns).start().waitFor(); // takes the veth pair with it
            netns = null;
        }
        for (Path dir : new Path[] {runDir, unpacked}) {
            if (dir != null && Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        runDir = null;
        unpacked = null;
    }

    private static Optional<Path> vppHome() throws Exception {
        String env = System.getenv("UNIPLANE_VPP_HOME");
        if (env != null && Files.isExecutable(Path.of(env, "bin", "vpp"))) {
            return Optional.of(Path.of(env));
        }
        if (Files.isExecutable(SETUP_HOME.resolve("bin/vpp"))) {
            return Optional.of(SETUP_HOME);
        }
        if (Files.isRegularFile(SHARED_TARBALL)) {
            unpacked = Files.createTempDirectory("hvpp-dist");
            Process tar = new ProcessBuilder("tar", "--zstd", "-xf", SHARED_TARBALL.toAbsolutePath().toString(), "-C",
                    unpacked.toString()).inheritIO().start();
            if (tar.waitFor() == 0 && Files.isExecutable(unpacked.resolve("vpp-dist/bin/vpp"))) {
                return Optional.of(unpacked.resolve("vpp-dist"));
            }
        }
        return Optional.empty();
    }

    private static VppApiClient connectWhenReady(Path socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!vpp.isAlive()) {
                throw new IllegalStateException("vpp exited with " + vpp.exitValue() + ": "
                        + Files.readString(runDir.resolve("vpp.out")));
            }
            if (Files.exists(socket)) {
                try {
                    return VppApiClient.connect(socket, "uniplane-test", TIMEOUT);
                } catch (IncompatibleVppException e) {
                    throw e;
                } catch (IOException e) {
                    last = e;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("VPP's API socket did not come up within 60 s", last);
    }

    private static void sh(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    private static InterfaceDetails byName(String name) throws IOException {
        return client.dump(Messages.SwInterfaceDump.all()).stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no interface " + name));
    }

    @Test
    void theMessageTableHoldsEveryMessageInTheVersionWeEncode() {
        assertThat(client.messageTable()).hasSizeGreaterThan(800)
                .containsKeys(Messages.all().stream().map(MessageType::key).toArray(String[]::new));
        assertThat(VppApiClient.compatibilityProblems(client.messageTable(), Messages.all())).isEmpty();
        assertThat(client.clientIndex() & 0x80000000).isNotZero();
    }

    @Test
    void afPacketInterfaceWithAddressEcmpRouteNeighborAndAcl() throws Exception {
        int sw = client.call(Messages.AfPacketCreateV3.ethernet(vethVpp));
        client.call(new Messages.SwInterfaceSetFlags(sw, Messages.IF_ADMIN_UP));
        client.call(new Messages.SwInterfaceAddDelAddress(sw, true, false, new Prefix(ip("10.99.7.1"), 24)));
        client.call(new Messages.IpRouteAddDel(true, false, 0, new Prefix(ip("10.99.8.0"), 24),
                List.of(FibPath.via(ip("10.99.7.2"), sw), FibPath.via(ip("10.99.7.3"), sw))));
        client.call(new Messages.IpNeighborAddDel(true, sw, Messages.NEIGHBOR_FLAG_STATIC,
                new byte[] {2, 0, 0, 0, 7, 2}, ip("10.99.7.2")));

        InterfaceDetails host = byName("host-" + vethVpp);
        assertThat(host.swIfIndex()).isEqualTo(sw);
        assertThat(host.devType()).isEqualTo("af-packet");
        assertThat(host.adminUp()).isTrue();
        assertThat(client.dump(new Messages.SwInterfaceDump(Optional.of("host-"))))
                .extracting(InterfaceDetails::name).contains("host-" + vethVpp);
        assertThat(client.call(new Messages.CliInband("show interface address")))
                .contains("host-" + vethVpp).contains("10.99.7.1/24");
        assertThat(client.call(new Messages.CliInband("show ip fib 10.99.8.0/24")))
                .contains("10.99.7.2").contains("10.99.7.3");
        assertThat(client.call(new Messages.CliInband("show ip neighbors")))
                .contains("10.99.7.2").contains("02:00:00:00:07:02");

        int acl = client.call(new Messages.AclAddReplace(Messages.ALL_ONES, "hvpp-test", List.of(
                AclRule.of(Messages.ACL_DENY, Prefix.any(false), new Prefix(ip("10.99.7.1"), 32), 1),
                AclRule.of(Messages.ACL_PERMIT_REFLECT, new Prefix(ip("10.99.8.0"), 24), Prefix.any(false), 6))));
        client.call(new Messages.AclInterfaceSetAclList(sw, List.of(acl), List.of()));

        String shown = client.call(new Messages.CliInband("show acl-plugin acl"));
        assertThat(shown).contains("acl-index " + acl).contains("hvpp-test").contains("deny")
                .contains("10.99.7.1/32").contains("permit+reflect").contains("10.99.8.0/24");
        assertThat(client.call(new Messages.CliInband("show acl-plugin interface sw_if_index " + sw)))
                .contains("input acl(s): " + acl);

        client.call(new Messages.AclInterfaceSetAclList(sw, List.of(), List.of()));
        client.call(new Messages.AclDel(acl));
        assertThat(client.call(new Messages.CliInband("show acl-plugin acl"))).doesNotContain("hvpp-test");
    }

    @Test
    void concurrentCallsAndDumpsFromManyThreadsEachGetTheirOwnAnswers() throws Exception {
        int interfaces = client.dump(Messages.SwInterfaceDump.all()).size();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int worker = t;
            workers.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        // `ip netns exec` execs vpp, so the process we started is VPP itself
                        assertThat(client.call(new Messages.ControlPing())).isEqualTo((int) vpp.pid());
                        // each caller must get the output of its own command (the text comes back in it)
                        assertThat(client.call(new Messages.CliInband("echo w" + worker + "-" + i)))
                                .contains("w" + worker + "-" + i);
                        assertThat(client.dump(Messages.SwInterfaceDump.all())).hasSizeGreaterThanOrEqualTo(
                                Math.min(interfaces, 1));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    @Test
    void negativeRetvalsComeBackNamed() throws Exception {
        assertThatThrownBy(() -> client.call(new Messages.SwInterfaceSetFlags(4000, Messages.IF_ADMIN_UP)))
                .isInstanceOfSatisfying(VppApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("INVALID_SW_IF_INDEX"));
        assertThatThrownBy(() -> client.call(Messages.AfPacketCreateV3.ethernet(tag + "zz")))
                .isInstanceOf(VppApiException.class); // no such host interface
        int acl = client.call(new Messages.AclAddReplace(Messages.ALL_ONES, "hvpp-in-use", List.of(
                AclRule.of(Messages.ACL_PERMIT, Prefix.any(false), Prefix.any(false), 0))));
        client.call(new Messages.AclInterfaceSetAclList(0, List.of(acl), List.of()));
        try {
            assertThatThrownBy(() -> client.call(new Messages.AclDel(acl)))
                    .isInstanceOfSatisfying(VppApiException.class,
                            e -> assertThat(e.errorCode()).isEqualTo("ACL_IN_USE_INBOUND"));
        } finally {
            client.call(new Messages.AclInterfaceSetAclList(0, List.of(), List.of()));
            client.call(new Messages.AclDel(acl));
        }
    }

    @Test
    void memifInterfaceAndItsAdminUpEvent() throws Exception {
        List<Messages.SwInterfaceEvent> events = new ArrayList<>();
        CompletableFuture<Void> up = new CompletableFuture<>();
        int socketId = client.call(new Messages.MemifSocketFilenameAddDelV2(true, Messages.ALL_ONES,
                runDir.resolve("memif.sock").toString()));
        int sw = client.call(new Messages.MemifCreateV2(Messages.MEMIF_ROLE_MASTER, Messages.MEMIF_MODE_ETHERNET, 1,
                1, 7, socketId, 1024, 2048, false, false, null, ""));
        client.onInterfaceEvents(event -> {
            synchronized (events) {
                events.add(event);
            }
            if (event.swIfIndex() == sw && (event.flags() & Messages.IF_ADMIN_UP) != 0) {
                up.complete(null);
            }
        });

        client.call(new Messages.SwInterfaceSetFlags(sw, Messages.IF_ADMIN_UP));

        up.get(10, TimeUnit.SECONDS);
        InterfaceDetails memif = byName("memif" + socketId + "/7");
        assertThat(memif.swIfIndex()).isEqualTo(sw);
        assertThat(memif.devType()).isEqualTo("memif");
        client.call(new Messages.MemifDelete(sw));
        assertThat(client.dump(Messages.SwInterfaceDump.all())).extracting(InterfaceDetails::swIfIndex)
                .doesNotContain(sw);
    }
}
