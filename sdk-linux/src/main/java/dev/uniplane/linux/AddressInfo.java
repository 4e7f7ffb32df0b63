package dev.uniplane.linux;


/**
 * An interface address (RTM_NEWADDR).
 *
 * @param index   ifindex
 * @param prefix  local address and prefix length (host bits kept)
 * @param flags   IFA_FLAGS (IFA_F_NODAD = 0x02, IFA_F_PERMANENT = 0x80, IFA_F_TENTATIVE = 0x40, ...)
 * @param scope   ifa_scope (0 universe, 253 link, 254 host)
 * @param label   IFA_LABEL (IPv4 only) or {@code null}
 */
public record AddressInfo(int index, InterfaceAddress prefix, int flags, int scope, String label) {
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;
}
