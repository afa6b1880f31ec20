// `__builtin_memcpy(key.src, &iph->saddr, sizeof(iph->saddr))`: the address of a struct member (an in6_addr) copied
// in several accesses (issue 12, held-out projects: ecapture's tc.h and netobserv's IPv6 addresses copied into a map
// key). clang folds the relocation into the copy's first access and keeps the relocated address for the others: two
// relocations of the same field, as for an array member (memcpySecondSite). Compiled here with the real clang: the
// live sites equal clang's relocations. Before, the struct member case had one site: ecapture missed 124 of 3,233
// relocations (now 0), tracee 10.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { compareProgram, contextExpansion } from '../support/corpus';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');
const TEXT = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
struct conn { __u32 proto; __u32 sport; __u32 src6[4]; __u32 dst6[4]; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct conn); __type(value, __u64); } conns SEC(".maps");
static __always_inline bool revalidate(struct __sk_buff *skb, __u8 **head, __u8 **tail, __u32 off)
{
	if (*head + off > *tail) {
		if (bpf_skb_pull_data(skb, off) < 0)
			return false;
		*head = (__u8 *)(long)skb->data;
		*tail = (__u8 *)(long)skb->data_end;
		if (*head + off > *tail)
			return false;
	}
	return true;
}
/* the key escapes to the map helper: every byte of each copy is loaded */
static __always_inline int count(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *end = (__u8 *)(long)skb->data_end;
	struct conn c = {};
	if (!revalidate(skb, &data, &end, sizeof(struct ethhdr) + sizeof(struct ipv6hdr)))
		return 0;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(data + sizeof(struct ethhdr));
	c.proto = ip6->nexthdr;
	__builtin_memcpy(c.src6, &ip6->saddr, sizeof(ip6->saddr));
	__builtin_memcpy(c.dst6, &ip6->daddr, sizeof(ip6->daddr));
	__u64 one = 1, *v = bpf_map_lookup_elem(&conns, &c);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&conns, &c, &one, BPF_ANY);
	return 0;
}
SEC("tc") int ingress(struct __sk_buff *skb) { return count(skb); }
SEC("tc") int egress(struct __sk_buff *skb) { return count(skb); }
/* a probe-read copy of the header, its address arrays copied out (the array case) */
SEC("kprobe/ip6_output") int BPF_KPROBE(out6, void *net, void *sk, struct sk_buff *skb)
{
	struct ipv6hdr ip;
	struct conn c = {};
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
	__builtin_memcpy(c.src6, ip.saddr.in6_u.u6_addr8, 16);
	__builtin_memcpy(c.dst6, &ip.daddr, sizeof(ip.daddr));
	c.proto = ip.nexthdr;
	bpf_map_update_elem(&conns, &c, &c.proto, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe("memcpy of a struct member's address: two relocations, as clang emits", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-memcpy-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("the live sites equal clang's relocations", async () => {
    const src = path.join(dir, 'conn.bpf.c');
    const obj = path.join(dir, 'conn.bpf.o');
    fs.writeFileSync(src, TEXT);
    const r = spawnSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${PROGRAMS}`, '-c', src, '-o', obj], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const agree = await compareProgram(await createAnalyzer(), { name: 'conn', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.line}`), []);
    assert.ok(agree.relocations >= 14, `${agree.relocations} relocations`);
  });
});
