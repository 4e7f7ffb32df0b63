package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.internal.ffm.LibC;
import dev.uniplane.linux.internal.netlink.NetlinkSocket;
import dev.uniplane.linux.internal.netlink.NlBuilder;
import dev.uniplane.linux.internal.netlink.NlError;
import dev.uniplane.linux.internal.netlink.NlMessage;
import dev.uniplane.linux.internal.netlink.RtnlCodec;
import dev.uniplane.linux.internal.netlink.TcCodec;
import dev.uniplane.linux.internal.netlink.VfCodec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.uniplane.linux.internal.netlink.RtnlCodec.*;

/**
 * An rtnetlink (NETLINK_ROUTE) client for one network namespace: links (veth/bridge/vxlan/tap create, up/down, MTU, MAC,
 * rename, master, netns move, delete, get/dump with stats64), addresses, routes (incl. ECMP and batched programming),
 * neighbours and SR-IOV VF attributes. Thread-safe (requests are serialised); errors are {@link LinuxException}s carrying
 * the operation, the object, the errno name and the kernel's extended ACK text.
 */
public final class RtNetlink implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RtNetlink.class);
    /** Address family for dumps: all families. */
    public static final int AF_UNSPEC = 0;
    /** Address family for dumps: IPv4. */
    public static final int AF_INET = 2;
    /** Address family for dumps: IPv6. */
    public static final int AF_INET6 = 10;
    private static final int BATCH_BYTES = 128 * 1024;
    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETPERSIST = 0x400454cbL;
    private static final int IFF_TAP = 0x0002;
    private static final int IFF_NO_PI = 0x1000;

    private final NetlinkSocket socket;
    private final NetNs namespace;

    private RtNetlink(NetlinkSocket socket, NetNs namespace) {
        this.socket = socket;
        this.namespace = namespace;
    }

    /** A client for the calling thread's network namespace. */
    public static RtNetlink open() {
        return new RtNetlink(NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE), null);
    }

    /**
     * A client for {@code ns}: the socket is created inside it (on a platform thread), then works from any thread. The
     * handle is kept (not owned) for operations that need the namespace itself, like {@link #createTap}.
     */
    public static RtNetlink open(NetNs ns) {
        return new RtNetlink(ns.run(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)), ns);
    }

    // ---------------------------------------------------------------- links

    /**
     * Creates a veth pair {@code name} (here) and {@code peerName}, placing the peer directly in {@code peerNs} (or here
     * when {@code null}). Returns the local end.
     */
    public synchronized LinkInfo createVethPair(String name, String peerName, NetNs peerNs) {
        int seq = socket.nextSeq();
        NlBuilder b = newLink(seq, name);
        b.nest(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "veth").nest(IFLA_INFO_DATA).nest(VETH_INFO_PEER);
        ifinfomsg(b, AF_UNSPEC, 0, 0, 0);
        b.attrString(IFLA_IFNAME, peerName);
        if (peerNs != null) {
            b.attrU32(IFLA_NET_NS_FD, peerNs.fd());
        }
        b.endNest().endNest().endNest().end();
        socket.request(b, seq, "create veth", name + " peer " + peerName);
        return link(name);
    }

    /** Creates a Linux bridge. */
    public synchronized LinkInfo createBridge(String name) {
        return createLink(name, "bridge");
    }

    /** Creates a link of a kind that needs no IFLA_INFO_DATA (bridge, ifb, ...). */
    public synchronized LinkInfo createLink(String name, String kind) {
        int seq = socket.nextSeq();
        NlBuilder b = newLink(seq, name);
        b.nest(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, kind).endNest().end();
        socket.request(b, seq, "create " + kind, name);
        return link(name);
    }

    /**
     * Creates a VXLAN device.
     *
     * @param vni      VXLAN network identifier
     * @param dstPort  UDP destination port (4789 is IANA's)
     * @param local    local tunnel address or {@code null}
     * @param underlay underlay ifindex or 0
     */
    public synchronized LinkInfo createVxlan(String name, int vni, int dstPort, IpAddress local, int underlay) {
        int seq = socket.nextSeq();
        NlBuilder b = newLink(seq, name);
        b.nest(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "vxlan").nest(IFLA_INFO_DATA).attrU32(IFLA_VXLAN_ID, vni)
                .attrBe16(IFLA_VXLAN_PORT, dstPort);
        if (local != null) {
            b.attr(local.isV4() ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, local.toBytes());
        }
        if (underlay != 0) {
            b.attrU32(IFLA_VXLAN_LINK, underlay);
        }
        b.endNest().endNest().end();
        socket.request(b, seq, "create vxlan", name + " vni " + vni);
        return link(name);
    }

    /**
     * Creates a persistent TAP device (no packet-info header) through {@code /dev/net/tun} (rtnetlink cannot create
     * tun/tap), in this client's namespace.
     */
    public LinkInfo createTap(String name) {
        Runnable create = () -> {
            int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ifreq = arena.allocate(40, 8);
                byte[] n = name.getBytes(StandardCharsets.US_ASCII);
                if (n.length > 15) {
                    throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
                }
                MemorySegment.copy(n, 0, ifreq, ValueLayout.JAVA_BYTE, 0, n.length);
                ifreq.set(ValueLayout.JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
                LibC.ioctl(fd, TUNSETIFF, ifreq, name);
                LibC.ioctl(fd, TUNSETPERSIST, MemorySegment.ofAddress(1), name);
            } finally {
                LibC.close(fd);
            }
        };
        if (namespace == null) {
            create.run();
        } else {
            namespace.execute(create);
        }
        return link(name);
    }

    private NlBuilder newLink(int seq, String name) {
        NlBuilder b = new NlBuilder(512);
        b.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        ifinfomsg(b, AF_UNSPEC, 0, 0, 0);
        b.attrString(IFLA_IFNAME, name);
        return b;
    }

    /** Sets the link administratively up or down. */
    public synchronized void setUp(int index, boolean up) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, index, up ? LinkInfo.IFF_UP : 0, LinkInfo.IFF_UP);
        b.end();
        socket.request(b, seq, up ? "set up" : "set down", "link #" + index);
    }

    /** Sets the link up/down by name. */
    public void setUp(String name, boolean up) {
        setUp(index(name), up);
    }

    public synchronized void setMtu(int index, int mtu) {
        setLink(index, "set mtu " + mtu, b -> b.attrU32(IFLA_MTU, mtu));
    }

    public synchronized void setMac(int index, MacAddress mac) {
        setLink(index, "set mac " + mac, b -> b.attr(IFLA_ADDRESS, mac.toBytes()));
    }

    public synchronized void rename(int index, String newName) {
        setLink(index, "rename to " + newName, b -> b.attrString(IFLA_IFNAME, newName));
    }

    /** Enslaves the link to a bridge (or other master); {@code masterIndex} 0 releases it. */
    public synchronized void setMaster(int index, int masterIndex) {
        setLink(index, "set master #" + masterIndex, b -> b.attrU32(IFLA_MASTER, masterIndex));
    }

    /** Moves the link into {@code target} (EBADF if the handle is closed). */
    public synchronized void moveToNetns(int index, NetNs target) {
        moveToNetnsFd(index, target.fd(), null);
    }

    /** Moves the link into the namespace behind {@code nsFd}, optionally renaming it in the same message. */
    public synchronized void moveToNetnsFd(int index, int nsFd, String newName) {
        setLink(index, "move to netns fd " + nsFd, b -> {
            b.attrU32(IFLA_NET_NS_FD, nsFd);
            if (newName != null) {
                b.attrString(IFLA_IFNAME, newName);
            }
        });
    }

    private void setLink(int index, String operation, Consumer<NlBuilder> attrs) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, index, 0, 0);
        attrs.accept(b);
        b.end();
        socket.request(b, seq, operation, "link #" + index);
    }

    /** Deletes a link by name (ENODEV if there is none; the exception names it). */
    public synchronized void deleteLink(String name) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, 0, 0, 0);
        b.attrString(IFLA_IFNAME, name).end();
        socket.request(b, seq, "delete link", name);
    }

    /**
     * Deletes the link if it exists, for cleanup paths: a veth may already be gone with its peer's namespace, and a
     * failure is logged rather than thrown. True when this call deleted it.
     */
    public synchronized boolean deleteLinkIfPresent(String name) {
        try {
            if (findLink(name).isPresent()) {
                deleteLink(name);
                return true;
            }
        } catch (LinuxException e) {
            LOG.warn("cannot delete {}: {}", name, e.getMessage());
        }
        return false;
    }

    public synchronized void deleteLink(int index) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, index, 0, 0);
        b.end();
        socket.request(b, seq, "delete link", "#" + index);
    }

    /** The link called {@code name}; throws ENODEV if missing. */
    public synchronized LinkInfo link(String name) {
        return getLink(0, name, false);
    }

    public synchronized LinkInfo link(int index) {
        return getLink(index, null, false);
    }

    /** The link, or empty if it does not exist (ENODEV). */
    public synchronized Optional<LinkInfo> findLink(String name) {
        try {
            return Optional.of(link(name));
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public int index(String name) {
        return link(name).index();
    }

    /** The link with its decoded IFLA_VFINFO_LIST (GETLINK with RTEXT_FILTER_VF). */
    public synchronized LinkInfo linkWithVfs(int index) {
        return getLink(index, null, true);
    }

    private LinkInfo getLink(int index, String name, boolean vfs) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_GETLINK, NLM_F_REQUEST, seq);
        ifinfomsg(b, AF_UNSPEC, index, 0, 0);
        if (name != null) {
            b.attrString(IFLA_IFNAME, name);
        }
        if (vfs) {
            b.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
        }
        b.end();
        List<NlMessage> reply = socket.dump(b, seq, "get link", name != null ? name : "#" + index);
        return decodeLink(reply.getFirst());
    }

    /** Dumps every link of the namespace. */
    public synchronized List<LinkInfo> links() {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
        ifinfomsg(b, AF_UNSPEC, 0, 0, 0);
        b.end();
        return socket.dump(b, seq, "dump links", "").stream()
                .filter(m -> m.type() == RTM_NEWLINK).map(RtnlCodec::decodeLink).toList();
    }

    // ---------------------------------------------------------------- addresses

    /** Adds an interface address (EEXIST if present). */
    public void addAddress(int ifIndex, InterfaceAddress address) {
        addAddress(ifIndex, address, 0);
    }

    /** Adds an interface address with IFA_F_* flags, e.g. {@link AddressInfo#IFA_F_NODAD} for IPv6. */
    public synchronized void addAddress(int ifIndex, InterfaceAddress address, int flags) {
        address(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifIndex, address, flags, "add address");
    }

    public synchronized void deleteAddress(int ifIndex, InterfaceAddress address) {
        address(RTM_DELADDR, 0, ifIndex, address, 0, "delete address");
    }

    private void address(int type, int extra, int ifIndex, InterfaceAddress address, int flags, String op) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(type, NLM_F_REQUEST | NLM_F_ACK | extra, seq);
        b.u8(address.family()).u8(address.prefixLength()).u8(flags & 0xff).u8(0).u32(ifIndex);
        byte[] a = address.address().toBytes();
        b.attr(IFA_LOCAL, a).attr(IFA_ADDRESS, a);
        if (flags != 0) {
            b.attrU32(IFA_FLAGS, flags);
        }
        b.end();
        socket.request(b, seq, op, address + " on link #" + ifIndex);
    }

    /** Dumps addresses of a family (AF_UNSPEC = 0 for all) on all links. */
    public List<AddressInfo> addresses(int family) {
        return addresses(family, 0);
    }

    /** Addresses of a family on one link ({@code ifIndex} 0 = all links; the kernel filters). */
    public synchronized List<AddressInfo> addresses(int family, int ifIndex) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
        b.u8(family).u8(0).u8(0).u8(0).u32(ifIndex).end();
        return socket.dump(b, seq, "dump addresses", ifIndex == 0 ? "" : "link #" + ifIndex).stream()
                .filter(m -> m.type() == RTM_NEWADDR).map(RtnlCodec::decodeAddress)
                .filter(a -> ifIndex == 0 || a.index() == ifIndex).toList();
    }

    // ---------------------------------------------------------------- routes

    public synchronized void addRoute(RouteSpec route) {
        routeRequest(RouteOperation.ADD, route);
    }

    public synchronized void replaceRoute(RouteSpec route) {
        routeRequest(RouteOperation.REPLACE, route);
    }

    /** Deletes a route; destination, table, and (when set) device/gateway/priority select it. */
    public synchronized void deleteRoute(RouteSpec route) {
        routeRequest(RouteOperation.DELETE, route);
    }

    private void routeRequest(RouteOperation op, RouteSpec route) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        RtnlCodec.encodeRoute(b, op, route, seq, NLM_F_ACK);
        socket.request(b, seq, op.name().toLowerCase(Locale.ROOT) + " route", route.toString());
    }

    /** Dumps routes of a family (AF_INET 2 / AF_INET6 10) in one table, or in all tables when {@code table} is 0. */
    public synchronized List<RouteInfo> routes(int family, int table) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
        b.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        if (table != 0) {
            b.attrU32(RTA_TABLE, table);
        }
        b.end();
        return socket.dump(b, seq, "dump routes", "table " + table).stream()
                .filter(m -> m.type() == RTM_NEWROUTE).map(RtnlCodec::decodeRoute)
                .filter(r -> table == 0 || r.table() == table).toList();
    }

    /** {@link #programRoutes(RouteOperation, List, boolean)} asking for an ACK only on the last request of a datagram. */
    public RouteBatchResult programRoutes(RouteOperation op, List<RouteSpec> routes) {
        return programRoutes(op, routes, false);
    }

    /**
     * Programs many routes with many requests per sendmsg (datagrams of up to 128 KiB). The kernel answers every failed
     * request with an NLMSG_ERROR (and every request when {@code ackEach}); answers are matched to requests by sequence
     * number, the last request of each datagram always asks for an ACK, which marks the datagram as done. After a datagram
     * with failures no further datagram is sent and a {@link RouteBatchException} names the first failing route.
     */
    public synchronized RouteBatchResult programRoutes(RouteOperation op, List<RouteSpec> routes, boolean ackEach) {
        socket.setBufferSizes(4 * BATCH_BYTES, 8 << 20);
        NlBuilder b = new NlBuilder(BATCH_BYTES + 4096);
        Map<Integer, Integer> positionBySeq = new HashMap<>();
        int datagrams = 0;
        int[] acks = {0};
        int next = 0;
        while (next < routes.size()) {
            b.clear();
            positionBySeq.clear();
            int firstSeq = 0;
            int lastSeq = 0;
            int lastStart = 0;
            while (next < routes.size() && b.size() < BATCH_BYTES) {
                int seq = socket.nextSeq();
                lastStart = b.size();
                RtnlCodec.encodeRoute(b, op, routes.get(next), seq, ackEach ? NLM_F_ACK : 0);
                if (positionBySeq.isEmpty()) {
                    firstSeq = seq;
                }
                positionBySeq.put(seq, next);
                lastSeq = seq;
                next++;
            }
            // the ACK of the datagram's last request tells us the kernel has processed all of them
            b.orFlags(lastStart, NLM_F_ACK);
            List<NlError> failures = new ArrayList<>();
            socket.sendBatch(b, firstSeq, lastSeq, e -> {
                acks[0]++;
                if (!e.isAck() && positionBySeq.containsKey(e.requestSeq())) {
                    failures.add(e);
                }
            });
            datagrams++;
            if (!failures.isEmpty()) {
                NlError first = failures.stream()
                        .min(Comparator.comparingInt(e -> positionBySeq.get(e.requestSeq()))).orElseThrow();
                int position = positionBySeq.get(first.requestSeq());
                throw new RouteBatchException(op, routes.get(position), position, failures.size(), -first.error(),
                        first.extAck());
            }
        }
        return new RouteBatchResult(routes.size(), datagrams, acks[0]);
    }

    // ---------------------------------------------------------------- neighbours

    /** Adds a neighbour entry (EEXIST if present); {@code state} e.g. {@link NeighbourInfo#NUD_PERMANENT}. */
    public synchronized void addNeighbour(int ifIndex, IpAddress address, MacAddress mac, int state) {
        neighbour(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, ifIndex, address, mac, state, 0, "add neighbour");
    }

    /** Adds or replaces a neighbour entry. */
    public synchronized void replaceNeighbour(int ifIndex, IpAddress address, MacAddress mac, int state) {
        neighbour(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifIndex, address, mac, state, 0, "replace neighbour");
    }

    public synchronized void deleteNeighbour(int ifIndex, IpAddress address) {
        neighbour(RTM_DELNEIGH, 0, ifIndex, address, null, 0, 0, "delete neighbour");
    }

    /** Adds a proxy ARP/NDP entry (NTF_PROXY) answering for {@code address} on the link. */
    public synchronized void addProxyNeighbour(int ifIndex, IpAddress address) {
        neighbour(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, ifIndex, address, null, NeighbourInfo.NUD_PERMANENT,
                NeighbourInfo.NTF_PROXY, "add proxy neighbour");
    }

    public synchronized void deleteProxyNeighbour(int ifIndex, IpAddress address) {
        neighbour(RTM_DELNEIGH, 0, ifIndex, address, null, 0, NeighbourInfo.NTF_PROXY, "delete proxy neighbour");
    }

    private void neighbour(int type, int extra, int ifIndex, IpAddress address, MacAddress mac, int state,
                           int ntfFlags, String op) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(type, NLM_F_REQUEST | NLM_F_ACK | extra, seq);
        b.u8(address.isV4() ? AF_INET : AF_INET6).u8(0).u16(0).u32(ifIndex).u16(state).u8(ntfFlags)
                .u8(0);
        b.attr(NDA_DST, address.toBytes());
        if (mac != null) {
            b.attr(NDA_LLADDR, mac.toBytes());
        }
        b.end();
        socket.request(b, seq, op, address + " on link #" + ifIndex);
    }

    /** Dumps neighbour entries of a family (0 for all). */
    public synchronized List<NeighbourInfo> neighbours(int family) {
        return dumpNeighbours(family, 0);
    }

    /**
     * The addresses behind each MAC in the IPv4 and IPv6 neighbour tables (proxy entries and entries without a MAC
     * left out): how a read-back turns a rewritten destination MAC into the gateway address it was resolved from.
     */
    public synchronized Map<MacAddress, List<IpAddress>> neighbourAddressesByMac() {
        Map<MacAddress, List<IpAddress>> out = new HashMap<>();
        for (int family : new int[] {AF_INET, AF_INET6}) {
            for (NeighbourInfo n : dumpNeighbours(family, 0)) {
                if (n.mac() != null && !n.proxy()) {
                    out.computeIfAbsent(n.mac(), k -> new ArrayList<>()).add(n.address());
                }
            }
        }
        return out;
    }

    /** Dumps proxy entries of a family. */
    public synchronized List<NeighbourInfo> proxyNeighbours(int family) {
        return dumpNeighbours(family, NeighbourInfo.NTF_PROXY);
    }

    private List<NeighbourInfo> dumpNeighbours(int family, int ntfFlags) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq);
        b.u8(family).u8(0).u16(0).u32(0).u16(0).u8(ntfFlags).u8(0).end();
        return socket.dump(b, seq, "dump neighbours", "").stream()
                .filter(m -> m.type() == RTM_NEWNEIGH).map(RtnlCodec::decodeNeighbour).toList();
    }

    // ---------------------------------------------------------------- link flags and traffic control

    /**
     * Sets the link flags selected by {@code mask} to their values in {@code flags} (RTM_NEWLINK with ifi_change), e.g.
     * {@code setFlags(i, 0, UplinkSnapshot.IFF_PROMISC)} leaves promiscuous mode. Others stay as they are.
     */
    public synchronized void setFlags(int index, int flags, int mask) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, index, flags & mask, mask);
        b.end();
        socket.request(b, seq, "set flags 0x" + Integer.toHexString(flags & mask) + "/0x" + Integer.toHexString(mask),
                "link #" + index);
    }

    /** The qdiscs on one link (the kernel dumps every link's; this keeps {@code ifIndex}'s). */
    public synchronized List<QdiscInfo> qdiscs(int ifIndex) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(TcCodec.RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, seq);
        TcCodec.tcmsg(b, ifIndex, 0, 0, 0);
        b.end();
        return socket.dump(b, seq, "dump qdiscs", "link #" + ifIndex).stream()
                .filter(m -> m.type() == TcCodec.RTM_NEWQDISC).map(TcCodec::decodeQdisc)
                .filter(q -> q.index() == ifIndex).toList();
    }

    /**
     * The filters of one link under {@code parent}, e.g. {@link QdiscInfo#CLSACT_INGRESS}; empty when the link has no
     * qdisc there.
     */
    public synchronized List<TcFilterInfo> tcFilters(int ifIndex, int parent) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(TcCodec.RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP, seq);
        TcCodec.tcmsg(b, ifIndex, 0, parent, 0);
        b.end();
        return socket.dump(b, seq, "dump tc filters", "link #" + ifIndex + " parent " + Integer.toHexString(parent))
                .stream().filter(m -> m.type() == TcCodec.RTM_NEWTFILTER).map(TcCodec::decodeFilter).toList();
    }

    /**
     * Adds a filter that matches every packet and does nothing with it (u32, classid 1:1, no action) under
     * {@code parent}, e.g. {@link QdiscInfo#CLSACT_INGRESS}, at {@code priority}: a stand-in for someone else's
     * filter (tests).
     */
    public synchronized void addMatchAllFilter(int ifIndex, int parent, int priority) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(TcCodec.RTM_NEWTFILTER, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        TcCodec.tcmsg(b, ifIndex, 0, parent, (priority << 16) | TcCodec.PROTOCOL_ALL);
        TcCodec.u32MatchAll(b, 0x10001);
        b.end();
        socket.request(b, seq, "add u32 filter pref " + priority, "link #" + ifIndex);
    }

    /** Adds a clsact qdisc to the link (EEXIST if it has one). */
    public synchronized void addClsact(int ifIndex) {
        clsact(TcCodec.RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifIndex, "add clsact qdisc");
    }

    /** Deletes the link's clsact qdisc with every filter on it (EINVAL/ENOENT if it has none). */
    public synchronized void deleteClsact(int ifIndex) {
        clsact(TcCodec.RTM_DELQDISC, 0, ifIndex, "delete clsact qdisc");
    }

    private void clsact(int type, int extra, int ifIndex, String op) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(type, NLM_F_REQUEST | NLM_F_ACK | extra, seq);
        TcCodec.tcmsg(b, ifIndex, TcCodec.CLSACT_HANDLE, QdiscInfo.CLSACT, 0);
        // the kind makes the kernel refuse to delete an ingress qdisc in its place
        b.attrString(TcCodec.TCA_KIND, "clsact");
        b.end();
        socket.request(b, seq, op, "link #" + ifIndex);
    }

    // ---------------------------------------------------------------- SR-IOV VFs

    /** Applies one VF setting through the PF (RTM_SETLINK with a one-attribute IFLA_VFINFO_LIST). */
    public synchronized void setVf(int pfIndex, VfSetting setting) {
        int seq = socket.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        ifinfomsg(b, AF_UNSPEC, pfIndex, 0, 0);
        VfCodec.encode(b, setting);
        b.end();
        String what = setting.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        socket.request(b, seq, "set vf " + setting.vf() + " " + what, "link #" + pfIndex);
    }

    /** The decoded VF list of a PF (empty for links without VFs). */
    public List<VfInfo> vfs(int pfIndex) {
        return linkWithVfs(pfIndex).vfs();
    }

    /** The namespace this client was opened for, or {@code null} for the opener's namespace. */
    public NetNs namespace() {
        return namespace;
    }

    @Override
    public void close() {
        socket.close();
    }
}
