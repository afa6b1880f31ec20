// Temporary directories for tests that are removed when the test process exits, whatever the outcome, so runs
// (and the many single-file runs of development) do not pile workspaces up in /tmp.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];
let hooked = false;

/** A fresh directory under the system temp dir, removed at process exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) {
        try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* a server still writing there: leave it */ }
      }
    });
  }
  return dir;
}
