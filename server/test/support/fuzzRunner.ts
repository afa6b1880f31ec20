// Child-process side of the command fuzzer (server/test/hostile/fuzz-commands.test.ts): runs a batch of CLI
// invocations in one process (node start-up dominates otherwise) and prints one JSON line per job, then the peak RSS.
// The parent runs this under --max-old-space-size and a time limit; a batch that dies or hangs is re-run job by job.

import * as fs from 'fs';
import { main } from '../../src/cli/main';
import { peakRssKb } from '../../src/util/memory';

interface Job { argv: string[] }

async function run(): Promise<void> {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job[];
  for (let i = 0; i < jobs.length; i++) {
    let err = '';
    let outBytes = 0;
    const code = await main(jobs[i]!.argv, {
      out: (s) => { outBytes += s.length; },
      err: (s) => { if (err.length < 4000) err += `${s}\n`; },
    });
    process.stdout.write(`${JSON.stringify({ i, code, err, outBytes, rssMb: Math.round(peakRssKb() / 1024) })}\n`);
  }
}

void run().then(() => process.exit(0));
