package dev.uniplane.api;

/**
 * An attached workload as the dataplane reports it.
 *
 * @param spec          what was asked for
 * @param kind          the attachment kind the provider chose from {@link AttachSpec#kinds()}
 * @param hostInterface the dataplane-side interface or port name (veth host end, vdev, memif socket, VF netdev)
 * @param mac           the MAC the workload interface has
 * @param gatewayMac    the MAC the workload resolves its default gateway to
 */
public record Endpoint(AttachSpec spec, AttachKind kind, String hostInterface, MacAddress mac, MacAddress gatewayMac) {

    public Endpoint {
        Check.notNull("spec", spec);
        Check.notNull("kind", kind);
        Check.notBlank("hostInterface", hostInterface);
        Check.notNull("mac", mac);
        Check.notNull("gatewayMac", gatewayMac);
    }

    public EndpointId id() {
        return spec.id();
    }

    public Labels labels() {
        return spec.labels();
    }
}
