// The object's __ksym externs as libbpf collects and resolves them before anything else of a load
// (bpf_object__resolve_externs runs before bpf_object__relocate): a strong one the loading kernel lacks fails the
// whole object, whatever its programs or CO-RE relocations say; a weak one becomes zero. And where libbpf looks each
// one up on the loading machine: /proc/kallsyms for an untyped one, the kernel's BTF for a typed variable or a kfunc.

import { readFileSync } from 'fs';
import { BpfObject } from '../btf/object';
import { STB_LOCAL, STB_WEAK } from '../btf/elf';
import { Btf } from '../btf/reader';
import { Kind } from '../btf/types';
import { typesAreCompat } from '../core/compat';
import { EINVAL, ESRCH } from '../core/kinds';
import { kconfigExterns } from './kconfig';

/** How libbpf resolves one extern of the `.ksyms` section. */
export interface KsymExtern {
  readonly name: string;
  /** `extern const void x __ksym`: an address from /proc/kallsyms; otherwise a BTF id from the kernel's BTF. */
  readonly untyped: boolean;
  /** A kernel function (kfunc), resolved against the kernel's (and modules') BTF FUNCs. */
  readonly func: boolean;
  readonly weak: boolean;
  /** The object's type for it (modifiers and typedefs skipped, a kfunc's FUNC_PROTO), which libbpf checks against the
   * kernel's with bpf_core_types_are_compat; 0 when untyped. */
  readonly localType: number;
  /**
   * No DATASEC of the object lists it (a function declared without `__ksym` and defined in no unit compiled here):
   * libbpf's open refuses the object for the first such symbol, before any lookup. The source path's estimate of
   * the symbol table's order (lower first); the object path decides it from the object itself (externOpenFailure).
   */
  readonly unsectioned?: number;
  /** With `unsectioned`: no BTF describes it at all (a symbol only inline asm names): noBtfFailure. */
  readonly noBtf?: true;
}

/** Why libbpf refuses the object for its externs: its warning and errno. */
export interface ExternFailure {
  readonly extern: string;
  readonly errno: number;
  /** libbpf's own warning line. */
  readonly message: string;
  /** Where libbpf looked, in words. */
  readonly where: string;
}

const STT_NOTYPE = 0;

const collected = new WeakMap<BpfObject, readonly KsymExtern[]>();

/**
 * The `.ksyms` externs libbpf collects from the object (bpf_object__collect_externs): every undefined global or weak
 * NOTYPE symbol of the ELF symbol table, used by a program or not, classified by its BTF (a VAR or FUNC in the
 * `.ksyms` DATASEC; `.kconfig` ones are __kconfig values, not symbols). libbpf sorts them by name, which decides which
 * missing one it names first. A malformed object gives none (its other problems are reported elsewhere).
 */
export function ksymExterns(obj: BpfObject): readonly KsymExtern[] {
  let out = collected.get(obj);
  if (out) return out;
  const list: KsymExtern[] = [];
  try {
    const btf = obj.btf;
    const kconfig = new Set(kconfigExterns(obj).map((e) => e.name));
    const seen = new Set<string>();
    for (const sym of obj.elf.symbols()) {
      const bind = sym.info >> 4;
      if (sym.shndx !== 0 || !sym.name || bind === STB_LOCAL || (sym.info & 0xf) !== STT_NOTYPE || seen.has(sym.name) || kconfig.has(sym.name)) continue;
      seen.add(sym.name);
      for (const id of btf.idsWithEssentialName(sym.name)) {
        const t = btf.type(id);
        if (t.kind === Kind.Func) {
          list.push({ name: sym.name, untyped: false, func: true, weak: bind === STB_WEAK, localType: btf.skipModifiers(t.type) });
          break;
        }
        if (t.kind !== Kind.Var) continue;
        const local = btf.skipModifiers(t.type);
        const untyped = btf.type(local).kind === Kind.Void;
        list.push({ name: sym.name, untyped, func: false, weak: bind === STB_WEAK, localType: untyped ? 0 : local });
        break;
      }
    }
  } catch {
    // no symbol table or a malformed BTF: the object's other checks say so
  }
  out = sortKsymExterns(list);
  collected.set(obj, out);
  return out;
}

const ENOENT = 2;
const ENOTSUP = 95;

/**
 * libbpf refusing to open the object for an extern its BTF does not describe (bpf_object__collect_externs:
 * find_extern_btf_id, exact name, symbol table order): no VAR or FUNC of that name is -ENOENT, one that is not an
 * extern (a static variable or function of the same name) -EINVAL; one no DATASEC lists -ENOENT, one in a section
 * other than .kconfig/.ksyms -ENOTSUP. What clang 14 builds from a kfunc called without a
 * declaration (an implicit `int f()`, a warning only): a call relocation with no BTF (libbpf-rs's netfilter_blocklist
 * built with a vmlinux.h that declares no kfuncs). libbpf fails bpf_object__open, so no program of the object loads
 * on any kernel. Off with CORELENS_EXTERN_NO_BTF=0.
 */
export function externOpenFailure(obj: BpfObject): ExternFailure | undefined {
  if (process.env.CORELENS_EXTERN_NO_BTF === '0') return undefined;
  try {
    const btf = obj.btf;
    const byName = new Map<string, number>();
    const secOf = new Map<number, string>();
    for (let id = 1; id < btf.typeCount; id++) {
      const t = btf.type(id);
      if ((t.kind === Kind.Var || t.kind === Kind.Func) && !byName.has(t.name)) byName.set(t.name, id);
      if (t.kind === Kind.Datasec) for (const v of t.vars) if (!secOf.has(v.type)) secOf.set(v.type, t.name);
    }
    for (const sym of obj.elf.symbols()) {
      if (sym.shndx !== 0 || !sym.name || (sym.info >> 4) === STB_LOCAL || (sym.info & 0xf) !== STT_NOTYPE) continue;
      const id = byName.get(sym.name);
      const t = id === undefined ? undefined : btf.type(id);
      // BTF_VAR_GLOBAL_EXTERN = 2, BTF_FUNC_EXTERN = 2
      const err = !t ? ENOENT : (t.kind === Kind.Var || t.kind === Kind.Func) && t.linkage !== 2 ? EINVAL : 0;
      if (!err) {
        // then its DATASEC (find_extern_sec_btf_id): an extern variable no section lists (a component object of a
        // static link, retsnoop's `extern bool use_lbr`) is -ENOENT; a section other than .kconfig/.ksyms -ENOTSUP
        const sec = secOf.get(id!);
        if (sec === undefined) return unsectionedFailure(sym.name);
        if (sec !== '.kconfig' && sec !== '.ksyms') {
          return { extern: sym.name, errno: ENOTSUP, message: `unrecognized extern section '${sec}'`, where: `the object's own BTF, which puts it in ${sec}` };
        }
        continue;
      }
      if (err === ENOENT) return noBtfFailure(sym.name);
      return {
        extern: sym.name, errno: err, message: `failed to find BTF for extern '${sym.name}': -${err}`,
        where: 'the object\'s own BTF, where that name is not an extern',
      };
    }
  } catch {
    // no BTF or symbol table: the object's other checks say so
  }
  return undefined;
}

/**
 * libbpf's open refusing an extern no DATASEC lists. libbpf's warning also names the extern's BTF type id, which
 * depends on the build: left out, so that `check FILE.bpf.c` and `check FILE.o` say the same.
 */
export function unsectionedFailure(name: string): ExternFailure {
  return {
    extern: name, errno: ENOENT, message: `failed to find BTF for extern '${name}' section: -${ENOENT}`,
    where: 'the object\'s own BTF, where no data section (DATASEC) lists it (a function or variable declared without __ksym and defined in another object)',
  };
}

/** libbpf's open refusing an undefined symbol no BTF describes (find_extern_btf_id: -ENOENT). */
export function noBtfFailure(name: string): ExternFailure {
  return {
    extern: name, errno: ENOENT, message: `failed to find BTF for extern '${name}': -${ENOENT}`,
    where: 'the object\'s own BTF, which has no declaration of it (a function called without a prototype, or a symbol only inline asm names: declare it `extern ... __ksym`)',
  };
}

/** libbpf's order of the ksym externs (cmp_externs: strcmp of the names, code units, not locale); sorts in place. */
export function sortKsymExterns<T extends KsymExtern>(list: T[]): T[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What a program's verdict says when libbpf refuses the object for its externs (one text for .o and .bpf.c). */
export function externRefusalReason(f: ExternFailure): string {
  return `libbpf fails the whole object load before any relocation: ${f.message}; libbpf looks it up in ${f.where}`;
}

/**
 * Whether a kernel's BTF has each extern where libbpf looks it up, and whether a typed one's type is compatible with
 * the program's (`local`: the BTF the externs' localType ids index: the object's, or the live analysis' local BTF).
 * A typed variable is a VAR of the kernel's BTF, a kfunc a FUNC; an untyped one is an address from /proc/kallsyms,
 * which a BTF cannot tell exactly: a FUNC of that name is a text symbol, always in kallsyms (present); anything else
 * is unknown (kallsyms lists data symbols only with CONFIG_KALLSYMS_ALL), except on the running kernel (`running`),
 * whose /proc/kallsyms is read. A name that is no extern is a FUNC or VAR of the BTF.
 */
export function ksymAnswers(btf: Btf, local: Btf, externs: readonly KsymExtern[], running: boolean):
  { hasKsym: (name: string) => boolean | undefined; ksymCompatible: (name: string) => boolean | undefined } {
  const byName = new Map(externs.map((e) => [e.name, e] as const));
  const cache = new Map<string, boolean | undefined>();
  const compat = new Map<string, boolean | undefined>();
  return {
    ksymCompatible: (name) => {
      if (compat.has(name)) return compat.get(name);
      const e = byName.get(name);
      let v: boolean | undefined;
      if (e && !e.untyped) {
        const id = btf.findByName(name, e.func ? Kind.Func : Kind.Var);
        if (id > 0) {
          try {
            const k = btf.type(id) as { type: number };
            v = typesAreCompat(local, e.localType, btf, e.func ? k.type : btf.skipModifiers(k.type));
          } catch {
            v = undefined; // a type loop or a too deep one: libbpf would error too, but not with a verdict we can name
          }
        }
      }
      compat.set(name, v);
      return v;
    },
    hasKsym: (name) => {
      if (cache.has(name)) return cache.get(name);
      const e = byName.get(name);
      const func = () => btf.findByName(name, Kind.Func) > 0;
      const variable = () => btf.findByName(name, Kind.Var) > 0;
      const v = e?.func ? func() : e && !e.untyped ? variable()
        : e ? func() || (running ? inKallsyms(name) : undefined) : func() || variable();
      cache.set(name, v);
      return v;
    },
  };
}

/**
 * Whether libbpf 1.1 fails the object for its ksym externs on a kernel answering `hasKsym` (undefined: unknown, which
 * never fails). libbpf first resolves the typed ones against the kernel's BTF, in name order, and fails at the first
 * strong one it cannot find (-EINVAL, its warning names the extern); then the first strong extern still unresolved
 * fails the load with -ESRCH ("extern '…' (strong): not resolved"): an untyped one absent from /proc/kallsyms.
 * libbpf 1.7.0's source has the same order (resolve_externs before relocate), messages and errnos; it differs in
 * looking a kfunc up by its essential name (`f___v2` as `f`) and in letting a weak kfunc with an incompatible
 * prototype become zero. Both versions also search module BTFs, which a target's vmlinux BTF does not hold: a kfunc
 * or variable of a module answers false on such a target (see factsFromBtf). A present kfunc or variable whose type
 * is incompatible with the object's (bpf_core_types_are_compat) is refused too (-EINVAL), weak or not. The __kconfig externs' refusals (kconfig.ts)
 * come in libbpf's order: its early ones first, a strong CONFIG_ left unset before an unresolved untyped ksym.
 */
export function externFailure(externs: readonly KsymExtern[], hasKsym: ((name: string) => boolean | undefined) | undefined,
  kconfig?: { readonly early?: ExternFailure; readonly unresolved?: ExternFailure },
  compatible?: (name: string) => boolean | undefined): ExternFailure | undefined {
  // libbpf's open fails first, at the first extern no DATASEC lists (the source path's; an object's is
  // externOpenFailure's)
  let first: KsymExtern | undefined;
  for (const e of externs) if (e.unsectioned !== undefined && (!first || e.unsectioned < first.unsectioned!)) first = e;
  if (first) return first.noBtf ? noBtfFailure(first.name) : unsectionedFailure(first.name);
  // the kcfg externs sort before the ksyms (cmp_externs), and their refusals before the ksyms' BTF lookup
  if (kconfig?.early) return kconfig.early;
  if (!hasKsym) return kconfig?.unresolved;
  const where = 'the kernel\'s BTF (and its modules\')';
  for (const e of externs) {
    if (e.untyped) continue;
    const has = hasKsym(e.name);
    if (has === false && !e.weak) {
      return e.func
        ? { extern: e.name, errno: EINVAL, message: `extern (func ksym) '${e.name}': not found in kernel or module BTFs`, where }
        : { extern: e.name, errno: EINVAL, message: `extern (var ksym) '${e.name}': not found in kernel BTF`, where };
    }
    // found: libbpf 1.1 checks the object's type against the kernel's, and refuses a mismatch even for a weak one
    if (has === true && compatible?.(e.name) === false) {
      return e.func
        ? { extern: e.name, errno: EINVAL, message: `extern (func ksym) '${e.name}': func_proto incompatible with kernel`, where: `${where}: the kernel's prototype differs from the object's` }
        : { extern: e.name, errno: EINVAL, message: `extern (var ksym) '${e.name}': incompatible types`, where: `${where}: the kernel's type differs from the object's` };
    }
  }
  if (kconfig?.unresolved) return kconfig.unresolved;
  for (const e of externs) {
    if (!e.untyped || e.weak || hasKsym(e.name) !== false) continue;
    return {
      extern: e.name, errno: ESRCH, message: `extern '${e.name}' (strong): not resolved`,
      where: 'the loading machine\'s /proc/kallsyms, which lists data symbols only with CONFIG_KALLSYMS_ALL',
    };
  }
  return undefined;
}

let kallsyms: string | null | undefined;
const kallsymsAnswers = new Map<string, boolean>();

/**
 * Whether this machine's /proc/kallsyms lists a symbol (what libbpf reads for an untyped ksym); undefined when it
 * cannot be read. Read once per process, on the first question; each name is searched in the text (lines are
 * "ADDRESS TYPE NAME" or "ADDRESS TYPE NAME\t[MODULE]", so " NAME" ends with a newline or a tab), not split into
 * 100,000+ entries for the few names an object asks.
 */
export function inKallsyms(name: string): boolean | undefined {
  if (kallsyms === undefined) {
    try {
      const text = readFileSync('/proc/kallsyms', 'latin1');
      kallsyms = text.length ? text : null;
    } catch {
      kallsyms = null;
    }
  }
  if (kallsyms === null) return undefined;
  let v = kallsymsAnswers.get(name);
  if (v === undefined) {
    v = kallsyms.includes(` ${name}\n`) || kallsyms.includes(` ${name}\t`);
    kallsymsAnswers.set(name, v);
  }
  return v;
}
