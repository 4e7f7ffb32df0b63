package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.spi.DataplaneProvider;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kit's workloads ask for the kernel-interface kinds a provider declares, so a VF-only provider can be verified. */
class AttachKindsTest {

    /** A verification class whose dataplane only declares {@code capabilities} (never opened: no topology). */
    static final class Probe extends AttachVerification {
        Probe(Capability... capabilities) {
            Capabilities declared = Capabilities.of(capabilities);
            replaceDataplane((Dataplane) Proxy.newProxyInstance(Dataplane.class.getClassLoader(), new Class<?>[] {Dataplane.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("capabilities")) {
                            return declared;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    }));
        }

        @Override
        protected DataplaneProvider provider() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aVfOnlyProviderGetsWorkloadsAskingForAVf() {
        assertThat(new Probe(Capability.ATTACH_VF, Capability.IPV4).attachKinds()).containsExactly(AttachKind.VF);
    }

    @Test
    void vethComesFirstAndVfLast() {
        assertThat(new Probe(Capability.ATTACH_VF, Capability.ATTACH_VETH, Capability.ATTACH_TAP).attachKinds())
                .containsExactly(AttachKind.VETH, AttachKind.TAP, AttachKind.VF);
    }

    @Test
    void withoutAKernelInterfaceKindTheWorkloadsAskForAVeth() {
        assertThat(new Probe(Capability.ATTACH_MEMIF).attachKinds()).isEqualTo(List.of(AttachKind.VETH));
    }
}
