/** linuxfib: a Uniplane provider on plain Linux (veth workloads, routes in the kernel FIB). */
module com.example.linuxfib {
    requires dev.uniplane.linux; // brings dev.uniplane.api

    provides dev.uniplane.spi.DataplaneProvider with com.example.linuxfib.LinuxFibProvider;
}
