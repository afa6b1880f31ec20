// How the load verdicts fill __kconfig externs: the running kernel's values read as libbpf reads them (its release,
// /boot/config-$(uname -r) or /proc/config.gz), libbpf's refusals (a strong CONFIG_ the config lacks, an unknown
// strong LINUX_ name, a value the extern's type cannot hold), and what other targets leave unknown. The differential
// test holds the same fixtures to real libbpf + the verifier; here the product's own path (factsFromBtf on the running
// kernel, as `corelens check` calls it) is compared with libbpf's answers recorded on this kernel.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { BpfObject, openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { relocateObject } from '../../src/core/object';
import { KcfgExtern, kernelVersionCode, parseKconfig, resolveKconfig, runningKernelVersion, runningKconfig, statedKconfigProblem, targetKernelVersion } from '../../src/verdict/kconfig';
import { resolveTargets } from '../../src/targets/config';
import { TargetSpec, loadingMachineOf, parseTargetArg } from '../../src/targets/registry';
import { main } from '../../src/cli/main';
import { factsFromBtf, kconfigExterns, objectVerdicts } from '../../src/verdict/index';
import * as os from 'os';
import { gzipSync } from 'zlib';
import { kernel } from '../support/kernels';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { VerdictLine } from '../support/verifier';

async function object(name: string): Promise<BpfObject> {
  const o = await openBpfObject(path.join(FIXTURES, 'verdict', 'objects', `${name}.bpf.o`));
  if (!o.ok) throw o.error;
  return o.value;
}

function verdictsOn(obj: BpfObject, name: string, btf: Btf, running = false, machine: { release?: string; distro?: string } = {}) {
  const relos = relocateObject(obj, [{ name, btf }], { libbpf: '1.1' });
  const v = objectVerdicts(obj, relos, [{ name, facts: factsFromBtf(btf, obj, { running, ...machine }) }]);
  return new Map(v.programs.map((p) => [p.name, p.targets.get(name)!] as const));
}

const ext = (name: string, type: KcfgExtern['type'], size: number, weak = false, signed = false): KcfgExtern =>
  ({ name, type, size, align: Math.min(size, 8), signed, weak });

describe('__kconfig externs in the load verdicts', function () {
  this.timeout(120_000);

  it('collects the kcfg externs in libbpf\'s order (alignment descending, size ascending, name)', async () => {
    const names = kconfigExterns(await object('kconfig')).map((e) => `${e.name}:${e.type}:${e.size}${e.weak ? ':weak' : ''}`);
    assert.deepStrictEqual(names, [
      'CONFIG_CORELENS_NOT_AN_OPTION:tristate:4:weak', 'CONFIG_HZ:int:4:weak', 'LINUX_CORELENS_FUTURE:int:4:weak',
      'LINUX_KERNEL_VERSION:int:4', 'CONFIG_BPF_SYSCALL:bool:1', 'LINUX_HAS_BPF_COOKIE:bool:1',
      'CONFIG_DEFAULT_HOSTNAME:char_arr:16:weak',
    ]);
  });

  it('stores config values as libbpf does, and refuses what libbpf refuses', () => {
    const cfg = parseKconfig('# comment\nCONFIG_B=y\nCONFIG_M=m\nCONFIG_HEX=0x10\nCONFIG_NEG=-1\nCONFIG_S="abcdef"\n# CONFIG_OFF is not set\n');
    assert.strictEqual(cfg.error, undefined);
    const src = { config: cfg.config, version: kernelVersionCode(6, 1, 300) };
    const r = resolveKconfig([ext('CONFIG_HEX', 'int', 4), ext('CONFIG_NEG', 'int', 8, false, true), ext('CONFIG_M', 'tristate', 4),
      ext('CONFIG_B', 'char', 1), ext('CONFIG_S', 'char_arr', 4), ext('CONFIG_OFF', 'bool', 1, true), ext('LINUX_KERNEL_VERSION', 'int', 4)], true, src);
    const hex = (n: string) => Buffer.from(r.values.get(n)!).toString('hex');
    assert.deepStrictEqual([hex('CONFIG_HEX'), hex('CONFIG_NEG'), hex('CONFIG_M'), hex('CONFIG_B'), hex('CONFIG_S'), hex('CONFIG_OFF'), hex('LINUX_KERNEL_VERSION')],
      ['10000000', 'ffffffffffffffff', '02000000', '79', '61626300', '00', 'ff010600'], 'the patch level saturates at 255; strings truncate');
    assert.strictEqual(r.early, undefined);
    assert.strictEqual(r.unresolved, undefined);
    const bad = (e: KcfgExtern, text: string) => resolveKconfig([e], true, { config: parseKconfig(text).config }).early;
    assert.match(bad(ext('CONFIG_M', 'bool', 1), 'CONFIG_M=m')!.message, /value 'm' implies tristate or char type/);
    assert.match(bad(ext('CONFIG_HZ', 'bool', 1), 'CONFIG_HZ=250')!.message, /value '250' implies integer type/);
    assert.deepStrictEqual([bad(ext('CONFIG_C', 'char', 1), 'CONFIG_C=300')!.errno], [34], 'ERANGE: 300 does not fit a char');
    assert.match(bad(ext('CONFIG_S', 'int', 4), 'CONFIG_S="x"')!.message, /implies char array type/);
    const sep = parseKconfig('CONFIG_A=y\nCONFIG_BROKEN\n');
    assert.match(sep.error!, /no separator/);
    const strong = resolveKconfig([ext('CONFIG_GONE', 'bool', 1)], true, { config: cfg.config });
    assert.deepStrictEqual([strong.unresolved?.errno, strong.unresolved?.extern], [3, 'CONFIG_GONE']);
    const noConfig = resolveKconfig([ext('CONFIG_B', 'bool', 1, true)], true, { configError: 'failed to open system Kconfig' });
    assert.deepStrictEqual([noConfig.early?.errno, noConfig.early?.message], [22, 'failed to open system Kconfig'], 'even a weak CONFIG_ needs a readable config');
    assert.strictEqual(resolveKconfig([ext('CONFIG_B', 'bool', 1)], true, {}).unresolved, undefined, 'an unknown config refuses nothing');
  });

  it('LINUX_KERNEL_VERSION: Ubuntu\'s /proc/version_signature first, else the release', () => {
    assert.strictEqual(runningKernelVersion('Ubuntu 5.4.0-12.15-generic 5.4.8\n', '5.4.0-12-generic'), kernelVersionCode(5, 4, 8));
    assert.strictEqual(runningKernelVersion(undefined, '6.18.44-fc-v1147'), kernelVersionCode(6, 18, 44));
    assert.strictEqual(runningKernelVersion('garbage', '6.1.0-13-amd64'), kernelVersionCode(6, 1, 0));
    assert.strictEqual(runningKernelVersion(undefined, 'weird'), 0);
  });

  it('the running kernel: values and verdicts equal what libbpf and the verifier give loading here (live)', async function () {
    const vmlinux = '/sys/kernel/btf/vmlinux';
    if (!fs.existsSync(vmlinux)) this.skip();
    const opened = await openBtfFile(vmlinux);
    if (!opened.ok) throw opened.error;
    const host = opened.value.btf;
    const here = runningKconfig();
    let compared = 0;
    for (const n of ['kconfig', 'kconfig_missing', 'kconfig_virtual']) {
      const file = path.join(FIXTURES, 'verdict', 'objects', `${n}.bpf.o`);
      const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--host-only', file], { encoding: 'utf8' });
      if (r.status === 3) {
        console.warn(`      NOT RUN: loading BPF programs is not permitted here: ${r.stderr.trim().split('\n').pop()}`);
        this.skip();
      }
      assert.strictEqual(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
      // the config text libbpf reads here, extern by extern, and libbpf's own kernel version
      for (const l of lines) {
        for (const [k, v] of Object.entries(l.kconfigRaw ?? {})) assert.strictEqual(here.config?.get(k) ?? null, v, k);
        assert.strictEqual(here.version, l.kernelVersion);
      }
      const obj = await object(n);
      const ours = verdictsOn(obj, 'host', host, true);
      for (const l of lines) {
        const v = ours.get(l.name)!;
        assert.deepStrictEqual([v.loads ? 'ok' : v.kind, v.loads ? 0 : v.errno ?? 22], [l.class, l.errno], `${n} ${l.name}: ${v.reason ?? ''}`);
        if (l.class === 'core') assert.strictEqual(v.insn, l.insn, `${n} ${l.name}: the poisoned instruction reached`);
        if (l.class === 'libbpf') assert.ok(l.message.includes(`'${v.extern}'`), `${l.message} names ${v.extern}`);
        // the bytes libbpf stored where it filled the map
        if (l.class !== 'libbpf') {
          const facts = factsFromBtf(host, obj, { running: true });
          for (const [k, hex] of Object.entries(l.kconfig)) assert.strictEqual(Buffer.from(facts.kconfig!.get(k) ?? []).toString('hex'), hex, k);
        }
        compared++;
      }
    }
    assert.strictEqual(compared, 11);
  });

  it('another target: its config is unknown (no refusal, both arms walked); the object alone still decides', async () => {
    const k510 = await kernel('5.10-amd64');
    const k61 = await kernel('6.1-amd64');
    const missing = verdictsOn(await object('kconfig_missing'), '6.1', k61);
    assert.ok([...missing.values()].every((v) => v.loads), 'a strong CONFIG_ is not known to be missing on a kernel nobody runs here');
    for (const v of verdictsOn(await object('kconfig_virtual'), '6.1', k61).values()) {
      assert.deepStrictEqual([v.loads, v.kind, v.errno, v.extern], [false, 'libbpf', 22, 'LINUX_CORELENS_NOT_VIRTUAL']);
    }
    const obj = await object('kconfig');
    const on61 = verdictsOn(obj, '6.1', k61);
    const on510 = verdictsOn(obj, '5.10', k510);
    assert.strictEqual(on61.get('kcfg_unknown_linux')!.loads, true, 'a weak LINUX_ name libbpf does not know is zero everywhere');
    assert.strictEqual(on61.get('kcfg_cookie')!.loads, true, '6.1 has bpf_get_attach_cookie');
    assert.strictEqual(on510.get('kcfg_cookie')!.kind, 'core', '5.10 has no bpf_get_attach_cookie: LINUX_HAS_BPF_COOKIE is 0');
    assert.strictEqual(on61.get('kcfg_bool')!.kind, 'core', 'CONFIG_ values of another kernel are unknown: the poisoned arm may run');
  });

  it('a target kernel\'s LINUX_KERNEL_VERSION from its release, as libbpf computes it on that machine', async () => {
    assert.strictEqual(targetKernelVersion('5.10.0-32-amd64', 'debian'), kernelVersionCode(5, 10, 0), 'Debian: uname, not the upstream 5.10.223');
    assert.strictEqual(targetKernelVersion('4.18.0-305.el8.x86_64', 'centos'), kernelVersionCode(4, 18, 0));
    assert.deepStrictEqual(targetKernelVersion('5.4.0-42-generic', 'ubuntu'), [kernelVersionCode(5, 4, 0), kernelVersionCode(5, 4, 255)]);
    assert.strictEqual(targetKernelVersion('my-kernel', undefined), undefined);
    // only trusted sources name a release: the bundled manifest and BTFHub paths, not a user's file name
    assert.deepStrictEqual(loadingMachineOf({ path: '/x/5.10.btf', origin: 'config', kernel: '5.10.0-1-amd64' }), { running: false });
    assert.deepStrictEqual(loadingMachineOf({ path: '/x/a.btf.tar.xz', origin: 'btfhub', kernel: '5.4.0-42-generic', distro: 'ubuntu' }),
      { running: false, release: '5.4.0-42-generic', distro: 'ubuntu' });
    assert.deepStrictEqual(loadingMachineOf({ path: '/sys/kernel/btf/vmlinux' }), { running: true });

    // guards.bpf.c's kconfig_guard reads task_struct::state below 5.14 and __state from 5.14 on
    const obj = await object('guards');
    const k510 = await kernel('5.10-amd64');
    const k61 = await kernel('6.1-amd64');
    const guard = (btf: Btf, machine: { release?: string; distro?: string }) => verdictsOn(obj, 'k', btf, false, machine).get('kconfig_guard')!;
    assert.strictEqual(guard(k510, { release: '5.10.0-32-amd64', distro: 'debian' }).loads, true, 'a 5.10 machine takes the `state` arm, which 5.10 has');
    assert.strictEqual(guard(k61, { release: '6.1.0-50-amd64', distro: 'debian' }).loads, true, 'a 6.1 machine takes the `__state` arm');
    assert.strictEqual(guard(k61, {}).kind, 'core', 'an unknown release: both arms walked, `state` is missing on 6.1');
    // an Ubuntu release: the patch level is unknown, the comparison with 5.14.0 is not
    assert.strictEqual(guard(k61, { release: '5.15.0-91-generic', distro: 'ubuntu' }).loads, true);
    assert.strictEqual(guard(k61, { release: '5.13.0-52-generic', distro: 'ubuntu' }).kind, 'core', '5.13.x takes the `state` arm, missing on this BTF');
  });
});

// A target's loading machine stated by the user (`--target NAME=BTF,kernel=RELEASE,kconfig=FILE`, corelens.json's
// "kernel"/"distro"/"kconfig"): CONFIG_* externs come from that machine's config as libbpf there reads its own. Proven
// by handing each config to real libbpf as THIS machine's /boot/config-$(uname -r) (a private mount namespace) with
// the same target BTF, and comparing every program's verdict and the bytes libbpf stored.
describe('__kconfig externs on a target whose machine the user states', function () {
  this.timeout(300_000);
  const CONFIGS = path.join(FIXTURES, 'verdict', 'kconfig');
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-kconfig-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A fixture kernel's raw BTF in the temp dir (the oracle's btf_custom_path reads raw BTF only). */
  const rawKernel = (name: string): string => {
    const out = path.join(tmp, `${name}.btf`);
    if (!fs.existsSync(out)) {
      const r = spawnSync('xz', ['-dc', kernelPath(name)], { maxBuffer: 1 << 28 });
      assert.strictEqual(r.status, 0, String(r.stderr));
      fs.writeFileSync(out, r.stdout);
    }
    return out;
  };

  it('parses the stated machine from --target and corelens.json; a missing config file is named', () => {
    const cfg = path.join(CONFIGS, 'usual.config');
    const t = parseTargetArg(`edge=/x/6.1.btf,kernel=6.1.0-50-amd64,distro=debian,kconfig=${cfg}`) as TargetSpec;
    assert.deepStrictEqual(t.machine, { kernel: '6.1.0-50-amd64', distro: 'debian', kconfig: cfg });
    assert.deepStrictEqual(loadingMachineOf(t), { running: false, release: '6.1.0-50-amd64', distro: 'debian', kconfig: cfg });
    assert.match(parseTargetArg('edge=/x/6.1.btf,kconfig=/nowhere/config') as string, /kernel config \/nowhere\/config: file not found/);
    assert.match(parseTargetArg(`edge=/x/6.1.btf,kconfig=${CONFIGS}`) as string, /is a directory/);
    // a statement beats a trusted name; the running kernel is this machine whatever is stated
    assert.strictEqual(loadingMachineOf({ path: '/x/a.btf.tar.xz', origin: 'btfhub', kernel: '5.4.0-42-generic', machine: { kernel: '5.4.0-99-generic' } }).release, '5.4.0-99-generic');
    assert.deepStrictEqual(loadingMachineOf({ path: '/sys/kernel/btf/vmlinux', machine: { kconfig: cfg } }), { running: true });
    const r = resolveTargets([
      { name: 'a', path: 'a.btf', kernel: '6.1.0-50-amd64', kconfig: 'usual.config' },
      { name: 'b', path: 'b.btf', kconfig: 'missing.config' },
      { name: 'c', path: 'c.btf', distro: 7 },
    ], CONFIGS, 'corelens.json');
    assert.deepStrictEqual(r.targets.map((x) => [x.name, x.machine]), [
      ['a', { kernel: '6.1.0-50-amd64', kconfig: cfg }], ['b', { kconfig: path.join(CONFIGS, 'missing.config') }],
    ]);
    assert.deepStrictEqual(r.problems.map((p) => p.message), [
      `target #2 ("b"): kernel config ${path.join(CONFIGS, 'missing.config')}: file not found; its CONFIG_* values stay unknown`,
      'target #3 ("c"): "distro" must be a non-empty string',
    ]);
  });

  it('equals libbpf + the verifier given that config as the machine\'s own, config by config (live)', async function () {
    const release = os.release();
    const configs = ['flipped', 'usual', 'no-bpf', 'wrong-type', 'broken'].map((n) => path.join(CONFIGS, `${n}.config`));
    // libbpf's gzopen reads a /proc/config.gz copy too
    const gz = path.join(tmp, 'flipped.config.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(configs[0]!)));
    configs.push(gz);
    let compared = 0;
    const outcomes = new Set<string>();
    for (const kname of ['6.18-amd64', '6.12-amd64']) {
      const raw = rawKernel(kname);
      const btf = await kernel(kname);
      for (const cfg of configs) {
        // the machine: this one's release (libbpf computes LINUX_KERNEL_VERSION from uname here), the stated config
        const spec = parseTargetArg(`${kname}=${raw},kernel=${release},kconfig=${cfg}`) as TargetSpec;
        for (const n of ['kconfig', 'kconfig_missing', 'kconfig_virtual']) {
          const file = path.join(FIXTURES, 'verdict', 'objects', `${n}.bpf.o`);
          const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--host-only', file, '--against', `${kname}=${raw}`, '--kconfig', cfg], { encoding: 'utf8' });
          if (r.status === 3) {
            console.warn(`      NOT RUN: loading BPF programs in a private mount namespace is not permitted here: ${r.stderr.trim().split('\n').pop()}`);
            this.skip();
          }
          assert.strictEqual(r.status, 0, r.stderr);
          const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
          const obj = await object(n);
          const machine = loadingMachineOf(spec);
          const relos = relocateObject(obj, [{ name: kname, btf }], { libbpf: '1.1' });
          const facts = factsFromBtf(btf, obj, machine);
          const v = objectVerdicts(obj, relos, [{ name: kname, facts }]);
          const ours = new Map(v.programs.map((p) => [p.name, p.targets.get(kname)!] as const));
          const at = `${path.basename(cfg)} × ${n} on ${kname}`;
          for (const l of lines) {
            const o = ours.get(l.name)!;
            assert.deepStrictEqual([o.loads ? 'ok' : o.kind, o.loads ? 0 : o.errno ?? 22], [l.class, l.errno], `${at}: ${l.name}: ${o.reason ?? ''} / libbpf: ${l.message}`);
            if (l.class === 'core') assert.strictEqual(o.insn, l.insn, `${at}: ${l.name}: the poisoned instruction reached`);
            // libbpf names the extern where its warning is about one (a config it cannot parse names a line instead)
            if (l.class === 'libbpf' && /^extern/.test(l.message)) assert.ok(l.message.includes(`'${o.extern}'`), `${at}: ${l.message} names ${o.extern}`);
            if (l.class !== 'libbpf') {
              for (const [k, hex] of Object.entries(l.kconfig)) assert.strictEqual(Buffer.from(facts.kconfig!.get(k) ?? []).toString('hex'), hex, `${at}: ${k}`);
            }
            outcomes.add(l.class === 'libbpf' ? `libbpf ${l.errno}` : l.class);
            compared++;
          }
        }
      }
    }
    console.log(`      stated kernel configs: ${compared} program × config × target verdicts equal libbpf's + the verifier's (${[...outcomes].sort().join(', ')})`);
    assert.strictEqual(compared, 2 * 6 * 11);
    for (const o of ['ok', 'core', 'libbpf 22', 'libbpf 3']) assert.ok(outcomes.has(o), `the configs reach ${o}`);
  });

  it('`check --kconfig-dir`: each target of a fleet gets the config /boot would name for its release', async () => {
    // a BTFHub-shaped tree: the release comes from the path (trusted), the config from the folder
    const tree = path.join(tmp, 'tree');
    const raw = rawKernel('6.18-amd64');
    for (const rel of ['6.18.1-1-amd64', '6.18.2-1-amd64', '6.18.3-1-amd64']) {
      const d = path.join(tree, 'debian', '13', 'x86_64');
      fs.mkdirSync(d, { recursive: true });
      fs.copyFileSync(raw, path.join(d, `${rel}.btf`));
    }
    const configs = path.join(tmp, 'configs');
    fs.mkdirSync(configs);
    fs.copyFileSync(path.join(CONFIGS, 'flipped.config'), path.join(configs, 'config-6.18.1-1-amd64'));
    fs.writeFileSync(path.join(configs, 'config-6.18.2-1-amd64.gz'), gzipSync(fs.readFileSync(path.join(CONFIGS, 'usual.config'))));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (x: string) => out.push(x), err: (x: string) => err.push(x) };
    await main(['check', path.join(FIXTURES, 'verdict', 'objects', 'kconfig.bpf.o'), '--format', 'json', '--no-cache', '--targets-dir', tree, '--kconfig-dir', configs], io as never);
    assert.ok(err.join('\n').includes(`kernel configs from ${configs}: 2 of 3 targets`), err.join('\n'));
    const report = JSON.parse(out.join('\n')) as { programs: { name: string; targets: Record<string, { loads: boolean }> }[] };
    const failing = (prog: string) => Object.entries(report.programs.find((p) => p.name === prog)!.targets).filter(([, v]) => !v.loads).map(([k]) => k).sort();
    const names = Object.keys(report.programs[0]!.targets).sort();
    const [flipped, usual, none] = ['6.18.1', '6.18.2', '6.18.3'].map((r) => names.find((n) => n.includes(r))!);
    assert.deepStrictEqual(failing('kcfg_bool'), [flipped, none].sort(), 'flipped config: CONFIG_BPF_SYSCALL=n; no config: unknown');
    assert.deepStrictEqual(failing('kcfg_int_taken'), [flipped, usual, none].sort());
    assert.deepStrictEqual(failing('kcfg_version'), [], 'the release in the path gives LINUX_KERNEL_VERSION to all three');
    const bad: string[] = [];
    assert.strictEqual(await main(['check', path.join(FIXTURES, 'verdict', 'objects', 'kconfig.bpf.o'), '--targets-dir', tree, '--kconfig-dir', path.join(tmp, 'nowhere')],
      { out: () => undefined, err: (x: string) => bad.push(x) } as never), 2);
    assert.match(bad.join('\n'), /--kconfig-dir .*nowhere: file not found/);
    // the same from a corelens.json: "kconfigDir" relative to it, a target's release stated with "kernel"
    const cfgFile = path.join(tmp, 'corelens.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ kconfigDir: 'configs', targets: [{ name: 'edge', path: raw, kernel: '6.18.2-1-amd64' }, { name: 'plain', path: raw }] }));
    const out2: string[] = [];
    await main(['check', path.join(FIXTURES, 'verdict', 'objects', 'kconfig.bpf.o'), '--format', 'json', '--no-cache', '--config', cfgFile],
      { out: (x: string) => out2.push(x), err: () => undefined } as never);
    const r2 = JSON.parse(out2.join('\n')) as { programs: { name: string; targets: Record<string, { loads: boolean }> }[] };
    const t2 = r2.programs.find((p) => p.name === 'kcfg_bool')!.targets;
    assert.deepStrictEqual([t2.edge!.loads, t2.plain!.loads], [true, false], 'edge: CONFIG_BPF_SYSCALL=y from configs/ (gzipped); plain: unknown');
    assert.strictEqual(r2.programs.find((p) => p.name === 'kcfg_version')!.targets.edge!.loads, true, 'edge states its release');
  });

  it('`corelens check` takes the stated config: a guarded arm that config selects fails there, not elsewhere', async () => {
    const obj = path.join(FIXTURES, 'verdict', 'objects', 'kconfig.bpf.o');
    const raw = rawKernel('6.18-amd64');
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    const code = await main(['check', obj, '--format', 'json', '--target', `usual=${raw},kernel=6.18.0-1-amd64,kconfig=${path.join(CONFIGS, 'usual.config')}`,
      '--target', `flipped=${raw},kernel=6.18.0-1-amd64,kconfig=${path.join(CONFIGS, 'flipped.config')}`, '--target', `unknown=${raw}`], io as never);
    const text = out.join('\n');
    assert.ok(code === 0 || code === 1, text);
    const report = JSON.parse(text.slice(text.indexOf('{'))) as { programs: { name: string; targets: Record<string, { loads: boolean }> }[] };
    const failing = (prog: string) => Object.entries(report.programs.find((p) => p.name === prog)!.targets).filter(([, v]) => !v.loads).map(([k]) => k).sort();
    assert.deepStrictEqual(failing('kcfg_bool'), ['flipped', 'unknown'], 'CONFIG_BPF_SYSCALL=n on flipped; unknown walks both arms');
    assert.deepStrictEqual(failing('kcfg_int'), ['flipped', 'unknown'], 'CONFIG_HZ=20000 > 10000 only on flipped');
    assert.deepStrictEqual(failing('kcfg_int_taken'), ['flipped', 'unknown', 'usual'], 'CONFIG_HZ >= 1 wherever it is known');
    assert.deepStrictEqual(failing('kcfg_version'), ['unknown'], 'a stated release gives LINUX_KERNEL_VERSION');
  });

  it('a stated config that exists but cannot be read is named once; that machine\'s CONFIG_* values stay unknown', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-kconfig-bad-'));
    try {
      // a copy cut short in transfer: gzip's magic, then a stream that ends early
      const bad = path.join(tmp, 'config-6.18.0-1-amd64.gz');
      const whole = gzipSync(fs.readFileSync(path.join(CONFIGS, 'usual.config')));
      fs.writeFileSync(bad, whole.subarray(0, whole.length >> 1));
      const obj = path.join(FIXTURES, 'verdict', 'objects', 'kconfig.bpf.o');
      const raw = rawKernel('6.18-amd64');
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['check', obj, '--format', 'json', '--target', `bad=${raw},kernel=6.18.0-1-amd64,kconfig=${bad}`,
        '--target', `again=${raw},kernel=6.18.0-1-amd64,kconfig=${bad}`, '--target', `unknown=${raw}`],
      { out: (x: string) => out.push(x), err: (x: string) => err.push(x) } as never);
      assert.ok(code === 0 || code === 1, err.join('\n'));
      const said = err.filter((l) => l.includes(bad));
      assert.strictEqual(said.length, 1, `once per file:\n${err.join('\n')}`);
      assert.match(said[0]!, /^corelens check: target bad: kernel config \S+: not a kernel config: gzip data that does not decompress .*; its CONFIG_\* values stay unknown$/);
      const report = JSON.parse(out.join('\n')) as { programs: { name: string; targets: Record<string, { loads: boolean }> }[] };
      const kb = report.programs.find((p) => p.name === 'kcfg_bool')!.targets;
      assert.deepStrictEqual([kb.bad!.loads, kb.unknown!.loads], [false, false], 'unread: both arms walked, as with no config');
      assert.strictEqual(report.programs.find((p) => p.name === 'kcfg_version')!.targets.bad!.loads, true, 'the stated release still counts');
      // a readable config, a missing one (the configuration's to name) and a parse error (libbpf's refusal) are not this
      assert.strictEqual(statedKconfigProblem(path.join(CONFIGS, 'usual.config')), undefined);
      assert.strictEqual(statedKconfigProblem(path.join(tmp, 'nothing')), undefined);
      assert.strictEqual(statedKconfigProblem(path.join(CONFIGS, 'broken.config')), undefined);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
