package dev.uniplane.provider.dpdk.internal.host;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;

/**
 * What attach made for one endpoint: a veth ({@code hostName} is its host end, {@code socket} null) or a socket
 * attachment ({@code hostName} is the vdev name, {@code socket} the memif/vhost-user server socket).
 */
public record Wiring(int slot, String hostName, EthPort port, MacAddress mac, AttachSpec spec, AttachKind kind,
              SocketAttachment socket) {
}
