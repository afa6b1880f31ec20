// C header emitter: hand-built BTFs with every layout hazard (text checks; compiled when clang is present), and every
// real kernel's header compiled with `clang -target bpf` plus sizeof/offsetof asserts for 50 common structs.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { emitCHeader } from '../../src/tools/cformat';
import { Btf } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { BtfWriter } from '../../src/btf/writer';
import { kernel } from '../support/kernels';
import { KERNELS } from '../support/paths';
import { MISSING_TOOLS, T, TOOLS_TMP, have, smallBtf } from './tools-support';

const CLANG = have('clang');

/** `_Static_assert`s for the size and every named non-bitfield top-level member of composite `id`. */
function asserts(btf: Btf, id: number, tag: string): string[] {
  const t = btf.type(id);
  if (t.kind !== Kind.Struct && t.kind !== Kind.Union) return [];
  const spelled = `${t.kind === Kind.Struct ? 'struct' : 'union'} ${tag}`;
  const out = [`_Static_assert(sizeof(${spelled}) == ${t.size}, "sizeof ${spelled}");`];
  for (const m of t.members) {
    if (!m.name || m.bitfieldSize) continue;
    out.push(`_Static_assert(__builtin_offsetof(${spelled}, ${m.name}) == ${m.bitOffset / 8}, "${spelled}.${m.name}");`);
  }
  return out;
}

/** Compiles `header` plus `body` for the BPF target; throws with clang's errors. */
function compile(name: string, header: string, body: string): void {
  const dir = path.join(TOOLS_TMP, 'header');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.h`), header);
  const c = path.join(dir, `${name}.c`);
  fs.writeFileSync(c, `#include "${name}.h"\n${body}\n`);
  try {
    execFileSync('clang', ['-target', 'bpf', '-O2', '-c', c, '-o', path.join(dir, `${name}.o`)], { stdio: 'pipe' });
  } catch (e) {
    const err = String((e as { stderr?: Buffer }).stderr ?? e);
    assert.fail(`clang rejected ${c}:\n${err.split('\n').slice(0, 30).join('\n')}`);
  }
}

/** A BTF with every C-layout hazard the emitter has to reproduce. */
function hazards(w: BtfWriter): void {
  const int = w.add(T.int('int', 4));
  const u8 = w.add(T.int('unsigned char', 1, false));
  const u16 = w.add(T.int('short unsigned int', 2, false));
  const u32 = w.add(T.int('unsigned int', 4, false));
  const u64 = w.add(T.int('long long unsigned int', 8, false));
  const ch = w.add({ kind: Kind.Int, name: 'char', size: 1, encoding: 2, bitOffset: 0, bits: 8 });
  // self-referencing list through a typedef (needs a forward declaration)
  const node = w.reserve();
  const nodeT = w.add(T.typedef('node_t', node));
  const pNodeT = w.add(T.ptr(nodeT));
  w.set(node, T.struct('node', 16, [['next', pNodeT, 0], ['val', int, 64]]));
  // bitfields, including one after a gap and one straddling a 4-byte unit (forces packed)
  w.add(T.struct('bits', 8, [['a', u32, 0, 3], ['b', u32, 8, 4], ['c', u8, 16, 8], ['d', u16, 32, 16]]));
  w.add(T.struct('straddle', 5, [['x', u8, 0], ['y', u32, 8, 32]]));
  // packed: a u64 at offset 1
  w.add(T.struct('packed_s', 9, [['c', ch, 0], ['v', u64, 8]]));
  // explicit holes and tail padding (cache-line aligned member)
  w.add(T.struct('aligned_s', 128, [['a', int, 0], ['b', int, 64 * 8]]));
  // anonymous union and struct members
  const anonS = w.add(T.struct('', 8, [['lo', u32, 0], ['hi', u32, 32]]));
  const anonU = w.add(T.struct('', 8, [['', anonS, 0], ['whole', u64, 0]], true));
  w.add(T.struct('with_anon', 16, [['', anonU, 0], ['tail', int, 64]]));
  // enums: 1-byte, 8-byte, signed negative, enum64 with the top bit set, and an anonymous one used nowhere
  const e1 = w.add(T.enumT('small_e', 1, [['S_A', 0n], ['S_B', 200n]]));
  w.add(T.enumT('neg_e', 4, [['N_MINUS', -1n], ['N_ONE', 1n]], true));
  const e64 = w.add(T.enumT('big_e', 8, [['B_TOP', 0x8000000000000000n], ['B_ONE', 1n]], false, true));
  w.add(T.enumT('', 4, [['LONELY_CONST', 7n]]));
  // duplicate enumerator name in two enums (renamed ___2) and duplicate struct tag (renamed ___2)
  w.add(T.enumT('dup_e1', 4, [['DUP', 1n]]));
  w.add(T.enumT('dup_e2', 4, [['DUP', 2n]]));
  w.add(T.struct('twice', 4, [['a', int, 0]]));
  w.add(T.struct('twice', 8, [['a', u64, 0]]));
  // function pointers, arrays of them, pointer to array, const pointer, varargs
  const arr = w.add(T.array(int, int, 4));
  const pArr = w.add(T.ptr(arr));
  const proto = w.add(T.proto(int, [pNodeT, int, 0]));
  const pProto = w.add(T.ptr(proto));
  const fpArr = w.add(T.array(pProto, int, 3));
  const cch = w.add(T.cnst(ch));
  const pcch = w.add(T.ptr(cch));
  const cpcch = w.add(T.cnst(pcch));
  const noArgs = w.add(T.ptr(w.add(T.proto(0, []))));
  const fwdU = w.add(T.fwd('opaque_u', true));
  const pFwdU = w.add(T.ptr(fwdU));
  w.add(T.struct('decls', 8 + 8 + 24 + 8 + 8 + 8 + 8 + 8, [
    ['fn', pProto, 0], ['p_arr', pArr, 64], ['fns', fpArr, 128], ['name', cpcch, 320], ['cb', noArgs, 384],
    ['small', e1, 448], ['big', e64, 512], ['opaque', pFwdU, 576],
  ]));
  w.add(T.typedef('fn_t', pProto));
  w.add(T.typedef('__builtin_va_list', pcch));
  // a mutual by-value/pointer dependency: a embeds b, b points to a
  const a = w.reserve();
  const pa = w.add(T.ptr(a));
  const b = w.add(T.struct('b_s', 8, [['back', pa, 0]]));
  w.set(a, T.struct('a_s', 16, [['b', b, 0], ['n', int, 64]]));
}

describe('C header emitter (hand-built BTF)', () => {
  const btf = smallBtf(hazards);
  const h = emitCHeader(btf);

  it('wraps the types like bpftool: include guard and preserve_access_index pragma', () => {
    assert.match(h.text, /^#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n/);
    assert.match(h.text, /#pragma clang attribute push \(__attribute__\(\(preserve_access_index\)\), apply_to = record\)/);
    assert.match(h.text, /#pragma clang attribute pop\n#endif\n\n#endif \/\* __VMLINUX_H__ \*\/\n$/);
    assert.ok(!emitCHeader(btf, { preserveAccessIndex: false }).text.includes('#pragma'));
  });

  it('declares before use and defines before by-value use', () => {
    const t = h.text;
    assert.ok(t.indexOf('struct node;') < t.indexOf('typedef struct node node_t;'), 'forward declaration first');
    assert.ok(t.indexOf('typedef struct node node_t;') < t.indexOf('struct node {'));
    assert.ok(t.indexOf('struct b_s {') < t.indexOf('struct a_s {'), 'embedded struct defined first');
    assert.ok(t.indexOf('struct a_s;') < t.indexOf('struct b_s {'), 'pointee declared first');
    assert.match(t, /union opaque_u;/);
  });

  it('spells declarators: function pointers, arrays, const pointers, varargs', () => {
    const t = h.text;
    assert.match(t, /\tint \(\*fn\)\(node_t \*, int, \.\.\.\);/);
    assert.match(t, /\tint \(\*p_arr\)\[4\];/);
    assert.match(t, /\tint \(\*fns\[3\]\)\(node_t \*, int, \.\.\.\);/);
    assert.match(t, /\tchar const \*const name;/);
    assert.match(t, /\tvoid \(\*cb\)\(void\);/);
    assert.match(t, /typedef int \(\*fn_t\)\(node_t \*, int, \.\.\.\);/);
  });

  it('reproduces bitfields, packing, holes and anonymous members', () => {
    const t = h.text;
    assert.match(t, /struct bits \{\n\tunsigned int a: 3;\n\tunsigned char: 5;\n\tunsigned int b: 4;/);
    assert.match(t, /struct straddle \{\n\tunsigned char x;\n\tunsigned int y: 32;\n\} __attribute__\(\(packed\)\);/);
    assert.match(t, /struct packed_s \{[^}]*\} __attribute__\(\(packed\)\);/);
    assert.match(t, /struct aligned_s \{\n\tint a;\n(\t(long|int): (64|32);\n)+\tint b;\n(\t(long|int): (64|32);\n)+\};/);
    assert.match(t, /struct with_anon \{\n\tunion \{\n\t\tstruct \{\n\t\t\tunsigned int lo;/);
    assert.deepStrictEqual(h.unreproducible, []);
  });

  it('emits enums with their size, signedness and 64-bit values; renames duplicates', () => {
    const t = h.text;
    assert.match(t, /enum small_e \{\n\tS_A = 0,\n\tS_B = 200,\n\} __attribute__\(\(mode\(byte\)\)\);/);
    assert.match(t, /N_MINUS = -1,/);
    assert.match(t, /B_TOP = 9223372036854775808ULL,/);
    assert.match(t, /enum \{\n\tLONELY_CONST = 7,\n\};/);
    assert.match(t, /DUP = 1,/);
    assert.match(t, /DUP___2 = 2,/);
    assert.match(t, /struct twice___2 \{/);
    assert.strictEqual(h.tagNames.get(btf.findByName('twice')), 'twice');
    assert.ok(!/typedef .*__builtin_va_list;/.test(t), 'the compiler built-in is never redefined');
  });

  it('compiles with clang -target bpf and every size and offset equals the BTF', function () {
    if (!CLANG) {
      console.log(`      skipped: ${MISSING_TOOLS}`);
      this.skip();
    }
    const lines: string[] = [];
    for (let id = 1; id < btf.typeCount; id++) {
      const tag = h.tagNames.get(id);
      if (tag && btf.name(id)) lines.push(...asserts(btf, id, tag));
    }
    lines.push('_Static_assert(sizeof(enum small_e) == 1, "small_e");', '_Static_assert(sizeof(enum big_e) == 8, "big_e");');
    lines.push('_Static_assert(__builtin_offsetof(struct with_anon, hi) == 4, "anon hi");');
    compile('hazards', h.text, lines.join('\n'));
  });
});

/** Common kernel structs; the first 50 present in a kernel are checked. */
const COMMON = [
  'task_struct', 'mm_struct', 'vm_area_struct', 'file', 'inode', 'dentry', 'super_block', 'path', 'qstr', 'cred',
  'signal_struct', 'files_struct', 'fs_struct', 'nsproxy', 'pid', 'pid_namespace', 'sk_buff', 'sock', 'sock_common',
  'inet_sock', 'tcp_sock', 'udp_sock', 'socket', 'net_device', 'net', 'msghdr', 'iovec', 'page', 'address_space',
  'list_head', 'hlist_node', 'rb_node', 'mutex', 'rw_semaphore', 'wait_queue_head', 'timer_list', 'hrtimer',
  'work_struct', 'bpf_prog', 'bpf_map', 'pt_regs', 'linux_binprm', 'cgroup', 'css_set', 'kernfs_node', 'seq_file',
  'user_namespace', 'vfsmount', 'bio', 'block_device', 'sched_entity', 'uts_namespace', 'kobject', 'device', 'module',
  'xdp_buff', 'xdp_md', '__sk_buff', 'trace_event_raw_sched_switch', 'ipv6_pinfo', 'skb_shared_info', 'in6_addr',
];

describe('C header emitter on real kernels (clang -target bpf)', function () {
  this.timeout(180_000);
  for (const name of KERNELS) {
    it(`${name}: the header compiles and 50 common structs have the BTF's sizes and offsets`, async function () {
      const btf = await kernel(name);
      const t0 = performance.now();
      const h = emitCHeader(btf);
      const ms = performance.now() - t0;
      assert.deepStrictEqual(h.unreproducible.map((id) => btf.name(id)), [], 'every layout expressible');
      const lines: string[] = [];
      let checked = 0;
      let members = 0;
      for (const s of COMMON) {
        if (checked === 50) break;
        const id = btf.findByName(s, Kind.Struct);
        if (!id) continue;
        const a = asserts(btf, id, h.tagNames.get(id)!);
        lines.push(...a);
        members += a.length - 1;
        checked++;
      }
      assert.strictEqual(checked, 50, 'fifty of the common structs exist');
      console.log(`      ${name}: header ${(h.text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms; 50 structs, ${members} member offsets asserted`);
      if (!CLANG) {
        console.log(`      compile skipped: ${MISSING_TOOLS}`);
        this.skip();
      }
      compile(name, h.text, lines.join('\n'));
    });
  }
});
