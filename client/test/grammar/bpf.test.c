// SYNTAX TEST "source.c" "corelens BPF / CO-RE injection (carets were generated: keep the columns aligned)"

  SEC("kprobe/do_sys_open") int p(void *ctx);
//^^^ keyword.other.section.bpf
//    ^ string.quoted.double.section.bpf punctuation.definition.string.begin.c
//     ^^^^^^ support.constant.program-type.bpf
//           ^^^^^^^^^^^^ entity.name.section.attach-target.bpf
//                       ^ punctuation.definition.string.end.c
char LICENSE[] SEC("license") = "GPL";
//             ^^^ keyword.other.section.bpf
//                  ^^^^^^^ support.constant.program-type.bpf
//                               ^^^ - support.constant.program-type.bpf
int BPF_PROG(on_switch, struct task_struct___o *prev)
//  ^^^^^^^^ support.function.program.bpf
//                             ^^^^^^^^^^^ - entity.other.flavor.core.bpf
//                                        ^^^ punctuation.separator.flavor.core.bpf
//                                           ^^^ - punctuation.separator.flavor.core.bpf
{
    long s = BPF_CORE_READ(prev, state);
//           ^^^^^^^^^^^^^ support.function.core.bpf
//                         ^^^^ - support.function.core.bpf
    if (bpf_core_field_exists(prev->__state))
//      ^^^^^^^^^^^^^^^^^^^^^ support.function.core.bpf
//                                  ^^^^^^^ - entity.other.flavor.core.bpf
//      ^^^^^^^^^^^^^^^^^^^^^ - support.function.helper.bpf
        s = __builtin_preserve_access_index(prev->pid);
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.builtin.core.bpf
    bpf_printk("state %ld", s);
//  ^^^^^^^^^^ support.function.helper.bpf
//              ^^^^^ - support.function.helper.bpf
    return bpf_get_current_pid_tgid() + a___b___zz + BPF_CORE_READ_BITFIELD_PROBED(p, f);
//         ^^^^^^^^^^^^^^^^^^^^^^^^ support.function.helper.bpf
//                                       ^^^ - punctuation.separator.flavor.core.bpf
//                                           ^^^ punctuation.separator.flavor.core.bpf
//                                              ^^ entity.other.flavor.core.bpf
//                                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.core.bpf
}
struct task_struct { int pid; } __attribute__((preserve_access_index));
//                                             ^^^^^^^^^^^^^^^^^^^^^ storage.modifier.bpf
int x___;  int __u32; int bpf_map;
//  ^^^^ - punctuation.separator.flavor.core.bpf
//                        ^^^^^^^ - support.function.helper.bpf
  // SEC("not/a/section") BPF_CORE_READ(x, y) task_struct___o
//   ^^^ comment.line.double-slash.c - keyword.other.section.bpf
//                        ^^^^^^^^^^^^^ - support.function.core.bpf
//                                                       ^^^ - punctuation.separator.flavor.core.bpf
const char *msg = "bpf_probe_read(x) task_struct___o";
//                 ^^^^^^^^^^^^^^ string.quoted.double.c - support.function.helper.bpf
//                                              ^^^ - punctuation.separator.flavor.core.bpf
