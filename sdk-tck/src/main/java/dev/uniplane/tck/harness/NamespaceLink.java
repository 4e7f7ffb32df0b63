package dev.uniplane.tck.harness;

import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;

/** A veth between two network namespaces, each end with one address and up: the wire of multi-namespace test topologies. */
public final class NamespaceLink {
    private NamespaceLink() {
    }

    /** Links namespace {@code a} (end {@code aName}, {@code aAddress}) to {@code b} (end {@code bName}, {@code bAddress}). */
    public static void connect(String a, String aName, String aAddress, String b, String bName, String bAddress) {
        try (NetNs an = NetNs.open(a); NetNs bn = NetNs.open(b); RtNetlink al = RtNetlink.open(an); RtNetlink bl = RtNetlink.open(bn)) {
            al.createVethPair(aName, bName, bn);
            al.addAddress(al.index(aName), InterfaceAddress.parse(aAddress));
            al.setUp(al.index(aName), true);
            bl.addAddress(bl.index(bName), InterfaceAddress.parse(bAddress));
            bl.setUp(bl.index(bName), true);
        }
    }
}
