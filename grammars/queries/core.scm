; CO-RE spots: where, inside a function, clang may emit a CO-RE relocation. The live analysis (server/src/source)
; types only the functions these queries find spots in, and attributes every site to the spot it comes from; the
; macro-aware parser then expands and types each spot (tree-sitter sees macros unexpanded, so it locates, and the
; typer decides). Identifiers rather than whole call_expressions are captured for the libbpf macros because their
; type arguments (`bpf_core_type_size(struct task_struct)`) make tree-sitter produce ERROR nodes around them.

; BPF_CORE_READ and its _INTO/_STR_INTO/_USER forms, bpf_core_read*: one relocation per hop
((identifier) @core.read
  (#match? @core.read "^(BPF_CORE_READ(_USER)?(_STR)?(_INTO)?|bpf_core_read(_user)?(_str)?)$"))

; BPF_CORE_READ_BITFIELD, BPF_CORE_READ_BITFIELD_PROBED, BPF_CORE_WRITE_BITFIELD: 4 to 6 relocations
((identifier) @core.bitfield
  (#match? @core.bitfield "^BPF_CORE_(READ|WRITE)_BITFIELD(_PROBED)?$"))

; field checks: bpf_core_field_exists/size/offset/signed (expression and type+field forms)
((identifier) @core.field
  (#match? @core.field "^bpf_core_field_(exists|size|offset|signed)$"))

; type checks and ids: bpf_core_type_exists/size/matches/id_local/id_kernel, bpf_core_cast
((identifier) @core.type
  (#match? @core.type "^(bpf_core_type_(exists|size|matches|id_local|id_kernel)|bpf_core_cast)$"))

; enum checks: bpf_core_enum_value_exists, bpf_core_enum_value
((identifier) @core.enum
  (#match? @core.enum "^bpf_core_enum_value(_exists)?$"))

; the raw clang builtins the macros expand to
((identifier) @core.builtin
  (#match? @core.builtin "^__builtin_(preserve_(access_index|field_info|type_info|enum_value)|btf_type_id)$"))

; direct member access `p->a.b`, `(*p).a`, `&p->a[3]`: a relocation when the record is preserve_access_index
(field_expression) @core.member

; libbpf program macros whose generated prologue reads struct pt_regs (BPF_KPROBE, BPF_UPROBE, ...) or types
; the parameters (BPF_PROG, BPF_PROG2, BPF_USDT)
(function_declarator
  declarator: (identifier) @core.prog
  (#match? @core.prog "^BPF_(KPROBE|KRETPROBE|UPROBE|URETPROBE|KSYSCALL|KPROBE_SYSCALL|PROG|PROG2|USDT)$"))

; calls: document functions (clang inlines static ones into the program) and user macros, which are spots when
; their expansion contains a member access or a CO-RE macro (decided with the preprocessor's macro table)
(call_expression function: (identifier) @core.call)

; object-like macros that may expand to a member access or a CO-RE check (any case: `#define sane bpf_core_enum_value_exists(..)`;
; the preprocessor's macro table keeps only names defined as such macros)
((identifier) @core.name
  (#match? @core.name "^[A-Za-z_][A-Za-z0-9_]*$"))

; `p[k]` on a pointer to a preserve_access_index record (`&tp[1]` is relocated with access "1")
(subscript_expression) @core.index

; `offsetof(struct iphdr, frag_off)`: tree-sitter reads `offsetof` as a keyword, never an identifier or a call, yet
; libbpf's bpf_helpers.h defines it as `&((TYPE *)0)->MEMBER`, a relocated address on a preserve_access_index record
(offsetof_expression) @core.offsetof
