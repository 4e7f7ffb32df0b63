/**
 * Uniplane's eBPF provider: tc datapath programs on veths, loaded with libbpf through Panama FFM. The internal
 * packages (bindings, map codecs, policy compiler) are not exported.
 */
module dev.uniplane.provider.ebpf {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    opens dev.uniplane.provider.ebpf.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.ebpf.EbpfProvider;
}
