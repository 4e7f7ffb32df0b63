package dev.uniplane.linux;

import dev.uniplane.api.MacAddress;
import dev.uniplane.spi.StateFiles;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's uplink as a dataplane found it before it first touched it: link flags, MTU, MAC, addresses, qdiscs and the
 * tc filters on a clsact qdisc. Taken at open ({@link #recordOnce}), put back by destroy ({@link #restoreRecorded}), so
 * that a dataplane leaves the uplink exactly as it was: a clsact qdisc that was there stays (the dataplane removes only
 * its own filters), one it created goes, promiscuous mode and the other flags a dataplane may change go back.
 *
 * <p>The record outlives the process: a dataplane that is closed and reopened (restart survival), or whose process died,
 * must restore what was there before the <em>first</em> open, not what its own earlier instance left. It is a small JSON
 * file ({@link StateFiles}) next to the provider's state file, written once and deleted when it has been restored.
 *
 * @param name      the link's name
 * @param index     its ifindex (a link deleted and made again under the same name is another link)
 * @param flags     ifi_flags without the carrier-driven ones (IFF_RUNNING, IFF_LOWER_UP, IFF_DORMANT)
 * @param mtu       IFLA_MTU
 * @param mac       IFLA_ADDRESS as text, or {@code null} for links without one
 * @param addresses the link's addresses as {@code address/length}, sorted
 * @param qdiscs    the link's qdiscs, sorted
 * @param filters   the filters on its clsact qdisc's ingress and egress hooks, sorted; empty without clsact
 */
public record UplinkSnapshot(String name, int index, int flags, int mtu, String mac, List<String> addresses,
                             List<QdiscInfo> qdiscs, List<TcFilterInfo> filters) {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkSnapshot.class);
    /** {@code IFF_UP}. */
    public static final int IFF_UP = 0x1;
    /** {@code IFF_PROMISC}: promiscuous mode as set by the user (not the kernel's promiscuity counter). */
    public static final int IFF_PROMISC = 0x100;
    /** {@code IFF_ALLMULTI}. */
    public static final int IFF_ALLMULTI = 0x200;
    /** IFF_RUNNING, IFF_LOWER_UP and IFF_DORMANT follow the carrier, not the configuration: never compared. */
    private static final int CARRIER_FLAGS = 0x40 | 0x10000 | 0x20000;
    /** The flags a dataplane may change (a DPDK af_packet port sets promiscuous mode, for one) and restore puts back. */
    private static final int RESTORED_FLAGS = IFF_UP | IFF_PROMISC | IFF_ALLMULTI;

    /** Copies the lists, sorted, so that two snapshots of the same state are equal. */
    public UplinkSnapshot {
        Objects.requireNonNull(name, "name");
        flags &= ~CARRIER_FLAGS;
        addresses = addresses.stream().sorted().toList();
        qdiscs = qdiscs.stream().sorted(Comparator.comparing(QdiscInfo::toString)).toList();
        filters = filters.stream().sorted(Comparator.comparingInt(TcFilterInfo::parent)
                .thenComparingInt(TcFilterInfo::priority).thenComparingInt(TcFilterInfo::handle)
                .thenComparing(TcFilterInfo::toString)).toList();
    }

    /** The link {@code name} as it is now (ENODEV if there is none). */
    public static UplinkSnapshot take(RtNetlink links, String name) {
        LinkInfo link = links.link(name);
        int i = link.index();
        List<QdiscInfo> qdiscs = links.qdiscs(i);
        List<TcFilterInfo> filters = new ArrayList<>();
        if (qdiscs.stream().anyMatch(QdiscInfo::isClsact)) {
            filters.addAll(links.tcFilters(i, QdiscInfo.CLSACT_INGRESS));
            filters.addAll(links.tcFilters(i, QdiscInfo.CLSACT_EGRESS));
        }
        List<String> addresses = links.addresses(RtNetlink.AF_UNSPEC, i).stream().map(a -> a.prefix().toString()).toList();
        return new UplinkSnapshot(name, i, link.flags(), link.mtu(), link.mac() == null ? null : link.mac().toString(),
                addresses, qdiscs, filters);
    }

    /** Whether the link carries a clsact qdisc. */
    public boolean hasClsact() {
        return qdiscs.stream().anyMatch(QdiscInfo::isClsact);
    }

    /** What is different in {@code later}, one line per difference; empty when nothing is. */
    public List<String> differencesTo(UplinkSnapshot later) {
        List<String> out = new ArrayList<>();
        if (later.index != index || !later.name.equals(name)) {
            out.add("link " + name + " #" + index + " is now " + later.name + " #" + later.index);
        }
        if (later.flags != flags) {
            out.add("flags 0x" + Integer.toHexString(flags) + " -> 0x" + Integer.toHexString(later.flags)
                    + flagNames(flags ^ later.flags));
        }
        if (later.mtu != mtu) {
            out.add("mtu " + mtu + " -> " + later.mtu);
        }
        if (!Objects.equals(later.mac, mac)) {
            out.add("mac " + mac + " -> " + later.mac);
        }
        listDifferences("address", addresses, later.addresses, out);
        listDifferences("qdisc", qdiscs, later.qdiscs, out);
        listDifferences("tc filter", filters, later.filters, out);
        return out;
    }

    private static <T> void listDifferences(String what, List<T> before, List<T> after, List<String> out) {
        before.stream().filter(x -> !after.contains(x)).forEach(x -> out.add(what + " " + x + " is gone"));
        after.stream().filter(x -> !before.contains(x)).forEach(x -> out.add(what + " " + x + " was added"));
    }

    private static String flagNames(int changed) {
        List<String> names = new ArrayList<>();
        if ((changed & IFF_UP) != 0) {
            names.add("UP");
        }
        if ((changed & IFF_PROMISC) != 0) {
            names.add("PROMISC");
        }
        if ((changed & IFF_ALLMULTI) != 0) {
            names.add("ALLMULTI");
        }
        return names.isEmpty() ? "" : " (changed: " + String.join(", ", names) + ")";
    }

    /**
     * Puts back what a dataplane may have changed since this snapshot, on the same link only (same name and ifindex):
     * a clsact qdisc that was not there goes when no filter is left on it (a filter of someone else keeps it, logged),
     * MTU and MAC, and the flags UP, PROMISC and ALLMULTI. Never throws: failures are logged.
     *
     * @return what still differs afterwards (empty when the link is as it was)
     */
    public List<String> restore(RtNetlink links) {
        try {
            Optional<LinkInfo> link = links.findLink(name);
            if (link.isEmpty() || link.get().index() != index) {
                LOG.info("uplink {} (#{}) is gone; nothing to restore", name, index);
                return List.of("link " + name + " #" + index + " is gone");
            }
            UplinkSnapshot now = take(links, name);
            if (!hasClsact() && now.hasClsact()) {
                if (now.filters.isEmpty()) {
                    links.deleteClsact(index);
                } else {
                    LOG.info("keeping the clsact qdisc on {}: others' filters are on it ({})", name, now.filters);
                }
            }
            if (now.mtu != mtu) {
                links.setMtu(index, mtu);
            }
            if (mac != null && !mac.equals(now.mac)) {
                links.setMac(index, MacAddress.parse(mac));
            }
            int changed = (now.flags ^ flags) & RESTORED_FLAGS;
            if (changed != 0) {
                links.setFlags(index, flags, changed);
            }
            restoreAddresses(links);
            List<String> remaining = differencesTo(take(links, name));
            if (!remaining.isEmpty()) {
                LOG.warn("uplink {} is not as it was before the dataplane: {}", name, remaining);
            }
            return remaining;
        } catch (LinuxException e) {
            LOG.warn("cannot restore uplink {}: {}", name, e.getMessage());
            return List.of("cannot restore: " + e.getMessage());
        }
    }

    /**
     * Adds back the addresses that are gone. The kernel drops a link's IPv6 addresses when it goes down (unless
     * {@code keep_addr_on_down}), and some dataplanes take the uplink down on the way out: VPP's af_packet delete
     * does. They passed duplicate address detection before, so they come back without it.
     */
    private void restoreAddresses(RtNetlink links) {
        List<String> present = take(links, name).addresses;
        for (String gone : addresses.stream().filter(a -> !present.contains(a)).toList()) {
            try {
                InterfaceAddress address = InterfaceAddress.parse(gone);
                links.addAddress(index, address, address.address().isV4() ? 0 : AddressInfo.IFA_F_NODAD);
            } catch (LinuxException e) {
                if (e.errno() != Errno.EEXIST) { // the kernel's own link-local address can come back meanwhile
                    LOG.warn("cannot restore address {} on uplink {}: {}", gone, name, e.getMessage());
                }
            }
        }
    }

    /**
     * Where a provider records the uplink of dataplane {@code dataplane}: beside the SPI's saved state file
     * ({@code /run/uniplane/<provider>-<dataplane>.uplink.json}), so close, reopen and a crash keep it.
     */
    public static Path recordFile(String provider, String dataplane) {
        Path state = SavedDataplane.file(provider, dataplane);
        return state.resolveSibling(state.getFileName().toString().replaceFirst("\\.json$", ".uplink.json"));
    }

    /**
     * The snapshot recorded in {@code record} for this link, or, when there is none (or it is of another link), one
     * taken now and recorded there. A record that exists is the truth: it was written before the first open of the
     * dataplane, while what the link shows now may be the changes of an earlier instance (closed, or died).
     */
    public static UplinkSnapshot recordOnce(Path record, RtNetlink links, String name) {
        int index = links.link(name).index();
        Optional<UplinkSnapshot> earlier = readQuietly(record).filter(s -> s.name.equals(name) && s.index == index);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        UplinkSnapshot now = take(links, name);
        StateFiles.write(record, now);
        return now;
    }

    /**
     * Restores the snapshot recorded in {@code record} ({@link #restore}) and deletes the record; nothing without one.
     * Never throws: failures are logged.
     */
    public static void restoreRecorded(Path record, RtNetlink links) {
        Optional<UplinkSnapshot> before = readQuietly(record);
        before.ifPresent(s -> s.restore(links));
        try {
            StateFiles.delete(record);
        } catch (RuntimeException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    private static Optional<UplinkSnapshot> readQuietly(Path record) {
        try {
            return StateFiles.read(record, UplinkSnapshot.class);
        } catch (RuntimeException e) {
            LOG.warn("ignoring the uplink record: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
