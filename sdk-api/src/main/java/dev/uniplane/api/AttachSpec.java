package dev.uniplane.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What to attach: a workload's network namespace, the interface to create in it, its addresses, labels and the
 * attachment kinds the caller accepts, best first. The provider uses the first kind it supports.
 *
 * @param id            stable endpoint id
 * @param netns         path of the workload's network namespace ({@code /run/netns/NAME}, {@code /proc/PID/ns/net})
 * @param interfaceName interface to create inside it (e.g. {@code eth0}): 1-15 bytes, no '/', ':', whitespace or
 *                      control characters, not {@code .} or {@code ..} (the kernel's rules)
 * @param addresses     the workload's addresses, at most one per family; unicast and routable (not unspecified,
 *                      loopback, link-local, multicast, broadcast or IPv4-mapped IPv6)
 * @param mac           the MAC to give the interface, or {@code null} to let the provider choose
 * @param labels        labels for policy selection
 * @param kinds         accepted attachment kinds in preference order, not empty, no duplicates
 */
public record AttachSpec(EndpointId id, String netns, String interfaceName, List<IpAddress> addresses, MacAddress mac,
                         Labels labels, List<AttachKind> kinds) {

    public AttachSpec {
        Check.notNull("id", id);
        Check.notBlank("netns", netns);
        if (!netns.startsWith("/")) {
            throw new InvalidSpecException("netns", netns, "must be an absolute path such as /run/netns/NAME or /proc/PID/ns/net");
        }
        Check.interfaceName("interfaceName", interfaceName);
        addresses = Check.list("addresses", addresses);
        if (addresses.isEmpty()) {
            throw new InvalidSpecException("addresses", "[]", "an endpoint needs at least one address");
        }
        HashSet<IpFamily> families = new HashSet<>();
        for (int i = 0; i < addresses.size(); i++) {
            Check.endpointAddress("addresses[" + i + "]", addresses.get(i));
            if (!families.add(addresses.get(i).family())) {
                throw new InvalidSpecException("addresses[" + i + "]", addresses.get(i), "only one address per family");
            }
        }
        if (mac != null && mac.isMulticast()) {
            throw new InvalidSpecException("mac", mac, "must be a unicast MAC");
        }
        Check.notNull("labels", labels);
        kinds = Check.list("kinds", kinds);
        if (kinds.isEmpty()) {
            throw new InvalidSpecException("kinds", "[]", "name at least one attachment kind");
        }
        if (new HashSet<>(kinds).size() != kinds.size()) {
            throw new InvalidSpecException("kinds", kinds, "duplicate attachment kind");
        }
    }

    public Optional<MacAddress> macAddress() {
        return Optional.ofNullable(mac);
    }

    public Optional<IpAddress> address(IpFamily family) {
        return addresses.stream().filter(a -> a.family() == family).findFirst();
    }

    public static Builder builder(String id) {
        return new Builder(EndpointId.of(id));
    }

    /** Fluent construction; {@link #build()} validates. Defaults: interface {@code eth0}, kinds {@code [VETH]}, no labels. */
    public static final class Builder {
        private final EndpointId id;
        private String netns;
        private String interfaceName = "eth0";
        private final List<IpAddress> addresses = new ArrayList<>();
        private MacAddress mac;
        private Labels labels = Labels.of();
        private List<AttachKind> kinds = List.of(AttachKind.VETH);

        private Builder(EndpointId id) {
            this.id = id;
        }

        public Builder netns(String path) {
            this.netns = path;
            return this;
        }

        public Builder interfaceName(String name) {
            this.interfaceName = name;
            return this;
        }

        public Builder address(String address) {
            addresses.add(IpAddress.parse(address));
            return this;
        }

        public Builder address(IpAddress address) {
            addresses.add(address);
            return this;
        }

        public Builder mac(MacAddress mac) {
            this.mac = mac;
            return this;
        }

        public Builder labels(String... keyValues) {
            this.labels = Labels.of(keyValues);
            return this;
        }

        public Builder labels(Labels labels) {
            this.labels = labels;
            return this;
        }

        public Builder kinds(AttachKind... kinds) {
            this.kinds = List.of(kinds);
            return this;
        }

        public AttachSpec build() {
            return new AttachSpec(id, netns, interfaceName, addresses, mac, labels, kinds);
        }
    }
}
