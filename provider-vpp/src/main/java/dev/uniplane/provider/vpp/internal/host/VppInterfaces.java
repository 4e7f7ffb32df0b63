package dev.uniplane.provider.vpp.internal.host;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.VppApiException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interfaces the dataplane makes in VPP: the gateway loopback (169.254.1.1/32, lent to every endpoint interface
 * with "unnumbered"), af_packet interfaces on host veth ends and on the uplink. Each "ensure" finds an interface that
 * exists already (a VPP that outlived the previous process) before it creates one, so replaying is harmless.
 */
public final class VppInterfaces {
    private static final Logger LOG = LoggerFactory.getLogger(VppInterfaces.class);
    private final VppConnection vpp;

    /** Interfaces made through {@code vpp}. */
    public VppInterfaces(VppConnection vpp) {
        this.vpp = vpp;
    }

    /** The sw_if_index of the interface named exactly {@code name}, if VPP has one. */
    public Optional<Integer> find(String name) {
        return vpp.dump(new Messages.SwInterfaceDump(Optional.of(name))).stream()
                .filter(d -> d.name().equals(name)).map(Messages.InterfaceDetails::swIfIndex).findFirst();
    }

    /** Every interface VPP has. */
    public List<Messages.InterfaceDetails> all() {
        return vpp.dump(Messages.SwInterfaceDump.all());
    }

    /**
     * The loopback with MAC {@code mac}, created with {@code gateway} as its address when there is none; up, with
     * IPv6 on.
     */
    public int ensureLoopback(MacAddress mac, IpAddress gateway) {
        byte[] bytes = macBytes(mac);
        Optional<Integer> existing = all().stream()
                .filter(d -> d.name().startsWith("loop") && java.util.Arrays.equals(d.mac(), bytes))
                .map(Messages.InterfaceDetails::swIfIndex).findFirst();
        int index = existing.orElseGet(() -> vpp.call(new Messages.CreateLoopback(bytes)));
        tolerant(() -> vpp.call(new Messages.SwInterfaceAddDelAddress(index, true, false,
                new Messages.Prefix(gateway.toInetAddress(), gateway.isV4() ? 32 : 128))), existing.isPresent());
        up(index);
        enableIp6(index);
        return index;
    }

    /**
     * The af_packet interface on Linux interface {@code linuxName} (of VPP's namespace) with {@code mac} (null = the
     * Linux interface's own is not known: VPP picks), created when missing, and up.
     *
     * @param checksumOffload whether VPP reads the kernel's checksum/GSO metadata (frames from other veths may carry
     *                        only partial checksums)
     */
    public int ensureAfPacket(String linuxName, MacAddress mac, boolean checksumOffload) {
        Optional<Integer> existing = find(Wiring.vppName(linuxName));
        int index = existing.orElseGet(() -> vpp.call(new Messages.AfPacketCreateV3(Messages.AF_PACKET_MODE_ETHERNET,
                mac == null ? null : macBytes(mac), linuxName, 0, 0, 0, 0, checksumOffload ? AF_PACKET_FLAG_CKSUM_GSO : 0,
                1, 1)));
        try {
            up(index);
            return index;
        } catch (RuntimeException e) {
            if (existing.isEmpty()) {
                deleteAfPacketQuietly(linuxName);
            }
            throw e;
        }
    }

    /**
     * A memif interface in the server role on a new socket file {@code socket}, with {@code mac}, up; the workload
     * connects as client (id 0). Returns the interface and the socket's id.
     */
    public int[] createMemif(java.nio.file.Path socket, MacAddress mac) {
        int socketId = vpp.call(new Messages.MemifSocketFilenameAddDelV2(true, Messages.ALL_ONES, socket.toString()));
        try {
            int index = vpp.call(new Messages.MemifCreateV2(Messages.MEMIF_ROLE_MASTER, Messages.MEMIF_MODE_ETHERNET,
                    1, 1, 0, socketId, 1024, 2048, false, false, macBytes(mac), ""));
            try {
                up(index);
            } catch (RuntimeException e) {
                deleteMemifQuietly(index, socketId);
                throw e;
            }
            return new int[] {index, socketId};
        } catch (RuntimeException e) {
            deleteMemifQuietly(-1, socketId);
            throw e;
        }
    }

    /** Deletes a memif interface ({@code index} -1: none) and its socket; a failure is logged. */
    public void deleteMemifQuietly(int index, int socketId) {
        try {
            if (index >= 0) {
                vpp.call(new Messages.MemifDelete(index));
            }
            vpp.call(new Messages.MemifSocketFilenameAddDelV2(false, socketId, ""));
        } catch (RuntimeException e) {
            LOG.warn("cannot delete VPP memif {} (socket {}): {}", index, socketId, e.getMessage());
        }
    }

    /** {@code af_packet_flags}: checksum and GSO offload through the kernel's virtio-net header. */
    static final int AF_PACKET_FLAG_CKSUM_GSO = 2;

    /**
     * Lends the loopback's addresses to {@code index} and, with {@code ipv6}, turns IPv6 on there without router
     * advertisements: the workload's routes are set by the dataplane, and an endpoint receives only what is sent to it.
     */
    public void borrowGateway(int index, int loopback, boolean replay, boolean ipv6) {
        tolerant(() -> vpp.call(new Messages.SwInterfaceSetUnnumbered(loopback, index, true)), replay);
        if (ipv6) {
            enableIp6(index);
            vpp.call(new Messages.SwInterfaceIp6ndRaConfig(index, true));
        }
    }

    /** Turns IPv6 on (a link-local address) on {@code index}; it may be on already (VALUE_EXIST). */
    public void enableIp6(int index) {
        try {
            vpp.call(new Messages.SwInterfaceIp6EnableDisable(index, true));
        } catch (VppApiException e) {
            if (e.retval() != VALUE_EXIST) {
                throw e;
            }
        }
    }

    /** VPP's retval when something is there already. */
    private static final int VALUE_EXIST = -81;

    /** Adds {@code address}/{@code length} to {@code index} (tolerating one that is there already on a replay). */
    public void addAddress(int index, IpAddress address, int length, boolean replay) {
        tolerant(() -> vpp.call(new Messages.SwInterfaceAddDelAddress(index, true, false,
                new Messages.Prefix(address.toInetAddress(), length))), replay);
    }

    /** A static neighbour: {@code address} is at {@code mac} behind {@code index}. */
    public void neighbour(int index, IpAddress address, MacAddress mac, boolean add) {
        vpp.call(new Messages.IpNeighborAddDel(add, index, Messages.NEIGHBOR_FLAG_STATIC, macBytes(mac),
                address.toInetAddress()));
    }

    /** Admin up. */
    public void up(int index) {
        vpp.call(new Messages.SwInterfaceSetFlags(index, Messages.IF_ADMIN_UP));
    }

    /** Deletes the af_packet interface on {@code linuxName}; a failure is logged. */
    public void deleteAfPacketQuietly(String linuxName) {
        try {
            vpp.call(new Messages.AfPacketDelete(linuxName));
        } catch (RuntimeException e) {
            LOG.warn("cannot delete VPP interface {}: {}", Wiring.vppName(linuxName), e.getMessage());
        }
    }

    /** Deletes the loopback; a failure is logged. */
    public void deleteLoopbackQuietly(int index) {
        try {
            vpp.call(new Messages.DeleteLoopback(index));
        } catch (RuntimeException e) {
            LOG.warn("cannot delete VPP loopback {}: {}", index, e.getMessage());
        }
    }

    /** The MAC as VPP's 6 bytes. */
    public static byte[] macBytes(MacAddress mac) {
        return mac.toBytes();
    }

    /** On a replay, a refusal of what VPP holds already (an address, unnumbered) is expected: logged, not thrown. */
    private static void tolerant(Runnable call, boolean replay) {
        try {
            call.run();
        } catch (VppApiException e) {
            if (!replay) {
                throw e;
            }
            LOG.debug("replay: {}", e.getMessage());
        }
    }
}
