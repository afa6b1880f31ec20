// Facts the language server needs beyond (type, access, kind): incremental reuse, read sizes, direct bitfield
// reads, accesses through non-CO-RE types, and the userspace program forms of issue 8.

import * as assert from 'assert';
import * as path from 'path';
import { Analysis, createAnalyzer } from '../../src/source/analyzer';
import { RELO_KIND_NAMES } from '../../src/core/kinds';
import { FIXTURES } from '../support/paths';

const INC = path.join(FIXTURES, 'programs');
const REGS = `#include "fixture.h"
#define __VMLINUX_H__
#include <bpf/bpf_tracing.h>
struct pt_regs { unsigned long di, si, dx, cx, r8, r9, ax, sp, ip; } __attribute__((preserve_access_index));
`;

// sites of one program: its own and those of the functions it inlines (libbpf's program macros put the body in ____name)
const show = (a: Analysis, func?: string) => a.sites.filter((s) => !func || s.program === func)
  .map((s) => `${RELO_KIND_NAMES[s.kind]} ${s.localType} ${s.access}`);
const analyze = async (name: string, text: string) => (await createAnalyzer()).analyze(path.join(INC, name), text, { includePaths: [INC] });

describe('incremental re-analysis', () => {
  const text = `${REGS}struct task { int pid; int tgid; struct task *parent; } __attribute__((preserve_access_index));
SEC("kprobe/a")
int a(struct task *t) { return t->pid; }

SEC("kprobe/b")
int b(struct task *t) { return BPF_CORE_READ(t, parent, tgid); }

static int helper(int x) { return x + 1; }
`;
  it('re-types only the function whose text changed, and agrees with a fresh analysis', async () => {
    const an = await createAnalyzer();
    const file = path.join(INC, 'inc.bpf.c');
    const first = an.analyze(file, text, { includePaths: [INC] });
    assert.strictEqual(first.stats.full, true);
    assert.deepStrictEqual([first.stats.analysed, first.stats.skipped], [2, 1], 'helper has no CO-RE spot: not typed');
    // an LSP edit inside a(): t->pid -> t->tgid
    const at = text.indexOf('t->pid');
    const line = text.slice(0, at).split('\n').length - 1;
    const character = at - text.lastIndexOf('\n', at) - 1 + 3;
    const next = an.update(file, '', [{ range: { start: { line, character }, end: { line, character: character + 3 } }, text: 'tgid' }]);
    assert.strictEqual(next.stats.full, false);
    assert.deepStrictEqual([next.stats.analysed, next.stats.reused], [1, 2]);
    const edited = text.replace('t->pid', 't->tgid');
    const fresh = await analyze('inc.bpf.c', edited);
    const strip = (a: Analysis) => a.sites.map((s) => ({ ...s, typeId: 0, guards: s.guards.map((g) => ({ ...g, typeId: 0 })) }));
    assert.deepStrictEqual(strip(next), strip(fresh));
    // whole-text update (what the server sends): a new line before b() shifts it; b() is reused, rebased
    const shifted = edited.replace('SEC("kprobe/b")', '\n\nSEC("kprobe/b")');
    const third = an.update(file, shifted);
    assert.strictEqual(third.stats.full, false);
    assert.strictEqual(third.stats.analysed, 0);
    assert.deepStrictEqual(strip(third), strip(await analyze('inc.bpf.c', shifted)));
    // a declaration change starts a new type environment: everything is re-analysed
    const decl = an.update(file, shifted.replace('int tgid;', 'int tgid; int extra;'));
    assert.strictEqual(decl.stats.full, true);
  });
});

describe('site facts for the language server', () => {
  it('readSize of direct loads and BPF_CORE_READ hops, directBitfield, unaligned packed loads', async () => {
    const a = await analyze('facts.bpf.c', `${REGS}struct inner { short s; } __attribute__((preserve_access_index));
struct task { int pid; unsigned int flag : 3; long long big; struct task *parent; struct inner in; char comm[16]; } __attribute__((preserve_access_index));
struct pk { char c; int v; } __attribute__((packed, preserve_access_index));
SEC("kprobe/x")
int f(struct task *t, struct pk *p) {
  OUT(0, t->pid);
  OUT(1, t->flag);
  OUT(2, BPF_CORE_READ(t, parent, big));
  OUT(3, BPF_CORE_READ_BITFIELD(t, flag));
  OUT(4, &t->in.s);
  OUT(5, p->v);
  return 0;
}\n`);
    const facts = a.sites.filter((s) => s.func === 'f').map((s) => `${RELO_KIND_NAMES[s.kind]} ${s.access} size=${s.readSize ?? '-'}${s.directBitfield ? ' bitfield' : ''}${s.unalignedLoad ? ' unaligned' : ''}`);
    assert.deepStrictEqual(facts.slice(0, 5), [
      'byte_off 0:0 size=4', 'byte_off 0:1 size=- bitfield', 'byte_off 0:3 size=8', 'byte_off 0:2 size=8',
      'byte_off 0:1 size=-', // first of the BPF_CORE_READ_BITFIELD relocations: no fixed-width read
    ]);
    assert.ok(facts.includes('byte_off 0:4:0 size=-'), 'an address is not a read');
    assert.ok(facts.includes('byte_off 0:1 size=4 unaligned'));
  });

  it('plainAccesses: member accesses through types without preserve_access_index', async () => {
    const a = await analyze('plain.bpf.c', `#include "fixture.h"
struct event { int pid; struct { long a; long b; } u; };
struct task { int pid; } __attribute__((preserve_access_index));
SEC("kprobe/x")
int f(struct task *t, struct event *e) { e->pid = t->pid; OUT(0, e->u.b); return 0; }\n`);
    assert.deepStrictEqual(a.plainAccesses.map((p) => `${p.typeName} ${p.access} ${p.range.start.line}:${p.range.start.character}`),
      ['struct event 0:0 4:44', 'struct event 0:1 4:68', 'struct {...} 0:1 4:70']);
    assert.deepStrictEqual(show(a), ['byte_off struct task 0:0']);
    const btf = a.localBtf();
    assert.strictEqual(btf.name(a.plainAccesses[0]!.typeId), 'event');
  });
});

describe('userspace programs (issue 8) and libbpf program macros', () => {
  const DATA = `#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct data { int a; int c; int d; };
#pragma clang attribute pop
`;
  it('BPF_UPROBE / BPF_URETPROBE parameters typed with an app struct declared under the pragma', async () => {
    const a = await analyze('up.bpf.c', `${REGS}${DATA}
SEC("uprobe/add_test")
int BPF_UPROBE(on_add, struct data *d) { return BPF_CORE_READ(d, c) + d->d; }
SEC("uretprobe/add_test")
int BPF_URETPROBE(on_ret, struct data *ret) { return ret->a; }\n`);
    assert.deepStrictEqual(show(a, 'on_add'), ['byte_off struct pt_regs 0:0', 'byte_off struct data 0:1', 'byte_off struct data 0:2']);
    assert.deepStrictEqual(show(a, 'on_ret'), ['byte_off struct pt_regs 0:6', 'byte_off struct data 0:0']);
  });

  it('plugin entry points without SEC are programs (section .text)', async () => {
    const a = await analyze('plugin.bpf.c', `${DATA}
int bpf_main(struct data *d) { return d->c; }
int not_a_program(int *x) { return *x; }
static int helper(struct data *d) { return d->a; }\n`);
    const fi = a.functions.map((f) => `${f.name} ${f.section ?? '-'}${f.plugin ? ' plugin' : ''}`);
    assert.deepStrictEqual(fi, ['bpf_main .text plugin', 'not_a_program -', 'helper -']);
    assert.deepStrictEqual(show(a, 'bpf_main'), ['byte_off struct data 0:1']);
  });

  it('BPF_PROG, BPF_PROG2 and BPF_USDT type their parameters (no pt_regs reads)', async () => {
    const a = await analyze('prog.bpf.c', `${REGS}#include <bpf/usdt.bpf.h>
${DATA}
SEC("tp_btf/x")
int BPF_PROG(p1, struct data *d, int x) { return d->c + x; }
SEC("tp_btf/y")
int BPF_PROG2(p2, struct data *, d, int, x) { return d->d + x; }
SEC("usdt/app:probe")
int BPF_USDT(p3, int x, struct data *d) { return d->a + x; }\n`);
    assert.deepStrictEqual(show(a, 'p1'), ['byte_off struct data 0:1']);
    assert.deepStrictEqual(show(a, 'p2'), ['byte_off struct data 0:2']);
    assert.deepStrictEqual(show(a, 'p3'), ['byte_off struct data 0:0']);
  });
});
