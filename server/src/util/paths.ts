// Output paths built from untrusted names (target names come from corelens.json, which a pull request can change):
// a name is turned into one file name, never a path, and the result is checked to lie inside the output folder.

import * as path from 'path';

/**
 * A target name as a single file name: `ubuntu/20.04/x86_64/5.4.0-100` → `ubuntu_20.04_x86_64_5.4.0-100`,
 * `../../../x` → `x`. Letters, digits and `._+-@` are kept; runs of anything else become one `_`; leading dots and
 * underscores go (no hidden files, no `..`); at most 200 characters; never empty.
 */
export function safeFileName(name: string): string {
  let s = name.replace(/[^A-Za-z0-9._+@-]+/g, '_').replace(/^[._]+/, '').replace(/_+$/, '');
  if (s.length > 200) s = s.slice(0, 200);
  return s || 'target';
}

/**
 * `dir/fileName`, resolved; undefined when that is not a direct child of `dir` (a name that is a path, `..`, an
 * absolute path). Callers refuse to write then.
 */
export function resolveInside(dir: string, fileName: string): string | undefined {
  const root = path.resolve(dir);
  const out = path.resolve(root, fileName);
  return path.dirname(out) === root && path.basename(out) === fileName && fileName !== '.' && fileName !== '..' ? out : undefined;
}

/**
 * One distinct, safe file name per target name, in order: two names that sanitise alike get `-2`, `-3`... (so
 * `a/b` and `a_b` never overwrite each other).
 */
export function uniqueFileNames(names: readonly string[], ext: string): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = safeFileName(n);
    let f = `${base}${ext}`;
    for (let k = 2; used.has(f.toLowerCase()); k++) f = `${base}-${k}${ext}`;
    used.add(f.toLowerCase());
    return f;
  });
}
