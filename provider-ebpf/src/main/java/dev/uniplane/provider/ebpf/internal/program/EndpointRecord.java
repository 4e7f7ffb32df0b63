package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_ENDPOINT;

import dev.uniplane.api.MacAddress;

/**
 * Value of {@code up_endpoints} ({@code struct up_endpoint}, 32 bytes): one address of a local or remote endpoint.
 *
 * @param index    endpoint index (counters, policy key); 0 for remote endpoints
 * @param ifindex  host-side veth ifindex (local)
 * @param mac      workload MAC (local), destination MAC of delivered frames
 * @param hostMac  host-side veth MAC = the gateway MAC the workload sees (local)
 * @param identity identity of this address
 * @param flags    {@link #LOCAL} or {@link #REMOTE}
 */
public record EndpointRecord(int index, int ifindex, MacAddress mac, MacAddress hostMac, int identity, int flags) {
    public static final int SIZE = (int) UP_ENDPOINT.byteSize();
    public static final int LOCAL = 1;
    public static final int REMOTE = 2;
    /** An explicit host route for the address overrides delivery to the endpoint (service chaining). */
    public static final int ROUTED = 4;
    private static final MacAddress ZERO = new MacAddress(0);
    private static final long INDEX = Wire.offset(UP_ENDPOINT, "index");
    private static final long IFINDEX = Wire.offset(UP_ENDPOINT, "ifindex");
    private static final long MAC = Wire.offset(UP_ENDPOINT, "mac");
    private static final long HOST_MAC = Wire.offset(UP_ENDPOINT, "host_mac");
    private static final long IDENTITY = Wire.offset(UP_ENDPOINT, "identity");
    private static final long FLAGS = Wire.offset(UP_ENDPOINT, "flags");

    /** A local endpoint's address. */
    public static EndpointRecord local(int index, int ifindex, MacAddress mac, MacAddress hostMac, int identity) {
        return new EndpointRecord(index, ifindex, mac, hostMac, identity, LOCAL);
    }

    /** A registered remote endpoint's address: only the identity matters. */
    public static EndpointRecord remote(int identity) {
        return new EndpointRecord(0, 0, ZERO, ZERO, identity, REMOTE);
    }

    public boolean isLocal() {
        return (flags & LOCAL) != 0;
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, INDEX, index);
        Wire.u32(b, IFINDEX, ifindex);
        Wire.bytes(b, MAC, mac.toBytes());
        Wire.bytes(b, HOST_MAC, hostMac.toBytes());
        Wire.u32(b, IDENTITY, identity);
        Wire.u32(b, FLAGS, flags);
        return b;
    }

    public static EndpointRecord decode(byte[] b) {
        Wire.check(b, UP_ENDPOINT);
        return new EndpointRecord(Wire.u32(b, INDEX), Wire.u32(b, IFINDEX), MacAddress.ofBytes(Wire.bytes(b, MAC, 6)),
                MacAddress.ofBytes(Wire.bytes(b, HOST_MAC, 6)), Wire.u32(b, IDENTITY), Wire.u32(b, FLAGS));
    }
}
