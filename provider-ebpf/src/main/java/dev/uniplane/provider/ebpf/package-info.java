/** Uniplane's eBPF provider ({@link dev.uniplane.provider.ebpf.EbpfProvider}). */
package dev.uniplane.provider.ebpf;
