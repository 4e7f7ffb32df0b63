/**
 * Netlink wire format (message builder/parser, nested attributes, NLMSG_ERROR + extended ACK), the NETLINK socket, and
 * the rtnetlink/VF codecs. Pure Java apart from {@code NetlinkSocket}; not exported.
 */
package dev.uniplane.linux.internal.netlink;
