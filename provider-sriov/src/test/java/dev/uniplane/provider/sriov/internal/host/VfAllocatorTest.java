package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfAllocatorTest {
    @TempDir
    Path dir;

    private static List<VirtualFunction> pool(int n) {
        return IntStream.range(0, n).mapToObj(i -> new VirtualFunction("eth0", "0000:01:00.0", i,
                "0000:01:10." + i, "8086", "10ca", "igbvf", "eth" + (i + 1), "up")).toList();
    }

    @Test
    void handsOutEachVfOnceAndSaysWhenThePoolIsEmpty() {
        VfAllocator a = new VfAllocator(dir);

        assertThat(a.allocate("dp/w1", "/run/netns/w1", pool(2))).map(VfAllocation::vf).hasValue(0);
        assertThat(a.allocate("dp/w2", "/run/netns/w2", pool(2))).map(VfAllocation::vf).hasValue(1);
        assertThat(a.allocate("dp/w3", "/run/netns/w3", pool(2))).isEmpty();
    }

    @Test
    void aRetriedAllocationReturnsTheSameVf() {
        VfAllocator a = new VfAllocator(dir);
        VfAllocation first = a.allocate("dp/w1", "/run/netns/w1", pool(3)).orElseThrow();

        assertThat(a.allocate("dp/w1", "/run/netns/w1", pool(3))).hasValue(first);
    }

    @Test
    void allocationsSurviveARestartWithTheAttachRecord() {
        VfAllocator before = new VfAllocator(dir);
        VfAllocation held = before.allocate("dp/w1", "/run/netns/w1", pool(2)).orElseThrow();
        AttachedVf record = new AttachedVf("eth0", 0, "eth1", MacAddress.parse("02:00:00:00:00:01"), 1500, true,
                "/run/netns/w1", "net1", new VfConfig(MacAddress.parse("02:00:00:00:00:05"), 100, 2, null, null, 50,
                false, true, VfLinkState.AUTO),
                new VfInfo(0, MacAddress.parse("00:00:00:00:00:00"), 0, 0, 0x8100, 0, 0, true, false, VfLinkState.AUTO, null));
        before.update(held.withAttachment(record));

        VfAllocator after = new VfAllocator(dir); // a new process
        assertThat(after.allocations()).containsExactly(held.withAttachment(record));
        assertThat(after.allocate("dp/w2", "/run/netns/w2", pool(2))).map(VfAllocation::vf).hasValue(1);
        assertThat(after.allocate("dp/w3", "/run/netns/w3", pool(2))).isEmpty();
    }

    @Test
    void onlyTheOwnerReleasesOrUpdates() {
        VfAllocator a = new VfAllocator(dir);
        VfAllocation held = a.allocate("dp/w1", "/run/netns/w1", pool(1)).orElseThrow();

        assertThat(a.release(held.pciAddress(), "dp/other")).isFalse();
        VfAllocation stolen = new VfAllocation(VfAllocation.VERSION, "dp/other", "/x", "eth0", 0, held.pciAddress(), null);
        assertThatThrownBy(() -> a.update(stolen)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not held by dp/other").hasMessageContaining("holder: dp/w1");
        assertThat(a.allocation(held.pciAddress())).hasValue(held);

        assertThat(a.release(held.pciAddress(), "dp/w1")).isTrue();
        assertThat(a.allocation(held.pciAddress())).isEmpty();
        assertThat(a.release(held.pciAddress(), "dp/w1")).isFalse();
    }

    @Test
    void anAllocationWhoseNamespaceIsGoneStaysUntilItsOwnerReleasesIt() {
        VfAllocator a = new VfAllocator(dir);
        a.allocate("dp/w1", dir.resolve("gone-netns").toString(), pool(1)).orElseThrow();

        assertThat(a.allocate("dp/w2", "/run/netns/w2", pool(1))).isEmpty();
    }

    @Test
    void concurrentAllocationsNeverShareAVf() throws Exception {
        VfAllocator a = new VfAllocator(dir);
        int workers = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<java.util.Optional<VfAllocation>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < workers; i++) {
                String owner = "dp/w" + i;
                // each worker uses its own allocator instance, as separate processes would
                results.add(pool.submit(() -> {
                    start.await();
                    return new VfAllocator(dir).allocate(owner, "/run/netns/" + owner, pool(7));
                }));
            }
            start.countDown();
            List<Integer> given = Collections.synchronizedList(new ArrayList<>());
            for (Future<java.util.Optional<VfAllocation>> f : results) {
                f.get().ifPresent(v -> given.add(v.vf()));
            }
            assertThat(given).hasSize(7).doesNotHaveDuplicates();
        }
        assertThat(a.allocations()).hasSize(7);
        try (var files = Files.list(dir.resolve("vf"))) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".json"));
        }
    }
}
