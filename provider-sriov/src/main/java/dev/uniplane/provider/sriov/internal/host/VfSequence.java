package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.Errno;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfSetting;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Attaches one VF to a workload and restores it, in sriov-cni's order of operations:
 * <ol>
 *   <li>read the VF's record from the PF (GETLINK with RTEXT_FILTER_VF) and the netdev's name, MAC, MTU;</li>
 *   <li>apply each PF-side setting in its own message (vlan, admin MAC re-read until it shows, rate, spoofchk, trust,
 *       link state), so each gets its own error;</li>
 *   <li>move the netdev into the workload namespace and rename it there, in one message (the kernel applies the
 *       namespace change first, and refuses a name taken in the target without moving);</li>
 *   <li>there: MAC (re-read: some drivers apply it late), MTU, up, addresses, default routes.</li>
 * </ol>
 * A failure undoes what was done, in reverse, and rethrows. {@link #restore} resets through the PF only what was set,
 * then brings the netdev back (from the workload namespace, or found in the host namespace when that namespace is
 * gone) under its old name with its old MAC and MTU.
 *
 * <p>PF-side settings need a driver with {@code ndo_set_vf_*}: any other device reports EOPNOTSUPP, which is
 * rethrown naming the PF, the VF and the setting. The class works on any netdev, so tests run it on veth stand-ins.
 */
public final class VfSequence {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VfSequence.class);
    private static final int REREAD_TRIES = 20;
    private static final long REREAD_PAUSE_MS = 100;
    private static final IpPrefix LINK_LOCAL_V4 = IpPrefix.parse("169.254.0.0/16");
    /** How long a restore waits for the kernel to return a VF netdev from a deleted namespace. */
    private static final long RETURN_WAIT_MS = 10_000;

    private final NetNs hostNs;
    private final RtNetlink host;
    private final String pfName;
    private final int vf;
    private final VfNetdev netdev;

    /**
     * @param hostNs the namespace the PF and the VF netdev live in (the netdev returns there)
     * @param host   an rtnetlink client of {@code hostNs}
     * @param pfName the PF's netdev name
     * @param vf     the VF number on the PF
     * @param netdev the VF's netdev
     */
    public VfSequence(NetNs hostNs, RtNetlink host, String pfName, int vf, VfNetdev netdev) {
        this.hostNs = Objects.requireNonNull(hostNs, "hostNs");
        this.host = Objects.requireNonNull(host, "host");
        this.pfName = Objects.requireNonNull(pfName, "pfName");
        this.vf = vf;
        this.netdev = Objects.requireNonNull(netdev, "netdev");
    }

    /** The VF's record as the PF reports it now, without stats; empty when the PF reports no such VF. */
    public Optional<VfInfo> readVf() {
        int pfIndex = host.index(pfName);
        return host.vfs(pfIndex).stream().filter(v -> v.vf() == vf).findFirst()
                .map(v -> new VfInfo(v.vf(), v.mac(), v.vlan(), v.qos(), v.vlanProto(), v.minRate(), v.maxRate(),
                        v.spoofChk(), v.trust(), v.linkState(), null));
    }

    /**
     * Runs the attach sequence.
     *
     * @return what was changed, for {@link #restore} (persist it before anything else can fail)
     * @throws LinuxException      naming the PF, VF and setting when the PF refuses one (EOPNOTSUPP without SR-IOV)
     * @throws ConflictException   when the workload namespace already has {@code interfaceName}
     * @throws InvalidSpecException when the workload namespace cannot be opened
     */
    public AttachedVf attach(VfConfig config, WorkloadNetdev workload) {
        LinkInfo before = host.link(netdev.hostName());
        VfInfo original = readVf().orElse(null);
        List<VfSetting> applied = new ArrayList<>();
        boolean moved = false;
        try (NetNs target = openWorkload(workload.netns())) {
            try {
                int pfIndex = host.index(pfName);
                for (VfSetting setting : config.settings(vf)) {
                    apply(pfIndex, setting);
                    applied.add(setting);
                }
                try (RtNetlink inside = RtNetlink.open(target)) {
                    if (inside.findLink(workload.interfaceName()).isPresent()) {
                        throw new ConflictException("interfaceName=\"" + workload.interfaceName()
                                + "\": an interface of that name already exists in netns " + workload.netns());
                    }
                    host.moveToNetnsFd(before.index(), target.fd(), workload.interfaceName());
                    moved = true;
                    configureInside(inside, workload);
                }
            } catch (RuntimeException e) {
                rollBack(e, before, target, workload, moved, applied, original);
                throw e;
            }
        }
        return new AttachedVf(pfName, vf, before.name(), before.mac(), before.mtu(), before.up(), workload.netns(),
                workload.interfaceName(), config, original);
    }

    private static NetNs openWorkload(String path) {
        try {
            NetNs ns = NetNs.open(Path.of(path));
            if (!ns.isNetworkNamespace()) {
                ns.close();
                throw new InvalidSpecException("netns", path, "is not a network namespace");
            }
            return ns;
        } catch (LinuxException e) {
            throw new InvalidSpecException("netns", path, "cannot be opened (" + e.errnoName() + ")");
        }
    }

    private void apply(int pfIndex, VfSetting setting) {
        try {
            host.setVf(pfIndex, setting);
        } catch (LinuxException e) {
            String why = e.errno() == Errno.EOPNOTSUPP
                    ? "the PF's driver does not implement this VF setting (not an SR-IOV PF, or a setting this NIC lacks)"
                    : "the PF refused it";
            LinuxException named = new LinuxException("set VF " + vf + " " + VfConfig.describe(setting) + " through PF",
                    pfName, e.errno(), why, e.extAck());
            named.initCause(e);
            throw named;
        }
        if (setting instanceof VfSetting.Mac mac) {
            // the PF may apply an admin MAC late: re-read until it shows, as sriov-cni does
            awaitValue("admin MAC of VF " + vf + " on PF " + pfName, mac.mac(),
                    () -> readVf().map(VfInfo::mac).orElse(null));
        }
    }

    private void configureInside(RtNetlink inside, WorkloadNetdev workload) {
        int index = inside.index(workload.interfaceName());
        if (workload.mac() != null) {
            inside.setMac(index, workload.mac());
            awaitValue("MAC of " + workload.interfaceName() + " in " + workload.netns(), workload.mac(),
                    () -> inside.link(index).mac());
        }
        if (workload.mtu() != null) {
            inside.setMtu(index, workload.mtu());
        }
        inside.setUp(index, true);
        inside.findLink("lo").ifPresent(lo -> inside.setUp(lo.index(), true));
        for (InterfaceAddress address : workload.addresses()) {
            inside.addAddress(index, address, AddressInfo.IFA_F_NODAD);
        }
        for (IpAddress gateway : workload.gateways()) {
            if (LINK_LOCAL_V4.contains(gateway) && workload.addresses().stream().noneMatch(a -> onSubnet(a, gateway))) {
                // a link-local gateway (169.254.1.1) is on-link by definition, but the kernel needs a link route to it
                // before it can be a next hop; any other gateway must be on an address's subnet
                inside.addRoute(RouteSpec.to(IpPrefix.host(gateway)).dev(index).scope(RouteSpec.SCOPE_LINK).build());
            }
            inside.addRoute(RouteSpec.to(IpPrefix.defaultRoute(gateway.family())).via(gateway).dev(index).build());
        }
    }

    private static boolean onSubnet(InterfaceAddress address, IpAddress gateway) {
        return address.address().family() == gateway.family()
                && IpPrefix.parse(address.address() + "/" + address.prefixLength()).contains(gateway);
    }

    private static void awaitValue(String what, MacAddress expected, Supplier<MacAddress> read) {
        MacAddress seen = null;
        for (int i = 0; i < REREAD_TRIES; i++) {
            seen = read.get();
            if (expected.equals(seen)) {
                return;
            }
            try {
                Thread.sleep(REREAD_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new LinuxException("verify", what, Errno.EIO, "still " + seen + " instead of " + expected + " after "
                + REREAD_TRIES * REREAD_PAUSE_MS + " ms");
    }

    private void rollBack(RuntimeException failure, LinkInfo before, NetNs target, WorkloadNetdev workload, boolean moved,
                          List<VfSetting> applied, VfInfo original) {
        if (moved) {
            tryStep(failure, () -> {
                try (RtNetlink inside = RtNetlink.open(target)) {
                    int index = inside.index(workload.interfaceName());
                    inside.setUp(index, false);
                    inside.moveToNetnsFd(index, hostNs.fd(), before.name());
                }
                restoreHostNetdev(before.name(), before.mac(), before.mtu(), before.up());
            });
        }
        for (VfSetting setting : applied.reversed()) {
            tryStep(failure, () -> host.setVf(host.index(pfName), VfConfig.reset(setting, original)));
        }
    }

    private static void tryStep(RuntimeException failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Restores the VF: PF-side settings first (only those {@code attached.applied()} set), then the netdev, back from
     * the workload namespace, or found in the host namespace when that namespace is gone; under its old name with its
     * old MAC, MTU and up/down state. Goes on past failures and lists them.
     */
    public RestoreReport restore(AttachedVf attached) {
        List<String> problems = new ArrayList<>();
        for (VfSetting setting : attached.applied().settings(vf)) {
            VfSetting reset = VfConfig.reset(setting, attached.original());
            if (reset instanceof VfSetting.Mac mac && mac.mac().equals(attached.hostMac())) {
                // the PF reported the MAC the VF netdev had set itself (igb does), not an admin MAC: making it an admin
                // MAC would pin it, and igb then refuses the netdev's own MAC restore (EADDRNOTAVAIL); clear it instead
                reset = new VfSetting.Mac(vf, new MacAddress(0));
            }
            try {
                host.setVf(host.index(pfName), reset);
            } catch (LinuxException e) {
                problems.add("reset VF " + vf + " " + VfConfig.describe(reset) + " through PF " + pfName + ": " + e.getMessage());
            }
        }
        int before = problems.size();
        String location = bringBack(attached, problems);
        // only a netdev back under its own name gets its MAC/MTU: another device may hold the name now
        if (!location.equals("missing") && problems.size() == before) {
            try {
                restoreHostNetdev(attached.hostName(), attached.hostMac(), attached.hostMtu(), attached.hostUp());
            } catch (LinuxException e) {
                if (e.errno() == Errno.EADDRNOTAVAIL && retryWithoutAdminMac(attached)) {
                    LOG.info("VF {} of {}: its original admin MAC pinned another MAC than its netdev's {}; cleared it",
                            vf, pfName, attached.hostMac());
                } else {
                    problems.add("restore " + attached.hostName() + " in the host namespace: " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            LOG.warn("VF {} of {} not fully restored: {}", vf, pfName, problems);
        }
        return new RestoreReport(location, problems);
    }

    /**
     * The PF refused the VF netdev its own MAC because an admin MAC pins another one (igb NACKs a VF's MAC request
     * while an admin MAC is set): the netdev's MAC is what the workload-facing side had before the attach, so the admin
     * MAC is cleared and the netdev restored again. False when that fails too.
     */
    private boolean retryWithoutAdminMac(AttachedVf attached) {
        try {
            host.setVf(host.index(pfName), new VfSetting.Mac(vf, new MacAddress(0)));
            restoreHostNetdev(attached.hostName(), attached.hostMac(), attached.hostMtu(), attached.hostUp());
            return true;
        } catch (LinuxException e) {
            return false;
        }
    }

    private String bringBack(AttachedVf attached, List<String> problems) {
        Optional<NetNs> workload = openIfPresent(attached.netns());
        if (workload.isPresent()) {
            try (NetNs ns = workload.get(); RtNetlink inside = RtNetlink.open(ns)) {
                Optional<LinkInfo> link = inside.findLink(attached.interfaceName());
                if (link.isPresent()) {
                    inside.setUp(link.get().index(), false);
                    moveHome(inside, link.get().index(), attached.hostName(), problems);
                    return "workload";
                }
            } catch (LinuxException e) {
                problems.add("move " + attached.interfaceName() + " back from " + attached.netns() + ": " + e.getMessage());
                return "missing";
            }
        }
        Optional<String> inHost = awaitInHost(attached.interfaceName());
        if (inHost.isEmpty()) {
            problems.add(netdev + " is neither in " + attached.netns() + " nor in the host namespace");
            return "missing";
        }
        try {
            if (!inHost.get().equals(attached.hostName())) {
                int index = host.index(inHost.get());
                host.setUp(index, false);
                host.rename(index, attached.hostName());
            }
        } catch (LinuxException e) {
            problems.add("rename " + inHost.get() + " back to " + attached.hostName() + ": " + e.getMessage());
        }
        return "host";
    }

    /**
     * The VF netdev in the host namespace. Right after its namespace was deleted the kernel may not have handed it
     * back yet (namespace cleanup runs in a work queue): polls until it shows, for up to {@link #RETURN_WAIT_MS}.
     */
    private Optional<String> awaitInHost(String workloadName) {
        long deadline = System.nanoTime() + RETURN_WAIT_MS * 1_000_000;
        Optional<String> found = netdev.findInHost(host, workloadName);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = netdev.findInHost(host, workloadName);
        }
        return found;
    }

    /** Moves the netdev home under its old name; when that name is taken there now, moves it under its current name. */
    private void moveHome(RtNetlink inside, int index, String hostName, List<String> problems) {
        try {
            inside.moveToNetnsFd(index, hostNs.fd(), hostName);
        } catch (LinuxException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
            String current = inside.link(index).name();
            inside.moveToNetns(index, hostNs);
            problems.add("the host name " + hostName + " is taken by another device: moved back as " + current
                    + ", its MAC and MTU not restored");
        }
    }

    private void restoreHostNetdev(String name, MacAddress mac, int mtu, boolean up) {
        int index = host.index(name);
        if (mac != null) {
            host.setMac(index, mac);
        }
        host.setMtu(index, mtu);
        host.setUp(index, up);
    }

    private static Optional<NetNs> openIfPresent(String path) {
        try {
            NetNs ns = NetNs.open(Path.of(path));
            if (ns.isNetworkNamespace()) {
                return Optional.of(ns);
            }
            ns.close();
        } catch (LinuxException e) {
            // ENOENT: the workload namespace is gone; the kernel returned a physical VF netdev to the host
        }
        return Optional.empty();
    }
}
