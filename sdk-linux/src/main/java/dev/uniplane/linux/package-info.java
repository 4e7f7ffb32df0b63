/**
 * Linux plumbing: rtnetlink, network namespaces and sysfs through Panama FFM, with no shell-outs.
 *
 * <pre>{@code
 * try (NetNs a = NetNs.create("uph1xa"); NetNs b = NetNs.create("uph1xb");
 *      RtNetlink rt = RtNetlink.open(a)) {                 // socket created inside a, usable from any thread
 *     LinkInfo v = rt.createVethPair("v0", "v1", b);       // peer goes straight into b
 *     rt.setUp(v.index(), true);
 *     rt.addAddress(v.index(), InterfaceAddress.parse("10.0.0.1/24"));
 *     rt.addRoute(RouteSpec.to("10.9.0.0/16").table(100)
 *             .nextHop("10.0.0.2", v.index(), 1).nextHop("10.0.0.3", v.index(), 3).build());
 *     DatagramChannel ch = a.run(DatagramChannel::open);   // opened on a platform thread inside a
 * } finally {
 *     NetNs.delete("uph1xa");
 *     NetNs.delete("uph1xb");
 * }
 * }</pre>
 *
 * Failures are {@link dev.uniplane.linux.LinuxException}s naming the operation, the object, the errno and the kernel's
 * extended ACK text.
 */
package dev.uniplane.linux;
