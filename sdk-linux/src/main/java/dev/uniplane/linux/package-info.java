/** Linux plumbing: rtnetlink, network namespaces and sysfs through Panama FFM. */
package dev.uniplane.linux;
