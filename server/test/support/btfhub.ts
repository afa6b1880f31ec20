// A BTFHub archive without internet: the bundled real kernels laid out as `<distro>/<release>/<arch>/<kernel>.btf.tar.xz`
// (tar + xz, like BTFHub's), committed to a git repository and served by an HTTP tree on 127.0.0.1 whose faults
// (a connection cut mid-file, corrupt bytes) the tests choose.

import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { kernelPath } from './paths';

/** The archive: BTFHub path (without extension) → bundled kernel. */
export const ARCHIVE: Record<string, string> = {
  'debian/11/x86_64/5.10.0-32-amd64': '5.10-amd64',
  'debian/11/arm64/5.10.0-32-arm64': '5.10-arm64',
  'debian/12/x86_64/6.1.0-50-amd64': '6.1-amd64',
  'debian/12/x86_64/6.1.0-50-rt-amd64': '6.1-rt-amd64',
  'debian/12/arm64/6.1.0-50-arm64': '6.1-arm64',
  'debian/13/x86_64/6.12.0-1-amd64': '6.12-amd64',
};

/** Builds the tree (and SHA256SUMS, and a git repository of it) under `dir`; returns the tree's root. */
export function buildArchive(dir: string): string {
  const tree = path.join(dir, 'btfhub-archive');
  const stage = path.join(dir, 'stage');
  fs.mkdirSync(stage, { recursive: true });
  const sums: string[] = [];
  for (const [rel, k] of Object.entries(ARCHIVE)) {
    const name = path.basename(rel);
    fs.writeFileSync(path.join(stage, `${name}.btf`), execFileSync('xz', ['-dc', kernelPath(k)], { maxBuffer: 1 << 30 }));
    fs.mkdirSync(path.join(tree, path.dirname(rel)), { recursive: true });
    const file = path.join(tree, `${rel}.btf.tar.xz`);
    execFileSync('tar', ['-cJf', file, '-C', stage, `${name}.btf`], { env: { ...process.env, XZ_OPT: '-0' } });
    fs.rmSync(path.join(stage, `${name}.btf`));
    sums.push(`${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')}  ${rel}.btf.tar.xz`);
  }
  fs.rmSync(stage, { recursive: true, force: true });
  fs.writeFileSync(path.join(tree, 'SHA256SUMS'), sums.join('\n') + '\n');
  fs.writeFileSync(path.join(tree, 'README.md'), 'A BTFHub-layout archive built from corelens\' bundled kernels.\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: tree, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'archive');
  return tree;
}

/** The git blob id of a file (what a git source verifies against). */
export function blobId(file: string): string {
  const b = fs.readFileSync(file);
  return crypto.createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}

export interface TreeServer {
  readonly url: string;
  /** Every request: path and Range header. */
  readonly requests: { path: string; range?: string }[];
  /** Bytes of file bodies sent, per path. */
  readonly sent: Map<string, number>;
  /** Cut the connection after this many bytes, the next time this path is asked for (once). */
  cutOnce(rel: string, bytes: number): void;
  /** Serve this path with one byte flipped (until cleared). */
  corrupt(rel: string | undefined): void;
  close(): Promise<void>;
}

/** A static file server over `root` with Range support (206, Content-Range), on 127.0.0.1, on a free port. */
export async function serveTree(root: string): Promise<TreeServer> {
  const requests: { path: string; range?: string }[] = [];
  const sent = new Map<string, number>();
  const cuts = new Map<string, number>();
  let corrupted: string | undefined;
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push({ path: rel, ...(req.headers.range ? { range: String(req.headers.range) } : {}) });
    const file = path.join(root, rel);
    if (rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    let body = fs.readFileSync(file);
    if (corrupted === rel) {
      body = Buffer.from(body);
      body[body.length >> 1]! ^= 0xff;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const part = body.subarray(start);
    const cut = cuts.get(rel);
    if (cut !== undefined) {
      cuts.delete(rel);
      sent.set(rel, (sent.get(rel) ?? 0) + cut);
      res.write(part.subarray(0, cut), () => req.socket.destroy());
      return;
    }
    sent.set(rel, (sent.get(rel) ?? 0) + part.length);
    res.end(part);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`, requests, sent,
    cutOnce: (rel, bytes) => cuts.set(rel, bytes),
    corrupt: (rel) => { corrupted = rel; },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
