package dev.uniplane.provider.dpdk.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Socket paths, devargs, and what happens to a socket file that is already there. */
class SocketAttachmentTest {
    private final String dataplane = "uph5-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());

    @AfterEach
    void removeDirectory() throws Exception {
        try (var files = Files.list(SocketAttachment.RUN_DIRECTORY)) {
            for (var dir : files.filter(p -> p.getFileName().toString().equals(dataplane)).toList()) {
                try (var inside = Files.list(dir)) {
                    for (var f : inside.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (java.nio.file.NoSuchFileException nothingMade) {
            // no directory was made
        }
    }

    @Test
    void devargsNameTheSocketAndServerRole() {
        MacAddress gateway = MacAddress.parse("02:75:70:6b:00:01");
        SocketAttachment memif = SocketAttachment.of(AttachKind.MEMIF, "dp1", EndpointId.of("web-1"), 7);
        assertThat(memif.socket()).hasToString("/run/uniplane/dpdk/dp1/web-1.memif.sock");
        assertThat(memif.devargs(gateway)).isEqualTo("net_memif7,role=server,id=0,socket=/run/uniplane/dpdk/dp1/web-1.memif.sock,"
                + "socket-abstract=no,mac=02:75:70:6b:00:01");
        SocketAttachment vhost = SocketAttachment.of(AttachKind.VHOST_USER, "dp1", EndpointId.of("vm"), 8);
        assertThat(vhost.devargs(gateway)).isEqualTo("net_vhost8,iface=/run/uniplane/dpdk/dp1/vm.vhost.sock,queues=1,client=0");
    }

    @Test
    void aPathTooLongForSunPathNamesTheId() {
        assertThatThrownBy(() -> SocketAttachment.of(AttachKind.MEMIF, "a-fifteen-chars", EndpointId.of("e".repeat(63)), 0))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("id").hasMessageContaining("107");
    }

    @Test
    void aStaleSocketIsRemovedAndALiveOneRefused() throws Exception {
        Prerequisites.root();
        SocketAttachment side = SocketAttachment.of(AttachKind.MEMIF, dataplane, EndpointId.of("w"), 0);
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Files.createDirectories(side.socket().getParent());
            listener.bind(UnixDomainSocketAddress.of(side.socket()));
            assertThatThrownBy(side::prepare).isInstanceOf(ConflictException.class).hasMessageContaining(side.socket().toString());
            assertThat(side.socket()).exists();
        }
        // closing a bound Unix server socket leaves its file behind, like a killed process
        assertThat(side.socket()).exists();
        side.prepare();
        assertThat(side.socket()).doesNotExist();
    }
}
