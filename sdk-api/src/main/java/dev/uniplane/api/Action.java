package dev.uniplane.api;

/** A rule's verdict. DENY always overrides ALLOW, whatever the order of rules and policies. */
public enum Action {
    ALLOW,
    DENY
}
