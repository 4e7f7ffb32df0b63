package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_NH;

import java.util.Arrays;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;

/**
 * One hop of a next-hop group ({@code struct up_nh}, 40 bytes).
 *
 * @param type     {@link Type}
 * @param weight   1..{@link NextHop#MAX_WEIGHT}
 * @param ifindex  gateway: the uplink; endpoint: the host veth
 * @param epIndex  endpoint hops: the endpoint index (rx counters)
 * @param mac      endpoint hops: workload MAC
 * @param hostMac  endpoint hops: host veth MAC
 * @param gateway  gateway hops: the gateway address, else {@code null}
 */
public record NextHopEntry(Type type, int weight, int ifindex, int epIndex, MacAddress mac, MacAddress hostMac,
                           IpAddress gateway) {
    public static final int SIZE = (int) UP_NH.byteSize();
    private static final MacAddress ZERO = new MacAddress(0);

    /** {@code UP_NH_*}. */
    public enum Type {
        GATEWAY(1), ENDPOINT(2), DROP(3);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("next-hop type " + code);
        }
    }

    public NextHopEntry {
        if (weight < 1 || weight > NextHop.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " outside 1.." + NextHop.MAX_WEIGHT);
        }
        mac = mac == null ? ZERO : mac;
        hostMac = hostMac == null ? ZERO : hostMac;
        if (type == Type.GATEWAY && gateway == null) {
            throw new IllegalArgumentException("a gateway hop needs the gateway address");
        }
    }

    public static NextHopEntry gateway(IpAddress gateway, int weight, int uplinkIfindex) {
        return new NextHopEntry(Type.GATEWAY, weight, uplinkIfindex, 0, null, null, gateway);
    }

    public static NextHopEntry endpoint(int epIndex, int hostIfindex, MacAddress mac, MacAddress hostMac, int weight) {
        return new NextHopEntry(Type.ENDPOINT, weight, hostIfindex, epIndex, mac, hostMac, null);
    }

    public static NextHopEntry drop() {
        return new NextHopEntry(Type.DROP, 1, 0, 0, null, null, null);
    }

    void encodeInto(byte[] b, int base) {
        Wire.u8(b, base + Wire.offset(UP_NH, "type"), type.code());
        if (gateway != null) {
            Wire.u8(b, base + Wire.offset(UP_NH, "family"), EndpointKey.familyCode(gateway.family()));
            Wire.bytes(b, base + Wire.offset(UP_NH, "gw"), gateway.toBytes());
        }
        Wire.u16(b, base + Wire.offset(UP_NH, "weight"), weight);
        Wire.u32(b, base + Wire.offset(UP_NH, "ifindex"), ifindex);
        Wire.u32(b, base + Wire.offset(UP_NH, "ep_index"), epIndex);
        Wire.bytes(b, base + Wire.offset(UP_NH, "mac"), mac.toBytes());
        Wire.bytes(b, base + Wire.offset(UP_NH, "host_mac"), hostMac.toBytes());
    }

    static NextHopEntry decodeFrom(byte[] b, int base) {
        Type type = Type.of(Wire.u8(b, base + Wire.offset(UP_NH, "type")));
        IpAddress gw = null;
        if (type == Type.GATEWAY) {
            byte[] addr = Wire.bytes(b, base + Wire.offset(UP_NH, "gw"), 16);
            int family = Wire.u8(b, base + Wire.offset(UP_NH, "family"));
            gw = IpAddress.ofBytes(family == 4 ? Arrays.copyOf(addr, 4) : addr);
        }
        return new NextHopEntry(type, Wire.u16(b, base + Wire.offset(UP_NH, "weight")),
                Wire.u32(b, base + Wire.offset(UP_NH, "ifindex")), Wire.u32(b, base + Wire.offset(UP_NH, "ep_index")),
                MacAddress.ofBytes(Wire.bytes(b, base + Wire.offset(UP_NH, "mac"), 6)),
                MacAddress.ofBytes(Wire.bytes(b, base + Wire.offset(UP_NH, "host_mac"), 6)), gw);
    }
}
