/**
 * Uniplane's SR-IOV provider: workloads get virtual functions of a physical NIC. The internal host layer (sysfs
 * discovery, VF pools and allocation, the VF attach/restore sequence) and the saved-state records are not exported.
 */
module dev.uniplane.provider.sriov {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    opens dev.uniplane.provider.sriov.internal.host to com.fasterxml.jackson.databind;
    opens dev.uniplane.provider.sriov.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.sriov.SriovProvider;
}
