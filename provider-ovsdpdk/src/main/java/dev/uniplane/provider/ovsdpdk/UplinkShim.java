package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a kernel transmit between the uplink and its af_packet port, so that packets reach OVS with complete checksums.
 *
 * <p>Why: a sender with checksum offload (a veth peer, the usual case in containers and in the kit) hands over
 * CHECKSUM_PARTIAL packets whose L4 checksum is never filled in; an af_packet socket on the uplink copies them as they
 * are, and the workload then drops every TCP/UDP reply (ICMP, checksummed in software, passed; measured). A kernel
 * transmit through a device without offloads computes the checksum (and segments GSO packets).
 *
 * <p>How: a veth pair {@code <name>ui}/{@code <name>uo} in the node namespace, offloads off. tc (clsact, u32 match-all,
 * mirred; this kernel has no matchall) mirrors uplink ingress to egress of {@code uo}, so copies arrive on {@code ui},
 * the af_packet port, while the originals still reach the node kernel (ARP for the node's uplink address keeps
 * working); what OVS sends on {@code ui} arrives on {@code uo} and is redirected out of the uplink.
 */
final class UplinkShim {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkShim.class);
    /** Our tc filter preference on the uplink's ingress (the eBPF provider uses 1). */
    private static final String PREF = "7570";

    private final NetNs node;
    private final RtNetlink links;
    private final Optional<Path> netns;
    private final String uplink;
    private final String inner;
    private final String outer;
    private final Path uplinkRecord;

    private UplinkShim(NetNs node, RtNetlink links, Optional<Path> netns, String uplink, String base, Path uplinkRecord) {
        this.node = node;
        this.links = links;
        this.netns = netns;
        this.uplink = uplink;
        this.inner = base + "ui";
        this.outer = base + "uo";
        this.uplinkRecord = uplinkRecord;
    }

    /**
     * Creates the shim for {@code uplink}; {@link #portInterface()} is what the af_packet port opens. The uplink as it
     * was before is recorded in {@code uplinkRecord} first (once: an earlier instance's record stays the truth), for
     * {@link #remove()} to put back.
     */
    static UplinkShim create(NetNs node, RtNetlink links, Optional<Path> netns, String uplink, String base, Path uplinkRecord) {
        UplinkShim shim = new UplinkShim(node, links, netns, uplink, base, uplinkRecord);
        try {
            shim.build();
            return shim;
        } catch (RuntimeException e) {
            shim.remove();
            throw e;
        }
    }

    /**
     * The shim a previous open of this dataplane built and left running (adoption). Without a record of the uplink
     * before (a dataplane of an older version) the uplink as it is now is recorded: its clsact qdisc then stays.
     */
    static UplinkShim existing(NetNs node, RtNetlink links, Optional<Path> netns, String uplink, String base, Path uplinkRecord) {
        UplinkSnapshot.recordOnce(uplinkRecord, links, uplink);
        return new UplinkShim(node, links, netns, uplink, base, uplinkRecord);
    }

    private void build() {
        // Leftovers of a process that died without closing (the filter would mirror into a vanished device).
        removeFilterAndVeths();
        UplinkSnapshot.recordOnce(uplinkRecord, links, uplink);
        links.createVethPair(inner, outer, node);
        for (String dev : new String[] {inner, outer}) {
            HostEnds.disableIpv6(node, dev);
            NetnsCommand.in(netns, OvsDpdkProvider.ETHTOOL, "-K", dev, "tx", "off", "tso", "off", "gso", "off").runOrThrow();
            links.setUp(dev, true);
        }
        // The uplink may carry a clsact qdisc already (another dataplane's programs): then add our filter to it.
        NetnsCommand.in(netns, OvsDpdkProvider.TC, "qdisc", "add", "dev", uplink, "clsact").run();
        NetnsCommand.in(netns, OvsDpdkProvider.TC, "filter", "add", "dev", uplink, "ingress", "pref", PREF, "protocol", "all",
                "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "mirror", "dev", outer).runOrThrow();
        NetnsCommand.in(netns, OvsDpdkProvider.TC, "qdisc", "add", "dev", outer, "clsact").runOrThrow();
        NetnsCommand.in(netns, OvsDpdkProvider.TC, "filter", "add", "dev", outer, "ingress", "pref", PREF, "protocol", "all",
                "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", uplink).runOrThrow();
    }

    /** The interface the uplink's af_packet port opens. */
    String portInterface() {
        return inner;
    }

    /**
     * Removes our uplink filter and the veth pair, and puts the uplink back as recorded before the first open: a
     * clsact qdisc we created goes (unless others' filters are on it now), one that was there stays. Never throws.
     */
    void remove() {
        removeFilterAndVeths();
        UplinkSnapshot.restoreRecorded(uplinkRecord, links);
    }

    private void removeFilterAndVeths() {
        try {
            NetnsCommand.in(netns, OvsDpdkProvider.TC, "filter", "del", "dev", uplink, "ingress", "pref", PREF).run();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the tc filter on {}: {}", uplink, e.getMessage());
        }
        try {
            if (links.findLink(inner).isPresent()) {
                links.deleteLink(inner);
            }
        } catch (LinuxException e) {
            LOG.warn("cannot delete {}: {}", inner, e.getMessage());
        }
    }
}
