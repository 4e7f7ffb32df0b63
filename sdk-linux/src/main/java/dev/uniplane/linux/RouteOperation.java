package dev.uniplane.linux;

/** What a batched route request does: RTM_NEWROUTE with CREATE|EXCL, RTM_NEWROUTE with CREATE|REPLACE, or RTM_DELROUTE. */
public enum RouteOperation {
    ADD, REPLACE, DELETE
}
