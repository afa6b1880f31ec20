// Worker thread of ahead.ts: the parts of a document's first analysis that read only files and text, done on the
// second core while the main thread parses the same document (issue 12: the main thread bounds the first diagnostics).
//
// Per request (a document's text and the big headers it may include): first each header's scan (lazyHeader.ts skim,
// through the scan's disk cache like the main thread's), then the document's tree-sitter parse and the raw CO-RE
// spots of each top-level function (spots.ts rawSpots, keyed like the analyzer keys them). Each answer goes out on
// the port the main thread reads synchronously, and bumps `signal` so a main thread waiting on it wakes.

import { workerData, MessagePort } from 'worker_threads';
import { readTextAndBytesSync } from '../util/files';
import { skimCachedBytes } from './skimCache';
import { AheadAnswer, AheadRequest, PackedSpots, packSpots } from './ahead';

const { port, signal, spots: withSpots, hold } = workerData as { port: MessagePort; signal: SharedArrayBuffer; spots: boolean; hold: boolean };
const sig = new Int32Array(signal);

function answer(a: AheadAnswer, transfer: ArrayBuffer[] = []): void {
  port.postMessage(a, transfer);
  // after the post: a main thread that finds nothing on the port before this change waits for it
  Atomics.add(sig, 0, 1);
  Atomics.notify(sig, 0);
}

// the spots need the analyzer's unit finder and the grammar: loaded after the first scan is under way (a scan is what
// the main thread may be waiting for)
let spotsMod: Promise<{ spotsOf(text: string): PackedSpots }> | undefined;
function spotsModule() {
  spotsMod ??= (async () => {
    const { loadCParser } = require('./parser') as typeof import('./parser');
    const { findUnits } = require('./units') as typeof import('./units');
    const { rawSpots } = require('./spots') as typeof import('./spots');
    const h = await loadCParser();
    return {
      spotsOf(text: string) {
        const tree = h.parser.parse(text, null);
        if (!tree) return packSpots([]);
        try {
          const out: [number, number, import('./sharedTrees').RawSpot[]][] = [];
          for (const u of findUnits(h, tree, text)) out.push([u.node.startIndex, u.node.endIndex, rawSpots(h, u.node, text, 0)]);
          return packSpots(out);
        } finally { tree.delete(); }
      },
    };
  })();
  return spotsMod;
}

port.on('message', (r: AheadRequest) => {
  for (const file of r.files) {
    Atomics.store(sig, 1, 1); // a scan is running (the main thread waits for one that runs, not for one queued)
    // (tests: a scan that runs until the main thread lets it go)
    if (hold) Atomics.wait(sig, 4, 0);
    try {
      const { text, bytes } = readTextAndBytesSync(file, 'header');
      const payload = skimCachedBytes(text, bytes);
      // (an ineligible header is an answer too: the scan said undefined)
      let buf: ArrayBuffer | undefined;
      if (payload) { buf = new ArrayBuffer(payload.byteLength); new Uint8Array(buf).set(payload); }
      // the bytes scanned go back for the main thread to compare with what it read (a copy of their own: the read's
      // buffer may be shared)
      const own = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(own).set(bytes);
      answer({ kind: 'skim', file, bytes: own, length: bytes.byteLength, payload: buf, none: !payload }, buf ? [buf, own] : [own]);
    } catch {
      answer({ kind: 'skim', file, failed: true });
    } finally {
      Atomics.store(sig, 1, 0);
    }
  }
  if (r.uri === undefined || r.text === undefined) return;
  const { uri, text } = r;
  void spotsModule().then((m) => {
    // found by the main thread meanwhile (it had nothing better to do while waiting for a scan): not again
    if (Atomics.load(sig, 3) === r.seq) return;
    const spots = m.spotsOf(text);
    answer({ kind: 'spots', uri, text, spots }, [spots.ints.buffer as ArrayBuffer]);
  }, () => answer({ kind: 'spots', uri, text, failed: true }));
});
Atomics.store(sig, 2, 1);
// the grammar loads now, beside the server's own start (when the worker finds spots at all)
if (withSpots) void spotsModule().catch(() => undefined);
