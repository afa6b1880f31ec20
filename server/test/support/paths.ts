// Where the repository's fixtures live, seen from compiled tests (server/out/test/...).

import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test-fixtures');
export const KERNELS_DIR = path.join(FIXTURES, 'btf', 'kernels');
export const TARGETS_DIR = path.join(FIXTURES, 'targets');
export const OBJECTS_DIR = path.join(FIXTURES, 'objects');
export const ORACLE_DIR = path.join(FIXTURES, 'expected', 'oracle');

/**
 * The nine real kernels shipped as fixtures: Debian 11's 5.10 (amd64, arm64: before the `state` → `__state` rename),
 * Debian 12's 6.1 (generic, arm64, cloud, rt), Debian 13's 6.12, 6.18 and a 2026 CI kernel. The libbpf oracle covers
 * them all (scripts/oracle.sh), so every test iterating over them compares against real libbpf on each.
 */
export const KERNELS = ['5.10-amd64', '5.10-arm64', '6.1-amd64', '6.1-arm64', '6.1-cloud-amd64', '6.1-rt-amd64', '6.12-amd64', '6.18-amd64',
  'cilium-ci-2026-04-amd64'];

/** Kernels that predate the 5.14 rename of `task_struct::state` to `__state`. */
export const PRE_5_14_KERNELS = ['5.10-amd64', '5.10-arm64'];

/** Fixture path of a real kernel BTF. */
export function kernelPath(name: string): string {
  return path.join(KERNELS_DIR, `${name}.btf.xz`);
}
