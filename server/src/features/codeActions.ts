// Quick fixes for CO-RE findings: guard an access, read a renamed field through a ___new or ___old flavor, read a
// bitfield the CO-RE way.
//
// Fixes that stay right. A code action request carries the client's copy of each diagnostic, whose range may be
// stale (lines were deleted above it and the client did not move it, or the server has analysed a newer version).
// Every fix is therefore computed from the findings of the document version the request is made against: the
// client's diagnostic only says which finding is meant (same code and same site), the position comes from the
// current analysis; when no current finding matches, the fix is dropped rather than applied to whatever statement
// now sits at the old range. Edits carry that document version when the client supports versioned edits, so an
// edit computed for one version is refused by the client on another.
//
// Fixes that keep compiling. A declaration (`long state = BPF_CORE_READ(p, state);`) cannot be the body of an `if`
// in C, so it is split into the declaration with a zero value and a guarded assignment; the test suite compiles
// every fix with clang and loads it with the kernel's verifier.

import { CodeAction, CodeActionKind, Diagnostic, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cTypeName } from '../btf/cnames';
import { Btf, essentialName } from '../btf/reader';
import { Kind, isComposite } from '../btf/types';
import { ReloKind } from '../core/kinds';
import { TargetInfo } from '../targets/summary';
import { compareVersions } from '../targets/tree';
import { CODES, Finding } from './diagnostics';
import { Range, TargetRef } from './evaluate';

interface SiteData {
  kind: number;
  typeId: number;
  access: string;
  localType: string;
  path: string;
  suggestion?: string;
  targets?: string[];
}

/** What the fixes are computed against: the document as the server has it now, and that version's findings. */
export interface FixContext {
  doc: TextDocument;
  local: Btf;
  /** Findings of the analysis of `doc` at `doc.version`. */
  findings: readonly Finding[];
  targets: readonly TargetRef[];
  /** What the target names say (kernel versions): decides between a ___new and an ___old flavor. */
  infos?: readonly TargetInfo[];
  /** The client applies versioned edits (workspace.workspaceEdit.documentChanges). */
  versioned?: boolean;
  /** Whether a macro is defined in the document as analysed; absent: unknown, no include is ever added. */
  macroDefined?: (name: string) => boolean;
}

/** The libbpf header every macro a fix writes comes from (BPF_CORE_READ*, bpf_core_*_exists). */
const CORE_READ_H = '#include <bpf/bpf_core_read.h>';

/**
 * The include a fix needs when the macro it writes is not defined where the document stands (a kprobe reading
 * `task->__state` needs no libbpf header until it is fixed): `#include <bpf/bpf_core_read.h>` after the last include
 * above the fix, so the fixed program compiles. Nothing when the macro is defined or the analysis cannot tell.
 */
function includeFor(ctx: FixContext, macro: string, fixLine: number): TextEdit[] {
  if (!ctx.macroDefined || ctx.macroDefined(macro)) return [];
  let last = -1;
  for (let i = 0; i < Math.min(fixLine, ctx.doc.lineCount); i++) {
    if (/^\s*#\s*include\b/.test(lineText(ctx.doc, i))) last = i;
  }
  return [TextEdit.insert({ line: last + 1, character: 0 }, `${CORE_READ_H}\n`)];
}

const GUARDABLE: string[] = [CODES.missingField, CODES.missingType, CODES.missingEnumValue, CODES.incompatible];

/** The existence check matching a site, in libbpf's macro spelling (type+field form, no expression needed). */
export function existenceCheck(d: SiteData): string | undefined {
  const [, field] = d.path.split('::');
  if (d.kind <= ReloKind.FieldRshiftU64) return field ? `bpf_core_field_exists(${d.localType}, ${field})` : undefined;
  if (d.kind === ReloKind.EnumvalValue || d.kind === ReloKind.EnumvalExists) {
    return field ? `bpf_core_enum_value_exists(${d.localType}, ${field})` : undefined;
  }
  return `bpf_core_type_exists(${d.localType})`;
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const intersects = (a: Range, b: Range) => before(a.start, b.end) && before(b.start, a.end);
const sameRange = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character
  && a.end.line === b.end.line && a.end.character === b.end.character;
const distance = (a: Range, b: Range) => Math.abs(a.start.line - b.start.line) * 1000 + Math.abs(a.start.character - b.start.character);

/**
 * The current finding a client's diagnostic stands for: same code and same site (kind, access, local type), at the
 * place the request is made (its range), preferring the one at the diagnostic's own range. Undefined when the
 * document no longer has such a finding there: the fix is then dropped.
 */
export function currentFinding(diag: Diagnostic, findings: readonly Finding[], requestRange: Range): Finding | undefined {
  if (diag.source !== 'corelens' || typeof diag.code !== 'string') return undefined;
  const d = diag.data as Partial<SiteData> | undefined;
  const same = findings.filter((f) => f.code === diag.code
    && (!d || (f.data.kind === d.kind && f.data.access === d.access && f.data.localType === d.localType)));
  const here = same.filter((f) => intersects(f.range, requestRange));
  if (here.length) return here.find((f) => sameRange(f.range, diag.range)) ?? [...here].sort((a, b) => distance(a.range, diag.range) - distance(b.range, diag.range))[0];
  return same.find((f) => sameRange(f.range, diag.range) && intersects(f.range, requestRange));
}

/**
 * Quick fixes for the diagnostics of a code-action request, computed against `ctx.doc`. Without diagnostics in
 * the request (some clients send none), the current findings under the request range are fixed.
 */
export function codeActionsFor(ctx: FixContext, diagnostics: readonly Diagnostic[], requestRange: Range): CodeAction[] {
  const out: CodeAction[] = [];
  const pairs: { diag: Diagnostic; f: Finding }[] = [];
  for (const diag of diagnostics) {
    const f = currentFinding(diag, ctx.findings, requestRange);
    if (f) pairs.push({ diag, f });
  }
  if (!diagnostics.some((d) => d.source === 'corelens')) {
    for (const f of ctx.findings) if (intersects(f.range, requestRange)) pairs.push({ diag: asDiagnostic(f), f });
  }
  for (const { diag, f } of pairs) {
    const d: SiteData = { ...f.data, targets: f.targets };
    if (GUARDABLE.includes(f.code)) {
      const fix = guardFix(ctx, diag, f, d);
      if (fix) out.push(fix);
      if (f.code === CODES.missingField && d.suggestion) {
        const flavor = flavorFix(ctx, diag, f, d);
        if (flavor) out.push(flavor);
      }
    }
    if (f.code === CODES.directBitfield) {
      const fix = bitfieldFix(ctx, diag, f);
      if (fix) out.push(fix);
    }
    if (f.code === CODES.directRead) {
      const fix = directReadFix(ctx, diag, f);
      if (fix && !out.some((a) => a.title === fix.title)) out.push(fix);
    }
  }
  return out;
}

/** The diagnostic the server published for a finding (what a fix names when the client sent none). */
function asDiagnostic(f: Finding): Diagnostic {
  return { range: f.range, severity: f.severity as number as Diagnostic['severity'], code: f.code, source: 'corelens', message: f.message, data: { ...f.data, targets: f.targets } };
}

/** Edits to the document, tied to its version when the client can check it. */
function edit(ctx: FixContext, edits: TextEdit[]): WorkspaceEdit {
  if (!ctx.versioned) return { changes: { [ctx.doc.uri]: edits } };
  return { documentChanges: [TextDocumentEdit.create(OptionalVersionedTextDocumentIdentifier.create(ctx.doc.uri, ctx.doc.version), edits)] };
}

/** A one-line statement the fixes can rewrite: `TYPE name = EXPR;` (a declaration) or an expression statement. */
interface Statement {
  line: number;
  text: string;
  indent: string;
  /** For a declaration: the declaration without initialiser, and the assignment that replaces it. */
  decl?: { head: string; assign: string };
}

const KEYWORDS = /^(if|for|while|do|switch|return|goto|break|continue|case|default|else)\b/;

/** The statement holding a finding, when it is one whole line the fixes know how to rewrite. */
function statementAt(doc: TextDocument, r: Range): Statement | undefined {
  if (r.start.line !== r.end.line) return undefined;
  const line = r.start.line;
  const text = lineText(doc, line);
  if (!/;\s*(\/\/.*)?$/.test(text)) return undefined;
  const indent = /^\s*/.exec(text)![0];
  const body = text.slice(indent.length).replace(/\s*(\/\/.*)?$/, '');
  if (KEYWORDS.test(body) || /^[{}]/.test(body)) return undefined;
  // `long state = EXPR;`, `struct task_struct *p = EXPR;`: a declaration (a type before the name, no operator).
  const eq = /^([^=]*?[^=!<>+\-*/%&|^])=(?!=)(.*);$/.exec(body);
  const lhs = eq?.[1]!.trim();
  const dm = lhs && /^[\w\s*]+$/.test(lhs) ? /^(.*?[\s*])([A-Za-z_]\w*)$/.exec(lhs) : null;
  if (eq && dm && /\w/.test(dm[1]!)) {
    let type = dm[1]!.trim();
    // A struct or union value has no zero literal to start from: no fix rather than one that does not compile.
    if (/^(const\s+|volatile\s+)*(struct|union)\s+\w+$/.test(type)) return undefined;
    // `int a = X, b = Y;` declares two names: splitting it would leave `b` undeclared.
    if (hasTopLevelComma(eq[2]!)) return undefined;
    // The variable is assigned after its declaration, so it cannot be const itself (a pointer to const is fine).
    const star = type.lastIndexOf('*');
    type = (star < 0 ? type.replace(/\bconst\s+/g, '') : type.slice(0, star + 1) + type.slice(star + 1).replace(/\bconst\b/g, '')).trim();
    return { line, text, indent, decl: { head: `${type}${type.endsWith('*') ? '' : ' '}${dm[2]} = 0;`, assign: `${dm[2]} = ${eq[2]!.trim()};` } };
  }
  return { line, text, indent };
}

/** A comma outside parentheses and brackets (a second declarator, or the comma operator). */
function hasTopLevelComma(expr: string): boolean {
  let depth = 0;
  for (const c of expr) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

function innerIndent(indent: string): string {
  return indent.includes('\t') || indent === '' ? '\t' : '    ';
}

/** The field name a site ends at (`task_struct::real_parent.pid` → `pid`). */
function lastField(d: SiteData): string | undefined {
  const f = d.path.split('::')[1];
  return f?.split(/[.[\]]/).filter(Boolean).pop();
}

/** Wraps the statement holding the access in `if (<existence check>)`; a declaration keeps its name in scope. */
function guardFix(ctx: FixContext, diag: Diagnostic, f: Finding, d: SiteData): CodeAction | undefined {
  const check = existenceCheck(d);
  if (!check) return undefined;
  const st = statementAt(ctx.doc, f.range);
  if (!st) return undefined;
  // The access must be on that line as written (never wrap another statement).
  const field = lastField(d);
  if (field && !new RegExp(`\\b${field}\\b`).test(st.text)) return undefined;
  const inner = innerIndent(st.indent);
  const body = st.decl
    ? `${st.indent}${st.decl.head}\n${st.indent}if (${check})\n${st.indent}${inner}${st.decl.assign}`
    : `${st.indent}if (${check})\n${st.indent}${inner}${st.text.slice(st.indent.length)}`;
  return {
    title: `Guard with ${check}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: !d.suggestion,
    edit: edit(ctx, [...includeFor(ctx, check.slice(0, check.indexOf('(')), st.line),
      TextEdit.replace({ start: { line: st.line, character: 0 }, end: { line: st.line, character: st.text.length } }, body)]),
  };
}

/**
 * Which flavor a renamed field gets. `___new` when the written field is the old name (it exists on no target, or
 * only on targets older than those missing it), holding the new name; `___old` when the written field is the new
 * name and older targets lack it, holding the old name (libbpf-tools' `task_struct___o` for `state` before 5.14).
 */
function flavorDirection(ctx: FixContext, missingOn: readonly string[]): 'new' | 'old' {
  const missing = new Set(missingOn);
  const present = ctx.targets.map((t) => t.name).filter((n) => !missing.has(n));
  if (!present.length) return 'new';
  const version = (n: string) => ctx.infos?.find((i) => i.name === n)?.version;
  const mv = missingOn.map(version);
  const pv = present.map(version);
  if (mv.every(Boolean) && pv.every(Boolean)) {
    const maxMissing = mv.reduce((a, b) => (compareVersions(a!, b!) >= 0 ? a : b))!;
    const minPresent = pv.reduce((a, b) => (compareVersions(a!, b!) <= 0 ? a : b))!;
    if (compareVersions(maxMissing, minPresent) < 0) return 'old';
    return 'new';
  }
  // Without versions: the written field resolves somewhere, so it is the current one and the suggestion the old.
  return 'old';
}

/**
 * For a field renamed on some targets (`state` ↔ `__state`): declares a flavor struct holding the other name and
 * reads whichever exists, behind `bpf_core_field_exists` (libbpf-tools' core_fixes idiom). A declaration is split so
 * the variable stays in scope.
 */
function flavorFix(ctx: FixContext, diag: Diagnostic, f: Finding, d: SiteData): CodeAction | undefined {
  const m = /^(struct|union) (\w+)$/.exec(d.localType);
  if (!m) return undefined;
  const [, kw, name] = m;
  const ess = essentialName(name!);
  const other = d.suggestion!;
  const field = d.path.split('::')[1];
  if (!field || field.includes('.') || field.includes('[')) return undefined;
  const st = statementAt(ctx.doc, f.range);
  if (!st) return undefined;
  const dir = flavorDirection(ctx, f.targets);
  const flavor = `${ess}___${dir}`;
  const memberType = memberTypeOnTargets(ctx.targets, kw === 'union' ? Kind.Union : Kind.Struct, ess, other) ?? 'long';
  // The written access at the finding: `<base>->field`, or a one-hop macro `BPF_CORE_READ(<base>, field)`.
  const text = st.text;
  const pre = text.slice(0, f.range.start.character);
  const post = text.slice(f.range.end.character);
  const cast = (base: string) => `((${kw} ${flavor} *)${base})`;
  let flavored: string;
  let flavoredRef: string;
  let plainRef: string;
  const arrow = writtenAccess(ctx.doc, f.range);
  const macro = /\b(BPF_CORE_READ\w*|BPF_PROBE_READ\w*)\(\s*([A-Za-z_][\w.>-]*)\s*,\s*$/.exec(pre);
  if (arrow) {
    flavored = text.slice(0, arrow.range.start.character) + `${cast(arrow.base)}->${other}` + text.slice(arrow.range.end.character);
    flavoredRef = `${cast(arrow.base)}->${other}`;
    plainRef = `${arrow.base}->${arrow.field}`;
  } else if (macro && /^\s*\)/.test(post)) {
    const base = macro[2]!;
    flavored = pre.slice(0, pre.length - macro[0].length) + `${macro[1]}(${cast(base)}, ${other}` + post;
    flavoredRef = `${cast(base)}->${other}`;
    plainRef = `${base}->${field}`;
  } else {
    return undefined;
  }
  const flavoredSt = statementAt(TextDocument.create(ctx.doc.uri, 'c', 0, flavored), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  if (!flavoredSt) return undefined;
  const inner = innerIndent(st.indent);
  const bodyOf = (s: Statement) => (s.decl ? s.decl.assign : s.text.slice(s.indent.length));
  // ___new: the flavor holds the new name and goes first; ___old: the written (new) name goes first.
  const [first, firstRef, second] = dir === 'new' ? [flavoredSt, flavoredRef, st] : [st, plainRef, flavoredSt];
  const lines = [
    ...(st.decl ? [`${st.indent}${st.decl.head}`] : []),
    `${st.indent}if (bpf_core_field_exists(${firstRef}))`,
    `${st.indent}${inner}${bodyOf(first)}`,
    `${st.indent}else`,
    `${st.indent}${inner}${bodyOf(second)}`,
  ];
  const edits = [TextEdit.replace({ start: { line: st.line, character: 0 }, end: { line: st.line, character: text.length } }, lines.join('\n'))];
  // Declare the flavor before the function, unless an earlier fix did (with that member).
  const all = ctx.doc.getText();
  const existing = new RegExp(`${kw}\\s+${flavor}\\s*\\{([^}]*)\\}`).exec(all);
  if (existing && !new RegExp(`\\b${other}\\s*(\\[[^\\]]*\\])?\\s*;`).test(existing[1]!)) return undefined;
  if (!existing) {
    const decl = `${kw} ${flavor} {\n\t${memberType.includes('(') ? `long ${other}` : declare(memberType, other)};\n} __attribute__((preserve_access_index));\n\n`;
    edits.unshift(TextEdit.insert({ line: enclosingFunctionLine(ctx.doc, st.line), character: 0 }, decl));
  }
  edits.unshift(...includeFor(ctx, 'bpf_core_field_exists', st.line));
  return {
    title: dir === 'new'
      ? `Read ${other} through a ${flavor} flavor where ${field} was renamed`
      : `Fall back to ${other} through a ${flavor} flavor where ${field} does not exist yet`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: edit(ctx, edits),
  };
}

function declare(type: string, name: string): string {
  const arr = /^(.*?)(\[\d+\])+$/.exec(type);
  return arr ? `${arr[1]} ${name}${type.slice(arr[1]!.length)}` : `${type} ${name}`;
}

/** The C type of `member` in `name` on the first target that has it. */
function memberTypeOnTargets(targets: readonly TargetRef[], kind: number, name: string, member: string): string | undefined {
  for (const t of targets) {
    const id = t.btf.findByName(name, kind);
    if (!id) continue;
    const ty = t.btf.type(id);
    const mem = isComposite(ty) ? ty.members.find((x) => x.name === member) : undefined;
    if (mem) return cTypeName(t.btf, mem.type);
  }
  return undefined;
}

/** First line of the top-level declaration containing `line` (where a helper type can be declared before it). */
function enclosingFunctionLine(doc: TextDocument, line: number): number {
  const lines = doc.getText().split('\n');
  let depth = 0;
  // Walk up to find the line where brace depth returns to zero, then back over the signature and SEC() lines.
  for (let i = line; i >= 0; i--) {
    const l = lines[i]!;
    for (let k = l.length - 1; k >= 0; k--) {
      if (l[k] === '}') depth++;
      else if (l[k] === '{') depth--;
    }
    if (depth < 0 && /^\S/.test(l) && !l.startsWith('{')) {
      let j = i;
      while (j > 0 && /^(SEC|__attribute__|static|__always_inline|\w+\s*\(|int\b|long\b)/.test(lines[j - 1]!) && !/[;}]\s*$/.test(lines[j - 1]!)) j--;
      return j;
    }
    if (depth < 0 && l.startsWith('{')) {
      let j = i - 1;
      while (j > 0 && lines[j - 1]!.trim() !== '' && !/[;}]\s*$/.test(lines[j - 1]!)) j--;
      return Math.max(0, j);
    }
  }
  return 0;
}

/**
 * `p->flags` (a bitfield read directly) → `BPF_CORE_READ_BITFIELD_PROBED(p, flags)`, or `BPF_CORE_READ_BITFIELD`
 * where the pointer is a BTF-typed argument (tp_btf/fentry/lsm/iter): the direct macro loads through a plain number
 * and the verifier rejects that (the fix test loads both).
 */
function bitfieldFix(ctx: FixContext, diag: Diagnostic, f: Finding): CodeAction | undefined {
  const at = writtenAccess(ctx.doc, f.range);
  if (!at) return undefined;
  const macro = f.data.bitfieldMacro ?? 'BPF_CORE_READ_BITFIELD_PROBED';
  return {
    title: `Read ${at.field} with ${macro}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: edit(ctx, [...includeFor(ctx, macro, at.range.start.line), TextEdit.replace(at.range, `${macro}(${at.base}, ${at.field})`)]),
  };
}

/**
 * `task->real_parent->tgid` read through a plain number → `BPF_CORE_READ(task, real_parent, tgid)`: the whole
 * written chain the finding sits in (each hop of it is a direct read the verifier rejects), `.` steps kept inside
 * one accessor (`a->b.c` → `BPF_CORE_READ(a, b.c)`). No fix where the chain is not a plain read: its address taken,
 * stored to, called, indexed, or its base not a name.
 */
function directReadFix(ctx: FixContext, diag: Diagnostic, f: Finding): CodeAction | undefined {
  // a read with no relocation (plain_reads): BPF_CORE_READ would relocate a record the kernel may not have
  if (!f.data.localType) return undefined;
  const r = f.range;
  if (r.start.line !== r.end.line) return undefined;
  const text = lineText(ctx.doc, r.start.line);
  const pre = text.slice(0, r.start.character);
  if (/(->|\.|\w|(^|[^&])&)\s*$/.test(pre) && !/\breturn\s*$/.test(pre)) return undefined;
  const rest = text.slice(r.start.character);
  const m = /^([A-Za-z_]\w*)((?:\s*(?:->|\.)\s*[A-Za-z_]\w*)+)/.exec(rest);
  if (!m || m[0].length < r.end.character - r.start.character) return undefined;
  const after = rest.slice(m[0].length);
  if (/^\s*(\(|\[|\+\+|--|=(?!=)|[-+*/%&|^]=|<<=|>>=)/.test(after)) return undefined;
  const steps = m[2]!.split(/\s*->\s*/).slice(1).map((x) => x.replace(/\s+/g, ''));
  if (!steps.length || m[2]!.trimStart().startsWith('.')) return undefined;
  const replacement = `BPF_CORE_READ(${m[1]}, ${steps.join(', ')})`;
  const range: Range = { start: r.start, end: { line: r.start.line, character: r.start.character + m[0].length } };
  return {
    title: `Read ${m[0].replace(/\s+/g, '')} with ${replacement}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: edit(ctx, [...includeFor(ctx, 'BPF_CORE_READ', range.start.line), TextEdit.replace(range, replacement)]),
  };
}

/**
 * The `<base>->field` access a finding points at: its range covers either the whole access or just the field
 * name (macro arguments and chain hops). Returns the base expression, the field, and the range of the whole access.
 */
function writtenAccess(doc: TextDocument, r: Range): { base: string; field: string; range: Range } | undefined {
  if (r.start.line !== r.end.line) return undefined;
  const line = r.start.line;
  const text = lineText(doc, line);
  const inside = text.slice(r.start.character, r.end.character);
  const whole = /^([A-Za-z_][\w.]*(?:->[A-Za-z_]\w*)*)\s*->\s*([A-Za-z_]\w*)$/.exec(inside);
  if (whole) return { base: whole[1]!, field: whole[2]!, range: r };
  const pre = text.slice(0, r.start.character);
  const arrow = /([A-Za-z_][\w.]*(?:->[A-Za-z_]\w*)*)\s*->\s*$/.exec(pre);
  if (!arrow || !/^\w+$/.test(inside)) return undefined;
  return { base: arrow[1]!, field: inside, range: { start: { line, character: pre.length - arrow[0].length }, end: r.end } };
}
