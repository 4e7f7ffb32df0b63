/**
 * libbpf 1.1.2 through Panama FFM: {@link dev.uniplane.provider.ebpf.internal.ffm.LibBpf} (the raw binding),
 * {@link dev.uniplane.provider.ebpf.internal.ffm.BpfObject} (open from memory, load, programs and maps),
 * {@link dev.uniplane.provider.ebpf.internal.ffm.BpfMap} (by-fd map operations),
 * {@link dev.uniplane.provider.ebpf.internal.ffm.TcAttachment} (clsact + cls_bpf) and
 * {@link dev.uniplane.provider.ebpf.internal.ffm.BpfTestRun} (BPF_PROG_TEST_RUN).
 */
package dev.uniplane.provider.ebpf.internal.ffm;
