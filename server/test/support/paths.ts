// Where the repository's fixtures live, seen from compiled tests (server/out/test/...).

import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test-fixtures');
export const KERNELS_DIR = path.join(FIXTURES, 'btf', 'kernels');
export const TARGETS_DIR = path.join(FIXTURES, 'targets');
export const OBJECTS_DIR = path.join(FIXTURES, 'objects');
export const ORACLE_DIR = path.join(FIXTURES, 'expected', 'oracle');

/** The six real kernels shipped as fixtures. */
export const KERNELS = ['6.1-amd64', '6.1-arm64', '6.1-cloud-amd64', '6.1-rt-amd64', '6.18-amd64', 'cilium-ci-2026-04-amd64'];

/** Fixture path of a real kernel BTF. */
export function kernelPath(name: string): string {
  return path.join(KERNELS_DIR, `${name}.btf.xz`);
}
