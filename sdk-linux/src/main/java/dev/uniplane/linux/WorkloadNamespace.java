package dev.uniplane.linux;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.spi.NamespaceErrors;
import java.nio.file.Path;
import java.util.Optional;

/** The workload namespace of an attach, opened the same way by every provider that creates a kernel interface in it. */
public final class WorkloadNamespace {
    private WorkloadNamespace() {
    }

    /**
     * Opens the namespace {@code spec} names and checks that {@code spec.interfaceName()} is free there, so that an
     * existing {@code lo} or {@code eth0} is a {@link ConflictException} naming the interface and the namespace
     * instead of the kernel's EEXIST after the host end is made.
     *
     * @param spec the endpoint being attached
     * @return the open namespace; the caller closes it
     * @throws dev.uniplane.api.InvalidSpecException when the namespace cannot be opened ({@link NamespaceErrors#workload})
     * @throws ConflictException when the interface name exists in it
     */
    public static NetNs open(AttachSpec spec) {
        NetNs workload = NetNs.open(Optional.of(Path.of(spec.netns())), e -> NamespaceErrors.workload(spec, e.errnoName()));
        try (RtNetlink links = RtNetlink.open(workload)) {
            if (links.findLink(spec.interfaceName()).isPresent()) {
                throw new ConflictException("interface " + spec.interfaceName() + " of endpoint " + spec.id() + " already exists in namespace "
                        + spec.netns() + "; choose another AttachSpec.interfaceName");
            }
        } catch (RuntimeException e) {
            workload.close();
            throw e;
        }
        return workload;
    }
}
