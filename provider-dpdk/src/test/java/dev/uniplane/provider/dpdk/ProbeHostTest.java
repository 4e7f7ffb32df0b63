package dev.uniplane.provider.dpdk;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.tck.FakeRoot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeHostTest {
    @TempDir
    Path tmp;

    @Test
    void realLoaderLoadsLibcAndRejectsAnUnknownSoname() {
        ProbeHost host = ProbeHost.system();

        assertThat(host.canLoadLibrary("libc.so.6")).isTrue();
        assertThat(host.canLoadLibrary("libuniplane_does_not_exist.so.1")).isFalse();
    }

    @Test
    void rootWithoutNetAdminIsToldTheCapabilityWasDropped() throws Exception {
        new FakeRoot(tmp).status(0, "00000000a80425fb");

        assertThat(new ProbeHost(tmp, lib -> true).missingNetAdmin())
                .hasValueSatisfying(a -> assertThat(a.cause()).contains("uid 0, but the capability was dropped"));
    }

    @Test
    void netAdminAloneIsEnough() throws Exception {
        new FakeRoot(tmp).status(1000, Long.toHexString(1L << ProbeHost.CAP_NET_ADMIN));

        assertThat(new ProbeHost(tmp, lib -> true).missingNetAdmin()).isEmpty();
    }

    @Test
    void commandsAreFoundInTheStandardDirectoriesOnly() throws Exception {
        new FakeRoot(tmp).executable("/usr/sbin/dpdk-testpmd").executable("/opt/elsewhere/dpdk-devbind");
        ProbeHost host = new ProbeHost(tmp, lib -> false);

        assertThat(host.findCommand("dpdk-testpmd")).hasValue("/usr/sbin/dpdk-testpmd");
        assertThat(host.findCommand("dpdk-devbind")).isEmpty();
    }
}
