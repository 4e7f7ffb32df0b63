/**
 * Uniplane's eBPF provider: tc datapath programs on veths, loaded with libbpf through Panama FFM. The internal
 * packages (bindings, map codecs, policy compiler) are not exported.
 */
module dev.uniplane.provider.ebpf {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.ebpf.EbpfProvider;
}
