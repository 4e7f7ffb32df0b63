package dev.uniplane.provider.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.provider.ebpf.internal.host.Host;

class EbpfProviderTest {
    private static final long ROOT = 0x1ff_feff_ffffL;

    /** A scripted machine. */
    private static final class FakeHost implements Host {
        Optional<String> libbpf = Optional.empty();
        long caps = ROOT;
        boolean bpffs = true;
        int mountErrno;
        int mounts;
        String release = "6.18.44-fc";

        @Override
        public Optional<String> libbpfFailure() {
            return libbpf;
        }

        @Override
        public long effectiveCapabilities() {
            return caps;
        }

        @Override
        public boolean bpffsMounted() {
            return bpffs;
        }

        @Override
        public int mountBpffs() {
            mounts++;
            return mountErrno;
        }

        @Override
        public String kernelRelease() {
            return release;
        }
    }

    @Test
    void identityAndDiscovery() {
        EbpfProvider p = new EbpfProvider();
        assertThat(p.name()).isEqualTo("ebpf");
        assertThat(p.priority()).isEqualTo(100);
        assertThat(p.description()).isNotBlank();
        assertThat(p.capabilities().has(Capability.STATEFUL_POLICY)).isTrue();
        assertThat(p.capabilities().has(Capability.IPV6)).isTrue();
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(EbpfProvider.class);
    }

    @Test
    void allPresentIsAvailable() {
        Availability a = new EbpfProvider(new FakeHost()).probe();
        assertThat(a.available()).isTrue();
    }

    @Test
    void missingLibbpf() {
        FakeHost h = new FakeHost();
        h.libbpf = Optional.of("libbpf.so.1 cannot be loaded: not found");
        Availability a = new EbpfProvider(h).probe();
        assertThat(a.cause()).contains("libbpf.so.1");
        assertThat(a.hint()).isEqualTo("apt-get install libbpf1");
    }

    @Test
    void notPrivileged() {
        FakeHost h = new FakeHost();
        h.caps = 0;
        assertThat(new EbpfProvider(h).probe().cause()).contains("not root", "CAP_BPF and CAP_NET_ADMIN");
        h.caps = 1L << EbpfProvider.CAP_BPF;
        assertThat(new EbpfProvider(h).probe().cause()).contains("CAP_NET_ADMIN").doesNotContain("CAP_BPF ");
        h.caps = (1L << EbpfProvider.CAP_BPF) | (1L << EbpfProvider.CAP_NET_ADMIN);
        h.bpffs = true;
        assertThat(new EbpfProvider(h).probe().available()).isTrue();
    }

    @Test
    void bpffsIsMountedWhenMissingOrReported() {
        FakeHost h = new FakeHost();
        h.bpffs = false;
        assertThat(new EbpfProvider(h).probe().available()).isTrue();
        assertThat(h.mounts).isEqualTo(1);
        h.mountErrno = 1;
        assertThat(new EbpfProvider(h).probe().cause()).contains("bpffs is not mounted at /sys/fs/bpf", "EPERM");
        h.caps = (1L << EbpfProvider.CAP_BPF) | (1L << EbpfProvider.CAP_NET_ADMIN);
        Availability a = new EbpfProvider(h).probe();
        assertThat(a.cause()).isEqualTo("bpffs is not mounted at /sys/fs/bpf");
        assertThat(a.hint()).contains("mount -t bpf");
    }

    @Test
    void oldKernel() {
        FakeHost h = new FakeHost();
        h.release = "5.4.0-150-generic";
        assertThat(new EbpfProvider(h).probe().cause()).contains("older than 5.10", "bpf_redirect_peer");
        h.release = "5.10.0";
        assertThat(new EbpfProvider(h).probe().available()).isTrue();
    }

    @Test
    void openThrowsWithTheProbeCauseWhenUnavailable() {
        FakeHost h = new FakeHost();
        h.libbpf = Optional.of("libbpf.so.1 cannot be loaded: not found");
        EbpfProvider p = new EbpfProvider(h);
        assertThatThrownBy(() -> p.open(DataplaneConfig.defaults()))
                .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("libbpf.so.1");
    }
}
