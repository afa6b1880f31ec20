// Tracepoint arguments a kernel hands a tp_btf program as a plain number, not as a typed pointer.
//
// The kernel's btf_ctx_access() types a BTF raw tracepoint's struct-pointer argument as a trusted kernel pointer,
// except where its table of raw tracepoints (btf.c raw_tp_null_args, since 6.13) says the argument may encode an
// error (IS_ERR) or a small sentinel: then it logs "marking pointer argN as scalar as it may encode error" and the
// register is a SCALAR_VALUE, so a read through it is `R<n> invalid mem access 'scalar'` (falco's signal_deliver:
// `info` may be SEND_SIG_PRIV, (void *)1). The table is code of the kernel, not in its BTF: it is known here by
// release. Its NULL-only entries (a pointer that may be NULL) are not modelled: their errors are of another kind.
//
// Proof: tools/oracle/rawtp-probe.c loads, for every struct-pointer argument of every btf_trace_* typedef of the
// running kernel, a program reading through it and reports which the kernel types as scalar; the verdict tests
// compare that with errorArgs() for this machine's release (server/test/verdict/rawtp.test.ts).

import { kernelVersionCode } from './kconfig';

/** One argument the table marks as possibly an error (0-based, as the kernel's argN counts after `void *__data`). */
interface ErrArg {
  readonly tp: string;
  readonly arg: number;
  /** The first release known to mark it (LINUX_KERNEL_VERSION code). */
  readonly since: number;
}

const V = (a: number, b: number, c: number): number => kernelVersionCode(a, b, c);

/**
 * The IS_ERR entries: those of the table as introduced (v6.13: rdma mr_integ_alloc, cachefiles_lookup, the nfs4
 * callback events), and the signal tracepoints' `struct kernel_siginfo *info` (SEND_SIG_NOINFO / SEND_SIG_PRIV),
 * measured on 6.18.44, the first release known to mark them (this project's machine).
 */
const TABLE: readonly ErrArg[] = [
  { tp: 'mr_integ_alloc', arg: 3, since: V(6, 13, 0) },
  { tp: 'cachefiles_lookup', arg: 2, since: V(6, 13, 0) },
  { tp: 'nfs4_inode_callback_event', arg: 2, since: V(6, 13, 0) },
  { tp: 'nfs4_inode_stateid_callback_event', arg: 2, since: V(6, 13, 0) },
  { tp: 'signal_generate', arg: 1, since: V(6, 18, 44) },
  { tp: 'signal_deliver', arg: 1, since: V(6, 18, 44) },
];

/** CORELENS_RAWTP_ERR=0 turns the rule off (every argument a typed pointer, the walk before it). */
const ENABLED = process.env.CORELENS_RAWTP_ERR !== '0';

/**
 * The tp_btf arguments a kernel of this version (LINUX_KERNEL_VERSION code, or the range a release allows: its lowest
 * counts) types as scalar, by tracepoint; undefined when the version is not known (nothing marked: a target of
 * unknown release is walked as kernels before the table were) or none is marked.
 */
export function errorArgs(version: number | readonly [number, number] | undefined): ReadonlyMap<string, readonly number[]> | undefined {
  if (!ENABLED || version === undefined) return undefined;
  const code = typeof version === 'number' ? version : version[0];
  const out = new Map<string, number[]>();
  for (const e of TABLE) if (code >= e.since) out.set(e.tp, [...(out.get(e.tp) ?? []), e.arg]);
  return out.size ? out : undefined;
}
