/**
 * Uniplane's VPP provider: a VPP it starts (or one that runs) driven over the binary API socket; workloads on veths
 * whose host ends are af_packet interfaces, routes in VPP's FIB, policy as ACL plugin rules. The internal packages
 * (API client and codecs, the VPP process, FIB and ACL programs) are not exported.
 */
module dev.uniplane.provider.vpp {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    opens dev.uniplane.provider.vpp.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.vpp.VppProvider;
}
