// The header scan's result kept between processes (issue 16's second figure: a second `corelens sites` run and a
// fresh language server skip the ~100 ms scan of a full vmlinux.h).
//
// What is kept: lazyHeader.ts's skim — the positions of a big header's set-aside definitions and the names they
// declare. It depends on the header's text only (not on defines or arch: the preprocessor decides per definition
// later, in every run), so the key is the SHA-256 of the text and of the scanning code itself (lazyHeader.js: a
// changed scan never reads an older one's result). One file per header in <cache>/headers/ (binary: lazyHeader.ts's
// encodeSkim), written atomically when missing, with a SHA-256 of its payload; a file that is damaged, does not parse or does not fit the text is
// ignored (and replaced). CORELENS_CACHE=off or CORELENS_HEADER_CACHE=off disables it, CORELENS_CACHE=DIR puts it
// in DIR/headers.
// At most MAX_FILES files are kept (the oldest go first).

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Skim, decodeSkim, skimBytes } from './lazyHeader';
import { cacheSubdir, keepNewest, unseal, writeSealedSync } from '../util/cacheFiles';

const MAX_FILES = 16;

/** What the cache did, since the process started (bench and tests). */
export const skimCacheStats = { hits: 0, misses: 0, written: 0, ignored: 0 };

/** The cache directory, or undefined when disabled (CORELENS_CACHE=off, or CORELENS_HEADER_CACHE=off for this cache
 * alone: the benches' cold figures). Read per call: tests and the benches set them. */
function cacheDir(): string | undefined {
  return process.env.CORELENS_HEADER_CACHE === 'off' ? undefined : cacheSubdir('headers');
}

/** The format of a header-scan cache file (util/cacheFiles.ts seal: magic, SHA-256, encodeSkim's bytes). */
const MAGIC = 'CLS2';

let codeHash: string | null | undefined;
/** A hash of the scanning code: the compiled lazyHeader and wasmScan modules, or in the bundle (dist/corelens.js,
 * where they have no file of their own) the whole bundle; null when they cannot be read (no cache then). */
function scanCodeHash(): string | null {
  if (codeHash === undefined) {
    codeHash = null;
    // (this module's own file tells which: skimCache.js beside lazyHeader.js, or the bundle)
    const dir = path.dirname(__filename);
    const code = path.basename(__filename) === 'skimCache.js' ? [path.join(dir, 'lazyHeader.js'), path.join(dir, 'wasmScan.js')] : [__filename];
    try {
      const h = crypto.createHash('sha256');
      for (const f of code) h.update(fs.readFileSync(f));
      codeHash = h.digest('hex');
    } catch { /* no cache */ }
  }
  return codeHash;
}

/** skim(text), from the cache when a previous process scanned the same text with the same code. `bytes`: the file's
 * bytes `text` was decoded from (UTF-8), when the caller has them: hashed instead of the text (~2 ms instead of ~14
 * for a 3 MB header: a string is encoded to UTF-8 first). For valid UTF-8 the key is the text's own (the same
 * digest); for other bytes it is theirs, and a key still names one text (the text is a function of the bytes). */
export function skimCached(text: string, bytes?: Uint8Array): Skim | undefined {
  return cached(text, bytes, true).sk;
}

/** skimCached's skim as its bytes (encodeSkim's; null: not eligible), for a thread that hands them on (aheadWorker):
 * a cold scan's bytes as they are, never re-encoded from a skim (which makes every name a string). */
export function skimCachedBytes(text: string, bytes?: Uint8Array): Buffer | null {
  return cached(text, bytes, false).payload;
}

/** The skim's bytes (null: not eligible) and, when `decode`, the skim; see skimCached. */
function cached(text: string, bytes: Uint8Array | undefined, decode: boolean): { payload: Buffer | null; sk: Skim | undefined } {
  const dir = cacheDir();
  const code = dir && scanCodeHash();
  const fresh = (): { payload: Buffer | null; sk: Skim | undefined } => {
    const packed = skimBytes(text, bytes);
    return { payload: packed, sk: packed && decode ? decodeSkim(packed, text) : undefined };
  };
  if (!dir || !code) return fresh();
  const key = crypto.createHash('sha256').update(code).update(bytes ?? text).digest('hex').slice(0, 40);
  const file = path.join(dir, `skim-${key}.bin`);
  let raw: Buffer | undefined;
  try { raw = fs.readFileSync(file); } catch { raw = undefined; }
  if (raw !== undefined) {
    // (an empty payload: a header the scan found ineligible; a payload is checked against the text by decoding it)
    const payload = unseal(MAGIC, raw);
    if (payload) {
      const sk = payload.length ? decodeSkim(payload, text) : undefined;
      if (!payload.length || sk) { skimCacheStats.hits++; return { payload: payload.length ? payload : null, sk }; }
    }
    skimCacheStats.ignored++;
  }
  skimCacheStats.misses++;
  // the scan's bytes are what the file keeps, and what a second run reads (null: not eligible, an empty payload)
  const out = fresh();
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeSealedSync(tmp, MAGIC, out.payload ?? Buffer.alloc(0));
    fs.renameSync(tmp, file);
    skimCacheStats.written++;
    keepNewest(dir, (f) => f.startsWith('skim-') && f.endsWith('.bin'), MAX_FILES);
  } catch {
    // an unwritable cache: the next process scans again
  }
  return out;
}
