package dev.uniplane.linux;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetNsTest {
    @BeforeAll
    static void root() {
        Privileged.requireRoot();
    }

    private static String inode() throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void createRunDeleteKeepsCallerThreadInItsNamespace() throws Exception {
        String name = Privileged.name("n");
        String before = inode();
        try (NetNs ns = NetNs.create(name)) {
            assertThat(NetNs.exists(name)).isTrue();
            assertThat(Privileged.ip("netns", "list")).contains(name);
            String inside = ns.run(NetNsTest::inode);
            String runner = ns.run(() -> Thread.currentThread().isVirtual() ? "virtual" : "platform");
            assertThat(inside).isNotEqualTo(before);
            assertThat(runner).isEqualTo("platform");
            assertThat(inode()).isEqualTo(before);
            try (NetNs again = NetNs.open(name)) {
                assertThat(again.run(NetNsTest::inode)).isEqualTo(inside);
            }
            // a fresh namespace has only lo
            try (RtNetlink rt = RtNetlink.open(ns)) {
                assertThat(rt.links()).extracting(LinkInfo::name).containsExactly("lo");
            }
            assertThatThrownBy(() -> NetNs.create(name)).isInstanceOf(LinuxException.class)
                    .satisfies(e -> assertThat(((LinuxException) e).errnoName()).isEqualTo("EEXIST"));
        } finally {
            NetNs.delete(name);
        }
        assertThat(NetNs.exists(name)).isFalse();
        assertThat(inode()).isEqualTo(before);
    }

    @Test
    void runPropagatesExceptionsAndStillReturns() throws Exception {
        String name = Privileged.name("e");
        try (NetNs ns = NetNs.create(name)) {
            assertThatThrownBy(() -> ns.run(() -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThatThrownBy(() -> ns.run(() -> {
                throw new java.io.IOException("io");
            })).isInstanceOf(CompletionException.class).hasCauseInstanceOf(java.io.IOException.class);
        } finally {
            NetNs.delete(name);
        }
    }

    @Test
    void virtualThreadCallersWorkBecauseTheWorkRunsOnAPlatformThread() throws Exception {
        String name = Privileged.name("v");
        try (NetNs ns = NetNs.create(name)) {
            String[] seen = new String[2];
            Thread vt = Thread.ofVirtual().start(() -> {
                seen[0] = ns.run(NetNsTest::inode);
                try (RtNetlink rt = RtNetlink.open(ns)) {
                    seen[1] = rt.link("lo").name();
                } catch (Exception e) {
                    seen[1] = e.toString();
                }
            });
            vt.join();
            assertThat(seen[0]).isNotEqualTo(inode());
            assertThat(seen[1]).isEqualTo("lo");
        } finally {
            NetNs.delete(name);
        }
    }

    @Test
    void openByPidAndCurrentSeeTheSameNamespace() throws Exception {
        try (NetNs self = NetNs.ofPid((int) ProcessHandle.current().pid()); NetNs current = NetNs.current()) {
            assertThat(self.run(NetNsTest::inode)).isEqualTo(current.run(NetNsTest::inode)).isEqualTo(inode());
        }
    }

    @Test
    void closedHandleAndMissingNamespaceFail() {
        String name = Privileged.name("m");
        assertThatThrownBy(() -> NetNs.open(name)).isInstanceOf(LinuxException.class)
                .hasMessageContaining("ENOENT").hasMessageContaining(name);
        assertThatThrownBy(() -> NetNs.delete(name)).isInstanceOf(LinuxException.class);
    }
}
