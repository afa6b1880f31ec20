// The worker of source/ahead.ts (a document's big-header scans and raw CO-RE spots, found on another thread while
// the main thread parses) gives exactly what the main thread's own work gives: analyses of both arches with the
// worker equal those without it, on every fixture and corpus program and on the big program; the worker's answers
// were the ones used; the spots it sends are rawSpots' own, field by field and in order; a scan of other bytes than
// the main thread read, and spots of another text, are refused.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Ahead, packSpots, unpackSpots } from '../../src/source/ahead';
import { Analysis, Analyzer, createAnalyzer, findUnits } from '../../src/source/analyzer';
import { Skim, skim } from '../../src/source/lazyHeader';
import { HeaderCache } from '../../src/source/localTypes';
import { loadCParser } from '../../src/source/parser';
import { SharedFunctions } from '../../src/source/sharedFunctions';
import { SharedTrees } from '../../src/source/sharedTrees';
import { rawSpots } from '../../src/source/spots';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

const ARCHES = ['x86', 'arm64'];
const pause = () => new Promise<void>((r) => setImmediate(r));

/** Both arches' analyzers as the language server makes them (shared trees, headers, typings), with `ahead` or not. */
async function analyzers(ahead?: Ahead): Promise<Analyzer[]> {
  const trees = new SharedTrees();
  const headers = new HeaderCache();
  const functions = new SharedFunctions();
  const out: Analyzer[] = [];
  for (const a of ARCHES) out.push(await createAnalyzer({ defines: [`__TARGET_ARCH_${a}`], trees, headers, functions, ahead }));
  return out;
}

function compare(label: string, got: Analysis[], want: Analysis[]): void {
  for (let i = 0; i < ARCHES.length; i++) {
    const g = analysisShapes(got[i]!);
    const w = analysisShapes(want[i]!);
    for (const k of Object.keys(w)) assert.strictEqual(g[k], w[k], `${label} ${ARCHES[i]}: ${k} differ with the worker`);
  }
}

/** A skim's whole result as one string (as skim-cache.test.ts compares a decoded scan with a fresh one). */
function ser(sk: Skim | undefined): string {
  if (!sk) return 'not eligible';
  const at = new Map(sk.decls.map((d, i) => [d, i]));
  return JSON.stringify([sk.decls.map((d) => [d.start, d.end, d.name ?? null, d.state, d.active, d.pai, d.fwd ?? null]), [...sk.tags].map(([k, d]) => [k, at.get(d)]),
    [...sk.consts].map(([k, d]) => [k, at.get(d)]), [...sk.typedefs].map(([k, d]) => [k, at.get(d)]), [...sk.defined]]);
}

/** Waits until `cond` holds (the worker answers on its own time). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the worker did not answer: ${what}`);
}

/** Both arches' first analyses of one text, by analyzers with the worker and by analyzers without it. */
async function analyseBoth(withIt: Analyzer[], without: Analyzer[], file: string, text: string): Promise<[Analysis[], Analysis[]]> {
  const got: Analysis[] = [];
  for (const an of withIt) got.push(await an.analyzeAsync(file, text, {}, pause));
  const want: Analysis[] = [];
  for (const an of without) want.push(await an.analyzeAsync(file, text, {}, pause));
  return [got, want];
}

/** The big benchmark program over a generated full vmlinux.h in a temporary folder, removed afterwards. */
async function withBigProgram(prefix: string, fn: (dir: string, big: ReturnType<typeof writeBigProgram>) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    generateVmlinuxH(dir);
    fs.rmSync(path.join(dir, 'vmlinux.btf'));
    await fn(dir, writeBigProgram(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('work ahead on a worker thread (header scans, raw spots)', function () {
  this.timeout(600_000);
  let ahead: Ahead;
  before(() => { ahead = new Ahead({ spots: true }); });
  after(() => ahead.close());

  it('the spots it sends are rawSpots\' own, on every fixture and corpus program', async () => {
    const { files } = fixtureSourcePrograms();
    const h = await loadCParser();
    let n = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const uri = `file://${f}`;
      ahead.request(uri, f, text, [], true);
      await until(() => ahead.answered(uri), uri);
      const got = ahead.spotsFor(uri, text);
      assert.ok(got, `${path.basename(f)}: answered`);
      const tree = h.parser.parse(text, null)!;
      try {
        const want = findUnits(h, tree, text).map((u) => [`${u.node.startIndex}:${u.node.endIndex}`, rawSpots(h, u.node, text, 0)]);
        // the same keys, spots, fields and field order (JSON keeps the order)
        assert.strictEqual(JSON.stringify(got), JSON.stringify(want), path.basename(f));
        n += want.reduce((k, [, l]) => k + (l as unknown[]).length, 0);
      } finally { tree.delete(); }
      // another text of the same document is never answered with these
      ahead.request(uri, f, text, [], true);
      await until(() => ahead.answered(uri), uri);
      assert.strictEqual(ahead.spotsFor(uri, `${text}\n`), undefined, 'spots of another text');
    }
    assert.ok(n > 1000, `${n} spots compared`);
    // packing keeps an absent text absent and a present one (even empty) present
    const spots = [{ name: 'core.member', start: 1, end: 2 }, { name: 'core.call', text: '', start: 3, end: 4 }, { name: 'core.name', text: 'x', start: 5, end: 6 }];
    assert.deepStrictEqual(unpackSpots(packSpots([[0, 9, spots]])), [['0:9', spots]]);
  });

  it('a scan is taken for the very bytes the main thread read, never for others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-ahead-'));
    try {
      generateVmlinuxH(dir);
      const header = path.join(dir, 'vmlinux.h');
      const doc = path.join(dir, 'p.bpf.c');
      const text = '#include "vmlinux.h"\n';
      const bytes = fs.readFileSync(header);
      const htext = bytes.toString('utf8');
      ahead.request(`file://${doc}`, doc, text, [], false);
      await until(() => ahead.answered(header), header);
      const got = ahead.skimFor(header, htext, bytes);
      assert.ok(got?.skim, 'the worker scanned the header');
      assert.strictEqual(ser(got.skim), ser(skim(htext)), 'its scan is the main thread\'s');
      // the file changes between the worker's read and the main thread's (same length, one byte): not taken
      ahead.request(`file://${doc}`, doc, text, [], false);
      await until(() => ahead.answered(header), header);
      const other = Buffer.from(bytes);
      other[other.length - 2] = other[other.length - 2] === 0x20 ? 0x21 : 0x20;
      assert.strictEqual(ahead.skimFor(header, other.toString('utf8'), other), undefined, 'a scan of other bytes');
      // a file nobody asked the worker for: the caller scans
      assert.strictEqual(ahead.skimFor(path.join(dir, 'none.h'), htext, bytes), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every fixture and corpus program: both arches\' analyses equal those without the worker', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const withIt = await analyzers(ahead);
    const without = await analyzers();
    const before = ahead.stats.spots;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const got: Analysis[] = [];
      for (const an of withIt) got.push(await an.analyzeAsync(f, text, { includePaths }, pause));
      const want: Analysis[] = [];
      for (const an of without) want.push(await an.analyzeAsync(f, text, { includePaths }, pause));
      compare(path.basename(f), got, want);
      for (const an of [...withIt, ...without]) an.close(f);
    }
    assert.ok(files.length >= 45, `${files.length} programs`);
    // (small programs are typed before the worker answers: some, not all, take its spots)
    assert.ok(ahead.stats.spots >= before, 'spots taken');
  });

  it('the big program (full vmlinux.h): open with the worker\'s scan and spots, then an edit, equal to without', async () => {
    await withBigProgram('corelens-ahead-big-', async (dir, big) => {
      const mine = new Ahead({ spots: true });
      try {
        // asked before the analysis and answered (the language server asks at the analysis's start, and takes what
        // is in by then): the scan and the spots used are the worker's
        mine.request(big.file, big.file, big.text, [], true);
        await until(() => mine.answered(path.join(dir, 'vmlinux.h')) && mine.answered(big.file), 'scan and spots');
        const withIt = await analyzers(mine);
        const without = await analyzers();
        const [got, want] = await analyseBoth(withIt, without, big.file, big.text);
        compare('big program', got, want);
        assert.strictEqual(mine.stats.skims, 1, 'vmlinux.h\'s scan came from the worker');
        assert.strictEqual(mine.stats.spots, 1, 'the spots came from the worker');
        const edited = big.text.replace('\tev.kind = 0;', '\tev.kind = 7;');
        assert.notStrictEqual(edited, big.text);
        const upd: Analysis[] = [];
        for (const an of withIt) upd.push(await an.updateAsync(big.file, edited, pause));
        const updWant: Analysis[] = [];
        for (const an of without) updWant.push(await an.updateAsync(big.file, edited, pause));
        compare('big program after an edit', upd, updWant);
      } finally { mine.close(); }
    });
  });

  it('the big program with a worker that scans only (Ahead\'s default, CORELENS_AHEAD=1): its scan taken, equal to without', async () => {
    await withBigProgram('corelens-ahead-scan-', async (dir, big) => {
      const mine = new Ahead();
      try {
        mine.request(big.file, big.file, big.text, [], true);
        await until(() => mine.answered(path.join(dir, 'vmlinux.h')), 'scan');
        const [got, want] = await analyseBoth(await analyzers(mine), await analyzers(), big.file, big.text);
        compare('big program, scan only', got, want);
        assert.deepStrictEqual([mine.stats.skims, mine.stats.spots], [1, 0], 'the scan, and no spots, from the worker');
      } finally { mine.close(); }
    });
  });

  it('the big program while the worker is busy scanning: this thread finds the spots itself, then scans, equal to without', async () => {
    await withBigProgram('corelens-ahead-busy-', async (dir, big) => {
      // the worker is held inside its scan of vmlinux.h until released (a busy machine's worker, made deterministic:
      // a worker that merely had a big header to scan first could finish both before this thread needs vmlinux.h)
      const mine = new Ahead({ spots: true, hold: true });
      try {
        await until(() => mine.ready(), 'ready');
        const [got, want] = await analyseBoth(await analyzers(mine), await analyzers(), big.file, big.text);
        compare('big program, worker busy', got, want);
        assert.strictEqual(mine.stats.idleTasks, 1, 'the spots were found while waiting');
        assert.strictEqual(mine.stats.spots, 0, 'the worker\'s spots were not taken');
        assert.strictEqual(mine.stats.skims, 0, 'vmlinux.h was scanned here');
        assert.ok(!mine.answered(path.join(dir, 'vmlinux.h')), 'the worker was still in its scan');
      } finally { mine.close(); }
    });
  });
});
