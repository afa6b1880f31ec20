// Paths and helpers shared by the userspace CO-RE (issue 8) tests: the fixture apps and their BTFs.

import * as fs from 'fs';
import * as path from 'path';
import { ElfFile } from '../../src/btf/elf';
import { dwarfToBtf } from '../../src/btf/dwarf';
import { Btf } from '../../src/btf/reader';
import { FIXTURES } from '../support/paths';

export const APPS_BIN = path.join(FIXTURES, 'apps', 'bin');
export const APPS_BTF = path.join(FIXTURES, 'apps', 'btf');
export const APPS_ORACLE = path.join(FIXTURES, 'expected', 'oracle-apps');

/** The fixture app versions of the two scenarios (what the app_* programs are relocated against). */
export const SCENARIO_APPS = ['plugin_v1', 'plugin_v2', 'plugin_v3', 'uprobe_v1', 'uprobe_v2', 'uprobe_v3'];

/** Every fixture binary the DWARF converter is proven on (the .btfelf copy carries pahole's .BTF instead). */
export function appBinaries(): string[] {
  return fs.readdirSync(APPS_BIN).filter((f) => !f.endsWith('.btfelf')).sort();
}

/** Converts a binary's DWARF in-process. */
export function convert(file: string): Btf {
  const c = dwarfToBtf(new ElfFile(fs.readFileSync(file), file));
  return Btf.parse(c.bytes, `${file} (dwarf)`);
}

/** pahole's detached BTF of a fixture binary. */
export function paholeBtf(name: string): Btf {
  const f = path.join(APPS_BTF, `${name}.btf`);
  return Btf.parse(fs.readFileSync(f), f);
}
