package dev.uniplane.linux;

/**
 * A tc filter as reported by RTM_NEWTFILTER (a classifier may report several entries per filter, e.g. u32's hash
 * table and its keys).
 *
 * @param index    ifindex of the link
 * @param parent   tcm_parent, e.g. {@link QdiscInfo#CLSACT_INGRESS}
 * @param priority the filter's preference (upper 16 bits of tcm_info)
 * @param protocol the matched protocol in network byte order as tc shows it (lower 16 bits of tcm_info; 0x0300 = all)
 * @param handle   tcm_handle
 * @param kind     TCA_KIND ("bpf", "u32", ...)
 */
public record TcFilterInfo(int index, int parent, int priority, int protocol, int handle, String kind) {

    @Override
    public String toString() {
        return kind + " " + QdiscInfo.parentName(parent) + " pref " + priority + " protocol 0x"
                + Integer.toHexString(protocol) + " handle 0x" + Integer.toHexString(handle);
    }
}
