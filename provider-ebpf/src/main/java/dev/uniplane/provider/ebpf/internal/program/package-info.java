/**
 * The datapath's maps from Java: byte-exact encoders of the structs of {@code src/main/bpf/uniplane_maps.h}
 * ({@link dev.uniplane.provider.ebpf.internal.program.Layouts}), the
 * {@link dev.uniplane.provider.ebpf.internal.program.PolicyCompiler} and the typed facade
 * {@link dev.uniplane.provider.ebpf.internal.program.DatapathMaps} the dataplane drives.
 */
package dev.uniplane.provider.ebpf.internal.program;
