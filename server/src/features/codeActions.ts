// Quick fixes for CO-RE findings: guard an access, add a ___flavor for a renamed field, read bitfields the CO-RE way.
//
// Fixes are text edits computed from the diagnostic's data (which site, which field, the likely new name); they
// handle the statement shapes real programs use (one statement per line, `p->field` or macro arguments) and
// offer nothing rather than a wrong edit when the shape is different.

import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cTypeName } from '../btf/cnames';
import { Btf, essentialName } from '../btf/reader';
import { Kind, isComposite } from '../btf/types';
import { ReloKind } from '../core/kinds';
import { CODES, Finding } from './diagnostics';
import { TargetRef } from './evaluate';

interface SiteData {
  kind: number;
  typeId: number;
  access: string;
  localType: string;
  path: string;
  suggestion?: string;
  targets?: string[];
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

/** Quick fixes for the diagnostics in a code-action request. */
export function codeActionsFor(doc: TextDocument, local: Btf, diagnostics: readonly Diagnostic[], _findings: readonly Finding[], targets: readonly TargetRef[] = []): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diag of diagnostics) {
    if (diag.source !== 'corelens' || typeof diag.code !== 'string') continue;
    const d = diag.data as SiteData | undefined;
    if (!d) continue;
    if (GUARDABLE.includes(diag.code)) {
      const fix = guardFix(doc, diag, d);
      if (fix) out.push(fix);
      if (diag.code === CODES.missingField && d.suggestion) {
        const flavor = flavorFix(doc, diag, d, local, targets);
        if (flavor) out.push(flavor);
      }
    }
    if (diag.code === CODES.directBitfield) {
      const fix = bitfieldFix(doc, diag);
      if (fix) out.push(fix);
    }
  }
  return out;
}

/** Wraps the statement holding the access in `if (<existence check>)`. */
function guardFix(doc: TextDocument, diag: Diagnostic, d: SiteData): CodeAction | undefined {
  const check = existenceCheck(d);
  if (!check) return undefined;
  const line = diag.range.start.line;
  const text = lineText(doc, line);
  if (!/;\s*(\/\/.*)?$/.test(text) || /^\s*(if|for|while|return\b)/.test(text)) return undefined;
  const indent = /^\s*/.exec(text)![0];
  const inner = indent.includes('\t') || indent === '' ? '\t' : '    ';
  const edit = TextEdit.replace(
    { start: { line, character: 0 }, end: { line, character: text.length } },
    `${indent}if (${check})\n${indent}${inner}${text.slice(indent.length)}`,
  );
  return {
    title: `Guard with ${check}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: !d.suggestion,
    edit: { changes: { [doc.uri]: [edit] } },
  };
}

/**
 * For a field renamed on some targets (`state` → `__state`): declares a `___new` flavor holding the new name and
 * reads it where it exists, falling back to the old access elsewhere (libbpf-tools' core_fixes idiom).
 */
function flavorFix(doc: TextDocument, diag: Diagnostic, d: SiteData, local: Btf, targets: readonly TargetRef[]): CodeAction | undefined {
  const m = /^(struct|union) (\w+)$/.exec(d.localType);
  if (!m) return undefined;
  const [, kw, name] = m;
  const ess = essentialName(name!);
  const newName = d.suggestion!;
  const field = d.path.split('::')[1];
  if (!field || field.includes('.') || field.includes('[')) return undefined;
  const memberType = memberTypeOnTargets(targets, kw === 'union' ? Kind.Union : Kind.Struct, ess, newName) ?? 'long';
  const line = diag.range.start.line;
  const text = lineText(doc, line);
  // The written access, right where the diagnostic points: `<base>->field`, or a one-hop macro `BPF_CORE_READ(<base>, field)`.
  const before = text.slice(0, diag.range.start.character);
  const after = text.slice(diag.range.end.character);
  const flavor = `${ess}___new`;
  const cast = (base: string) => `((${kw} ${flavor} *)${base})`;
  let rewritten: string;
  let check: string;
  const arrow = writtenAccess(doc, diag);
  const macro = /\b(BPF_CORE_READ\w*|BPF_PROBE_READ\w*)\(\s*([A-Za-z_][\w.>-]*)\s*,\s*$/.exec(before);
  if (arrow) {
    rewritten = text.slice(0, arrow.range.start.character) + `${cast(arrow.base)}->${newName}` + text.slice(arrow.range.end.character);
    check = `${cast(arrow.base)}->${newName}`;
  } else if (macro && /^\s*\)/.test(after)) {
    const base = macro[2]!;
    rewritten = before.slice(0, before.length - macro[0].length) + `${macro[1]}(${cast(base)}, ${newName}` + after;
    check = `${cast(base)}->${newName}`;
  } else {
    return undefined;
  }
  if (!/;\s*$/.test(text)) return undefined;
  const indent = /^\s*/.exec(text)![0];
  const stmtNew = rewritten.slice(indent.length);
  const stmtOld = text.slice(indent.length);
  const decl = `${kw} ${flavor} {\n\t${memberType.includes('(') ? `long ${newName}` : declare(memberType, newName)};\n} __attribute__((preserve_access_index));\n\n`;
  const fnLine = enclosingFunctionLine(doc, line);
  const edits = [
    TextEdit.insert({ line: fnLine, character: 0 }, decl),
    TextEdit.replace({ start: { line, character: 0 }, end: { line, character: text.length } },
      `${indent}if (bpf_core_field_exists(${check}))\n${indent}\t${stmtNew}\n${indent}else\n${indent}\t${stmtOld}`),
  ];
  return {
    title: `Read ${newName} through a ${flavor} flavor where ${field} was renamed`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: { changes: { [doc.uri]: edits } },
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

/** `p->flags` (a bitfield read directly) → `BPF_CORE_READ_BITFIELD(p, flags)`. */
function bitfieldFix(doc: TextDocument, diag: Diagnostic): CodeAction | undefined {
  const at = writtenAccess(doc, diag);
  if (!at) return undefined;
  return {
    title: `Read ${at.field} with BPF_CORE_READ_BITFIELD`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: { changes: { [doc.uri]: [TextEdit.replace(at.range, `BPF_CORE_READ_BITFIELD(${at.base}, ${at.field})`)] } },
  };
}

/**
 * The `<base>->field` access a diagnostic points at: its range covers either the whole access or just the field
 * name (macro arguments and chain hops). Returns the base expression, the field, and the range of the whole access.
 */
function writtenAccess(doc: TextDocument, diag: Diagnostic): { base: string; field: string; range: Diagnostic['range'] } | undefined {
  if (diag.range.start.line !== diag.range.end.line) return undefined;
  const line = diag.range.start.line;
  const text = lineText(doc, line);
  const inside = text.slice(diag.range.start.character, diag.range.end.character);
  const whole = /^([A-Za-z_][\w.]*(?:->[A-Za-z_]\w*)*)\s*->\s*([A-Za-z_]\w*)$/.exec(inside);
  if (whole) return { base: whole[1]!, field: whole[2]!, range: diag.range };
  const before = text.slice(0, diag.range.start.character);
  const arrow = /([A-Za-z_][\w.]*(?:->[A-Za-z_]\w*)*)\s*->\s*$/.exec(before);
  if (!arrow || !/^\w+$/.test(inside)) return undefined;
  return {
    base: arrow[1]!, field: inside,
    range: { start: { line, character: before.length - arrow[0].length }, end: diag.range.end },
  };
}
