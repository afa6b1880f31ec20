// Which analysis notes to publish beside clangd: clang's own complaints (syntax errors, unknown members) are
// clangd's job, so by default only what corelens alone knows is shown (`corelens.syntaxDiagnostics` brings the
// rest back, for editors without clangd).
//
// Whether a clangd-style server is attached to the same document cannot be known: LSP servers never see each
// other, and clients do not say which other servers they run. Hence a setting, defaulting to "clangd is there",
// because nearly every C developer runs it (or VS Code's C/C++ extension, which reports the same errors).

/** A note as the analysis gives it. */
export interface NoteLike {
  message: string;
}

/**
 * Messages of notes that clang (hence clangd) reports as well, each with clang's wording in a comment. A note not
 * listed here is corelens' own knowledge (a header its include paths miss, a macro it cannot expand, an accessor
 * it cannot follow) and is always shown: clangd cannot say that the CO-RE analysis is incomplete.
 */
const CLANG_REPORTS: readonly RegExp[] = [
  /^syntax: missing '/, //                       expected '}' / expected ')'
  /^expected /, //                               expected ';' after expression, expected member name
  /^unexpected '.*' in expression/, //           expected expression
  /^unbalanced '/, //                            expected '}'
  /has no member '/, //                          no member named 'x' in 'struct y'
  /accessed on a non-record type/, //            member reference base type 'int' is not a structure or union
  /' on a non-pointer$/, //                      member reference type 'struct x' is not a pointer
  /^#error /, //                                 #error directives
  /is not an enumerator of/, //                  use of undeclared identifier
  /^index on a non-array member/, //             subscripted value is not an array, pointer, or vector
  /is incomplete here: its layout is unknown/, // incomplete definition of type 'struct x'
];

/** True when clang reports the same problem (so clangd shows it already). */
export function clangAlsoReports(note: NoteLike): boolean {
  return CLANG_REPORTS.some((re) => re.test(note.message));
}

/** The notes to publish: all of them with `syntaxDiagnostics`, else only those clangd cannot show. */
export function notesToPublish<T extends NoteLike>(notes: readonly T[], syntaxDiagnostics: boolean): T[] {
  return syntaxDiagnostics ? [...notes] : notes.filter((n) => !clangAlsoReports(n));
}
