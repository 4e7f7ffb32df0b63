/** Linux plumbing for providers: rtnetlink, network namespaces and sysfs through Panama FFM (no shell-outs). */
module dev.uniplane.linux {
    requires org.slf4j;

    exports dev.uniplane.linux;
}
