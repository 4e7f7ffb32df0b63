/**
 * Linux plumbing for providers: rtnetlink, network namespaces and sysfs through Panama FFM (no shell-outs). Run with
 * {@code --enable-native-access=dev.uniplane.linux} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.uniplane.linux {
    requires transitive dev.uniplane.api;
    requires org.slf4j;

    exports dev.uniplane.linux;
}
