// `corelens check` of one program on its source and on its compiled object, in-process: the comparison every
// source-versus-object test and bench makes (the object path's verdicts are libbpf's and the verifier's).

import { CheckFinding, CheckOptions, runCheck } from '../../src/check/run';

/** The findings of `check SOURCE` (S) and of `check OBJECT --source SOURCE` (O), with the same other options. */
export async function checkBothWays(common: Omit<CheckOptions, 'file' | 'source'>, source: string, object: string):
Promise<{ S: readonly CheckFinding[]; O: readonly CheckFinding[] }> {
  const S = (await runCheck({ ...common, file: source })).findings;
  const O = (await runCheck({ ...common, file: object, source })).findings;
  return { S, O };
}
