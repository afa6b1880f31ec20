// Peak resident memory of this process. Not `process.resourceUsage().maxRSS`: on Linux, exec keeps the high-water
// mark of the process that forked us (a child started by a 400 MB test runner reports 400 MB), while /proc's VmHWM
// belongs to our own address space only.

import * as fs from 'fs';

/** Peak RSS of this process in KB: VmHWM from /proc where there is one, else getrusage's maxRSS. */
export function peakRssKb(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // no /proc (not Linux): getrusage is the best there is
  }
  return process.resourceUsage().maxRSS;
}
