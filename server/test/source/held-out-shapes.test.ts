// Constructs found on held-out open-source projects (issue 12: live sites must equal clang's relocations on programs
// nobody here wrote), each a program of our own compiled here with the real clang; the live sites must equal the
// object's relocations. Each shape failed before its rule (the README's held-out table has the projects' figures):
//   - memcpy_member: `__builtin_memcpy(key.src, &iph->saddr, sizeof(iph->saddr))`, the address of a struct member (an
//     in6_addr) copied in several accesses: clang folds the relocation into the first access and keeps the relocated
//     address for the others, two relocations as for an array member (memcpySecondSite). ecapture, netobserv, tracee.
//   - switch_chain: `if (*proto == ETH_P_IP) *family = AF_INET; else if (*proto == ETH_P_IPV6) *family = AF_INET6;`
//     is a switch after SimplifyCFG, lowered to one compare per case: even its empty arms are entered from their own
//     compare, so the block before the chain is no immediate predecessor of the code after it and MachineCSE keeps
//     that code's skb->head offset apart (two records); one compare is a select, no block (one record). netobserv.
//   - copy_local_base: `k.src = ip->saddr` through a local pointer (not a parameter) is clang's memcpy expansion off
//     `ip + R`: two records when ip is a register of the copy's block (loaded, or read by another access, before or
//     after), copies of one block sharing the one MOV; one when ip = data + 14 serves the copy alone (InstCombine sinks
//     the GEP into the copy's block, the DAG folds 14 into every access). aws-network-policy-agent.
//   - unrolled_index: `k.ip[i] = ip->daddr.in6_u.u6_addr8[i]` in a loop LLVM unrolls fully, i from 0: the array's
//     relocated address is hoisted, copy 0's load at offset 0 folds it (two records when ip is a register, as for a
//     copy's memcpy expansion; one when ip = data + 14 serves the loop alone, or i starts at 1). aws-network-policy-agent.
//   - switch_freq: an if-else chain comparing one value with constants is a switch to LLVM, whose edges are equally
//     likely: each of n arms runs 1/(n+1) of the chain's entry, not half the previous one's; a static helper called in
//     the 5th arm is inlined at the full threshold (cold only from about 19 links). x-monitor's filter_ts.
//   - struct_copy_prefix: `test = c->raddr.in6.sin6_addr` (c->raddr a plain member holding a preserve_access_index
//     record) is one record when c + offsetof(raddr) is first computed in the copy's own block (the DAG folds the
//     constant into every access), two when an access through c->raddr before it, in a block that dominates it (the
//     helper's or an inlined caller's: GVN keeps that GEP), made it a register: the first access folds the offset
//     into its load from it, the others use c + raddr + offset. kyanos.
//   - ordered_compare: `mac < network && !(is_valid_network(network) && network == mac && BPF_CORE_READ(skb,
//     mac_len) == 0)`: under `mac < network` InstCombine folds `network == mac` to false, so the read after it never
//     runs (no record); with `mac <= network` it stays. ptcpdump.
//   - dead_code: code after a statement that never falls through (a return, break, continue or goto; an if whose
//     known condition takes an arm that exits), up to the next case or goto label, has no record (clang removes it
//     unreachable); so has the arm a min/max comparison cannot take: `mem_new[2] = min(pages >> 2, ..); if
//     (mem_new[2] <= (pages >> 2)) { ..; return true; }` leaves nothing after the if (InstSimplify folds a min/max
//     compared with its own operand). Kept: a strict comparison, a helper call between the store and the test (the
//     global may change), a volatile knob operand, a signed min compared unsigned. bpftune (extra 18 → 0, CSE 43 → 2).
//   - exit_arms: in an unrolled loop, the arm of an if that leaves the loop (a return, a break) branches to the same
//     block from every copy, and SimplifyCFG sinks the copies' identical code into it: a helper called there has one
//     copy of each relocation, not one per iteration (Hades' get_socket_info_sub; the smaller body also lets LLVM
//     unroll the loop around it fully). Only the straight-line statements before the exit sink (an inner test that
//     continues stays per copy), and only while each operation differs between copies in at most one operand (one
//     PHI): the induction variable as a value is one (`out[8 + i] = ..; return i;` sinks). Kept per copy: a continue.
//   - exit_arm_ifs: ifs whose arms only fall through, before such an arm's exit, sink with it: their blocks reach
//     the exit only, outside the loop LoopUnroll copies (CORELENS_SINK_EXIT_IFS; kubescape node-agent's trace_open
//     d_path walk, `if (buf_off >= 5 && BPF_CORE_READ(dentry, d_sb, s_magic) == ..) {..} break;` after a test that
//     continues: 80 copies for clang's 1, 634 of its CSE). Also an if/else arm with no continue before it.
//   - local_loads: the same member of a local aggregate read twice in one statement (`(s_addr.sin_port >> 8) |
//     ((s_addr.sin_port & 0xFF) << 8)` after bpf_probe_read(&s_addr, ..), SysmonForLinux's TCPaccept): EarlyCSE merges
//     the identical preserve_access_index calls on the one stack slot, GVN the loads: one record, as through a pointer
//     (CORELENS_LOCAL_LOADS). Across statements (`a = s.x; .. a + s.x`) clang merges too: not modelled.
//   - inline_definitions: a non-static `__always_inline` (or `inline`) function is a C99 inline definition: clang
//     emits no symbol for it, so it is no .text program of its own, even taking a pointer to a preserve_access_index
//     record (ptcpdump's handle_tc_ingress); `__attribute__((always_inline))` alone and `extern inline` are emitted.
//   - map_value_array (a `check` comparison): `(struct iphdr *)p->buf` with p a map value is an address inside the map
//     value, which the verifier lets the program read directly; taken for a loaded pointer it was a false
//     "invalid mem access 'scalar'" error (kubeshark's packet sniffer). `check FILE.bpf.c` must report exactly the
//     errors `check FILE.o` reports (the object path's verdicts are the kernel's: verdict differential); the program
//     keeps one real direct read through a plain number, so the set is not empty.
//   - knobs (a `check` comparison): code a `const volatile` knob's default keeps from running (`if (with_state)`,
//     `if (!targ_pid) return 0;` with the defaults false and 0) stays in the object but never runs as compiled: the
//     verifier reads the default from the frozen .rodata, so `check FILE.o` reports nothing there. The source path
//     says the same with warnings naming the knob (the loader may set it) instead of errors (netobserv's
//     `enable_network_events_monitoring`, inspektor-gadget's trace_dns `paths`).
//   - not_param: a helper called with `!p`, p a parameter of an inlined caller given a constant, folds the helper's
//     `if (l2)` per copy as a constant argument does (ptcpdump's `parse_skb_meta(skb, !cgroup_skb, &meta)`).
//   - dropped_args: a parameter an inlined function only hands on, whole, to an inlined callee that never reads it is
//     dropped too (kubeshark's BPF_KPROBE bodies passing `ssl` to ssl_uprobe): its PT_REGS load dies, no relocation.
//   - global_functions: a global definition (neither static nor inline) is emitted on its own AND inlined by LLVM
//     at its calls when its cost allows (learning-ebpf's packet.h `unsigned char lookup_protocol(struct xdp_md *)`):
//     its relocations come once in .text and once per inlined copy; a `__weak` one (interposable) and a `__noinline`
//     one are calls only.
//   - config_knobs (a `check` comparison): a scalar member of a `const volatile` struct global is a knob as a
//     `const volatile` scalar is (bpf-examples' netstacklat `if (user_config.groupby_ifindex)`, sk_rx_dst_ifindex
//     missing on 5.10 but not run with the default): a warning naming `user_config.groupby_ifindex`, not an error.
//   - bitfield_typedef: a bitfield member read in one step from a typedef'd record (`((robj *)base)->type`,
//     bpftime's redis hotpatch) roots its relocation at the record, `struct redisObject`, not at `robj`: clang's
//     bitfield path takes the record's debug type where the other members take the base expression's (typedef kept).
//   - volatile_locals: the initial store of a volatile local (`const volatile int val = bpf_core_enum_value(..)`,
//     cilium/ebpf's relocs_enum.c) is a volatile access LLVM keeps even when nothing reads the local, so its
//     relocations stay (a plain local nobody reads has none), nor does LLVM sink them next to a later read; so do a
//     volatile array's and a volatile typedef's, but not a volatile struct's: clang 14 stores its members unqualified.
//   - dead_stores: `filp = PT_REGS_PARM1(ctx);` into a local nothing reads after (lmp's fs_watcher write.bpf.c) is a
//     dead store, its load and relocation gone, as for an unread initialiser; so is a store overwritten before any
//     read (`t = PARM1; t = PARM2; ..t->pid`) or an inlined helper's parameter overwritten unread. A store read on a
//     loop's back edge (the read above it in the body), one overwritten in one arm only and one to a static local
//     the next call reads stay.
//   - member_names: a BPF_KPROBE parameter `order` the body names only as a member (`zone_data.order = a_order;`,
//     lmp's mem_watcher fraginfo.bpf.c) is never read: its PT_REGS load dies with it; `{ .order = order }` reads it.
//   - unicode_space: a no-break space (U+00A0) or an ideographic space (U+3000) between tokens is whitespace to clang
//     (Lexer's UnicodeWhitespaceCharRanges, a -Wunicode-whitespace warning); it broke the statement for our lexer and
//     the relocations after it went missing (lmp's old_project write.bpf.c, `PT_REGS_PARM1(ctx);` then U+00A0).
//   - core_read_addr: `BPF_CORE_READ(&(q->q), qlen)` (nettrace's qdisc probes) is `&((typeof(&q->q))(&q->q))->qlen`
//     inside __builtin_preserve_access_index: the cast to the type the address has is no step, so the chain goes on,
//     one relocation `Qdisc 0:16:2` as for `(&a->b)->c`; a cast to a typedef of it too, a cast to another record
//     (or a load between, through a local) ends it: two.
//   - switch_twins: switch arms that are the same straight-line code as an earlier arm and leave the same way (a
//     break, or falling into arms that are twins in turn) are one block after LLVM: one record for all of them
//     (libbpf-rs' tcp_option, three `bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | F)` arms).
//     Arms ending in a return or a continue keep their records; so does an arm an inlined caller's constant keeps.
//   - cold_redecide: a call LLVM keeps out of line at a cold site (threshold 45) is decided again in each function its
//     caller is inlined into by cost, with that function's block frequencies as the inliner first computed them
//     (updated in place, not recomputed): a caller of one block has entry frequency 8, whose 2% rounds to 0, so
//     nothing is cold there (scx's p2dq_dispatch_impl in ____p2dq_dispatch: scx_bpf_dsq_insert_vtime under
//     `unlikely()`, 45 → 325, inlined); a caller with a rare block of its own keeps it cold, and so does an
//     always_inline caller (the mandatory inliner runs first, the frequencies are then computed afresh).
//   - fold_conds: `!miss && tctx && anchor >= 0 && (u64)anchor < nr_cpu_ids && bpf_cpumask_test_cpu(..)` (scx
//     pandemonium's select_cpu, compat.bpf.h's scx_bpf_dsq_insert_vtime under it): SimplifyCFG's FoldBranchToCommonDest
//     merges the blocks of conjuncts that may run unconditionally (no load through a pointer, no volatile load, no
//     call, at most one instruction besides the compare) into one branch on a select, even to BranchProbabilityInfo:
//     1/2 where the branches' heuristics made 1/2 * 5/8 * 5/8, and the call site there is no cold one (2%): clang
//     inlines the helper (threshold 325), the model kept it out of line (45). __builtin_expect's weights merge as
//     performBranchToCommonDestFolding computes them; a branch predictable towards the common block takes none.
//   - const_arms: `get_task_pid_ns(task, PIDTYPE_TGID)` (scx's namespace_impl.bpf.h, layered's match_one): LLVM
//     weighs a call with its constant arguments, the compare of a parameter with one simplified, the branch folded and
//     the arm it never takes not counted, also in the callees the function inlined that the parameter reaches
//     (get_task_pid_ptr's `type == PIDTYPE_PID ? ..`): cost 205 where the whole body made ours 253 > 225.
//   - kfunc_calls: a kfunc (`extern .. __ksym`: scx's scx_bpf_*, bpf_rcu_read_lock, bpf_task_acquire) is a declared
//     function clang calls directly, so LLVM's inline cost adds CallPenalty (25) to each call as for any direct call,
//     where a helper is a call through a constant address (no penalty): scx's is_smt_contended (LLVM 345-360, ours
//     72-83 without it), inlinecost's scx disagreements 171 -> 100.
//   - pointer_hops: a pointer loaded directly and dereferenced at once (`ctx->meta->seq`, `t->real_parent->tgid`)
//     is one load with a later `ctx->meta->...` of the same block when nothing between may write memory (libbpf-rs'
//     map iterator test): unlike a value kept for a later statement, LLVM never sinks it out of the block, unless the
//     statement's value goes into a local read only in one arm of the if that ends the block (InstCombine sinks the
//     whole chain there: two records). A store, a call or a branch between keeps two records.
//   - unevaluated_args: a BPF_KPROBE argument (or an inlined helper's parameter) named only where C never evaluates
//     it — sizeof, typeof, the first operand of a CO-RE builtin (`bpf_core_field_exists(t->__state)`,
//     `bpf_core_type_size(typeof(*t))`) — is never read: its PT_REGS load dies, no record. A guard helper
//     `has_state(t)` then a BPF_CORE_READ(t, ..) reads it.
//   - offsetof_callee: `offsetof(struct iphdr, frag_off)` (libbpf's bpf_helpers.h: `&((TYPE *)0)->MEMBER`) alone in a
//     helper LLVM inlines by cost (libbpf-rs' tcp_option): tree-sitter parses `offsetof(` as an offsetof_expression
//     (a keyword, no identifier, no call), so core.scm found no spot and the helper was skipped untyped.
//   - exit_calls: a helper's unrolled loop returns 1 from an arm, sunk into one copy there (exit_arms); inlined into
//     each copy of a caller's unrolled loop that leaves when the helper returns 1 (`flag = sub(..); if (flag == 1)
//     return pid;`, a break, `if (flag)`), JumpThreading sends every copy's arm to the caller's exit and SimplifyCFG
//     sinks them again: one copy of the arm's relocations for all the caller's copies (Hades' get_socket_info, 126
//     of its CSE column). Kept per copy: a test the arm's 1 does not take (`flag == 0`), a value only counted.
//   - threaded_returns: `if (!should_process_device(dev)) return 0;` (huatuo's iotracing) between two reads of
//     iocb->ki_filp: the helper returns only constants, so JumpThreading sends each return to the arm its constant
//     takes, and a return from the caller's own block (`if (!FILTER_DEV_COUNT) return 1;`) leaves that block an
//     immediate predecessor of the code after the test: MachineCSE reuses the offset (one record). Kept: a helper
//     whose early constant takes the caller's exit (the continuing return comes from a later block: two records).
//   - arg_range: `reg_value(ctx, reg_idx + 1)` with `reg_idx = (spec & 0x0ff00000) >> 20` (retsnoop's
//     get_arg_reg_value): LazyValueInfo knows the argument lies in [1, 256], so CorrelatedValuePropagation drops the
//     callee's `case 0:` arm in that copy (its PT_REGS_PARM1 has no record). Kept: a local also written unmasked, an
//     argument that may wrap.
//   - tails: an arm ending `if (meta) { ..; trace(..); } return;` and the function ending with the same statement on
//     the same values (OBI's http_get_or_create_trace_info): SimplifyCFG sinks the identical code of the return's
//     predecessors into one block, one copy of trace()'s reads; also with a store that differs before the call, a
//     local each declares, another condition. Kept: an argument that differs, a call more in one of them.
//   - switch2: a switch with one case (and a default) between two reads of one address (elastic's
//     file_modify_event__emit, `switch (type) { case FILE: break; default: goto out; }`) is a conditional branch after
//     SimplifyCFG: the read after it reuses the address as after the same if. Kept as before: a call in the arm
//     between two checks (GVN), switches of several cases (not modelled: surplus records).
//   - sink_store: an inlined helper's early arm `buf[0] = '\0'; return 1;` and its end `buf[size - 1] = '\0'; return
//     size;` (elastic's ebpf_argv__fill, ebpf_env__fill): SimplifyCFG sinks the common store into the return block,
//     so the arm is only a return (`early`): one task->mm record for both helpers. Kept: no store at the end, another
//     constant stored.
//   - dead_out: `*dscp = ipv4_get_dscp(&ip);` in an inlined helper (netobserv's core_fill_in_l3) whose caller passes
//     `&dscp` of a local it never reads: the store dies (DSE) and the value's loads with it (`ip.tos`, no record),
//     also passed on through a second helper. Kept: a caller that reads it, a value from a probe read (a call clang
//     keeps, its relocated address with it), a callee that reads what it stored.
//   - remat: a check kept in a local (`u32 s = bpf_core_type_size(struct iphdr);`, libbpfgo's cgroup-legacy) and given
//     to helper calls: each argument is a COPY into an argument register, rematerialised as the relocated MOV (one
//     record per argument), the def's own record staying when anything else reads it (a comparison, a store, a
//     return). Kept one: two stores, calls in the two arms of an if/else (sunk into one call).
//   - tail_sink: both arms of an if/else end with the same reads and helper calls (lmp's schedule_delay: `..pid =
//     prev->pid; bpf_probe_read_kernel_str(.., prev->comm); bpf_map_update_elem(..)` in each): SimplifyCFG sinks
//     the identical tail into the join, one record of each; also after a helper call in one arm. Kept: the last
//     calls differ in one constant (nothing sunk). Not modelled (surplus): tails whose reads differ in their pointer,
//     which LLVM sinks with a phi.
//   - ub_arms: an arm whose first statement stores through a pointer local never given a value (lmp's fs_watcher,
//     `struct fs_t *e; .. if (fd >= 0) { e->fd = fd; .. }`) is undefined on entry: SimplifyCFG drops the edge into
//     it, the pure condition and the PT_REGS_RC read `fd` holds die. Kept: a pointer from a map lookup, a helper call
//     before the store (the arm is entered: the call may not return).
//   - cof: a fully unrolled kobject list walk (Hades' trigger_module_scan): `tlist = READ_KERN(cur->entry); cur =
//     container_of(tlist.next, struct kobject, entry);` computes `&cur->entry` and container_of's offset from one
//     MOV of offsetof(struct kobject, entry) when it stays in a register across the probe read: one record per copy
//     with the loop's scalars in memory (cof). With them in registers (cof_kept) clang rematerialises it in some
//     copies and not in others (the greedy allocator's choice): the rule keeps both there, never fewer than clang.
//   - phi_tails (`tails` kept apart, `suffix`): netdata's netdata_get_pid picks whose pid to report by a level from a
//     map and stores the caller's tgid through an out-parameter on some paths. A caller local read by value after the
//     call is a register after SROA: the paths that store it differently (or not at all) end in the phi's copy, no
//     common tail, so the fallback `return rparent_pid();` keeps its own reads (kept too when the local is read before
//     a second call only: dead after it, merged there; merged when its address also goes to a helper: memory).
//     Arms calling different helpers whose code differs only in the member read first (real_parent / parent) share
//     the rest, the `->tgid` read, when they store the same: BranchFolding merges the common tail.
//   - void_tail: `if (c) return;` as the last statement of an inlined void helper (after a store arm, netdata's
//     set_common_udp_nv_data) is no branch (both ways reach the return with nothing between): the caller's read of the
//     same address after the call reuses the helper's, one record.
//   - sizeof_bounds: `#pragma unroll` over `i < ARRAY_SIZE(a->array)` (`sizeof(a->array) / sizeof(a->array[0])`, the
//     kernel selftests' profiler.inc.h) or `sizeof(local) / sizeof(__u64)`: clang folds the bound to a constant and
//     unrolls fully, one record per copy; the bound was no constant to the model (the loop counted once).
//   - alternate_copies: a fully unrolled body beginning with a straight block F and ending in an if without else
//     (`css = BPF_CORE_READ(task, cgroups, subsys[i]); if (css) { .. }`, the kernel selftests' populate_cgroup_info):
//     each copy's F is an immediate predecessor of the next one, so MachineCSE reuses an offset the previous copy
//     computed but not one it reused itself: one record every other copy (6 copies after the same read before the
//     loop: 2 more; after it in the block before the if holding the loop: 3 more; 5 copies: 3). Kept per copy: an
//     if with an else (4 copies, 4 records).
//   - store_arms: the one arm of an if without else that stores through a pointer (`if (n <= 32) v->len = n;`,
//     profiler3 with barrier_var empty) is a block (no store is speculated), so task->mm read before it and again
//     in a later if's arm is two records; a local's store in the arm is a select (one record), so is the join
//     right after it (the block before the if is its immediate predecessor: one record, `adj` across it too).
//   - renamed_tags: a tag the includer's macro renames before vmlinux.h (`#define bpf_iter_meta
//     bpf_iter_meta___not_used`, the kernel selftests' bpf_iter.h) is defined under the new name: the lazy header
//     parse set the definition aside under the name as written, so the renamed record was incomplete, no relocation.
//   - do_once: `do { dst = BPF_CORE_READ(t, mm); } while (0)` (a statement macro) then `BPF_CORE_READ(t, mm)`: straight
//     code to LLVM, one record; it was a loop to the merge model (nothing merged in it or across it). Kept: a break
//     out of it (the code after it is a join: two records).
//   - init_stores: a brace list into a preserve_access_index record (`struct scx_bpf_dsq_insert_vtime_args args = {
//     .dsq_id = dsq_id, .. }`, scx's compat.bpf.h; `struct path ret = { .mnt = BPF_CORE_READ(path, mnt), .dentry =
//     dentry }`, security-profiles-operator) is stored member by member through relocated addresses: one record per
//     member, zero-filled ones too, kept when nothing reads the local. None when the list is a constant (one copy);
//     over 16 bytes with at most a quarter not literal zeros, a memset first and records for the others only; a
//     member record's members chain onto the outer access; a compound literal is always built member by member.
//     scx missing 322 -> 142, security-profiles-operator 12 -> 6.
//   - literal_args: a member of a by-value record parameter (at most 8 bytes, one register) read in an inlined copy
//     whose argument is a compound literal (Hades' `hades_uid_eq(kuid, ROOT_UID)`, ROOT_UID `(const kuid_t){ 0 }`;
//     `(T){ x + 1 }` too) is the literal's stored value after GVN: no record there (the literal's own store keeps
//     its record, init_stores). Hades CSE 4 -> 804 with init_stores alone, 4 with both.
//   - known_locals: a scalar local whose value is a constant on every path here (`bool first = true;` .. `first =
//     false;` in the arm taken) decides `if (first)`, `if (!x)`, `if (x == K)`: SROA and SCCP/jump threading leave
//     one arm (skywalking-rover's hand-unrolled list walk, list.h list_for_each_entry_data: the first arm once of
//     ten copies). After an if, what the arms that fall through agree on; a loop forgets what it writes, a switch or
//     a label everything. skywalking-rover CSE 65 -> 7.
//   - far (the corpus's exitsnoop and cgtrace; not a held-out project): the same field's offset two to five other
//     relocations' reads apart in one block is one MOV after MachineCSE, kept in r6-r9 across the calls between when
//     the values crossing them leave a register (exit_like: the task, the record being filled and ctx, one tgid
//     record; fork_like also keeps the parent for later: two; cg_like: one cgroup.kn record); two offsets held across
//     the same calls (competing: kn's and id's) are rematerialised both. CORELENS_CSE_FAR=0 leaves two surplus
//     copies; CORELENS_CSE_FAR_ALONE=0 merges the competing ones, two missing.
//   - cleanups: a local declared `__attribute__((cleanup(fn)))` (sched-ext's cleanup.bpf.h: `guard(rcu)()`,
//     `scoped_guard(rcu) { .. }`, `__free(..)`; the kernel's and systemd's cleanup.h) has `fn(&v)` called when its
//     scope is left: clang emits that call once per variable, every way out (the end, a return, a break or continue,
//     a goto out of the scope) branching through it, in reverse declaration order, so its inlined reads have one
//     record each (class_rcu_destructor's `_T->lock`). None when the variable is NULL and never named again (the
//     destructor's test folds). scx missing 97 -> 74. Not modelled: JumpThreading copies the destructor once per
//     way out when the scope leads to returns of different values and other code (scx_layered's try_preempt_cpu).
//   - memcpy_inline: `__builtin_memcpy_inline(comm, &task->comm, MAX_COMM)` (scx's scxtop record_real_comm) is
//     llvm.memcpy.inline, expanded as __builtin_memcpy's llvm.memcpy (memcpy_member): the first access folds the
//     relocation, the second keeps the relocated address, two records (CORELENS_MEMCPY_INLINE); so does a copy from
//     `&p->arr`, an array member's address, the array's own (CORELENS_COPY_ARRAY_ADDR). scx missing 74 -> 59.
//   - container_cancel: `container_of(&p->m, T, m)` (issue 12's own example; generated probes --wide) subtracts
//     libbpf's offsetof, `&((T *)0)->m`, a relocation of the same global as `&p->m`: the SelectionDAG folds `p + R -
//     R` to p within a block, neither record exists (nested members, an array element, BPF_CORE_READ of the result).
//     A later container_of of the same relocation in a block the first dominates, nothing that writes memory
//     between, gets the first one's values from GVN and folds nothing: one record, the first's (switch cases, a
//     ternary's other arm). Kept: another member or type, a pointer read from memory. CORELENS_CONTAINER_CANCEL(_BLOCKS).
//   - load_pre: GVN's load PRE of a relocation's global (generated probes, default profile): a load after an if/else
//     one of whose arms (a block of its own, both) loaded the same global, nothing that may write it between (a store
//     to a named array's element cannot), is inserted at the end of the other arm and the access after takes a phi:
//     three records where the arm and the access made two (the arm's folded load keeps a MOV for the phi); per copy
//     in an unrolled loop. Kept: both arms ending in a load of one size (sunk into the join), a call between, an
//     empty arm. CORELENS_CSE_PRE.
//   - offset_mov: `bpf_core_field_offset(p->m)` and an address of the same member (a probe read's source, through any
//     pointer) are one byte_off relocation, the same MOV after BPFMISimplifyPatchable, which MachineCSE keeps once in
//     its block or the next, either role first, per copy in an unrolled body (generated probes: 35 of seeds 1-200's
//     411 merged copies, 23 more in unrolled bodies). Kept: a check that is a `?:`'s condition before the address.
//     CORELENS_CSE_OFFSET_MOV.
//   - licm_loads: a direct load in a loop body without calls or asm, run on every iteration, its pointer chain never
//     written in the loop and no store there of a type clang's TBAA cannot tell from it, is hoisted by LICM before
//     the unroll: one record for every copy (generated probes: 19 of seeds 1-200's 327 merged copies, 47 of 201-400's
//     441). Kept per copy: a store of the same type, a union member (may-alias), a call in the body, an arm on a
//     varying condition, a pointer the loop writes. CORELENS_LICM_LOADS.
//   - load_pre_ways: the same PRE at other joins (generated probes): a ?: arm reading a local a probe read wrote is a
//     stack load, a block (CORELENS_CSE_PRE_STACK); a check that is a ?: arm's value takes two MOVs (_PRE_VALUE); both
//     arms loading it, nothing inserted (_PRE_FULL); an if without else, inserted on the split edge (_PRE_EDGE), or
//     hoisted with the arm's first instruction (_PRE_HOIST); a switch's breaks as the ways in (_PRE_SWITCH); a
//     pointer no variable holds (_PRE_X); an arm that loaded it before a probe read lacks it (_PRE_TAINT). Kept: a
//     check's 32-bit load before an access, one case of three.
//   - copy_checks: a fully unrolled body without a branch is one block, copies and all (generated probes): MachineCSE
//     keeps a check's first MOV for every copy, one record, when the checks, the pointers the body reads through, two
//     registers per probe read, the stores' global and the pointers live across the loop fit r6-r9
//     (CORELENS_CSE_COPY_CHECKS); a parent walk's copies alternate a check as `alt` does addresses
//     (CORELENS_CSE_ALT_CHECKS). Kept (a record per copy): the check before the body's first probe read or in its
//     statement, before the loop too, the pointer used after the loop, four checks beside two probe reads, two beside
//     a read through it. Left: `p = BPF_CORE_READ(x, m); .. bpf_core_field_offset(p->f)` (clang: one record).
//   - full_unroll: a loop WITHOUT pragma over a small constant trip count is unrolled by LoopFullUnrollPass when its
//     unrolled size fits UnrollThreshold (150): clang then emits the body's relocations once per copy, as for a
//     pragma (the model counted the body once). A direct CO-RE load weighs 1.4 units more in the loop's size than in
//     the inliner's cost (-Rpass=loop-unroll on grids of 2-12 trips x 1-8 reads: the programs below sit on both sides
//     of the threshold). `t = t->real_parent;` closing a walk is dead in the last copy (CORELENS_DEAD_LAST_LOAD).
//     CORELENS_FULL_UNROLL_COPIES.
//   - licm_hoist: LICM moves out of a loop (rolled or not) what is invariant and safe to move before any unroll: an
//     address through a pointer the loop never writes (BPF_CORE_READ's first hop, bpf_core_read's `&t->f`), at the
//     body's top level, and a field check anywhere in the body; none when the loop may be left early. The moved
//     records are straight code before the loop (behind its guard when the count is unknown), merged there by GVN:
//     one record for every copy and every read of one iteration. Kept per copy: an address under an if or after a
//     `continue`, a direct load (its record is on each copy's load). CORELENS_LICM_HOIST.
//   - counter_loops: `int i = 0; while (i < 3) { ..; i++; }` and the do-while form have a trip count (SCEV's) and are
//     unrolled as the `for` loop is. CORELENS_COUNTER_LOOPS.
//   - max_trips (fresh19, coolbpf's iovec walk): `#pragma unroll(VEC_LEN)` over `for (i = 0; i < VEC_LEN && i <
//     iovlen; ++i)`: the pragma's count is a macro clang expands (CORELENS_PRAGMA_MACROS), and the two compares merge
//     into one exit whose max trip count (VEC_LEN) a pragma count at least as large unrolls completely, one copy of
//     the body's relocations per iteration, a return in it or not (CORELENS_MAX_TRIPS, sites.ts maxCountedExit).
//     `unroll(full)` over the same loop stays rolled. coolbpf missing 516 -> 0.
//   - header_external (fresh19, skbtracer's `#define INLINE __attribute__((__always_inline__))` helpers in its
//     header): a non-static definition with the attribute and no `inline` keyword is an external definition, emitted
//     in .text whether or not a program calls it, its always-inlined callees' relocations in it, and inlined into each
//     caller as well; a C99 inline (`inline`) or static one is not emitted (CORELENS_HEADER_EXTERNAL). skbtracer
//     missing 169 -> 84.
//   - gap_one_block (fresh20, krie's fill_process_context): a `#pragma unroll` body without a branch,
//     `BPF_CORE_READ_INTO(.., task, cgroups, subsys[i], id); BPF_CORE_READ_INTO(.., task, cgroups, subsys[i], cgroup,
//     kn, name);`: the copies are one block, the second subsys offset of each copy no `gap` merge (cse.ts
//     GAP_ONE_BLOCK: MachineCSE makes every copy's offset one value live across the whole block, and the allocator
//     rematerialises it at each use), two records per copy. CORELENS_CSE_GAP_ONE_BLOCK. krie missing 2 x 2,930 -> 0.
//   - alias_nonnull (fresh20, gala-gopher's l7probe new_sock_conn): `struct socket *ns = (struct socket *)socket; if
//     (ns == NULL) { ..sock_get_by_fd(..).. }` with the caller having returned on `socket == NULL`: until its next
//     store the local is the parameter (SROA), so the test folds as a test on the parameter and the arm's relocations
//     go from that copy; with an unknown argument they stay (CORELENS_ALIAS_NONNULL, sites.ts paramAlias).
//   - unroll_in_macros (held21, pulsar's LOOP macro, its build without bpf_loop): `_Pragma("unroll") for (..)` in a
//     macro body, and `#pragma unroll` before a macro whose expansion begins with the loop: clang handles the operator
//     as the #pragma line it destringizes to and attaches the hint to the statement that follows it once expanded, so
//     the loop is unrolled completely (20 copies of the callback's reads); both were dropped, the loop counted rolled
//     (CORELENS_UNROLL_IN_MACROS, preproc.ts unrollHint/pragmaOperand). pulsar (HEAD, no FEATURE_*) missing 736 of 1,131.
//   - ind_arith (fresh21b, kvisor's get_pid_in_ns): `if (..) { *pid = BPF_CORE_READ(p, numbers[level - i].nr); break; }`
//     in a 10-copy unrolled loop: `level - i` is no constant in any copy (level is unknown), so nothing folds on
//     the induction variable there; it is one value per copy, one PHI, and SimplifyCFG sinks the arm into one copy
//     as it does an arm naming a variant local (CORELENS_SINK_IND_ARITH). kvisor CSE 2,021 -> 565.
//   - self_read (fresh21b, ebpf-apps' http_trace): `__u32 hl = iph.ihl; hl = hl << 2;` reads the earlier store, so it
//     is no dead store overwritten unread (CORELENS_DEAD_SELF_READ). ebpf-apps missing 4 -> 0.
//   - inlined_idle (a `check` comparison): that .text copy is never loaded (every call inlines it): its failed
//     relocations are no error on either path (skbtracer's `struct xt_table` on 6.1, a source-only group).
//   - setter_consts (cse21, gala-gopher's tprofilingprobe): a local record zeroed, given a constant flag by an inlined
//     setter and tested by an inlined emitter folds that test (SROA), the dead arm's relocations gone; a grid of
//     when it applies (CORELENS_SETTER_CONSTS, sites.ts constMembers/setterWrites).
//   - checks_unrolled (cse21, gala-gopher's l7probe): a check repeated within one iteration of a fully unrolled loop
//     merges as in straight code (CORELENS_CSE_CHECKS_UNROLLED, cse.ts).
//   - section_escapes (fresh30a, intelops/tarian-detector): a section name is the string literal's characters, its
//     escapes decoded (C translation phase 5) before concatenation: `#define KPROBE(h) SEC("kprobe/" #h)` with
//     `KPROBE("__x64_sys_execve")` stringizes the quoted argument to `"\"__x64_sys_execve\""`, and clang names the
//     section `kprobe/"__x64_sys_execve"`; read as written, every site was in a section clang never emitted
//     (tarian: 13,542 missing and 15,180 extra). CORELENS_SECTION_ESCAPES.
//   - local_loads_across (fresh30a, intelops/tarian-detector's dentry walk): a local aggregate's member read again in a
//     later statement, with no call and no store through a pointer between, is one record: GVN forwards the first load
//     of the stack slot (`len += (d_name.len + 1) & M; pos = M - (d_name.len + 1);`, once per unrolled iteration and
//     in straight code); a store through a pointer between keeps both (it may alias the escaped local).
//     CORELENS_LOCAL_LOADS_ACROSS (cse.ts). tarian: CSE 1,638 -> 102.
//   - pragma_count_expr + max_trips_any (fresh30a, odigos-io/runtime-detector): `#define MAX_NS_FOR_PID (8)` then
//     `#pragma unroll(MAX_NS_FOR_PID)`: the count is an integer constant expression to clang, `( ( 8 ) )` is 8
//     (CORELENS_PRAGMA_COUNT_EXPR, preproc.ts countExpr); over `for (i = 0; i < n && i < MAX_NS_FOR_PID; i++)` the
//     constant conjunct bounds the loop though it comes second (SCEV's exit limit of `a && b` is the least of the
//     two; CORELENS_MAX_TRIPS_ANY, sites.ts maxCountedExit): 8 copies. runtime-detector: missing 222 -> 0.
//   - const_switch (fresh30a, DataDog datadog-agent's bpf_builtins.h, cilium's builtins.h style): a fixed-size compare
//     helper, `switch (len)` with a case per size falling through one word at a time (odd sizes adjust `len` before
//     it), called with a constant size: once inlined, SCCP folds the switch and SimplifyCFG keeps the one case's path,
//     so the loop calling it per iteration is small and `#pragma unroll` unrolls it fully (40 copies of its reads);
//     counting every case, the body looked 13x larger and the loop rolled (CORELENS_CONST_SWITCH; datadog-agent's
//     is_grpc 90-iteration frame loop: 89 missing relocations).
//   - alt_inv (cse30, kvisor's get_pid_in_ns): `if ((level - i) < 0) break;` with level unsigned is dead
//     (InstSimplify, CORELENS_UNSIGNED_ZERO, sites.ts); then the walk's `BPF_CORE_READ(task, group_leader, ..)`
//     through a task the loop never writes alternates by MachineCSE (a record every other copy) whatever the
//     register pressure, and the sunk exit arm's copy reuses copy 0's (CORELENS_CSE_ALT_INV, CORELENS_CSE_ALT_EXIT,
//     cse.ts alternate). kvisor CSE 565 -> 179.
//   - switch_clamp (cse30, tracee's and kvisor's cgroup_skb_submit): `size = size > FULL ? FULL : size; switch (size)`
//     on a parameter given a constant folds to one arm per inlined copy (the clamp is min(arg, FULL) to InstCombine),
//     so the other arms' `ctx->len` loads are never emitted (CORELENS_SWITCH_CLAMP, sites.ts clampOf). kvisor CSE
//     179 -> 141.
//   - varargs_dropped (cse30, sched-ext's scx_bpf_error): the arguments stored into the kfunc's array are handed again to
//     an empty `static inline` variadic format checker; once inlined nothing reads them, their loads die
//     (CORELENS_VARARGS_DROPPED, sites.ts).
//   - hoist_calls (cse30, gala-gopher's stackprobe): `if (a) out(ctx, &chan_a, &e, n); else out(ctx, &chan_b, &e, n);`
//     with out() first testing an inlined `return bpf_core_type_exists(..)`: the arms' leading instructions are the
//     callee's, identical, and SimplifyCFG hoists its check (one record); kept apart when an arm does something first
//     or an argument differs in code (CORELENS_CSE_HOIST_CALLS, cse.ts hoistOf).
//   - rolled_remat (fresh30b, linux perf's sample_filter): a check a rolled loop's body tests first, hoisted by
//     MachineLICM, is rematerialised after each helper call in the body's arms when r6-r9 hold what the body uses
//     every iteration: one record more per call (CORELENS_CSE_ROLLED_REMAT, cse.ts rolledRemat).
//   - expect_params (fresh31a, openshift's ingress-node-firewall): a shared L4 parser `if (likely(is_v4)) {..iph->protocol}
//     else {..ip6->nexthdr}` called with the constants 1 and 0: llvm.expect is its first operand to InstSimplify, so
//     each inlined copy keeps one arm (one record each); the model read `__builtin_expect(..)` as no test of the
//     parameter and kept both arms per copy (CORELENS_EXPECT_PARAMS, sites.ts unexpect).
//   - dead_aggr (cse31, aws-network-policy-agent's tc classifiers): `src_ip[0] = ip->saddr & 0xff; ..` into a local
//     array nothing reads (only stores, a memset, sizeof): InstCombine erases the alloca and its stores
//     (isAllocSiteRemovable), the loads computing the stored values die, no record (CORELENS_DEAD_AGGR, sites.ts
//     writeOnlyAggr). aws-network-policy-agent CSE 15 -> 7.
//   - ifcvt_loads (cse31, bpfcontain's inode_permission, file_receive, inode_is_device): `if (S_ISDIR(inode->i_mode) &&
//     (mask & MAY_CHDIR)) access |= R;` is speculated whole (FoldBranchToCommonDest, SpeculativelyExecuteBB), so
//     its condition's load stays in the one IR block and the next statement's `inode->i_mode` is the same DAG node:
//     one record (CORELENS_IFCVT_LOADS, sites.ts speculated, cse.ts).
//   - sc_dead_left (cse31, bpfcontain's bpfcontain_inode_perm): `inode_is_sock(inode) && (access & ~(R | W | A)) == 0`
//     inlined with access MAY_DELETE is false whatever the left side is; InstCombine folds it and the i_mode load
//     dies (CORELENS_SC_DEAD_LEFT, sites.ts scParamConds/scPure).
//   - hoist_join (cse31, gala-gopher stackprobe's update_statistics): hoist_calls' two output calls after a join (the
//     python arm before them), the if on an unwritten parameter: still hoisted (CORELENS_CSE_HOIST_JOIN, cse.ts;
//     FlowEv `pc`). stackprobe CSE 14 -> 0.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding } from '../../src/check/run';
import { createAnalyzer } from '../../src/source/analyzer';
import { bundledKernelSpecs } from '../../src/targets/registry';
import { compileBpf } from '../support/bpfLoad';
import { checkBothWays } from '../support/checkBoth';
import { compareProgram, contextExpansion } from '../support/corpus';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { agreesWithClang } from '../support/agreesWithClang';

const PROGRAMS = path.join(FIXTURES, 'programs');
const HEAD = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
`;
/** cof: a fully unrolled kobject list walk in the shape of Hades' trigger_module_scan (START/STEP), three trip counts;
 * `end` ends each program (what the loop's scalars `out` and `count` become). */
const COF_WALK = `/* in the shape of Hades' trigger_module_scan: a fully unrolled walk of a kobject list, \`&cur->entry\` and
 * container_of's offset in each copy (one MOV of offsetof(struct kobject, entry) when it survives the probe read) */
#define READ_KERN(ptr) ({ typeof(ptr) _val; __builtin_memset((void *)&_val, 0, sizeof(_val)); bpf_core_read((void *)&_val, sizeof(_val), &ptr); _val; })
static inline const char *kname(const struct kobject *kobj) { return READ_KERN(kobj->name); }
__u32 outs[2];
#define START									\\
	struct kobject *cur = (struct kobject *)ctx->di;				\\
	struct list_head *head = (struct list_head *)ctx->si, tlist;			\\
	struct module_kobject *kobj;							\\
	__u32 count = 0, out = 0;
#define STEP									\\
	out = i;								\\
	if (&cur->entry == head)						\\
		break;								\\
	tlist = READ_KERN(cur->entry);						\\
	cur = container_of(tlist.next, struct kobject, entry);			\\
	if (!kname(cur))							\\
		break;								\\
	kobj = container_of(cur, struct module_kobject, kobj);			\\
	if (!READ_KERN(kobj->mod))						\\
		continue;							\\
	count++;
`;
const cofPrograms = (end: string, tag: string, counts: number[]): string => counts.map((n) => `SEC("uprobe/${tag}${n}") int ${tag}${n}(struct pt_regs *ctx)
{
	START
#pragma unroll
	for (int i = 0; i < ${n}; i++) { STEP }
	${end}
	return 0;
}
`).join('');
/** Loops of the full_unroll grid: trips x reads per body, in the three forms clang sizes differently. */
const UNROLL_FIELDS = ['pid', 'tgid', 'flags', 'prio', 'static_prio', 'normal_prio'];
const unrollGrid = (form: 'k' | 't' | 's', grid: [number, number][]): string => grid.map(([n, r]) => {
  const f = UNROLL_FIELDS.slice(0, r);
  if (form === 'k') {
    return `SEC("kprobe/k${n}_${r}") int BPF_KPROBE(k${n}_${r})\n{\n\tstruct task_struct *t = (void *)bpf_get_current_task();\n`
      + `\tfor (int i = 0; i < ${n}; i++) {\n${f.map((x, j) => `\t\tout[i + ${j}] += BPF_CORE_READ(t, real_parent, ${x});\n`).join('')}`
      + '\t}\n\treturn 0;\n}\n';
  }
  if (form === 't') {
    return `SEC("tp_btf/t${n}_${r}") int BPF_PROG(t${n}_${r}, struct task_struct *t)\n{\n\tfor (int i = 0; i < ${n}; i++) {\n`
      + `\t\tstruct task_struct *p = t->real_parent;\n${f.map((x, j) => `\t\tout[i + ${j}] += p->${x};\n`).join('')}`
      + '\t\tt = p;\n\t}\n\treturn 0;\n}\n';
  }
  return `SEC("tp_btf/s${n}_${r}") int BPF_PROG(s${n}_${r}, struct task_struct *t)\n{\n\t__u64 s = 0;\n\tfor (int i = 0; i < ${n}; i++) {\n`
    + `${f.map((x, j) => `\t\ts += t->${x} * ${j + 3};\n`).join('')}\t\tt = t->real_parent;\n\t}\n\tout[0] = s;\n\treturn 0;\n}\n`;
}).join('');
const SHAPES: { name: string; text: string; min: number }[] = [
  { name: 'memcpy_member', min: 14, text: `struct conn { __u32 proto; __u32 sport; __u32 src6[4]; __u32 dst6[4]; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct conn); __type(value, __u64); } conns SEC(".maps");
static __always_inline bool revalidate(struct __sk_buff *skb, __u8 **head, __u8 **tail, __u32 off)
{
	if (*head + off > *tail) {
		if (bpf_skb_pull_data(skb, off) < 0)
			return false;
		*head = (__u8 *)(long)skb->data;
		*tail = (__u8 *)(long)skb->data_end;
		if (*head + off > *tail)
			return false;
	}
	return true;
}
/* the key escapes to the map helper: every byte of each copy is loaded */
static __always_inline int count(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *end = (__u8 *)(long)skb->data_end;
	struct conn c = {};
	if (!revalidate(skb, &data, &end, sizeof(struct ethhdr) + sizeof(struct ipv6hdr)))
		return 0;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(data + sizeof(struct ethhdr));
	c.proto = ip6->nexthdr;
	__builtin_memcpy(c.src6, &ip6->saddr, sizeof(ip6->saddr));
	__builtin_memcpy(c.dst6, &ip6->daddr, sizeof(ip6->daddr));
	__u64 one = 1, *v = bpf_map_lookup_elem(&conns, &c);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&conns, &c, &one, BPF_ANY);
	return 0;
}
SEC("tc") int ingress(struct __sk_buff *skb) { return count(skb); }
SEC("tc") int egress(struct __sk_buff *skb) { return count(skb); }
/* a probe-read copy of the header, its address arrays copied out (the array case) */
SEC("kprobe/ip6_output") int BPF_KPROBE(out6, void *net, void *sk, struct sk_buff *skb)
{
	struct ipv6hdr ip;
	struct conn c = {};
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
	__builtin_memcpy(c.src6, ip.saddr.in6_u.u6_addr8, 16);
	__builtin_memcpy(c.dst6, &ip.daddr, sizeof(ip.daddr));
	c.proto = ip.nexthdr;
	bpf_map_update_elem(&conns, &c, &c.proto, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'switch_chain', min: 12, text: `/* in the shape of netobserv's utils.h: core_fill_in_l2 sets the family through an if-else chain on the protocol
 * (a switch after SimplifyCFG, lowered to a compare per case), core_fill_in_l3 reads skb->head again after it */
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define AF_INET 2
#define AF_INET6 10
static inline void fill_l2(struct sk_buff *skb, __u16 *proto, __u16 *family)
{
	struct ethhdr eth;
	__builtin_memset(&eth, 0, sizeof(eth));
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	bpf_probe_read_kernel(&eth, sizeof(eth), head + mac);
	*proto = bpf_ntohs(eth.h_proto);
	if (*proto == ETH_P_IP) {
		*family = AF_INET;
	} else if (*proto == ETH_P_IPV6) {
		*family = AF_INET6;
	}
}
/* one compare: a select, no block; the head's offset is reused after it */
static inline void fill_l2_one(struct sk_buff *skb, __u16 *proto, __u16 *family)
{
	struct ethhdr eth;
	__builtin_memset(&eth, 0, sizeof(eth));
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	bpf_probe_read_kernel(&eth, sizeof(eth), head + mac);
	*proto = bpf_ntohs(eth.h_proto);
	if (*proto == ETH_P_IP)
		*family = AF_INET;
	else
		*family = AF_INET6;
}
static inline void fill_l3(struct sk_buff *skb, __u16 family, __u32 *out)
{
	__u16 net = BPF_CORE_READ(skb, network_header);
	unsigned char *head = BPF_CORE_READ(skb, head);
	switch (family) {
	case AF_INET: { struct iphdr ip; bpf_probe_read_kernel(&ip, sizeof(ip), head + net); *out = ip.saddr; break; }
	case AF_INET6: { struct ipv6hdr ip; bpf_probe_read_kernel(&ip, sizeof(ip), head + net); *out = ip.saddr.in6_u.u6_addr32[0]; break; }
	default: break;
	}
}
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u16); } seen SEC(".maps");
SEC("kprobe/kfree_skb") int BPF_KPROBE(drop, struct sk_buff *skb)
{
	__u16 proto = 0, family = 0;
	__u32 v = 0;
	fill_l2(skb, &proto, &family);
	fill_l3(skb, family, &v);
	bpf_map_update_elem(&seen, &v, &proto, 0);
	return 0;
}
SEC("kprobe/consume_skb") int BPF_KPROBE(consume, struct sk_buff *skb)
{
	__u16 proto = 0, family = 0;
	__u32 v = 0;
	fill_l2_one(skb, &proto, &family);
	fill_l3(skb, family, &v);
	bpf_map_update_elem(&seen, &v, &proto, 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'copy_local_base', min: 24, text: `/* in the shape of aws-network-policy-agent's tc programs: in6_addr members copied into a flow key through a local
 * pointer into the packet (flow_key.saddr = ip->saddr), the pointer read elsewhere or not, loaded or derived */
struct flowkey { struct in6_addr src; struct in6_addr dst; struct in6_addr owner; __u8 proto; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, struct flowkey); __type(value, __u32); } flows SEC(".maps");
/* ip = data + 14 read by the copy alone: one record (the DAG folds 14 into every access) */
SEC("tc") int copy_only(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
/* data += 14; ip = data; read by ip->nexthdr first: two records per copy, the three saddr copies of one block share
 * the relocated address (one MOV, three folded loads) */
SEC("tc") int read_before(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if (data + sizeof(*eth) > end)
		return 0;
	if (eth->h_proto != bpf_htons(0x86dd))
		return 0;
	data += sizeof(*eth);
	struct ipv6hdr *ip = data;
	if (data + sizeof(*ip) > end)
		return 0;
	if (ip->nexthdr == 58)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	k.dst = ip->daddr;
	k.proto = ip->nexthdr;
	k.owner = ip->saddr;
	__u32 one = 1;
	if (bpf_map_lookup_elem(&flows, &k))
		return 1;
	struct flowkey r = {};
	r.src = ip->daddr;
	r.dst = ip->saddr;
	bpf_map_update_elem(&flows, &r, &one, 0);
	return 0;
}
/* two copies and nothing else through ip: each is the other's use */
SEC("tc") int two_copies(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	k.dst = ip->daddr;
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
/* ip loaded from the context: a register whatever reads it */
SEC("tc") int loaded(struct __sk_buff *skb)
{
	struct ipv6hdr *ip = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
/* ip = data + a variable offset: no constant for the DAG to fold, a register: two records */
SEC("tc") int var_off(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 off = skb->cb[0] & 0x3f;
	struct ipv6hdr *ip = data + off;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
/* read after the copy, in another block */
SEC("tc") int read_after(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	__u32 one = 1;
	if (bpf_map_update_elem(&flows, &k, &one, 0))
		return ip->nexthdr;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'unrolled_index', min: 16, text: `/* in the shape of aws-network-policy-agent's tc programs: an address copied byte by byte into a map key in a loop
 * LLVM unrolls fully (trie_key.ip[i] = ip->daddr.in6_u.u6_addr8[i]), and a task's comm read the same way */
struct lkey { __u32 len; __u8 ip[16]; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, struct lkey); __type(value, __u32); } lkeys SEC(".maps");
/* ip read by ip->nexthdr too: a register, two records */
SEC("tc") int byte_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	if (ip->nexthdr == 58)
		return 0;
	struct lkey k = {};
	for (int i = 0; i < 16; i++)
		k.ip[i] = ip->daddr.in6_u.u6_addr8[i];
	__u32 one = 1;
	bpf_map_update_elem(&lkeys, &k, &one, 0);
	return 0;
}
/* ip = data + 14 read by the loop alone: one record */
SEC("tc") int word_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	__u32 a[5] = {};
	for (int i = 0; i < 4; i++)
		a[i] = ip->saddr.in6_u.u6_addr32[i];
	__u32 one = 1;
	bpf_map_update_elem(&lkeys, a, &one, 0);
	return 0;
}
/* from index 1: no copy at offset 0, one record */
SEC("tc") int from_one(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	if (ip->nexthdr == 58)
		return 0;
	struct lkey k = {};
	for (int i = 1; i < 16; i++)
		k.ip[i] = ip->daddr.in6_u.u6_addr8[i];
	__u32 one = 1;
	bpf_map_update_elem(&lkeys, &k, &one, 0);
	return 0;
}
/* t loaded from the context: two records */
SEC("tp_btf/sched_switch") int comm_loop(u64 *ctx)
{
	struct task_struct *t = (void *)ctx[2];
	struct lkey k = {};
	for (int i = 0; i < 16; i++)
		k.ip[i] = t->comm[i];
	__u32 one = 1;
	bpf_map_update_elem(&lkeys, &k, &one, 0);
	return 0;
}
/* through a helper's parameter, inlined */
static __always_inline void fill_comm(struct lkey *k, struct task_struct *t)
{
	for (int i = 0; i < 16; i++)
		k->ip[i] = t->comm[i];
}
SEC("tp_btf/sched_wakeup") int comm_helper(u64 *ctx)
{
	struct lkey k = {};
	fill_comm(&k, (void *)ctx[0]);
	__u32 one = 1;
	bpf_map_update_elem(&lkeys, &k, &one, 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'switch_freq', min: 8, text: `/* in the shape of x-monitor's filter_ts: an if-else chain on the filter's scope type (a switch to LLVM), a static
 * helper reading the process group called in its last arm: each case runs 1/(n+1) of the chain's entry, so the call is
 * weighed at the full threshold in a 5-link chain (inlined) and at the cold one in a 19-link chain (a BPF-to-BPF call) */
struct sargs { __u32 scope; __u64 val; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct sargs); } sargm SEC(".maps");
static pid_t get_pgid(struct task_struct *task)
{
	struct signal_struct *signal = BPF_CORE_READ(task, signal);
	struct pid *pgid = BPF_CORE_READ(signal, pids[PIDTYPE_PGID]);
	struct upid u = BPF_CORE_READ(pgid, numbers[0]);
	return u.nr;
}
static __always_inline bool filter_short(struct task_struct *ts, pid_t tgid)
{
	__u32 idx = 0;
	if (!ts)
		return false;
	struct sargs *a = bpf_map_lookup_elem(&sargm, &idx);
	if (!a)
		return false;
	if (a->scope == 1) {
		return true;
	} else if (a->scope == 2) {
		if ((pid_t)a->val == tgid + 2)
			return true;
	} else if (a->scope == 3) {
		return true;
	} else if (a->scope == 4) {
		if ((pid_t)a->val == tgid + 4)
			return true;
	} else if (a->scope == 5) {
		pid_t pg = get_pgid(ts);
		if ((pid_t)a->val == pg)
			return true;
	}
	return false;
}
static __always_inline bool filter_long(struct task_struct *ts, pid_t tgid)
{
	__u32 idx = 0;
	if (!ts)
		return false;
	struct sargs *a = bpf_map_lookup_elem(&sargm, &idx);
	if (!a)
		return false;
	if (a->scope == 1) {
		return true;
	} else if (a->scope == 2) {
		if ((pid_t)a->val == tgid + 2)
			return true;
	} else if (a->scope == 3) {
		return true;
	} else if (a->scope == 4) {
		if ((pid_t)a->val == tgid + 4)
			return true;
	} else if (a->scope == 5) {
		return true;
	} else if (a->scope == 6) {
		if ((pid_t)a->val == tgid + 6)
			return true;
	} else if (a->scope == 7) {
		return true;
	} else if (a->scope == 8) {
		if ((pid_t)a->val == tgid + 8)
			return true;
	} else if (a->scope == 9) {
		return true;
	} else if (a->scope == 10) {
		if ((pid_t)a->val == tgid + 10)
			return true;
	} else if (a->scope == 11) {
		return true;
	} else if (a->scope == 12) {
		if ((pid_t)a->val == tgid + 12)
			return true;
	} else if (a->scope == 13) {
		return true;
	} else if (a->scope == 14) {
		if ((pid_t)a->val == tgid + 14)
			return true;
	} else if (a->scope == 15) {
		return true;
	} else if (a->scope == 16) {
		if ((pid_t)a->val == tgid + 16)
			return true;
	} else if (a->scope == 17) {
		return true;
	} else if (a->scope == 18) {
		if ((pid_t)a->val == tgid + 18)
			return true;
	} else if (a->scope == 19) {
		pid_t pg = get_pgid(ts);
		if ((pid_t)a->val == pg)
			return true;
	}
	return false;
}
SEC("tp_btf/sched_switch") int short_chain(u64 *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (!filter_short(t, bpf_get_current_pid_tgid() >> 32))
		return 0;
	return get_pgid(t) + 1;
}
SEC("tp_btf/sched_wakeup") int long_chain(u64 *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (!filter_long(t, bpf_get_current_pid_tgid() >> 32))
		return 0;
	return get_pgid((void *)ctx[0]) + 1;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'struct_copy_prefix', min: 14, text: `/* in the shape of kyanos's filter_conn_info: an in6_addr copied out of a plain record's union member holding the
 * vmlinux sockaddr_in6 (test = conn_info->raddr.in6.sin6_addr), after the caller or the helper itself touched
 * conn_info->raddr or not */
union sa_t { struct sockaddr sa; struct sockaddr_in in4; struct sockaddr_in6 in6; };
struct conn { __u64 id; union sa_t laddr; union sa_t raddr; __u32 role; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct in6_addr); __type(value, __u8); } ips SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u16); __type(value, __u8); } ports SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, struct conn); } conns SEC(".maps");
static __u16 k0;
static __always_inline bool filter_addr(struct conn *c)
{
	struct in6_addr test = {0};
	test.in6_u.u6_addr8[0] = 1;
	if (bpf_map_lookup_elem(&ips, &test)) {
		test.in6_u.u6_addr8[0] = 0;
		test = c->raddr.in6.sin6_addr;
		if (!bpf_map_lookup_elem(&ips, &test))
			return false;
	}
	return true;
}
/* the port read makes c + offsetof(raddr) a value of the blocks it dominates */
static __always_inline bool filter_port_addr(struct conn *c)
{
	__u16 port = c->raddr.in6.sin6_port;
	if (!bpf_map_lookup_elem(&ports, &port))
		return false;
	return filter_addr(c);
}
/* the port read only in an arm: it dominates nothing after it */
static __always_inline bool filter_maybe_port_addr(struct conn *c)
{
	if (bpf_map_lookup_elem(&ports, &k0)) {
		__u16 port = c->raddr.in6.sin6_port;
		if (!bpf_map_lookup_elem(&ports, &port))
			return false;
	}
	return filter_addr(c);
}
static __always_inline struct conn *conn_of(void)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&conns, &k);
}
SEC("kprobe/tcp_sendmsg") int BPF_KPROBE(copy_only, struct sock *sk)
{
	struct conn *c = conn_of();
	return c ? filter_addr(c) : 0;
}
SEC("kprobe/tcp_recvmsg") int BPF_KPROBE(after_port, struct sock *sk)
{
	struct conn *c = conn_of();
	return c ? filter_port_addr(c) : 0;
}
SEC("kprobe/tcp_close") int BPF_KPROBE(after_maybe_port, struct sock *sk)
{
	struct conn *c = conn_of();
	return c ? filter_maybe_port_addr(c) : 0;
}
/* the caller stores through c->raddr first (kyanos's create_conn_info_in_data_syscall) */
SEC("kprobe/tcp_connect") int BPF_KPROBE(after_store, struct sock *sk)
{
	struct conn *c = conn_of();
	if (!c)
		return 0;
	c->raddr.in6.sin6_port = 7;
	if (!bpf_map_lookup_elem(&ports, &k0))
		return 0;
	return filter_addr(c);
}
/* through laddr: another address, copy_only's count */
SEC("kprobe/tcp_finish_connect") int BPF_KPROBE(after_other, struct sock *sk)
{
	struct conn *c = conn_of();
	if (!c)
		return 0;
	c->laddr.in6.sin6_port = 7;
	if (!bpf_map_lookup_elem(&ports, &k0))
		return 0;
	return filter_addr(c);
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'ordered_compare', min: 9, text: `/* in the shape of ptcpdump's net.h has_valid_mac_data: \`mac < network && !(.. && network == mac && R)\` */
#define is_unset(x) ((x) == (typeof(x))~0U)
static __always_inline bool is_valid_mac(u16 mac) { return !is_unset(mac); }
static __always_inline bool is_valid_network(u16 network) { return network && !is_unset(network); }
/* mac < network makes network == mac false: InstCombine folds it, the mac_len read never runs */
static __always_inline bool has_valid_mac_data(const struct sk_buff *skb)
{
	u16 mac = BPF_CORE_READ(skb, mac_header);
	u16 network = BPF_CORE_READ(skb, network_header);
	return is_valid_mac(mac) && BPF_CORE_READ(skb, dev, hard_header_len) && mac < network &&
	       !(is_valid_network(network) && network == mac && BPF_CORE_READ(skb, mac_len) == 0);
}
/* mac <= network leaves network == mac possible: the read stays */
static __always_inline bool has_mac_data_le(const struct sk_buff *skb)
{
	u16 mac = BPF_CORE_READ(skb, mac_header);
	u16 network = BPF_CORE_READ(skb, network_header);
	return is_valid_mac(mac) && BPF_CORE_READ(skb, dev, hard_header_len) && mac <= network &&
	       !(is_valid_network(network) && network == mac && BPF_CORE_READ(skb, mac_len) == 0);
}
long hits;
SEC("tp_btf/netif_receive_skb") int BPF_PROG(rx, struct sk_buff *skb) { if (has_valid_mac_data(skb)) hits++; return 0; }
SEC("tp_btf/net_dev_queue") int BPF_PROG(tx, struct sk_buff *skb) { if (has_mac_data_le(skb)) hits++; return 0; }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'dead_code', min: 13, text: `/* in the shape of bpftune's tcp_nearly_out_of_memory: a min stored, then compared with its own operand */
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define GROW(v) ((v) + ((v) >> 3))
unsigned long long free_pages;
const volatile unsigned long long cap_pages = 1024;
long out[8];
static __always_inline void report(struct sock *sk, long *mem)
{
	struct net *net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	out[0] = mem[2] + (long)BPF_CORE_READ(net, ipv4.sysctl_tcp_wmem[2]);
}
/* mem_new[2] <= (free_pages >> 2) always holds: nothing after the if runs */
static __always_inline bool nearly_full(struct sock *sk, long *mem)
{
	long mem_new[3] = {};
	mem_new[2] = min(free_pages >> 2, GROW(mem[2]));
	if (mem_new[2] <= (free_pages >> 2)) {
		report(sk, mem_new);
		return true;
	}
	mem[0] = (long)BPF_CORE_READ(sk, sk_rcvbuf);
	report(sk, mem);
	return true;
}
/* a max declared, the operand on the left */
static __always_inline int max_decl(struct sock *sk, long a)
{
	long top = max(a, (long)free_pages);
	if ((long)free_pages > top)
		return (int)BPF_CORE_READ(sk, sk_sndbuf);
	return 0;
}
/* kept: a strict comparison, a helper call between the store and the test (free_pages may change), a volatile knob,
 * a signed min compared unsigned */
static __always_inline int kept(struct sock *sk, long a, long b)
{
	int r = 0;
	unsigned long long x = min(free_pages >> 2, (unsigned long long)a);
	if (x < (free_pages >> 2))
		r += BPF_CORE_READ(sk, sk_priority);
	x = min(free_pages >> 2, (unsigned long long)b);
	out[3] = bpf_ktime_get_ns();
	if (x <= (free_pages >> 2))
		return r;
	r += BPF_CORE_READ(sk, sk_mark);
	x = min(cap_pages, (unsigned long long)a);
	if (x <= cap_pages)
		return r;
	r += BPF_CORE_READ(sk, sk_rcvlowat);
	long s = min(a, b);
	if ((unsigned long)s <= (unsigned long)a)
		return r;
	return r + BPF_CORE_READ(sk, sk_txhash);
}
/* code after an exit: a constant condition's return, a goto, a case's return, a loop's break */
#define TRACE_ALL 1
static __always_inline int after_exit(struct sock *sk, int kind)
{
	int r = 0;
	if (TRACE_ALL)
		return BPF_CORE_READ(sk, sk_err);
	r = BPF_CORE_READ(sk, sk_err_soft);
	return r;
}
static __always_inline int after_goto(struct sock *sk, int kind)
{
	int r = 0;
	if (kind > 3)
		goto out;
	r = BPF_CORE_READ(sk, sk_ack_backlog);
	goto out;
	r += BPF_CORE_READ(sk, sk_max_ack_backlog);
out:
	return r + BPF_CORE_READ(sk, sk_forward_alloc);
}
static __always_inline int after_case(struct sock *sk, int kind)
{
	switch (kind) {
	case 1:
		return BPF_CORE_READ(sk, sk_wmem_queued);
		out[4] = BPF_CORE_READ(sk, sk_reserved_mem);
	case 2:
		return BPF_CORE_READ(sk, sk_tsflags);
	default:
		break;
		out[5] = BPF_CORE_READ(sk, sk_drops.counter);
	}
	return 0;
}
SEC("fentry/tcp_enter_memory_pressure") int BPF_PROG(pressure, struct sock *sk)
{
	long mem[3];
	bpf_probe_read_kernel(mem, sizeof(mem), BPF_CORE_READ(sk, __sk_common.skc_prot, sysctl_mem));
	return nearly_full(sk, mem) + max_decl(sk, mem[1]);
}
SEC("fentry/tcp_init_sock") int BPF_PROG(init_sock, struct sock *sk)
{
	long a = (long)bpf_ktime_get_ns() - 100, b = (long)bpf_get_prandom_u32() - 7;
	return kept(sk, a, b) + after_exit(sk, (int)a) + after_goto(sk, (int)b) + after_case(sk, (int)(a ^ b));
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'exit_arms', min: 60, text: `/* in the shape of Hades' get_socket_info_sub: an fd table scanned in an unrolled loop, the socket found reported
 * from the loop's exit arm */
#define READ_KERN(ptr) ({ typeof(ptr) _val; __builtin_memset((void *)&_val, 0, sizeof(_val)); bpf_core_read((void *)&_val, sizeof(_val), &ptr); _val; })
long out[64];
static __always_inline void details(struct sock *sk, long *o)
{
	o[0] = READ_KERN(sk->__sk_common.skc_daddr);
	o[1] = READ_KERN(sk->__sk_common.skc_rcv_saddr);
}
static __always_inline struct sock *sock_of(struct file **fd, int i)
{
	struct file *file = READ_KERN(fd[i]);
	if (!file)
		return NULL;
	struct socket *socket = READ_KERN(file->private_data);
	if (!socket)
		return NULL;
	return READ_KERN(socket->sk);
}
/* one copy of the return arm: every iteration branches to the same exit */
static __always_inline int by_return(struct file **fd)
{
	u16 family;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		struct sock *sk = sock_of(fd, i);
		if (!sk)
			continue;
		family = READ_KERN(sk->__sk_common.skc_family);
		if (family == 2) {
			bpf_probe_read_kernel(&out[40], sizeof(family), &family);
			details(sk, out);
			return 1;
		}
	}
	return 0;
}
/* the same through a break */
static __always_inline int by_break(struct file **fd)
{
	int found = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct sock *sk = sock_of(fd, i);
		if (!sk)
			continue;
		if (READ_KERN(sk->__sk_common.skc_state) == 1) {
			out[41] = READ_KERN(sk->__sk_common.skc_num);
			found = 1;
			break;
		}
	}
	return found;
}
/* kept per copy: the arm names the induction variable (each copy its own constant) */
static __always_inline int with_index(struct file **fd)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct sock *sk = sock_of(fd, i);
		if (sk && READ_KERN(sk->__sk_common.skc_family) == 10) {
			out[8 + i] = READ_KERN(sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[0]);
			return i;
		}
	}
	return -1;
}
/* kept per copy: the arm goes on to the next iteration */
static __always_inline int by_continue(struct file **fd)
{
	int n = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct sock *sk = sock_of(fd, i);
		if (sk) {
			n += READ_KERN(sk->__sk_common.skc_bound_dev_if);
			continue;
		}
	}
	return n;
}
/* kept per copy: the arm may also go on to the next iteration (falco's d_path walk) */
static __always_inline int mixed_exit(struct file **fd)
{
	int n = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct sock *sk = sock_of(fd, i);
		if (sk) {
			if (READ_KERN(sk->__sk_common.skc_tx_queue_mapping) > 1) {
				n += READ_KERN(sk->__sk_common.skc_hash);
				continue;
			}
			out[42] = (long)READ_KERN(sk->__sk_common.skc_prot);
			break;
		}
	}
	return n;
}
SEC("kprobe/scan") int scan(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct file **fd = READ_KERN(t->files->fdt->fd);
	return by_return(fd) + by_break(fd) + with_index(fd) + by_continue(fd) + mixed_exit(fd);
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'inline_definitions', min: 10, text: `/* an skb handler in the shape of ptcpdump's: one static helper, inlined into non-static inline wrappers */
static __always_inline void handle(struct __sk_buff *skb, bool egress, long *out)
{
	out[0] = skb->len + skb->ifindex;
	if (egress)
		out[1] = skb->mark;
}
long res[4];
__always_inline void handle_ingress(struct __sk_buff *skb) { handle(skb, false, res); }
inline void handle_egress(struct __sk_buff *skb) { handle(skb, true, res); res[2] = skb->priority; }
/* emitted: the attribute without the keyword, and extern inline (external definitions) */
__attribute__((always_inline)) int queue_of(struct __sk_buff *skb) { return skb->queue_mapping; }
extern inline int proto_of(struct __sk_buff *skb) { return skb->protocol; }
SEC("tc") int ingress(struct __sk_buff *skb) { handle_ingress(skb); return queue_of(skb); }
SEC("tc") int egress(struct __sk_buff *skb) { handle_egress(skb); return proto_of(skb); }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'not_param', min: 6, text: `/* in the shape of ptcpdump's parse_skb_meta(skb, !cgroup_skb, ...): the negated parameter folds per program */
long res[4];
static __always_inline int parse(struct __sk_buff *skb, bool l2, long *out)
{
	__u16 proto;
	if (l2) {
		if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)) < 0)
			return -1;
		out[0] = proto;
	} else {
		out[0] = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	}
	out[1] = skb->len;
	return 0;
}
static __always_inline void handle(struct __sk_buff *skb, bool cgroup, bool egress)
{
	parse(skb, !cgroup, res);
	if (egress)
		res[2] = skb->mark;
}
SEC("tc") int tc_in(struct __sk_buff *skb) { handle(skb, false, false); return 0; }
SEC("tc") int tc_out(struct __sk_buff *skb) { handle(skb, false, true); return 0; }
SEC("cgroup_skb/ingress") int cg_in(struct __sk_buff *skb) { handle(skb, true, false); return 1; }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'dropped_args', min: 3, text: `/* in the shape of kubeshark's openssl uprobes: BPF_KPROBE bodies hand every argument to one helper that reads
 * some of them; clang drops the PT_REGS loads of the others (two levels of inlining) */
struct info { __u64 buf; __u64 count; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u64); __type(value, struct info); } ctxs SEC(".maps");
static __always_inline void remember(struct info *i, __u64 buf, __u64 count) { i->buf = buf; i->count = count; }
static __always_inline void on_call(struct pt_regs *ctx, void *ssl, __u64 buf, int num, __u64 count_ptr)
{
	struct info i = {};
	__u64 id = bpf_get_current_pid_tgid();
	remember(&i, buf, count_ptr);
	bpf_map_update_elem(&ctxs, &id, &i, BPF_ANY);
}
SEC("uprobe/ssl_write") int BPF_KPROBE(ssl_write, void *ssl, __u64 buffer, int num) { on_call(ctx, ssl, buffer, num, 0); return 0; }
SEC("uprobe/ssl_write_ex") int BPF_KPROBE(ssl_write_ex, void *ssl, __u64 buffer, __u64 num, __u64 written) { on_call(ctx, ssl, buffer, num, written); return 0; }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'global_functions', min: 15, text: `/* a global helper in the shape of learning-ebpf's packet.h, called from two XDP programs */
unsigned char proto_of(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if (data + sizeof(*eth) + sizeof(struct iphdr) > end)
		return 0;
	if (bpf_ntohs(eth->h_proto) != 0x0800)
		return 0;
	struct iphdr *ip = data + sizeof(*eth);
	return ip->protocol;
}
__weak int weak_len(struct xdp_md *ctx) { return ctx->data_end - ctx->data; }
__noinline int queue_of(struct xdp_md *ctx) { return ctx->rx_queue_index; }
int total;
SEC("xdp") int ping(struct xdp_md *ctx) { return proto_of(ctx) == 1 ? XDP_DROP : XDP_PASS; }
SEC("xdp") int count(struct xdp_md *ctx) { total += weak_len(ctx) + queue_of(ctx); return proto_of(ctx) ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'bitfield_typedef', min: 12, text: `/* in the shape of bpftime's redis hotpatch: a redis-server.h under a preserve_access_index pragma, read through
 * its typedefs (robj, client) from a uprobe's void pointer */
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
struct redis_object { unsigned int type: 4; unsigned int encoding: 4; unsigned int lru: 24; int refcount; void *ptr;
	struct { int hi: 3; int lo: 5; }; };
typedef struct redis_object robj;
struct redis_client { int id; robj *argv0; robj inline_obj; };
typedef struct redis_client client;
typedef union { int small: 3; int whole; } num_t;
#pragma clang attribute pop
long out[10];
static inline unsigned int read_type(void *base)
{
	unsigned a = ((robj *)base)->type;
	return a & 0x0f;
}
SEC("uprobe/redis-server:xgroupCommand") int BPF_KPROBE(xgroup, void *base)
{
	client *c = base;
	robj *o = base;
	out[0] = read_type(base);
	out[1] = ((robj *)base)->refcount;
	out[2] = o->encoding;
	out[3] = c->argv0->lru;
	out[4] = c->inline_obj.encoding;
	out[5] = ((robj *)base)->lo;
	out[6] = BPF_CORE_READ_BITFIELD_PROBED(o, lru);
	out[7] = ((num_t *)base)->small;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'volatile_locals', min: 6, text: `/* in the shape of cilium/ebpf's relocs_enum.c: relocated constants kept in volatile locals nothing reads */
enum subsys_id { cpuset_id, cpuset_id_x, subsys_count };
struct two_sizes { __u32 a; __u32 b; };
typedef volatile long vlong;
SEC("socket/core_ld64imm") int core_ld64imm(void *ctx)
{
	if (bpf_core_enum_value_exists(enum subsys_id, cpuset_id_x)) {
		__attribute__((unused)) const volatile int val = bpf_core_enum_value(enum subsys_id, cpuset_id_x);
	}
	return 0;
}
SEC("kprobe/sizes") int BPF_KPROBE(sizes)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	volatile int size = bpf_core_field_size(t->pid);
	int unread = bpf_core_field_size(t->tgid);
	volatile struct two_sizes s = { bpf_core_field_size(t->flags), bpf_core_type_size(struct task_struct) };
	volatile __u32 offs[2] = { bpf_core_field_offset(t->flags), 1 };
	vlong off = bpf_core_field_offset(t->tgid);
	if (t->pid == 3)
		return size;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'dead_stores', min: 7, text: `/* in the shape of lmp's fs_watcher write.bpf.c: registers read into locals nothing reads after */
struct fs_t { int fd; int pid; long count; long real_count; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, pid_t); __type(value, int); } data SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 256 * 1024); } rb SEC(".maps");
long out[4];
SEC("kprobe/vfs_write") int kprobe_vfs_write(struct pt_regs *ctx)
{
	struct file *filp;
	pid_t pid;
	struct fs_t *e;
	int *fd_ptr;
	filp = PT_REGS_PARM1(ctx);
	size_t count = (size_t)PT_REGS_PARM3(ctx);
	size_t real_count = PT_REGS_RC(ctx);
	pid = bpf_get_current_pid_tgid() >> 32;
	fd_ptr = bpf_map_lookup_elem(&data, &pid);
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	if (fd_ptr) {
		e->fd = *fd_ptr;
		e->real_count = real_count;
		e->count = count;
		e->pid = pid;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}
/* overwritten before any read, overwritten in one arm only, read through a later dereference */
SEC("kprobe/vfs_read") int kprobe_vfs_read(struct pt_regs *ctx)
{
	struct task_struct *t;
	long v = 0;
	t = (void *)PT_REGS_PARM1(ctx);
	t = (void *)PT_REGS_PARM2(ctx);
	if (out[0])
		v = PT_REGS_PARM3(ctx);
	out[1] = v;
	v = PT_REGS_PARM4(ctx);
	return BPF_CORE_READ(t, pid);
}
/* in a loop the store reaches the read above it on the back edge */
SEC("kprobe/vfs_fsync") int kprobe_vfs_fsync(struct pt_regs *ctx)
{
	long v = 0;
	for (int i = 0; i < out[2]; i++) {
		out[3] += v;
		v = PT_REGS_PARM5(ctx);
	}
	return 0;
}
/* a parameter of an inlined helper given a register and overwritten unread */
static __always_inline long pick(struct pt_regs *ctx, long x)
{
	x = PT_REGS_PARM4(ctx);
	return 0;
}
SEC("kprobe/vfs_open") int kprobe_vfs_open(struct pt_regs *ctx)
{
	return pick(ctx, 3);
}
/* a static local outlives the call: the next call reads the store (one nothing reads at all GlobalOpt deletes) */
SEC("kprobe/vfs_fallocate") int kprobe_vfs_fallocate(struct pt_regs *ctx)
{
	static long last_mode;
	long prev = last_mode;
	last_mode = PT_REGS_PARM2(ctx);
	return prev;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'member_names', min: 5, text: `/* in the shape of lmp's mem_watcher fraginfo.bpf.c: BPF_KPROBE parameters named only as members of locals */
struct zone_info { u64 zone_ptr; unsigned int order; unsigned long spanned; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, u64); __type(value, struct zone_info); } zones SEC(".maps");
SEC("kprobe/get_page_from_freelist")
int BPF_KPROBE(get_page_from_freelist, gfp_t gfp_mask, unsigned int order, int alloc_flags, const struct alloc_context *ac)
{
	struct zone_info zone_data = {};
	struct zone_info *zp = &zone_data;
	struct zone *z = BPF_CORE_READ(ac, preferred_zoneref, zone);
	u64 key = (u64)z;
	for (unsigned int a_order = 0; a_order <= 3; ++a_order) {
		zone_data.order = a_order;
		zp->spanned = BPF_CORE_READ(z, spanned_pages);
		bpf_map_update_elem(&zones, &key, &zone_data, BPF_ANY);
	}
	return 0;
}
/* the same name read as a variable too: its register load stays */
SEC("kprobe/__alloc_pages")
int BPF_KPROBE(alloc_pages, gfp_t gfp, unsigned int order)
{
	struct zone_info zone_data = { .order = order };
	u64 key = 0;
	bpf_map_update_elem(&zones, &key, &zone_data, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'unicode_space', min: 3, text: `/* in the shape of lmp's old_project write.bpf.c: a no-break space (U+00A0) after a statement, whitespace to clang */
struct fs_ev { unsigned long ino; long count; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
SEC("kprobe/vfs_write") int kprobe_vfs_write(struct pt_regs *ctx)
{
	struct file *filp = (struct file *)PT_REGS_PARM1(ctx);\u00a0
	struct dentry *dentry = BPF_CORE_READ(filp, f_path.dentry);\u3000
	if (!dentry)
		return 0;
	struct fs_ev *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ino = BPF_CORE_READ(dentry, d_inode, i_ino);
	e->count = PT_REGS_PARM3(ctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'lowercase_macros', min: 3, text: `/* in the shape of retsnoop's printk_is_sane: object-like macros named in lower case that expand to CO-RE checks,
 * in functions where nothing else looks relocatable (no member access, no subscript, no call of a CO-RE macro) */
#define sane (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_trace_vprintk))
#define has_state bpf_core_field_exists(struct task_struct, __state)
#define task_size bpf_core_type_size(struct task_struct)
__u64 out0, out1, out2;
SEC("kprobe/lc_a") int lc_a(void *ctx)
{
	int res = 1;
	if (sane)
		res = 2;
	out0 = res;
	return 0;
}
SEC("kprobe/lc_b") int lc_b(void *ctx)
{
	out1 = has_state;
	out2 = task_size;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'core_read_addr', min: 10, text: `/* in the shape of nettrace's bpf_qdisc_handle: BPF_CORE_READ of a member's address, \`_C(&(q->q), qlen)\` */
long out[8];
struct other_head { struct sk_buff *next; struct sk_buff *prev; __u32 qlen; };
typedef struct qdisc_skb_head qhead_t;
SEC("tp_btf/qdisc_dequeue") int BPF_PROG(qdisc_dequeue, struct Qdisc *q)
{
	out[0] = BPF_CORE_READ(&(q->q), qlen);
	out[1] = BPF_CORE_READ((qhead_t *)&q->q, qlen);
	out[2] = ((const struct qdisc_skb_head *)&q->q)->qlen;
	return 0;
}
/* a cast to another record ends the chain: two relocations */
SEC("kprobe/qdisc_enqueue") int BPF_KPROBE(qdisc_enqueue, struct Qdisc *q)
{
	out[3] = BPF_CORE_READ((struct other_head *)&q->q, qlen);
	struct qdisc_skb_head *h = &q->q;
	out[4] = BPF_CORE_READ(h, qlen);
	return 0;
}
SEC("kprobe/finish_task_switch") int BPF_KPROBE(finish_task_switch, struct task_struct *t)
{
	out[5] = BPF_CORE_READ(&t->se, vruntime) + BPF_CORE_READ(&t->signal->rlim[1], rlim_max);
	bpf_core_read(&out[6], 8, &t->se.vruntime);
	out[7] = bpf_core_field_exists(((struct sched_entity *)&t->se)->vruntime);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'switch_twins', min: 28, text: `/* in the shape of libbpf-rs' tcp_option example: switch arms that repeat an earlier arm's code */
long out[8];
SEC("sockops") int same_arms(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_HDR_OPT_LEN_CB:
		out[0] = skops->skb_len;
		break;
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: {
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	}
	}
	return 1;
}
/* arms ending in a return keep their records */
SEC("kprobe/x") int BPF_KPROBE(return_arms, struct task_struct *t, int k)
{
	switch (k) {
	case 1: return BPF_CORE_READ(t, pid);
	case 2: return BPF_CORE_READ(t, tgid);
	case 3: return BPF_CORE_READ(t, pid);
	}
	return 0;
}
/* arms falling into twin arms are twins */
SEC("kprobe/z") int BPF_KPROBE(falling_arms, struct task_struct *t, int k)
{
	switch (k) {
	case 1: out[2] = BPF_CORE_READ(t, pid);
	case 2: out[3] = BPF_CORE_READ(t, tgid); break;
	case 3: out[2] = BPF_CORE_READ(t, pid);
	case 4: out[3] = BPF_CORE_READ(t, tgid); break;
	case 5: out[2] = BPF_CORE_READ(t, pid);
	case 6: out[4] = BPF_CORE_READ(t, tgid); break;
	}
	return 0;
}
/* in an inlined helper: twins where both arms are there, one arm where the caller's constant keeps one */
static __always_inline void pick(struct task_struct *t, int k)
{
	switch (k) {
	case 1: out[2] = BPF_CORE_READ(t, real_parent, pid); break;
	case 2: out[3] = BPF_CORE_READ(t, tgid); break;
	case 3: out[2] = BPF_CORE_READ(t, real_parent, pid); break;
	}
}
SEC("kprobe/b") int BPF_KPROBE(constant_pick, struct task_struct *t)
{
	pick(t, 3);
	pick(t, 2);
	return 0;
}
SEC("kprobe/c") int BPF_KPROBE(any_pick, struct task_struct *t, int k)
{
	pick(t, k);
	return 0;
}
/* arms that continue a loop keep their records */
SEC("kprobe/d") int BPF_KPROBE(continue_arms, struct task_struct *t, int k)
{
	for (int i = 0; i < k && i < 50; i++) {
		switch (i & 3) {
		case 1: out[2] += BPF_CORE_READ(t, pid); continue;
		case 2: out[3] += BPF_CORE_READ(t, tgid); break;
		case 3: out[2] += BPF_CORE_READ(t, pid); continue;
		}
		out[4]++;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'pointer_hops', min: 60, text: `long out[8];
/* in the shape of libbpf-rs' map iterator test: one ctx->meta record for both reads */
SEC("iter/bpf_map_elem") int h0_iter(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	__u64 num = ctx->meta->seq_num;
	__u32 *key = ctx->key;
	if (!key || num > 100)
		return 0;
	bpf_seq_write(seq, key, sizeof(*key));
	return 0;
}
SEC("iter/bpf_map_elem") int h1_a_call(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	bpf_printk("x");
	__u64 n = ctx->meta->seq_num;
	bpf_seq_write(seq, &n, 8);
	return 0;
}
SEC("iter/bpf_map_elem") int h1_b_store(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	out[0] = 1;
	__u64 n = ctx->meta->seq_num;
	bpf_seq_write(seq, &n, 8);
	return 0;
}
SEC("iter/bpf_map_elem") int h1_c_branch(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	if (!seq) return 0;
	__u64 n = ctx->meta->seq_num;
	bpf_seq_write(seq, &n, 8);
	return 0;
}
SEC("tp_btf/sched_process_fork") int BPF_PROG(h1_d_parent, struct task_struct *parent, struct task_struct *child)
{
	out[1] = child->real_parent->tgid;
	out[2] = child->real_parent->pid;
	return 0;
}
SEC("tp_btf/sched_process_exec") int BPF_PROG(h1_e_local, struct task_struct *p)
{
	struct task_struct *pp = p->real_parent;
	out[3] = pp->tgid;
	out[4] = p->real_parent->pid;
	return 0;
}
SEC("tp_btf/sched_process_exit") int BPF_PROG(h1_f_sunk, struct task_struct *p)
{
	struct task_struct *pp = p->real_parent;
	if (p->real_parent->pid > 100)
		out[5] = pp->tgid;
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(h1_g_three, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[1] = next->mm->total_vm;
	out[2] = next->mm->map_count;
	out[3] = prev->mm->total_vm + next->mm->hiwater_rss;
	return 0;
}
SEC("tp_btf/sched_process_fork") int BPF_PROG(h2_d_locals, struct task_struct *parent, struct task_struct *child)
{
	u32 a = child->real_parent->tgid;
	u32 b = child->real_parent->pid;
	out[1] = a + b;
	return 0;
}
SEC("tp_btf/sched_process_exec") int BPF_PROG(h2_e_kept, struct task_struct *p)
{
	u32 a = p->real_parent->tgid;
	u32 b = p->real_parent->pid;
	if (b > 100)
		out[2] = a;
	return 0;
}
SEC("tp_btf/sched_process_exit") int BPF_PROG(h2_f_sunk, struct task_struct *p)
{
	u32 a = p->real_parent->tgid;
	if (p->real_parent->pid > 100)
		out[5] = a;
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(h2_g_three, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u64 a = next->mm->total_vm;
	u64 b = next->mm->map_count;
	u64 c = next->mm->hiwater_rss;
	out[3] = a + b + c;
	return 0;
}
SEC("tp_btf/sched_wakeup") int BPF_PROG(h2_h_sunk2, struct task_struct *p)
{
	u64 a = p->mm->total_vm;
	u64 b = p->mm->map_count;
	if (b)
		out[4] = a;
	return 0;
}
SEC("tp_btf/sched_process_fork") int BPF_PROG(h3_later_sunk, struct task_struct *parent, struct task_struct *child)
{
	u32 a = child->real_parent->tgid;
	u32 b = child->real_parent->pid;
	if (a > 100)
		out[1] = b;
	return 0;
}
SEC("tp_btf/sched_process_exec") int BPF_PROG(h3_both_arms, struct task_struct *p)
{
	u32 a = p->real_parent->tgid;
	u32 b = p->real_parent->pid;
	if (b > 100)
		out[2] = a;
	else
		out[3] = a;
	return 0;
}
SEC("tp_btf/sched_process_exit") int BPF_PROG(h3_after_if, struct task_struct *p)
{
	u32 a = p->real_parent->tgid;
	if (p->real_parent->pid > 100)
		out[5] = 1;
	out[6] = a;
	return 0;
}
SEC("tp_btf/sched_wakeup") int BPF_PROG(h3_assigned, struct task_struct *p)
{
	u64 a;
	a = p->mm->total_vm;
	u64 b = p->mm->map_count;
	if (b)
		out[4] = a;
	return 0;
}
SEC("tp_btf/sched_wakeup_new") int BPF_PROG(h3_nested_arm, struct task_struct *p)
{
	u64 a = p->mm->total_vm;
	u64 b = p->mm->map_count;
	if (b) {
		if (b > 5)
			out[4] = a;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'unevaluated_args', min: 8, text: `/* a probe's argument named only where C never evaluates it: sizeof, typeof, a CO-RE builtin's operand */
long out[8];
static bool has_state(struct task_struct *t) { return bpf_core_field_exists(t->__state); }
static __always_inline long tsize(struct task_struct *t) { return bpf_core_type_size(typeof(*t)) + sizeof(t->comm); }
SEC("kprobe/a") int BPF_KPROBE(direct, struct task_struct *t)
{
	out[0] = bpf_core_field_exists(t->__state);
	return 0;
}
SEC("kprobe/b") int BPF_KPROBE(via_helper, struct task_struct *t)
{
	out[1] = has_state(t);
	return 0;
}
SEC("kprobe/c") int BPF_KPROBE(via_inline, struct task_struct *t)
{
	out[2] = tsize(t);
	return 0;
}
SEC("kprobe/d") int BPF_KPROBE(mixed, struct task_struct *t)
{
	if (has_state(t))
		out[3] = BPF_CORE_READ(t, __state);
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(local_sizeof, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u64 a = next->mm->total_vm;
	out[0] = sizeof(a);
	return 0;
}
SEC("kprobe/x2") int BPF_KPROBE(kp_sizeof, struct task_struct *t)
{
	out[1] = sizeof(*t) + sizeof(t->pid);
	return 0;
}
SEC("kprobe/y2") int BPF_KPROBE(kp_typeof, struct task_struct *t)
{
	typeof(t->pid) v = 3;
	out[2] = v + bpf_core_type_id_kernel(typeof(*t));
	return 0;
}
SEC("kprobe/z2") int BPF_KPROBE(kp_enum, struct task_struct *t, int k)
{
	out[3] = bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_map_lookup_elem) + k;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'offsetof_callee', min: 7, text: `/* in the shape of libbpf-rs' tcp_option example: offsetof() on a preserve_access_index record, alone in a helper
 * LLVM inlines by its cost (no other access there): tree-sitter reads offsetof as a keyword, not a call */
static inline int ip_is_fragment(struct __sk_buff *skb, __u32 nhoff)
{
	__u16 frag_off;
	bpf_skb_load_bytes(skb, nhoff + offsetof(struct iphdr, frag_off), &frag_off, 2);
	frag_off = __bpf_ntohs(frag_off);
	return frag_off & 0x3fff;
}
static int l4_proto(struct __sk_buff *skb, __u32 nhoff)
{
	__u8 proto = 0;
	bpf_skb_load_bytes(skb, nhoff + offsetof(struct iphdr, protocol), &proto, 1);
	return proto;
}
/* out of line: its own relocation once in .text */
static __noinline int daddr_of(struct __sk_buff *skb, __u32 nhoff)
{
	__u32 a = 0;
	bpf_skb_load_bytes(skb, nhoff + offsetof(struct iphdr, daddr), &a, 4);
	return a;
}
long out[4];
SEC("socket") int classify(struct __sk_buff *skb)
{
	if (ip_is_fragment(skb, 14))
		return 0;
	out[0] = l4_proto(skb, 14);
	out[1] = daddr_of(skb, 14);
	return 0;
}
SEC("tc") int count(struct __sk_buff *skb)
{
	if (ip_is_fragment(skb, 14) || l4_proto(skb, 14) != 6)
		return 0;
	/* __builtin_offsetof is a constant to clang 14: no relocation */
	out[2] = skb->len + __builtin_offsetof(struct iphdr, ttl) + offsetof(struct iphdr, saddr);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'exit_arm_ifs', min: 200, text: `/* in the shape of a d_path walk (kubescape node-agent's trace_open): the arm that leaves the loop first checks
 * the mount, continues on a mount point, then tests the super block before its break */
#define NPARTS 8
#define MAGIC 0x9fa0
struct scratch { char buf[4096]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, u32); __type(value, struct scratch); } bufs SEC(".maps");
static __always_inline long walk(struct path *p)
{
	u32 z = 0;
	struct scratch *s = bpf_map_lookup_elem(&bufs, &z);
	if (!s)
		return 0;
	struct dentry *dentry = BPF_CORE_READ(p, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(p, mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);
	unsigned int off = 2048;
	char slash = '/';
#pragma unroll
	for (int i = 0; i < NPARTS; i++) {
		struct dentry *root = BPF_CORE_READ(vfsmnt, mnt_root);
		struct dentry *up = BPF_CORE_READ(dentry, d_parent);
		if (dentry == root || dentry == up) {
			if (dentry != root)
				break;
			if (mnt != parent) {
				bpf_probe_read_kernel(&dentry, sizeof(dentry), &mnt->mnt_mountpoint);
				bpf_probe_read_kernel(&mnt, sizeof(mnt), &mnt->mnt_parent);
				bpf_probe_read_kernel(&parent, sizeof(parent), &mnt->mnt_parent);
				vfsmnt = &mnt->mnt;
				continue;
			}
			/* one copy: from here on the arm reaches the exit only */
			if (off >= 5 && BPF_CORE_READ(dentry, d_sb, s_magic) == MAGIC) {
				off -= 1;
				bpf_probe_read_kernel(&s->buf[off & 2047], 1, &slash);
			}
			break;
		}
		struct qstr name = BPF_CORE_READ(dentry, d_name);
		unsigned int len = (name.len + 1) & 255;
		off -= len;
		bpf_probe_read_kernel_str(&s->buf[off & 2047], len, name.name);
		dentry = up;
	}
	return off;
}
SEC("kprobe/vfs_open") int BPF_KPROBE(open_walk, struct path *p)
{
	return walk(p);
}
SEC("kprobe/vfs_truncate") int BPF_KPROBE(trunc_walk, struct path *p)
{
	return walk(p) + walk(p);
}
long seen[4];
/* an exit arm with no continue before it: its if/else and the rest leave the loop from every copy */
static __always_inline int find_sock(struct file **fd)
{
#pragma unroll
	for (int i = 0; i < 6; i++) {
		struct file *f = NULL;
		bpf_probe_read_kernel(&f, sizeof(f), &fd[i]);
		if (!f)
			continue;
		struct socket *sock = BPF_CORE_READ(f, private_data);
		if (sock) {
			struct sock *sk = BPF_CORE_READ(sock, sk);
			if (BPF_CORE_READ(sk, __sk_common.skc_family) == 10)
				seen[0] = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[3]);
			else
				seen[1] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			seen[2] = BPF_CORE_READ(sk, __sk_common.skc_num);
			return 1;
		}
	}
	return 0;
}
SEC("kprobe/sock_close") int BPF_KPROBE(close_scan, struct task_struct *t)
{
	struct file **fd = BPF_CORE_READ(t, files, fdt, fd);
	return find_sock(fd);
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'local_loads', min: 6, text: `/* in the shape of SysmonForLinux's TCPaccept: a sockaddr copied to the stack, its port byte-swapped by hand */
struct ev { unsigned short port; unsigned char addr[16]; };
struct ev evs[4];
SEC("kprobe/inet_csk_accept") int BPF_KPROBE(acc, void *uaddr, int *len)
{
	int socklen = 0;
	struct sockaddr_in s_addr;
	struct sockaddr_in6 s_addr6;
	struct ev *event = &evs[0];
	bpf_probe_read(&socklen, sizeof(socklen), len);
	if (socklen <= sizeof(struct sockaddr_in)) {
		bpf_probe_read(&s_addr, sizeof(s_addr), uaddr);
		bpf_probe_read(event->addr, 4, (void *)&(s_addr.sin_addr));
		event->port = (s_addr.sin_port >> 8) | ((s_addr.sin_port & 0xFF) << 8);
	} else {
		bpf_probe_read(&s_addr6, sizeof(s_addr6), uaddr);
		bpf_probe_read(event->addr, 16, (void *)&(s_addr6.sin6_addr));
		event->port = (s_addr6.sin6_port >> 8) | ((s_addr6.sin6_port & 0xFF) << 8);
	}
	return 0;
}
SEC("kprobe/a1") int BPF_KPROBE(a1, void *uaddr)
{
	struct sockaddr_in s;
	bpf_probe_read(&s, sizeof(s), uaddr);
	evs[1].port = s.sin_port + s.sin_port;
	return 0;
}
/* through a pointer: one record already */
SEC("kprobe/a3") int BPF_KPROBE(a3, struct sockaddr_in *p)
{
	evs[2].port = (p->sin_port >> 8) | ((p->sin_port & 0xFF) << 8);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'exit_calls', min: 600, text: `/* in the shape of Hades' get_socket_info: an unrolled walk of tasks calls an inlined helper whose own unrolled loop
 * returns 1 from an arm (sunk into one copy there); the caller leaves its loop when the helper returns 1, so
 * JumpThreading sends every copy's arm to the caller's exit and SimplifyCFG sinks them again: one record each */
#define READ_KERN(ptr) ({ typeof(ptr) _val; __builtin_memset((void *)&_val, 0, sizeof(_val)); bpf_core_read((void *)&_val, sizeof(_val), &ptr); _val; })
struct buf { __u8 b[256]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct buf); } bufs SEC(".maps");
struct v4 { __u32 la, ra; __u16 lp, rp; };
__u32 out, seen;
static __always_inline void save(struct buf *b, void *p, int n) { bpf_probe_read(b->b, n & 63, p); }
static __always_inline void details(struct sock *sk, struct v4 *d)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	d->la = READ_KERN(inet->inet_saddr);
	d->lp = READ_KERN(inet->inet_sport);
	d->ra = READ_KERN(inet->sk.__sk_common.skc_daddr);
	d->rp = READ_KERN(inet->sk.__sk_common.skc_dport);
}
static __always_inline int sub(struct buf *b, struct fdtable *fdt)
{
	struct file **fd = READ_KERN(fdt->fd);
	if (!fd)
		return 0;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		struct file *file = READ_KERN(fd[i]);
		if (!file)
			continue;
		struct socket *socket = READ_KERN(file->private_data);
		if (!socket)
			continue;
		struct sock *sk = READ_KERN(socket->sk);
		if (!sk)
			continue;
		__u16 family = READ_KERN(sk->__sk_common.skc_family);
		if (family == 2) {
			struct v4 d = {};
			save(b, &family, 2);
			details(sk, &d);
			save(b, &d, sizeof(d));
			return 1;
		}
	}
	return 0;
}
/* sunk across the copies: the test takes the arms' 1 to a return, a break, a block that returns */
static __always_inline __u32 ret_eq(struct buf *b)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int family = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 pid = READ_KERN(task->pid);
		if (pid == 1)
			break;
		struct files_struct *files = READ_KERN(task->files);
		if (!files)
			goto next;
		struct fdtable *fdt = READ_KERN(files->fdt);
		if (!fdt)
			goto next;
		int flag = sub(b, fdt);
		if (flag == 1)
			return pid;
	next:
		task = READ_KERN(task->real_parent);
	}
	save(b, &family, 2);
	return 0;
}
static __always_inline __u32 brk_truthy(struct buf *b)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int family = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 pid = READ_KERN(task->pid);
		if (pid == 1)
			break;
		struct files_struct *files = READ_KERN(task->files);
		if (!files)
			goto next;
		struct fdtable *fdt = READ_KERN(files->fdt);
		if (!fdt)
			goto next;
		int flag = sub(b, fdt);
		if (flag)
			break;
	next:
		task = READ_KERN(task->real_parent);
	}
	save(b, &family, 2);
	return 0;
}
static __always_inline __u32 ret_block(struct buf *b)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int family = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 pid = READ_KERN(task->pid);
		if (pid == 1)
			break;
		struct files_struct *files = READ_KERN(task->files);
		if (!files)
			goto next;
		struct fdtable *fdt = READ_KERN(files->fdt);
		if (!fdt)
			goto next;
		int flag = sub(b, fdt);
		if (flag != 0) {
			seen = pid;
			return pid;
		}
	next:
		task = READ_KERN(task->real_parent);
	}
	save(b, &family, 2);
	return 0;
}
/* kept per copy: the test takes 0 (the arms' 1 goes on), the value only counted */
static __always_inline __u32 ret_zero(struct buf *b)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int family = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 pid = READ_KERN(task->pid);
		if (pid == 1)
			break;
		struct files_struct *files = READ_KERN(task->files);
		if (!files)
			goto next;
		struct fdtable *fdt = READ_KERN(files->fdt);
		if (!fdt)
			goto next;
		int flag = sub(b, fdt);
		if (flag == 0)
			return pid;
	next:
		task = READ_KERN(task->real_parent);
	}
	save(b, &family, 2);
	return 0;
}
static __always_inline __u32 counted(struct buf *b)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int family = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 pid = READ_KERN(task->pid);
		if (pid == 1)
			break;
		struct files_struct *files = READ_KERN(task->files);
		if (!files)
			goto next;
		struct fdtable *fdt = READ_KERN(files->fdt);
		if (!fdt)
			goto next;
		int flag = sub(b, fdt);
		seen += flag;
	next:
		task = READ_KERN(task->real_parent);
	}
	save(b, &family, 2);
	return 0;
}
#define PROG(name, sec)								\
SEC(sec) int prog_##name(void *ctx)						\
{										\
	int z = 0;								\
	struct buf *b = bpf_map_lookup_elem(&bufs, &z);				\
	if (!b)									\
		return 0;							\
	out = name(b);								\
	return 0;								\
}
PROG(ret_eq, "kprobe/do_exit")
PROG(brk_truthy, "kprobe/do_fork")
PROG(ret_block, "kprobe/do_sys_open")
PROG(ret_zero, "kprobe/vfs_read")
PROG(counted, "kprobe/vfs_write")
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'threaded_returns', min: 35, text: `/* in the shape of huatuo's iotracing: \`if (!should_process_device(dev)) return 0;\` between two reads of
 * iocb->ki_filp; the helper returns only constants, so JumpThreading sends each return to the arm its constant takes:
 * a return from the caller's own block (\`if (!FILTER_DEV_COUNT) return 1;\`) makes that block an immediate
 * predecessor of the code after the test, and MachineCSE reuses the first read's ki_filp offset there */
volatile const u64 FILTER_DEV_COUNT = 0;
volatile const u32 FILTER_DEV_IDS[8] = {};
struct io_key { u64 inode; u32 dev; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct io_key); __type(value, u64); } m SEC(".maps");
u64 out[2];
/* one record: the early 1 continues from the caller's block (a loop after it, as huatuo's) */
static __always_inline int dev_loop(u32 dev)
{
	int i;
	if (!FILTER_DEV_COUNT)
		return 1;
	for (i = 0; i < FILTER_DEV_COUNT && i < 8; i++)
		if (FILTER_DEV_IDS[i] == dev)
			return 1;
	return 0;
}
/* one record: the same without a loop */
static __always_inline int dev_ifs(u32 dev)
{
	if (!FILTER_DEV_COUNT)
		return 1;
	if (FILTER_DEV_IDS[0] == dev)
		return 1;
	if (FILTER_DEV_IDS[1] == dev)
		return 1;
	return 0;
}
/* two records: the early return's 0 takes the caller's exit, the 1 that continues comes from a later block */
static __always_inline int dev_late(u32 dev)
{
	if (!FILTER_DEV_COUNT)
		return 0;
	if (FILTER_DEV_IDS[0] == dev)
		return 1;
	return 0;
}
/* one record with \`if (f(..)) return 0;\`: the early 0 continues */
static __always_inline int dev_zero(u32 dev)
{
	if (!FILTER_DEV_COUNT)
		return 0;
	if (FILTER_DEV_IDS[0] == dev)
		return 1;
	return 2;
}
#define READS(TEST)									\\
	struct io_key key = {};								\\
	u64 zero = 0, *entry;								\\
	struct inode *inode = BPF_CORE_READ(iocb, ki_filp, f_inode);			\\
	key.inode = BPF_CORE_READ(inode, i_ino);					\\
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);					\\
	if (TEST)									\\
		return 0;								\\
	entry = bpf_map_lookup_elem(&m, &key);						\\
	if (!entry)									\\
		entry = &zero;								\\
	struct dentry *dentry = BPF_CORE_READ(iocb, ki_filp, f_path.dentry);		\\
	out[0] = (u64)dentry + *entry;							\\
	return 0;
SEC("kprobe/vfs_read") int BPF_KPROBE(rd_loop, struct kiocb *iocb) { READS(!dev_loop(key.dev)) }
SEC("kprobe/vfs_write") int BPF_KPROBE(rd_ifs, struct kiocb *iocb) { READS(!dev_ifs(key.dev)) }
SEC("kprobe/vfs_readv") int BPF_KPROBE(rd_late, struct kiocb *iocb) { READS(!dev_late(key.dev)) }
SEC("kprobe/vfs_writev") int BPF_KPROBE(rd_zero, struct kiocb *iocb) { READS(dev_zero(key.dev)) }
/* two records: the helper's 1 takes the exit here */
SEC("kprobe/vfs_fsync") int BPF_KPROBE(rd_exit, struct kiocb *iocb) { READS(dev_ifs(key.dev)) }
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'arg_range', min: 12, text: `/* in the shape of retsnoop's get_arg_reg_value: a register index masked out of a spec word, plus one */
#define REGIDX_MASK 0x0ff00000
#define REGIDX_SHIFT 20
const volatile bool use_kprobes = true;
static u64 reg_value(void *ctx, u32 idx)
{
	if (use_kprobes) {
		struct pt_regs *regs = ctx;
		switch (idx) {
		case 0: return PT_REGS_PARM1(regs);
		case 1: return PT_REGS_PARM2(regs);
		case 2: return PT_REGS_PARM3(regs);
		default: return 0;
		}
	}
	return 0;
}
u64 out[4];
u32 specs[4];
SEC("kprobe/a") int a(struct pt_regs *ctx)
{
	u32 spec = specs[0], reg_idx;
	reg_idx = (spec & REGIDX_MASK) >> REGIDX_SHIFT;
	out[0] = reg_value(ctx, reg_idx);
	out[1] = reg_value(ctx, reg_idx + 1);
	out[2] = reg_value(ctx, reg_idx + 2);
	return 0;
}
/* kept: a local also written unmasked, an index that may wrap (0xffffffff + 1) */
SEC("kprobe/b") int b(struct pt_regs *ctx)
{
	u32 spec = specs[1], reg_idx, any = specs[2];
	reg_idx = (spec & REGIDX_MASK) >> REGIDX_SHIFT;
	if (spec & 1)
		reg_idx = spec;
	out[0] = reg_value(ctx, reg_idx + 1);
	out[1] = reg_value(ctx, any + 1);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'cof', min: 220, text: `${COF_WALK}/* the loop's scalars in memory (their addresses taken, as Hades' are): the offset stays in a register, one
 * record per copy */
${cofPrograms('bpf_probe_read_kernel(&outs[0], 4, &out); bpf_probe_read_kernel(&outs[1], 4, &count);', 'mem', [4, 8, 32])}char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'container_cancel', min: 25, text: `/* container_of(&p->m, T, m): libbpf's offsetof is a relocation of the same global as &p->m, p + R - R folds in
 * the block: no record for either (nested members, an array element, BPF_CORE_READ of the result, twice) */
__u64 out[16];
SEC("kprobe/a") int a(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	out[0] = container_of(&t->se, struct task_struct, se)->pid;
	out[1] = (__u64)container_of(&t->se, struct task_struct, se);
	out[2] = container_of(&t->se.run_node, struct task_struct, se.run_node)->tgid;
	out[3] = container_of(&t->comm[3], struct task_struct, comm[3])->pid;
	out[4] = BPF_CORE_READ(container_of(&t->se, struct task_struct, se), real_parent, pid);
	return 0;
}
/* kept: another member or type, a pointer read from memory, the address used on its own too */
SEC("kprobe/b") int b(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	out[0] = container_of(&t->se.run_node, struct task_struct, se)->tgid;
	return 0;
}
SEC("kprobe/b2") int b2(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	out[1] = container_of(&t->se, struct task_struct, rt)->pid;
	out[2] = container_of(t->children.next, struct task_struct, sibling)->pid;
	out[3] = (__u64)&t->se;
	out[4] = container_of(&t->se, struct task_struct, se)->prio;
	return 0;
}
/* a later container_of in a block the first one dominates, nothing between that writes memory: GVN gives it the
 * first one's offset and its \`0 + offset\`, two registers, nothing folds there: one record (a case of a switch, the
 * other arm of a ternary); a call between, or the same block: none */
SEC("tp_btf/sched_switch")
int BPF_PROG(c, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	switch (prev->signal->oom_score_adj & 3) {
	case 0:
		switch (container_of(&prev->se, struct task_struct, se)->pid & 3) {
		case 1:
			out[14] += container_of(&next->se, struct task_struct, se)->prio;
			break;
		case 2:
			out[13] += bpf_get_prandom_u32();
			out[12] += container_of(&next->se, struct task_struct, se)->tgid;
			break;
		}
		break;
	case 1:
		out[11] = container_of(&prev->se, struct task_struct, se)->pid > 68 ? BPF_CORE_READ(prev, tgid)
			: container_of(&next->se, struct task_struct, se)->pid;
		break;
	case 2:
		out[10] = container_of(&prev->se, struct task_struct, se)->pid > 68 ? bpf_get_prandom_u32()
			: container_of(&next->se, struct task_struct, se)->pid;
		break;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'full_unroll', min: 200, text: `/* no pragma: LoopFullUnrollPass unrolls what fits UnrollThreshold (probe reads are calls: the plain size test) */
__u64 out[64];
${unrollGrid('k', [[2, 3], [2, 4], [3, 2], [3, 3], [4, 1], [4, 2], [8, 1]])}/* direct loads (no call: a load weighs more in the loop's size); the walk's last \`t = t->real_parent\` is dead */
${unrollGrid('t', [[4, 4], [4, 6], [6, 3], [6, 4], [8, 2], [8, 3], [12, 1], [12, 2]])}${unrollGrid('s', [[5, 5], [5, 6], [10, 2], [10, 3]])}char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'licm_hoist', min: 40, text: `/* LICM: an invariant address or a check leaves the loop before it is unrolled: one record for all copies */
__u64 out[16];
SEC("kprobe/a") int BPF_KPROBE(a, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i] += BPF_CORE_READ(t, tgid);
		__u64 v = 0;
		bpf_core_read(&v, sizeof(t->pid), &t->pid);
		out[i + 4] += v + BPF_CORE_READ(t, real_parent, pid) + BPF_CORE_READ(t, real_parent, tgid);
	}
	return 0;
}
SEC("kprobe/b") int BPF_KPROBE(b, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		out[i + 8] += BPF_CORE_READ(t, comm[i]);
	return 0;
}
/* no call in the loop: a check is hoisted from an if too */
SEC("kprobe/b2") int BPF_KPROBE(b2, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (out[i])
			out[i + 4] += bpf_core_field_size(t->pid);
	}
	return 0;
}
/* no pragma, and a read of the same address before the loop: merged with it */
SEC("kprobe/c") int BPF_KPROBE(c, struct task_struct *t)
{
	out[0] = BPF_CORE_READ(t, tgid);
	for (int i = 0; i < 3; i++)
		out[i + 4] += BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, pid);
	return 0;
}
/* rolled loops: the unknown count's guard, a count too large to unroll */
SEC("kprobe/d") int BPF_KPROBE(d, struct task_struct *t, int n)
{
	for (int i = 0; i < n && i < 100; i++)
		out[i & 15] += BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, tgid);
	return 0;
}
SEC("kprobe/e") int BPF_KPROBE(e, struct task_struct *t)
{
	for (int i = 0; i < 64; i++)
		out[i & 15] += BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, tgid);
	return 0;
}
/* kept per copy: under an if, after a continue, a loop left early, a direct load with a call in the loop */
SEC("kprobe/f") int BPF_KPROBE(f, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (out[i])
			out[i + 4] += BPF_CORE_READ(t, tgid);
	}
	return 0;
}
SEC("kprobe/g") int BPF_KPROBE(g, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (out[i] == 3)
			continue;
		out[i + 4] += BPF_CORE_READ(t, tgid);
	}
	return 0;
}
/* with a call in the loop, a check stays per copy, under an if or not */
SEC("kprobe/h2") int BPF_KPROBE(h2, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		out[i + 8] += BPF_CORE_READ(t, pid) + bpf_core_field_size(t->comm);
	return 0;
}
SEC("kprobe/h") int BPF_KPROBE(h, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i + 4] += BPF_CORE_READ(t, tgid);
		if (out[i] == 3)
			break;
	}
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(k, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i] += prev->pid;
		out[i + 4] += BPF_CORE_READ(next, tgid);
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'counter_loops', min: 12, text: `/* while and do-while loops counted by a local: unrolled as the for loop is */
__u64 out[16];
SEC("kprobe/a") int BPF_KPROBE(a, struct task_struct *t)
{
	int i = 0;
	do {
		out[i] += BPF_CORE_READ(t, real_parent, pid);
		t = BPF_CORE_READ(t, real_parent);
		i++;
	} while (i < 3);
	return 0;
}
SEC("kprobe/b") int BPF_KPROBE(b, struct task_struct *t)
{
	int i = 0;
	while (i < 3) {
		out[i] += BPF_CORE_READ(t, real_parent, pid);
		t = BPF_CORE_READ(t, real_parent);
		i++;
	}
	return 0;
}
SEC("kprobe/c") int BPF_KPROBE(c, struct task_struct *t)
{
	int i = 4;
	while (i > 0) {
		i -= 2;
		out[i] += BPF_CORE_READ(t, flags);
		t = BPF_CORE_READ(t, group_leader);
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'load_pre', min: 55, text: `/* GVN's load PRE of a relocation's global: f_inode's is loaded in one arm of a diamond only (the other arm a block
 * of its own: a relocated check), so GVN inserts its load at the end of the other arm and the access after the join
 * takes a phi: the arm keeps a MOV for the phi beside its folded load, the other arm has the inserted MOV, the access
 * after none (three records where one arm and the access after made two) */
__u64 out[16];
SEC("fentry/vfs_write1") int BPF_PROG(addr_after, struct file *f)
{
	__u64 v = bpf_core_field_exists(f->f_flags) ? f->f_inode->i_ino : bpf_core_field_offset(f->f_mode);
	out[1] = v;
	struct inode *p = BPF_CORE_READ(f, f_inode);
	out[2] = (__u64)p;
	return 0;
}
SEC("fentry/vfs_write2") int BPF_PROG(load_after, struct file *f)
{
	__u64 v = bpf_core_field_exists(f->f_flags) ? f->f_inode->i_ino : bpf_core_field_offset(f->f_mode);
	out[1] = v;
	out[2] = f->f_inode->i_size;
	out[3] = bpf_core_field_size(f->f_inode);
	return 0;
}
/* per copy of a fully unrolled loop */
SEC("fentry/vfs_write3") int BPF_PROG(unrolled, struct file *f)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u64 v = BPF_CORE_READ(f, f_path.dentry, d_name.len) > 46 ? f->f_flags : BPF_CORE_READ(f, f_path.dentry, d_inode, i_ino);
		out[15] = v;
		if (bpf_core_field_offset(f->f_flags) > 0)
			return 1;
	}
	return 0;
}
/* kept: both arms ending in a load of one size (SimplifyCFG sinks them, the arm's relocation is an address), a call
 * between the join and the access, a call after the load in its arm, an empty other arm (the load goes before the if) */
SEC("fentry/vfs_write4") int BPF_PROG(sunk, struct file *f)
{
	__u64 v = f->f_inode->i_ino > 50 ? f->f_path.dentry->d_parent->d_name.len : f->f_flags;
	out[11] = v;
	out[4] += f->f_flags;
	return 0;
}
SEC("fentry/vfs_write5") int BPF_PROG(call_after, struct file *f)
{
	__u64 v = bpf_core_field_exists(f->f_flags) ? f->f_inode->i_ino : bpf_core_field_offset(f->f_mode);
	out[1] = v;
	out[3] = bpf_get_prandom_u32();
	out[2] = (__u64)BPF_CORE_READ(f, f_inode);
	return 0;
}
SEC("fentry/vfs_write6") int BPF_PROG(call_in_arm, struct file *f)
{
	__u64 v = 7;
	if (bpf_core_field_exists(f->f_flags)) {
		v = f->f_inode->i_ino;
		out[3] = bpf_get_prandom_u32();
	} else {
		v = bpf_core_field_offset(f->f_mode);
	}
	out[1] = v;
	out[2] = (__u64)BPF_CORE_READ(f, f_inode);
	return 0;
}
SEC("fentry/vfs_write7") int BPF_PROG(triangle, struct file *f)
{
	__u64 v = bpf_core_field_exists(f->f_flags) ? f->f_inode->i_ino : 7;
	out[1] = v;
	out[2] = (__u64)BPF_CORE_READ(f, f_inode);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'load_pre_ways', min: 90, text: `/* GVN's load PRE of a relocation's global at other joins than load_pre's diamond, and the same phi when every way
 * in has it: a folded load in a way keeps a MOV for the phi, the load inserted into the one way without it is a
 * record, the access after the join none */
__u64 out[16];
/* pre_stack: an arm reading a local a probe read wrote is a load from the stack, a block: a diamond (three mm
 * records); the same with the local's load and the other arm's of one size: sunk into the join, a triangle (two) */
SEC("fentry/stack") int BPF_PROG(stack, struct task_struct *x)
{
	__u64 b = 0; bpf_core_read(&b, sizeof(x->start_time), &x->start_time);
	__u64 v = x->prio > 5 ? b : x->mm->exe_file->f_flags; out[1] = v;
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/stack_sunk") int BPF_PROG(stack_sunk, struct task_struct *x)
{
	__u64 b = 0; bpf_core_read(&b, sizeof(x->start_time), &x->start_time);
	__u64 v = x->prio > 5 ? b : x->mm->total_vm; out[1] = v;
	out[4] += x->mm->arg_start;
	return 0;
}
/* pre_value: a check that is the ?: arm's value feeds two phis, the ?:'s and GVN's: two MOVs in the arm (three
 * __state records); used in the arm's own arithmetic or compare, one (two records) */
SEC("fentry/value") int BPF_PROG(value, struct task_struct *x)
{
	__u64 v = x->prio > 5 ? bpf_core_field_offset(x->__state) * 3 : x->pid; out[1] = v;
	out[4] += bpf_core_field_offset(x->__state);
	return 0;
}
SEC("fentry/value_used") int BPF_PROG(value_used, struct task_struct *x)
{
	if (x->prio > 5) out[1] += bpf_core_field_offset(x->__state); else out[2] = x->pid;
	out[4] += bpf_core_field_offset(x->__state);
	return 0;
}
/* pre_full: both arms load mm, neither first: no load inserted, the access after none (four records); both arms
 * beginning with it: hoisted before the if, each access folds it (three) */
SEC("fentry/full") int BPF_PROG(full, struct task_struct *x)
{
	if (x->prio > 5) { out[5] = x->pid; out[1] = x->mm->total_vm; }
	else { out[6] = x->tgid; out[2] = x->mm->arg_end; }
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/full_hoisted") int BPF_PROG(full_hoisted, struct task_struct *x)
{
	__u64 v = x->prio > 5 ? x->mm->total_vm + x->pid : x->mm->arg_end; out[1] = v;
	out[4] += x->mm->arg_start;
	return 0;
}
/* pre_edge: an if without else, the load not first in its arm: inserted on the split edge (three mm records); a check
 * after the 32-bit load of a check gives no access's load (two real_parent records) */
SEC("fentry/edge") int BPF_PROG(edge, struct task_struct *x)
{
	if (x->prio > 5) { out[3] = 1; out[1] = x->mm->total_vm; }
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/narrow") int BPF_PROG(narrow, struct task_struct *prev, struct task_struct *next)
{
	__u64 v = next->prio > 27 ? bpf_core_field_offset(prev->real_parent) : prev->pid; out[11] = v;
	out[11] += next->real_parent->pid;
	return 0;
}
/* pre_hoist: the check first in its arm is hoisted before the if with the inserted load: one __state record; a
 * folded load first in its arm, each access its own (two mm) */
SEC("fentry/hoist") int BPF_PROG(hoist, struct task_struct *x)
{
	if (x->prio > 5) out[1] = bpf_core_field_offset(x->__state) + x->pid;
	out[4] += bpf_core_field_offset(x->__state);
	return 0;
}
SEC("fentry/hoist_load") int BPF_PROG(hoist_load, struct task_struct *x)
{
	if (x->prio > 5) out[1] = x->mm->total_vm;
	out[4] += x->mm->arg_start;
	return 0;
}
/* pre_switch: two of three cases (five mm records), all three (six), one of three (three, as before), no default
 * (the switch's edge gets the load), a case falling into one that loads, one falling into one that does not (the
 * load goes on once more, onto the switch's edge into that case: seven) */
SEC("fentry/sw_two") int BPF_PROG(sw_two, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->mm->total_vm; break;
	case 1: out[2] = x->mm->arg_end; break;
	default: out[3] = x->tgid; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/sw_all") int BPF_PROG(sw_all, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->mm->total_vm; break;
	case 1: out[2] = x->mm->arg_end; break;
	default: out[3] = x->mm->arg_start; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/sw_one") int BPF_PROG(sw_one, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->mm->total_vm; break;
	case 1: out[2] = x->pid; break;
	default: out[3] = x->tgid; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/sw_nodefault") int BPF_PROG(sw_nodefault, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->mm->total_vm; break;
	case 1: out[2] = x->mm->arg_end; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
SEC("fentry/sw_fall") int BPF_PROG(sw_fall, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->pid;
	case 1: out[2] = x->mm->arg_end; break;
	default: out[3] = x->tgid; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
/* pre_taint: an arm that computed \`&x->d_name.len\` before its probe reads lacks the load at its end: inserted there, the
 * same MOV to MachineCSE, and the access after the inner join a phi, a register to the outer join (no MOV more): four
 * d_name.len records */
SEC("fentry/taint") int BPF_PROG(taint, struct dentry *x)
{
	if (x->d_flags > 9) {
		out[5] += x->d_inode->i_ino;
	} else {
		if (x->d_time > 5) {
			__u64 t = 0; bpf_core_read(&t, sizeof(x->d_name.len), &x->d_name.len);
			out[7] += t;
			out[6] += BPF_CORE_READ(x, d_parent, d_name.len);
		} else {
			out[11] += x->d_parent->d_name.len;
		}
		out[8] += x->d_parent->d_name.len;
	}
	out[14] += x->d_name.len;
	return 0;
}
SEC("fentry/sw_fall_twice") int BPF_PROG(sw_fall_twice, struct task_struct *x)
{
	switch (x->prio & 3) {
	case 0: out[1] = x->mm->total_vm;
	case 2: out[5] = x->pid; break;
	case 1: out[2] = x->mm->arg_end; break;
	default: out[3] = x->mm->arg_start; break;
	}
	out[4] += x->mm->arg_start;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'copy_checks', min: 50, text: `/* a fully unrolled body without a branch is one block, copies and all: MachineCSE keeps a check's first MOV for
 * every copy when the allocator has a callee-saved register for it; a parent walk's copies alternate it */
__u64 out[16];
/* copy_checks: one check beside one probe read, four copies: one record */
SEC("fentry/one") int BPF_PROG(one, struct file *x)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u64 t = 0; BPF_CORE_READ_INTO(&t, x, f_flags);
		out[11] += t;
		out[6] += bpf_core_field_offset(x->f_path.dentry);
	}
	return 0;
}
/* the check a statement of its own after the read: one record; in the read's own statement, the add's destination
 * (licm_hoist's h2 too), rematerialised per copy: four */
SEC("fentry/stmt") int BPF_PROG(stmt, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[8] += BPF_CORE_READ(t, pid);
		out[9] += bpf_core_field_size(t->comm);
	}
	return 0;
}
SEC("fentry/expr") int BPF_PROG(expr, struct task_struct *t)
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		out[i + 8] += BPF_CORE_READ(t, pid) + bpf_core_field_size(t->comm);
	return 0;
}
/* kept: the check before the body's probe read (live across every call from the loop's start), or x live after the
 * loop too: a record per copy */
SEC("fentry/first") int BPF_PROG(first, struct file *x)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[6] += bpf_core_field_offset(x->f_path.dentry);
		__u64 t = 0; BPF_CORE_READ_INTO(&t, x, f_flags);
		out[11] += t;
	}
	return 0;
}
SEC("fentry/after") int BPF_PROG(after, struct file *x)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u64 t = 0; BPF_CORE_READ_INTO(&t, x, f_flags);
		out[11] += t;
		out[6] += bpf_core_field_offset(x->f_path.dentry);
	}
	out[1] = BPF_CORE_READ(x, f_mode);
	return 0;
}
/* kept: the same check before the loop too, rematerialised first (a record per copy, four) */
SEC("fentry/before") int BPF_PROG(before, struct file *x)
{
	out[5] = bpf_core_field_size(x->f_inode);
#pragma unroll
	for (int i = 0; i < 3; i++) {
		__u64 t = 0; BPF_CORE_READ_INTO(&t, x, f_flags);
		out[11] += t;
		out[6] += bpf_core_field_size(x->f_inode);
	}
	return 0;
}
/* kept: four checks beside two probe reads, or two beside a read through the pointer: no room, a record per copy */
SEC("tp_btf/sched_switch") int BPF_PROG(crowded, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 3; i++) {
		__u64 t = 0; BPF_CORE_READ_INTO(&t, next, pid);
		out[1] += t;
		out[6] += bpf_core_field_offset(prev->tgid);
		out[7] += bpf_core_field_size(next->comm);
		out[8] += bpf_core_field_exists(next->mm);
		__u64 u = 0; BPF_CORE_READ_INTO(&u, prev, start_time);
		out[9] += u;
		out[10] += bpf_core_field_offset(next->flags);
	}
	return 0;
}
SEC("fentry/direct") int BPF_PROG(direct, struct file *f)
{
#pragma unroll
	for (int i = 0; i < 3; i++) {
		out[11] += bpf_core_field_size(f->f_path.dentry);
		out[12] += f->f_inode->i_mode;
		out[11] += bpf_core_field_size(f->f_flags);
		out[3] += BPF_CORE_READ(f, f_flags);
	}
	return 0;
}
/* alt_checks: a parent walk's copies alternate the check's MOV as alt's addresses: two records of four */
SEC("tp_btf/sched_wakeup") int BPF_PROG(walk, struct task_struct *p)
{
	struct task_struct *w = p;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[6] += bpf_core_field_offset(p->tgid);
		w = BPF_CORE_READ(w, real_parent);
		if (!w)
			break;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'switch2', min: 20, text: `/* in the shape of elastic's file_modify_event__emit: \`switch (event->finfo.type) { case FILE: break; default: goto
 * out; }\` between two BPF_CORE_READ(path, dentry..): a switch with one case is a conditional branch after
 * SimplifyCFG, so the read after it reuses the address as after an if */
struct ev { __u32 type; __u64 a, b; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct ev); } evs SEC(".maps");
static __noinline int fill(struct ev *e, struct dentry *d) { e->type = BPF_CORE_READ(d, d_flags); return 0; }
#define HEAD(name) SEC("kprobe/" #name) int name(struct pt_regs *ctx) { struct path *path = (void *)ctx->di; __u32 z = 0;	\\
	struct ev *e = bpf_map_lookup_elem(&evs, &z); if (!e) return 0; struct dentry *d = BPF_CORE_READ(path, dentry); fill(e, d);
/* the case goes on, the default leaves: one path 0:1 record */
HEAD(brk_out)
	switch (e->type) { case 1: break; default: goto out; }
	e->b = (__u64)BPF_CORE_READ(path, dentry, d_inode);
out:
	return 0;
}
/* the case leaves, no default */
HEAD(case_out)
	switch (e->type) { case 3: goto out; }
	e->b = (__u64)BPF_CORE_READ(path, dentry, d_inode);
out:
	return 0;
}
/* the default first */
HEAD(dflt_first)
	switch (e->type) { default: return 0; case 2: break; }
	e->b = (__u64)BPF_CORE_READ(path, dentry, d_inode);
	return 0;
}
/* both arms go on: an if/else */
HEAD(both_on)
	switch (e->type) { case 1: e->a = 1; break; default: e->a = 2; break; }
	e->b = (__u64)BPF_CORE_READ(path, dentry, d_inode);
	return 0;
}
/* a check before and after: GVN's one value, as around an if */
HEAD(checks)
	if (bpf_core_field_exists(path->mnt)) e->a = 1;
	switch (e->type) { case 1: break; default: goto out; }
	if (bpf_core_field_exists(path->mnt)) e->a = 2;
out:
	return 0;
}
HEAD(checks_both)
	if (bpf_core_field_exists(path->mnt)) e->a = 1;
	switch (e->type) { case 1: e->a = 3; break; default: e->a = 4; break; }
	if (bpf_core_field_exists(path->mnt)) e->a = 2;
	return 0;
}
/* kept: a call in the case arm may write the check's global (two field_exists records) */
HEAD(checks_call)
	if (bpf_core_field_exists(path->mnt)) e->a = 1;
	switch (e->type) { case 1: fill(e, d); break; default: goto out; }
	if (bpf_core_field_exists(path->mnt)) e->a = 2;
out:
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'sink_store', min: 15, text: `/* in the shape of elastic's ebpf_argv__fill and ebpf_env__fill, both inlined into one program reading task->mm:
 * the early arm's \`buf[0] = '\\0'; return 1;\` and the end's \`buf[size - 1] = '\\0'; return size;\` store the same
 * constant through the same pointer, SimplifyCFG sinks the store into the return block, and the code after the call
 * has the test's block as an immediate predecessor: one mm record for the four reads */
char bufs[2][512];
#define FILL(name, a, b, tail)								\\
static long name(char *buf, unsigned long buf_size, const struct task_struct *task)	\\
{											\\
	unsigned long start, end, size;							\\
	start = BPF_CORE_READ(task, mm, a);						\\
	end = BPF_CORE_READ(task, mm, b);						\\
	if (end <= start) {								\\
		buf[0] = '\\0';								\\
		return 1;								\\
	}										\\
	size = end - start;								\\
	size = size > buf_size ? buf_size : size;					\\
	bpf_probe_read_user(buf, size, (void *)start);					\\
	tail;										\\
	return size;									\\
}
FILL(argv_fill, arg_start, arg_end, buf[size - 1] = '\\0')
FILL(env_fill, env_start, env_end, buf[size - 1] = '\\0')
FILL(argv_fill2, arg_start, arg_end, )
FILL(env_fill2, env_start, env_end, )
FILL(argv_fill3, arg_start, arg_end, buf[size - 1] = 'x')
FILL(env_fill3, env_start, env_end, buf[size - 1] = 'x')
SEC("kprobe/same_store") int same_store(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	long n = argv_fill(bufs[0], 512, task);
	n += env_fill(bufs[1], 512, task);
	return n;
}
/* kept: no store before the last return, the arm keeps its own (two mm records) */
SEC("kprobe/no_store") int no_store(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	long n = argv_fill2(bufs[0], 512, task);
	n += env_fill2(bufs[1], 512, task);
	return n;
}
/* kept: another constant stored at the end */
SEC("kprobe/other_store") int other_store(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	long n = argv_fill3(bufs[0], 512, task);
	n += env_fill3(bufs[1], 512, task);
	return n;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'dead_out', min: 20, text: `/* in the shape of netobserv's core_fill_in_l3: \`*dscp = ipv4_get_dscp(&ip);\` into a caller's local \`dscp\` that only
 * one of the callers reads afterwards */
struct flow { __u32 saddr, daddr; __u8 proto, dscp; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct flow); __type(value, __u64); } flows SEC(".maps");
static inline __u8 get_dscp(const struct iphdr *iph) { return (iph->tos >> 2) & 0x3f; }
static inline void fill_l3(struct sk_buff *skb, struct flow *id, __u8 *protocol, __u8 *dscp)
{
	struct iphdr ip;
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__builtin_memset(&ip, 0, sizeof(ip));
	bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
	id->saddr = ip.saddr;
	id->daddr = ip.daddr;
	*dscp = get_dscp(&ip);
	*protocol = ip.protocol;
}
/* dscp never read: the store and the tos load die */
SEC("kprobe/kfree_skb") int BPF_KPROBE(drops, struct sk_buff *skb)
{
	struct flow id = {};
	__u8 protocol = 0, dscp = 0;
	fill_l3(skb, &id, &protocol, &dscp);
	id.proto = protocol;
	__u64 one = 1;
	bpf_map_update_elem(&flows, &id, &one, BPF_ANY);
	return 0;
}
/* read: kept */
SEC("kprobe/nf_nat_manip_pkt") int BPF_KPROBE(nat, struct sk_buff *skb)
{
	struct flow id = {};
	__u8 protocol = 0, dscp = 0;
	fill_l3(skb, &id, &protocol, &dscp);
	id.proto = protocol;
	id.dscp = dscp;
	__u64 one = 1;
	bpf_map_update_elem(&flows, &id, &one, BPF_ANY);
	return 0;
}
/* passed on by an inlined helper that never reads it either: dead too */
static inline void fill_all(struct sk_buff *skb, struct flow *id, __u8 *dscp)
{
	__u8 protocol = 0;
	fill_l3(skb, id, &protocol, dscp);
	id->proto = protocol;
}
SEC("kprobe/psample_sample_packet") int BPF_KPROBE(passed, struct sk_buff *skb)
{
	struct flow id = {};
	__u8 dscp = 0;
	fill_all(skb, &id, &dscp);
	__u64 one = 1;
	bpf_map_update_elem(&flows, &id, &one, BPF_ANY);
	return 0;
}
/* kept: the value comes through a probe read (a call clang keeps, with its relocated address) */
static inline void fill_len(struct sk_buff *skb, __u32 *len) { *len = BPF_CORE_READ(skb, len); }
SEC("kprobe/dev_queue_xmit") int BPF_KPROBE(probe_read, struct sk_buff *skb)
{
	__u32 len = 0;
	fill_len(skb, &len);
	return 0;
}
/* kept: the callee reads what it stored */
static inline __u8 fill_back(const struct iphdr *ip, __u8 *dscp) { *dscp = get_dscp(ip); return *dscp + 1; }
SEC("kprobe/ip_rcv") int BPF_KPROBE(read_back, struct sk_buff *skb)
{
	struct iphdr ip;
	__u8 dscp = 0;
	bpf_probe_read_kernel(&ip, sizeof(ip), BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, network_header));
	return fill_back(&ip, &dscp);
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'remat', min: 14, text: `/* in the shape of libbpfgo's cgroup-legacy: \`u32 s_iphdr = bpf_core_type_size(struct iphdr);\` given to two
 * bpf_skb_load_bytes_relative calls: each helper-call argument is a COPY into an argument register, which the register
 * coalescer rematerialises as the relocated MOV itself (one record each), the def's own staying for any other read */
char buf[64];
/* two helper calls each given the kept size: one MOV per argument (RegisterCoalescer rematerialises it into r2/r4) */
SEC("cgroup_skb/ingress") int two_calls(struct __sk_buff *ctx)
{
	struct iphdr ip = {};
	__u32 s = bpf_core_type_size(struct iphdr);
	if (bpf_skb_load_bytes(ctx, 0, &ip, s))
		return 1;
	if (bpf_skb_load_bytes(ctx, s, buf, 8))
		return 1;
	return 0;
}
/* one call, used twice in it */
SEC("cgroup_skb/egress") int one_call_twice(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	if (bpf_skb_load_bytes(ctx, s, buf, s))
		return 1;
	return 0;
}
/* a comparison and a call argument */
SEC("tc/cmp_and_arg") int cmp_and_arg(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	if (ctx->len < s)
		return 1;
	if (bpf_skb_load_bytes(ctx, 0, buf, s))
		return 1;
	return 0;
}
/* a store then a call argument */
__u32 sizes[2];
SEC("tc/store_and_arg") int store_and_arg(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	sizes[0] = s;
	if (bpf_skb_load_bytes(ctx, 0, buf, s))
		return 1;
	return 0;
}
/* returned and a call argument */
SEC("tc/ret_and_arg") int ret_and_arg(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	if (bpf_skb_load_bytes(ctx, 0, buf, s))
		return 1;
	return s;
}
/* two calls in the two arms */
SEC("tc/arms") int arms(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	if (ctx->len > 100)
		bpf_skb_load_bytes(ctx, 0, buf, s);
	else
		bpf_skb_load_bytes(ctx, 4, buf, s);
	return 0;
}
/* stored twice, no call */
SEC("tc/stores") int stores(struct __sk_buff *ctx)
{
	__u32 s = bpf_core_type_size(struct iphdr);
	sizes[0] = s;
	sizes[1] = s + 1;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'tail_sink', min: 9, text: `struct item { __u32 pid; char comm[16]; };
struct hist { struct item last[2]; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct hist); } hists SEC(".maps");
/* in the shape of lmp's schedule_delay: both arms end with the same reads and calls, sunk into the join by SimplifyCFG
 * (one prev->pid and one prev->comm record) */
SEC("tp_btf/sched_switch") int BPF_PROG(same_tail, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 key = next->pid;
	struct hist nh;
	struct hist *h = bpf_map_lookup_elem(&hists, &key);
	if (h) {
		nh.last[0] = h->last[1];
		nh.last[1].pid = prev->pid;
		bpf_probe_read_kernel_str(&nh.last[1].comm, sizeof(nh.last[1].comm), prev->comm);
		bpf_map_update_elem(&hists, &key, &nh, BPF_ANY);
	} else {
		nh.last[0].pid = 0;
		nh.last[0].comm[0] = '\\0';
		nh.last[1].pid = prev->pid;
		bpf_probe_read_kernel_str(&nh.last[1].comm, sizeof(nh.last[1].comm), prev->comm);
		bpf_map_update_elem(&hists, &key, &nh, BPF_ANY);
	}
	return 0;
}
/* kept: the last call differs in a flag */
SEC("tp_btf/sched_wakeup") int BPF_PROG(other_flag, struct task_struct *p)
{
	__u32 key = p->tgid;
	struct hist nh = {};
	struct hist *h = bpf_map_lookup_elem(&hists, &key);
	if (h) {
		nh.last[0] = h->last[1];
		nh.last[1].pid = p->pid;
		bpf_map_update_elem(&hists, &key, &nh, BPF_ANY);
	} else {
		nh.last[0].pid = 1;
		nh.last[1].pid = p->pid;
		bpf_map_update_elem(&hists, &key, &nh, BPF_NOEXIST);
	}
	return 0;
}
/* the same tail after an arm with a helper call of its own */
SEC("tp_btf/sched_process_exit") int BPF_PROG(call_before, struct task_struct *p)
{
	__u32 key = p->tgid;
	struct hist nh = {};
	struct hist *h = bpf_map_lookup_elem(&hists, &key);
	if (h) {
		bpf_map_delete_elem(&hists, &key);
		nh.last[1].pid = p->pid;
		bpf_probe_read_kernel_str(&nh.last[1].comm, 16, p->comm);
	} else {
		nh.last[0].pid = 1;
		nh.last[1].pid = p->pid;
		bpf_probe_read_kernel_str(&nh.last[1].comm, 16, p->comm);
	}
	bpf_map_update_elem(&hists, &key, &nh, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'ub_arms', min: 2, text: `/* in the shape of lmp's fs_watcher (write.bpf.c): \`struct fs_t *e;\` never given a value, \`e->fd = fd;\` first in the
 * arm: the store through undef is undefined, SimplifyCFG drops the edge into the arm, \`fd >= 0\` and the PT_REGS_RC
 * read that fd holds die with it */
struct fs_t { int fd; int pid; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, int); __type(value, struct fs_t); } fds SEC(".maps");
SEC("kprobe/do_sys_openat2") int BPF_KPROBE(undef_arm)
{
	struct fs_t *e;
	int pid = bpf_get_current_pid_tgid() >> 32;
	int fd = PT_REGS_RC(ctx);
	if (fd >= 0) {
		e->fd = fd;
		bpf_map_update_elem(&fds, &pid, &pid, BPF_ANY);
	}
	return 0;
}
/* the else arm */
SEC("kprobe/do_sys_open") int BPF_KPROBE(undef_else)
{
	struct fs_t *e;
	int fd = PT_REGS_RC(ctx);
	if (fd < 0)
		return 0;
	else
		e->pid = fd;
	return 1;
}
/* kept: the pointer comes from a map lookup */
SEC("kprobe/vfs_open") int BPF_KPROBE(from_map)
{
	struct fs_t *e;
	int pid = bpf_get_current_pid_tgid() >> 32;
	int fd = PT_REGS_RC(ctx);
	e = bpf_map_lookup_elem(&fds, &pid);
	if (fd >= 0 && e) {
		e->fd = fd;
	}
	return 0;
}
/* kept: a helper call before the store (it may never return: the arm is entered) */
SEC("kprobe/vfs_read") int BPF_KPROBE(call_first)
{
	struct fs_t *e;
	int fd = PT_REGS_RC(ctx);
	if (fd >= 0) {
		bpf_printk("fd %d", fd);
		e->fd = fd;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'tails', min: 25, text: `/* in the shape of OBI's http_get_or_create_trace_info: an arm ends \`if (meta) { ..; trace(..); } return;\` and the
 * function ends with the same statement on the same values: SimplifyCFG sinks the identical code of the return's
 * predecessors into one block, one copy of trace()'s reads */
struct meta { u8 type; u32 pid; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, u64); __type(value, u64); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct meta); } metas SEC(".maps");
const volatile bool capture = false;
const volatile bool enabled = true;
u64 conns[4], tps[4];
static __always_inline void tid(u32 *out)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	*out = BPF_CORE_READ(task, group_leader, thread_pid, numbers[0].nr);
}
static __always_inline void trace(u8 type, u64 *conn, u64 *tp, u8 ssl)
{
	if (type == 1) {
		u64 k = 0;
		tid((u32 *)&k);
		bpf_map_update_elem(&m, &k, tp, BPF_ANY);
	} else {
		u64 id = bpf_get_current_pid_tgid();
		*tp = id >> 32;
		if (ssl)
			bpf_map_update_elem(&m, conn, &id, BPF_ANY);
		else
			bpf_map_update_elem(&m, conn, tp, BPF_ANY);
	}
}
/* one copy: the same statement, a local of its own declared in each */
static __always_inline void same(struct meta *meta, u64 *conn, u64 *tp, u8 ssl, unsigned char *buf)
{
	if (enabled) {
		if (!capture) {
			if (meta) {
				u8 t = meta->type;
				*tp += meta->pid;
				trace(t, conn, tp, ssl);
			}
			return;
		}
		bpf_probe_read_user(tp, 8, buf);
	}
	if (meta) {
		u8 t = meta->type;
		*tp += meta->pid;
		trace(t, conn, tp, ssl);
	}
}
/* one copy: a store that differs before the call, another condition */
static __always_inline void store_differs(struct meta *meta, u64 *conn, u64 *tp, u8 ssl, unsigned char *buf)
{
	if (enabled) {
		if (!capture) {
			if (meta && ssl) {
				*tp += meta->pid + 1;
				trace(meta->type, conn, tp, ssl);
			}
			return;
		}
		bpf_probe_read_user(tp, 8, buf);
	}
	if (meta) {
		*tp += meta->pid;
		trace(meta->type, conn, tp, ssl);
	}
}
/* two copies: an argument that differs, a call more after it in one */
static __always_inline void arg_differs(struct meta *meta, u64 *conn, u64 *tp, u8 ssl, unsigned char *buf)
{
	if (enabled) {
		if (!capture) {
			if (meta) {
				*tp += meta->pid;
				trace(meta->type, conn, tp + 1, ssl);
			}
			return;
		}
		bpf_probe_read_user(tp, 8, buf);
	}
	if (meta) {
		*tp += meta->pid;
		trace(meta->type, conn, tp, ssl);
	}
}
static __always_inline void call_more(struct meta *meta, u64 *conn, u64 *tp, u8 ssl, unsigned char *buf)
{
	if (enabled) {
		if (!capture) {
			if (meta) {
				*tp += meta->pid;
				trace(meta->type, conn, tp, ssl);
				bpf_printk("x");
			}
			return;
		}
		bpf_probe_read_user(tp, 8, buf);
	}
	if (meta) {
		*tp += meta->pid;
		trace(meta->type, conn, tp, ssl);
	}
}
#define PROG(name, sec)										\\
SEC(sec) int prog_##name(struct pt_regs *ctx)							\\
{												\\
	int z = 0;										\\
	struct meta *meta = bpf_map_lookup_elem(&metas, &z);					\\
	name(meta, &conns[0], &tps[0], (u8)PT_REGS_PARM2(ctx), (void *)PT_REGS_PARM1(ctx));	\\
	return 0;										\\
}
PROG(same, "kprobe/a")
PROG(store_differs, "kprobe/b")
PROG(arg_differs, "kprobe/c")
PROG(call_more, "kprobe/d")
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'phi_tails', min: 23, text: `/* in the shape of netdata's netdata_get_pid: a level read from a map picks whose pid to report, an out-parameter
 * gets the caller's tgid on some paths */
#define RD(P) ({ typeof(P) v_ = 0; bpf_probe_read(&v_, sizeof(v_), &(P)); v_; })
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } levels SEC(".maps");
static __always_inline __u32 rparent_pid(void)
{
	__u32 pid;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p = RD(t->real_parent);
	bpf_probe_read(&pid, sizeof(pid), &p->tgid);
	return pid;
}
static __always_inline __u32 parent_pid(void)
{
	__u32 pid;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p = RD(t->parent);
	bpf_probe_read(&pid, sizeof(pid), &p->tgid);
	return pid;
}
/* the same arms store the same value: the parent arm's tgid read shares the real_parent arm's tail (suffix); the
 * fallback stores nothing, its copy stays apart when the caller reads the out-parameter after the call (tails) */
static __always_inline __u32 pick(__u32 *tgid)
{
	__u32 k = 1;
	__u64 *level = bpf_map_lookup_elem(&levels, &k);
	if (level) {
		if (*level == 0) {
			__u64 id = bpf_get_current_pid_tgid();
			*tgid = id >> 32;
			return rparent_pid();
		} else if (*level == 1) {
			__u64 id = bpf_get_current_pid_tgid();
			*tgid = id >> 32;
			return parent_pid();
		} else if (*level == 2)
			return 7;
	}
	return rparent_pid();
}
/* the arms store different values: no common tail (each keeps its tgid read) */
static __always_inline __u32 pick_differs(__u32 *tgid)
{
	__u32 k = 2;
	__u64 *level = bpf_map_lookup_elem(&levels, &k);
	if (level) {
		if (*level == 0) {
			__u64 id = bpf_get_current_pid_tgid();
			*tgid = id >> 32;
			return rparent_pid();
		} else if (*level == 1) {
			__u64 id = bpf_get_current_pid_tgid();
			*tgid = (__u32)id;
			return parent_pid();
		}
	}
	return 0;
}
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u32); } seen SEC(".maps");
/* the caller reads tgid by value after the call: a register after SROA, a phi where the paths join */
SEC("kprobe/live")
int BPF_KPROBE(live)
{
	__u32 tgid = 0;
	__u32 pid = pick(&tgid);
	__u32 v = tgid + 1;
	bpf_map_update_elem(&seen, &pid, &v, BPF_ANY);
	return 0;
}
/* its address goes to a helper too: it stays in memory, a store like any other */
SEC("kprobe/escapes")
int BPF_KPROBE(escapes)
{
	__u32 tgid = 0;
	__u32 pid = pick(&tgid);
	bpf_map_update_elem(&seen, &pid, &tgid, BPF_ANY);
	return 0;
}
/* the out-parameter is never read after the call: no phi, the fallback and the first arm end alike */
SEC("kprobe/dead")
int BPF_KPROBE(dead)
{
	__u32 tgid = 0;
	__u32 pid = pick(&tgid);
	bpf_map_update_elem(&seen, &pid, &pid, BPF_ANY);
	return 0;
}
/* read before a second call only: dead after that one */
SEC("kprobe/twice")
int BPF_KPROBE(twice)
{
	__u32 tgid = 0;
	__u32 pid = pick(&tgid);
	__u32 v = tgid + 1;
	bpf_map_update_elem(&seen, &pid, &v, BPF_ANY);
	if (pid == 3)
		pid = pick(&tgid);
	bpf_map_update_elem(&seen, &pid, &pid, BPF_ANY);
	return 0;
}
SEC("kprobe/differs")
int BPF_KPROBE(differs)
{
	__u32 tgid = 0;
	__u32 pid = pick_differs(&tgid);
	__u32 v = tgid + 1;
	bpf_map_update_elem(&seen, &pid, &v, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'void_tail', min: 1, text: `/* in the shape of netdata's networkviewer: an inlined void helper ends in \`if (..) return;\` */
struct val { long len; long env; int state; int dir; char buf[64]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } m SEC(".maps");
/* a void helper ending in a store arm and \`if (..) return;\` (netdata's set_common_udp_nv_data), then the caller reads
 * the same address again */
static __always_inline void fill(struct val *v, struct sock *sk, int dir)
{
	unsigned char st;
	bpf_probe_read_kernel(&st, 1, (void *)&sk->__sk_common.skc_state);
	v->state = st;
	if (v->dir == 0)
		v->dir = dir;
	if (v->state > 12)
		return;
}
SEC("fentry/udp_sendmsg") int BPF_PROG(void_tail, struct sock *sk)
{
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v)
		return 0;
	fill(v, sk, 2);
	BPF_CORE_READ_INTO(&v->len, sk, __sk_common.skc_state);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'sizeof_bounds', min: 18, text: `/* in the shape of the kernel selftests' profiler.inc.h: unrolled loops bounded by ARRAY_SIZE of a member */
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof(arr[0]))
struct entry { __u32 pid; __u32 len; char payload[64]; };
struct entries { struct entry array[4]; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct entries); } tab SEC(".maps");
SEC("raw_tracepoint/sched_process_exit") int member_bound(void *ctx)
{
	__u32 k = bpf_get_current_pid_tgid();
	struct entries *a = bpf_map_lookup_elem(&tab, &k);
	if (!a)
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
#pragma unroll
	for (int i = 0; i < ARRAY_SIZE(a->array); i++) {
		struct entry *e = &a->array[i];
		if (e->pid == k) {
			e->len = bpf_core_read_str(e->payload, 16, &task->comm);
			e->pid = BPF_CORE_READ(task, real_parent, tgid);
		}
	}
	return 0;
}
SEC("raw_tracepoint/sched_process_fork") int local_bound(void *ctx)
{
	__u64 seen[3] = {};
	struct task_struct *task = (void *)bpf_get_current_task();
#pragma unroll
	for (int i = 0; i < sizeof(seen) / sizeof(__u64); i++) {
		if (bpf_get_prandom_u32() & 1)
			seen[i] = BPF_CORE_READ(task, real_parent, start_time);
	}
	return seen[0] + seen[2];
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'alternate_copies', min: 40, text: `/* in the shape of the kernel selftests' profiler.inc.h populate_cgroup_info: an unrolled loop's copies alternate
 * computing and reusing the first block's offsets */
const volatile int target_id = 3;
__u64 out[8];
/* the profiler's shape: the block before the loop reads task->cgroups too */
SEC("kprobe/a") int with_pre(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
#pragma unroll
	for (int i = 0; i < 6; i++) {
		struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[i]);
		if (css) {
			int id = BPF_CORE_READ(css, ss, id);
			if (id == target_id) {
				dfl = BPF_CORE_READ(css, cgroup);
				break;
			}
		}
	}
	out[0] = (long)dfl;
	return 0;
}
/* nothing before the loop, an odd count */
SEC("kprobe/b") int no_pre(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cgroup *found = 0;
#pragma unroll
	for (int i = 0; i < 5; i++) {
		struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[i]);
		if (css) {
			int id = BPF_CORE_READ(css, ss, id);
			if (id == target_id) {
				found = BPF_CORE_READ(css, cgroup);
				break;
			}
		}
	}
	out[1] = (long)found;
	return 0;
}
/* an else arm: the copy's first block is no predecessor of the next copy */
SEC("kprobe/c") int with_else(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	long n = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[i]);
		if (css)
			n += BPF_CORE_READ(css, ss, id);
		else
			n += bpf_get_prandom_u32();
	}
	out[2] = n;
	return 0;
}
/* an if with stores only after the first block */
SEC("kprobe/e") int store(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
#pragma unroll
	for (int i = 0; i < 6; i++) {
		struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[i]);
		if (css)
			out[i] = (long)BPF_CORE_READ(css, cgroup);
	}
	return 0;
}
/* a map-value pointer */
struct val { __u64 a[8]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } m SEC(".maps");
SEC("kprobe/f") int parent_walk(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v) return 0;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		struct task_struct *p = BPF_CORE_READ(task, real_parent);
		if (p) {
			v->a[i] = BPF_CORE_READ(p, tgid);
			task = p;
		}
	}
	return 0;
}
const volatile bool walk = true;
/* the read before the loop in the block before the if the loop is in: an immediate predecessor of copy 0 */
SEC("kprobe/g") int pred_pre(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	if (walk) {
#pragma unroll
		for (int i = 0; i < 6; i++) {
			struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[i]);
			if (css) {
				int id = BPF_CORE_READ(css, ss, id);
				if (id == target_id) {
					dfl = BPF_CORE_READ(css, cgroup);
					break;
				}
			}
		}
	}
	out[3] = (long)dfl;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'store_arms', min: 12, text: `/* in the shape of the kernel selftests' profiler.inc.h (profiler3, barrier_var empty): the one arm of an if that
 * stores through a pointer is a block of its own */
struct val { long len; long env; char buf[64]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } m SEC(".maps");
struct { int flag; } cfg;
/* an arm that only stores through a pointer, then a global's if */
SEC("kprobe/a") int store_arm(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v)
		return 0;
	void *a = (void *)BPF_CORE_READ(t, mm, arg_start);
	long n = bpf_probe_read_user_str(v->buf, 64, a);
	if (n <= 32)
		v->len = n;
	if (cfg.flag) {
		void *e = (void *)BPF_CORE_READ(t, mm, env_start);
		v->env = bpf_probe_read_user_str(v->buf, 64, e);
	}
	return 0;
}
/* the same with the arm storing to a local only */
SEC("kprobe/b") int local_arm(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v)
		return 0;
	void *a = (void *)BPF_CORE_READ(t, mm, arg_start);
	long n = bpf_probe_read_user_str(v->buf, 64, a);
	long k = 0;
	if (n <= 32)
		k = n;
	if (cfg.flag) {
		void *e = (void *)BPF_CORE_READ(t, mm, env_start);
		v->env = bpf_probe_read_user_str(v->buf, 64, e) + k;
	}
	return 0;
}
/* the store arm, no second if */
SEC("kprobe/c") int store_only(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v)
		return 0;
	void *a = (void *)BPF_CORE_READ(t, mm, arg_start);
	long n = bpf_probe_read_user_str(v->buf, 64, a);
	if (n <= 32)
		v->len = n;
	void *e = (void *)BPF_CORE_READ(t, mm, env_start);
	v->env = bpf_probe_read_user_str(v->buf, 64, e);
	return 0;
}
/* two pointers' reads of one field around a store arm: the block before the if is a predecessor of the join (adj) */
SEC("kprobe/d") int adj_store(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 z = 0;
	struct val *v = bpf_map_lookup_elem(&m, &z);
	if (!v)
		return 0;
	struct task_struct *p = BPF_CORE_READ(t, real_parent);
	long n = bpf_probe_read_kernel_str(v->buf, 16, BPF_CORE_READ(t, mm));
	if (n <= 16)
		v->len = n;
	v->env = bpf_probe_read_kernel_str(v->buf, 16, BPF_CORE_READ(p, mm));
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'far', min: 40, text: `struct hdr { __u32 pid, tid, ppid, uid; __u64 cg; };
struct ev { struct hdr hdr; __u32 code; __u64 start; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
struct cg_info { __u64 id; __u64 parent_id; __u32 level; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct cg_info); } tasks SEC(".maps");
/* a record header filled from any task: tgid, then pid and real_parent, then real_parent's tgid (the same offset) */
static __always_inline void fill(struct hdr *h, struct task_struct *t)
{
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = BPF_CORE_READ(t, cred, uid.val);
	h->cg = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}
/* t, the record and ctx cross the reads between, plus the offset: four, kept in r6-r9 (one tgid record) */
SEC("tp_btf/sched_process_exit") int BPF_PROG(exit_like, struct task_struct *p)
{
	if (p->pid != p->tgid)
		return 0;
	struct ev *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	fill(&e->hdr, p);
	e->code = BPF_CORE_READ(p, exit_code);
	e->start = p->start_boottime;
	bpf_ringbuf_output(&rb, e, sizeof(*e), (long)ctx);
	bpf_ringbuf_discard(e, 0);
	return 0;
}
/* the parent kept for a later read too: five, the offset rematerialised (two tgid records) */
SEC("tp_btf/sched_process_fork") int BPF_PROG(fork_like, struct task_struct *parent, struct task_struct *child)
{
	struct ev *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	fill(&e->hdr, child);
	e->code = BPF_CORE_READ(parent, tgid);
	bpf_ringbuf_output(&rb, e, sizeof(*e), (long)ctx);
	bpf_ringbuf_discard(e, 0);
	return 0;
}
/* cgroup.kn through dst, then through the task's default cgroup four reads later; the id read after a test */
static __always_inline __u64 parent_id(struct task_struct *t)
{
	struct kernfs_node *kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);
	kn = BPF_CORE_READ(kn, parent);
	return kn ? BPF_CORE_READ(kn, id) : 0;
}
SEC("raw_tp/cgroup_attach_task") int BPF_PROG(cg_like, struct cgroup *dst, const char *path, struct task_struct *task)
{
	__u32 pid = BPF_CORE_READ(task, tgid);
	struct cg_info info = {};
	info.id = BPF_CORE_READ(dst, kn, id);
	info.level = BPF_CORE_READ(dst, level);
	info.parent_id = parent_id(task);
	bpf_map_update_elem(&tasks, &pid, &info, BPF_ANY);
	return 0;
}
/* the id read unconditionally: kn's and id's offsets both held across the same calls, neither kept */
SEC("raw_tp/cgroup_mkdir") int BPF_PROG(competing, struct cgroup *dst, const char *path, struct task_struct *task)
{
	__u32 pid = BPF_CORE_READ(task, tgid);
	struct cg_info info = {};
	info.id = BPF_CORE_READ(dst, kn, id);
	info.level = BPF_CORE_READ(dst, level);
	info.parent_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	bpf_map_update_elem(&tasks, &pid, &info, BPF_ANY);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'do_once', min: 4, text: `/* a statement macro's do { } while (0) is straight code to LLVM */
__u64 out[8];
#define READ_INTO(dst, src, f) do { dst = (long)BPF_CORE_READ(src, f); } while (0)
/* a statement macro wrapping a read: straight code, the same address of the same pointer once */
SEC("kprobe/a") int wrapped(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long a, b;
	READ_INTO(a, t, mm);
	b = (long)BPF_CORE_READ(t, mm);
	READ_INTO(out[2], t, real_parent);
	out[0] = a;
	out[1] = b;
	return 0;
}
/* a break out of it: the code after it is a join */
SEC("kprobe/b") int broken(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long a = 0, b;
	do {
		if (!t)
			break;
		a = (long)BPF_CORE_READ(t, mm);
	} while (0);
	b = (long)BPF_CORE_READ(t, mm);
	out[3] = a + b;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },  { name: 'init_stores', min: 40, text: `/* in the shape of scx's compat.bpf.h scx_bpf_dsq_insert_vtime and security-profiles-operator's make_path: a
 * brace list into a preserve_access_index record, one record per member store */
struct s3 { long a; int b; long c; } __attribute__((preserve_access_index));
struct s4 { long a, b, c, d; } __attribute__((preserve_access_index));
struct in2 { int x, y; } __attribute__((preserve_access_index));
struct outp { long k; struct in2 in; } __attribute__((preserve_access_index));
struct outn { long k; struct in2 in; };
struct vargs { __u64 dsq_id, slice, vtime, enq_flags; } __attribute__((preserve_access_index));
static __noinline int sink(void *p) { return bpf_probe_read_kernel(p, 8, p); }
/* the compat wrapper: every member stored, under a type check */
static __always_inline int insert(__u64 dsq, __u64 slice, __u64 vtime, __u64 flags)
{
	if (bpf_core_type_exists(struct vargs)) {
		struct vargs args = { .dsq_id = dsq, .slice = slice, .vtime = vtime, .enq_flags = flags };
		return sink(&args);
	}
	return 0;
}
SEC("kprobe/wrapper") int wrapper(void *ctx) { __u64 x = bpf_get_prandom_u32(); return insert(x, x + 1, x + 2, 0); }
/* make_path: a kernel record returned by value, built from a read and a parameter */
static __always_inline struct path make_path(struct dentry *dentry, struct path *path)
{
	struct path ret = { .mnt = BPF_CORE_READ(path, mnt), .dentry = dentry };
	return ret;
}
SEC("kprobe/mkpath") int BPF_KPROBE(mkpath, struct path *dir, struct dentry *dentry)
{
	struct path p = make_path(dentry, dir);
	return sink(&p);
}
/* all constant: one copy from a constant, no member address, no record */
SEC("kprobe/a") int allconst(void *ctx) { struct s3 v = { .a = 1, .c = 2 }; return sink(&v); }
/* over 16 bytes, three quarters literal zeros: a memset first, only the member not zero stored */
SEC("kprobe/b") int cleared(void *ctx) { long x = bpf_get_prandom_u32(); struct s4 v = { .a = x, .b = 0, .d = 0 }; return sink(&v); }
/* more than a quarter not a literal zero: every member stored, the ones not named with zero */
SEC("kprobe/c") int stored(void *ctx) { long x = bpf_get_prandom_u32(); struct s4 v = { .a = x, .c = 5 }; return sink(&v); }
/* a member record: its members chain onto the outer access; under a plain record, rooted at the member's type */
SEC("kprobe/d") int nested(void *ctx) { long x = bpf_get_prandom_u32(); struct outp v = { .k = x, .in = { .y = x } }; return sink(&v); }
SEC("kprobe/e") int nestedplain(void *ctx) { long x = bpf_get_prandom_u32(); struct outn v = { .k = x, .in = { .y = x } }; return sink(&v); }
SEC("kprobe/f") int nestedzero(void *ctx) { long x = bpf_get_prandom_u32(); struct outp v = { .k = x }; return sink(&v); }
/* positional items, and a positional item after a designator */
SEC("kprobe/g") int positional(void *ctx) { long x = bpf_get_prandom_u32(); struct s3 v = { x, 3 }; return sink(&v); }
SEC("kprobe/h") int mixed(void *ctx) { long x = bpf_get_prandom_u32(); struct s4 v = { .b = x, x }; return sink(&v); }
/* a compound literal is built member by member, constants too */
SEC("kprobe/i") int literal(void *ctx) { struct s3 v; v = (struct s3){ .c = 5 }; return sink(&v); }
SEC("kprobe/j") int literalarg(void *ctx) { long x = bpf_get_prandom_u32(); return sink(&(struct s4){ .a = x }); }
/* nothing reads the local: the stores and their records stay */
SEC("kprobe/k") int unread(void *ctx) { long x = bpf_get_prandom_u32(); struct s3 v = { .a = x, .b = 1 }; return 0; }
/* read back */
SEC("kprobe/l") int readback(void *ctx) { long x = bpf_get_prandom_u32(); struct s3 v = { .a = x, .b = 1 }; return v.a + v.b; }
char LICENSE[] SEC("license") = "GPL";
` },  { name: 'literal_args', min: 10, text: `/* in the shape of Hades' helpers.h: \`hades_uid_eq(kuid, ROOT_UID)\`, ROOT_UID a constant compound literal of a
 * preserve_access_index record passed by value to inline helpers */
typedef struct { unsigned int val; } __attribute__((preserve_access_index)) myuid_t;
#define ROOT_UID ((const myuid_t){ 0 })
__u64 out[4];
static inline unsigned int uval(myuid_t u) { return u.val; }
static inline bool uid_eq(myuid_t l, myuid_t r) { return uval(l) == uval(r); }
/* the literal's store stays, its member read in the inlined copy is the constant: no record */
SEC("kprobe/a") int is_root(void *ctx)
{
	myuid_t k;
	bpf_probe_read_kernel(&k, sizeof(k), (void *)PT_REGS_PARM1((struct pt_regs *)ctx));
	out[0] = uid_eq(k, ROOT_UID);
	return 0;
}
SEC("kprobe/c") int root_is(void *ctx)
{
	myuid_t k;
	bpf_probe_read_kernel(&k, sizeof(k), (void *)PT_REGS_PARM1((struct pt_regs *)ctx));
	out[1] = uid_eq(ROOT_UID, k);
	return 0;
}
/* a value computed at run time: the store is forwarded to the read all the same */
SEC("kprobe/b") int next(void *ctx)
{
	myuid_t k, j;
	bpf_probe_read_kernel(&k, sizeof(k), (void *)PT_REGS_PARM1((struct pt_regs *)ctx));
	bpf_probe_read_kernel(&j, sizeof(j), (void *)PT_REGS_PARM2((struct pt_regs *)ctx));
	out[2] = uid_eq(k, (myuid_t){ j.val + 1 });
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },  { name: 'known_locals', min: 14, text: `/* in the shape of skywalking-rover's list.h list_for_each_entry_data: a list walk unrolled by hand, two bool
 * locals telling the first step from the others (each step reads other fields: clang's merge of one offset over
 * the steps' probe reads is another model's) */
__u64 out[8];
#define STEP(F, G) \\
	if (first) { first = false; enter = true; cur = BPF_CORE_READ(t, real_parent); } \\
	else if (enter) { cur = BPF_CORE_READ(cur, F); enter = cur != t; } \\
	if (enter) out[0] += BPF_CORE_READ(cur, G);
/* first is true at the first step only, enter true after it: the first arm once, the else arm from the second step */
SEC("kprobe/a") int walk(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task(), *cur = 0;
	bool first = true, enter = false;
	STEP(group_leader, pid) STEP(parent, tgid) STEP(last_wakee, prio) STEP(group_leader, normal_prio)
	return 0;
}
/* set in one arm only: unknown after the if */
SEC("kprobe/b") int one_arm(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int seen = 0;
	if (BPF_CORE_READ(t, pid) > 10)
		seen = 1;
	if (seen)
		out[1] = BPF_CORE_READ(t, tgid);
	else
		out[2] = BPF_CORE_READ(t, flags);
	return 0;
}
/* the same value in both arms: known after the if */
SEC("kprobe/c") int both_arms(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int mode = 0;
	if (BPF_CORE_READ(t, pid) > 10) { mode = 2; out[3] = 1; } else { mode = 2; out[4] = 1; }
	if (mode == 2)
		out[5] = BPF_CORE_READ(t, tgid);
	else
		out[6] = BPF_CORE_READ(t, flags);
	return 0;
}
/* written in a loop: unknown in the body and after it */
SEC("kprobe/d") int in_loop(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int first = 1;
	for (int i = 0; i < (int)(bpf_get_prandom_u32() & 7); i++) {
		if (first)
			out[7] = BPF_CORE_READ(t, pid);
		else
			out[7] += BPF_CORE_READ(t, tgid);
		first = 0;
	}
	if (first)
		out[6] = BPF_CORE_READ(t, prio);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // cold_redecide: note() at impl's cold site (unlikely) stays a call there (threshold 45); impl, inlined by cost
  // into ____wake (one block: entry frequency 8, whose 2% is 0), brings it there and LLVM decides it again, not cold:
  // inlined (325). ____wake_new's own unlikely branch makes its entry frequency large: cold again, a .text note().
  { name: 'cold_redecide', min: 20, text: `__u64 out[8];
static inline void note(struct task_struct *p, __u64 v)
{
	out[0] = p->pid + v;
	out[1] = p->tgid * v;
	out[2] = p->prio + v;
	out[3] = p->flags * v;
	out[4] = p->nr_cpus_allowed + v;
	out[5] = p->static_prio ^ v;
}
#define IMPL(n) \\
static void impl##n(struct task_struct *p, __u64 v) \\
{ \\
	if (__builtin_expect(v > 100, 0)) { \\
		note(p, v); \\
		out[7] = 1; \\
		return; \\
	} \\
	note(p, v + 1); \\
	out[6] = v; \\
}
IMPL(1)
IMPL(2)
SEC("tp_btf/sched_wakeup") int BPF_PROG(wake, struct task_struct *p)
{
	impl1(p, p->pid);
	return 0;
}
SEC("tp_btf/sched_wakeup_new") int BPF_PROG(wake_new, struct task_struct *p)
{
	if (__builtin_expect(p->prio == 7, 0))
		out[7] = 2;
	impl2(p, p->tgid);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // fold_conds: note() (LLVM cost 255) under `&&` chains in an arm of 3/8: clang inlines it where the chain's cheap
  // conjuncts are one select (1/2, then the knob's and the call's branches: 3/64 > 2%), keeps it a call where each
  // conjunct loads through a pointer (a branch each, 5/8 apiece: cold) and where __builtin_expect's weights merge
  { name: 'fold_conds', min: 30, text: `const volatile __u64 nr_ids = 64;
__u64 out[8];
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } m SEC(".maps");
static inline void note(struct task_struct *p, __u64 v)
{
	out[0] = p->pid + v;
	out[1] = p->tgid * v;
	out[2] = p->prio + v;
	out[3] = p->flags * v;
	out[4] = p->nr_cpus_allowed + v;
	out[5] = p->static_prio ^ v;
	out[6] = bpf_ktime_get_ns() + p->normal_prio;
	bpf_map_update_elem(&m, &p->pid, &v, BPF_ANY);
}
SEC("tp_btf/sched_wakeup") int BPF_PROG(wake, struct task_struct *p)
{
	__u32 key = 0;
	__u64 a = bpf_get_prandom_u32(), b = bpf_ktime_get_ns(), c = bpf_get_current_pid_tgid();
	int cpu = bpf_get_smp_processor_id();
	struct task_struct *t = (void *)bpf_get_current_task();
	void *v = bpf_map_lookup_elem(&m, &key);
	if (out[7] == 0) {
		/* one select (even), the volatile knob's compare, the call's test: 1/8 of the arm (a branch each: 1/180) */
		if (v && t && a && b && c && cpu >= 0 && (__u64)cpu < nr_ids && (bpf_get_prandom_u32() & 1))
			note(p, a);
		/* loads through a pointer may trap: a branch each, the site cold (2%) */
		if (v && t->pid && t->tgid && t->prio && t->flags && t->static_prio && t->normal_prio)
			note(p, b);
		/* __builtin_expect's weights merged into the select's: (2000, 2002), then (2000, 2 * F + 2000) per
		 * conjunct, 2000:62032 after five, then the call's test: cold again */
		if (__builtin_expect(!!v, 1) && t && a && b && c && cpu >= 0 && (bpf_get_prandom_u32() & 2))
			note(p, c);
	}
	note(p, 7);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // const_arms: ns_of(t, PIDTYPE_TGID) three times (LLVM cost 205 of 225): the constant decides pid_of's `?:`,
  // inlined into ns_of, its PIDTYPE_PID arm never counted; counting it (250) kept ns_of out of line
  { name: 'const_arms', min: 15, text: `__u64 out[8];
/* which struct pid a task's kind of id lives in: a thread's own, else its signal's */
static struct pid *pid_of(const struct task_struct *t, enum pid_type kind)
{
	return kind == PIDTYPE_PID ? BPF_CORE_READ(t, thread_pid) : BPF_CORE_READ(t, signal, pids[kind]);
}
/* the namespace a task's id of that kind is numbered in */
static struct pid_namespace *ns_of(const struct task_struct *t, enum pid_type kind)
{
	struct pid *p;
	int lvl;

	if (!t)
		t = (struct task_struct *)bpf_get_current_task();
	if (!t)
		return NULL;
	p = pid_of(t, kind);
	if (!p)
		return NULL;
	lvl = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[lvl].ns);
}
SEC("tp_btf/sched_wakeup") int BPF_PROG(wake, struct task_struct *p)
{
	out[0] = (__u64)ns_of(p, PIDTYPE_TGID);
	out[1] = (__u64)ns_of(p->real_parent, PIDTYPE_TGID);
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(sw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[2] = (__u64)ns_of(next, PIDTYPE_TGID);
	out[3] = (__u64)pid_of(prev, PIDTYPE_PID);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // kfunc_calls: sample() with six kfunc calls, three calls of it: LLVM 280 > 225, a BPF-to-BPF call (its records in
  // .text); priced as helpers (no CallPenalty) the model's 90 inlined it
  { name: 'kfunc_calls', min: 5, text: `__u64 out[8];
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
/* kfuncs are functions clang calls directly: each call costs the inliner CallPenalty too (LLVM 280 > 225) */
static void sample(struct task_struct *p, int i)
{
	struct task_struct *t;

	bpf_rcu_read_lock();
	t = bpf_task_acquire(p);
	if (t) {
		out[i & 7] += t->pid + t->tgid;
		bpf_task_release(t);
	}
	bpf_rcu_read_unlock();
	bpf_rcu_read_lock();
	out[(i + 1) & 7] = p->prio + p->static_prio;
	bpf_rcu_read_unlock();
}
SEC("tp_btf/sched_wakeup") int BPF_PROG(wake, struct task_struct *p)
{
	sample(p, 1);
	sample(p->real_parent, 2);
	return 0;
}
SEC("tp_btf/sched_wakeup_new") int BPF_PROG(wake_new, struct task_struct *p)
{
	sample(p, 3);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // cleanups: each __attribute__((cleanup)) local's destructor inlined once where its scope is left, by any way
  { name: 'cleanups', min: 20, text: `__u64 out[16];
/* sched-ext's cleanup.bpf.h: guard(rcu)() / scoped_guard(rcu) over vmlinux.h's class_rcu_t */
static inline void class_rcu_destructor(class_rcu_t *_T)
{
	if (_T->lock)
		bpf_rcu_read_unlock();
}
static inline class_rcu_t class_rcu_constructor(void)
{
	class_rcu_t _t = { .lock = (void *)1 };
	bpf_rcu_read_lock();
	return _t;
}
#define CLASS(_name, var) class_##_name##_t var __attribute__((__cleanup__(class_##_name##_destructor))) = class_##_name##_constructor
#define __scoped_guard(_name, _label, args...) \\
	for (CLASS(_name, scope)(args); true; ({ goto _label; })) \\
		if (0) { \\
_label: \\
			break; \\
		} else
#define scoped_guard(_name, args...) __scoped_guard(_name, ___bpf_apply(__label_, __COUNTER__), args)
#define guard(_name) CLASS(_name, ___bpf_apply(__guard_, __COUNTER__))
/* a DEFINE_FREE-style destructor reading the task it is given */
static inline void put_task(struct task_struct **pp)
{
	struct task_struct *p = *pp;
	if (p)
		out[7] = p->pid;
}
static inline void put_parent(struct task_struct **pp)
{
	struct task_struct *p = *pp;
	if (p)
		out[8] = p->tgid;
}
#define __free(f) __attribute__((cleanup(f)))
/* two scopes, a return inside the second: one destructor each */
SEC("tp_btf/sched_wakeup") int BPF_PROG(scoped, struct task_struct *t)
{
	scoped_guard(rcu) {
		out[1] = t->tgid;
	}
	scoped_guard(rcu) {
		if (t->pid == 4)
			return 3;
		out[2] = t->flags;
	}
	return 0;
}
/* to the end of the function: two returns, one destructor */
SEC("tp_btf/sched_wakeup_new") int BPF_PROG(guarded, struct task_struct *t)
{
	guard(rcu)();
	if (t->prio == 3)
		return 1;
	out[1] = t->tgid;
	return 0;
}
/* a loop's body: break and continue leave through the one destructor */
SEC("tp_btf/sched_process_exit") int BPF_PROG(looped, struct task_struct *t)
{
	for (int i = 0; i < out[9]; i++) {
		struct task_struct *g __free(put_task) = t;
		if (t->prio == i)
			break;
		if (t->flags == i)
			continue;
		out[1] += t->tgid;
	}
	return 0;
}
/* two in one scope (reverse order), and a goto out of a nested scope */
SEC("tp_btf/sched_switch") int BPF_PROG(nested, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *a __free(put_task) = next;
	struct task_struct *b __free(put_parent) = next->real_parent;
	{
		struct task_struct *g __free(put_task) = prev;
		if (prev->prio == 3)
			goto out;
		out[1] = prev->tgid;
	}
	out[2] = next->pid;
out:
	return 0;
}
/* NULL and never set: the destructor's test folds, no record */
SEC("tp_btf/sched_process_fork") int BPF_PROG(unset, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *g __free(put_task) = NULL;
	out[3] = child->flags;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // memcpy_inline: __builtin_memcpy_inline and a copy from `&p->arr` are two records each, as __builtin_memcpy's
  { name: 'memcpy_inline', min: 12, text: `struct ev { __u8 comm[16]; __u8 c2[16]; __u8 c3[16]; __u8 c4[16]; __u64 pad[2]; };
struct ev evs[4];
/* __builtin_memcpy from an array member's address: the first access folds the relocation, the second keeps the
 * relocated address (two records, as from \`p->comm\`) */
SEC("tp_btf/sched_wakeup") int BPF_PROG(copy_addr, struct task_struct *p)
{
	__u8 *d = evs[0].comm;
	__builtin_memcpy(d, &p->comm, 16);
	return 0;
}
/* scxtop's record_real_comm: __builtin_memcpy_inline is expanded as llvm.memcpy is */
static void record_comm(__u8 *comm, struct task_struct *task)
{
	if (task->flags & 0x20)
		comm[0] = task->prio;
	else
		__builtin_memcpy_inline(comm, &task->comm, 16);
}
SEC("tp_btf/sched_wakeup_new") int BPF_PROG(copy_inline, struct task_struct *p)
{
	record_comm(evs[1].c2, p);
	return 0;
}
SEC("tp_btf/sched_process_exit") int BPF_PROG(copy_inline2, struct task_struct *p)
{
	record_comm(evs[2].c3, p->real_parent);
	evs[2].pad[0] = p->pid;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // ptr_index (CORELENS_PTR_INDEX_RULES): `p[k]` in a CO-RE read is a relocation step only on a pointer to a struct or
  // union (BPFAbstractMemberAccess drops the chain for `&fd[1]`, fd a `struct file **`, or a `long *`), rooted at the
  // pointee with its typedef stripped (`atomic_t *`: the anonymous struct); outside the builtin only a variable or a
  // preserve_access_index member is indexed so (clang's IsPreserveAIArrayBase: a cast's value is not)
  // expect_params: `likely(flag)` / `__builtin_expect(flag, 0)` on a parameter each caller passes a constant decides the arm
  { name: 'expect_params', min: 8, text: `#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
__u32 seen[8];
/* a firewall's shared L4 parser: which header by a constant flag of each caller */
static __always_inline int l4proto(void *data, void *end, __u8 *proto, __u8 v4)
{
	void *p = data + sizeof(struct ethhdr);
	if (likely(v4)) {
		struct iphdr *ip = p;
		p += sizeof(struct iphdr);
		if (unlikely(p > end))
			return -1;
		*proto = ip->protocol;
	} else {
		struct ipv6hdr *ip6 = p;
		p += sizeof(struct ipv6hdr);
		if (unlikely(p > end))
			return -1;
		*proto = ip6->nexthdr;
	}
	return 0;
}
static __always_inline __u32 v4_lookup(void *data, void *end)
{
	__u8 proto = 0;
	if (unlikely(l4proto(data, end, &proto, 1) < 0))
		return 1;
	seen[0] = proto;
	return 0;
}
static __always_inline __u32 v6_lookup(void *data, void *end)
{
	__u8 proto = 0;
	if (unlikely(l4proto(data, end, &proto, 0) < 0))
		return 1;
	seen[1] = proto;
	return 0;
}
SEC("xdp") int fw_expect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if (data + sizeof(*eth) > end)
		return XDP_DROP;
	switch (eth->h_proto) {
	case bpf_htons(0x0800): return v4_lookup(data, end);
	case bpf_htons(0x86DD): return v6_lookup(data, end);
	}
	return XDP_PASS;
}
/* the flag tested the other way round, __builtin_expect written out, in a tracing helper */
static __always_inline __u64 pick(struct task_struct *t, int parent)
{
	if (__builtin_expect(parent == 0, 1))
		return t->pid;
	return t->real_parent->tgid;
}
SEC("tp_btf/sched_process_fork") int BPF_PROG(fork_expect, struct task_struct *parent, struct task_struct *child)
{
	seen[2] = pick(child, 0);
	seen[3] = pick(parent, 1);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'ptr_index', min: 10, text: `typedef struct task_struct task_t;
struct slots { struct task_struct *tasks; } __attribute__((preserve_access_index));
long out[16];
/* a file-table helper as real tools write it: the second open file, read through the fd array */
static __always_inline struct file *second_file(struct task_struct *t)
{
	struct file **fd = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f;
	bpf_core_read(&f, sizeof(f), &fd[1]);
	return f;
}
SEC("kprobe/do_sys_openat2") int BPF_KPROBE(files_of, int dfd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct file *f = second_file(t);
	out[0] = BPF_CORE_READ(f, f_inode, i_ino);
	long *args = (void *)out[10];
	bpf_core_read(&out[1], sizeof(long), &args[2]);
	atomic_t *cnt = (void *)out[11];
	out[2] = __builtin_preserve_access_index(cnt[1].counter);
	task_t *tt = (void *)out[12];
	struct task_struct *next;
	bpf_core_read(&next, sizeof(next), &tt[1].real_parent);
	out[3] = (long)next;
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(indexed, bool preempt, struct task_struct *prev, struct task_struct *nx)
{
	out[4] = prev[1].pid;
	out[5] = ((struct task_struct *)out[13])[2].tgid;
	struct slots *s = (void *)out[14];
	out[6] = s->tasks[3].prio;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'unroll_in_macros', min: 112, text: `/* a LOOP macro as tools write it to fall back from bpf_loop to an unrolled loop on old kernels */
#define WALK_STOP 1
#define WALK(max, cb, c) \\
  _Pragma("unroll") for (int i = 0; i < max; i++) { \\
    if (cb(i, c) == WALK_STOP) \\
      break; \\
  }
#define WALK_PLAIN(max, cb, c) \\
  for (int i = 0; i < max; i++) { \\
    if (cb(i, c) == WALK_STOP) \\
      break; \\
  }

#define WALK_FULL(max, cb, c) \\
  _Pragma("clang loop unroll(full)") for (int i = 0; i < max; i++) { \\
    if (cb(i, c) == WALK_STOP) \\
      break; \\
  }

struct up { struct task_struct *t; __u64 sum; };
__u64 ups[4];

static __always_inline long up_step(__u32 i, void *p)
{
	struct up *u = p;
	struct task_struct *parent = u->t->real_parent;
	if (parent == u->t)
		return WALK_STOP;
	u->sum += parent->tgid;
	u->t = parent;
	return 0;
}

SEC("tp_btf/sched_process_exec") int BPF_PROG(op_unroll, struct task_struct *t)
{
	struct up u = { .t = t };
	WALK(20, up_step, &u);
	ups[0] = u.sum;
	return 0;
}

SEC("tp_btf/sched_process_fork") int BPF_PROG(pragma_before, struct task_struct *t, struct task_struct *child)
{
	struct up u = { .t = child };
#pragma unroll
	WALK_PLAIN(20, up_step, &u);
	ups[1] = u.sum;
	return 0;
}
SEC("tp_btf/sched_process_exit") int BPF_PROG(clang_loop_full, struct task_struct *t)
{
	struct up u = { .t = t };
	WALK_FULL(16, up_step, &u);
	ups[2] = u.sum;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'max_trips', min: 16, text: `#define VEC_LEN 6
__u64 mt_out[16], mt_in[4];
SEC("kprobe/max_trips") int max_trips(struct pt_regs *ctx)
{
	const struct iovec *iov = (void *)ctx->di;
	int iovlen = ctx->si, i;
#pragma unroll(VEC_LEN)
	for (i = 0; i < VEC_LEN && i < iovlen; ++i) {
		struct iovec c;
		bpf_probe_read(&c, sizeof(c), &iov[i]);
		__u64 n = c.iov_len;
		if (n == 0)
			return 0;
		mt_out[i] = n;
	}
	return 0;
}
SEC("kprobe/max_trips_full") int max_trips_full(struct pt_regs *ctx)
{
	const struct iovec *iov = (void *)ctx->di;
	int iovlen = ctx->si, i;
#pragma clang loop unroll(full)
	for (i = 0; i < VEC_LEN && i < iovlen; ++i) {
		struct iovec c;
		bpf_probe_read(&c, sizeof(c), &iov[i]);
		mt_out[i] = c.iov_len;
	}
	return 0;
}
SEC("kprobe/max_trips_gcc") int max_trips_gcc(struct pt_regs *ctx)
{
	const struct iovec *iov = (void *)ctx->di;
	int i;
#pragma GCC unroll 8
	for (i = 0; i < 4 && mt_in[i]; i++) {
		struct iovec c;
		bpf_probe_read(&c, sizeof(c), &iov[i]);
		mt_out[8 + i] = c.iov_len;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'gap_one_block', min: 70, text: `/* in the shape of krie's fill_process_context: a branchless unrolled body reading subsys[i] twice */
#define NSUB 12
struct gob_cg { __u32 subsystem_id; __u64 id; char name[64]; };
struct gob_ctx { struct gob_cg cgroups[NSUB + 1]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct gob_ctx); } gob_m SEC(".maps");
SEC("kprobe/gap_one_block") int gap_one_block(void *c)
{
	__u32 k = 0;
	struct gob_ctx *ctx = bpf_map_lookup_elem(&gob_m, &k);
	if (!ctx)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	char *container_id;
	__u8 read = 0;
#pragma unroll
	for (__u32 i = 0; i <= NSUB; i++) {
		ctx->cgroups[i].subsystem_id = i;
		BPF_CORE_READ_INTO(&ctx->cgroups[i].id, task, cgroups, subsys[i], id);
		BPF_CORE_READ_INTO(&container_id, task, cgroups, subsys[i], cgroup, kn, name);
		read = bpf_probe_read_str(ctx->cgroups[i].name, sizeof(ctx->cgroups[i].name), container_id);
		ctx->cgroups[i].name[read & 63] = 0;
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // single_bb_const (CORELENS_SINGLE_BB_CONST): sizes(f, 2), sizes(f, 0) in two programs: the helper's one branch, `k == 1 ? ..`,
  // folds on the constant, so LLVM keeps the single-block bonus (cost 435 < 325 + 162; ours 344); without it, a BPF-to-BPF call
  { name: 'single_bb_const', min: 10, text: `__u64 out[16];
/* one branch, on k: each call's constant folds it, the callee stays one block to the inliner */
static inline __u64 sizes(struct file *x, int k)
{
	__u64 sz = 0;
	BPF_CORE_READ_INTO(&sz, x, f_inode, i_size);
	__u64 v = k == 1 ? x->f_flags : sz;
	out[13] = v;
	out[7] += BPF_CORE_READ(x, f_path.dentry, d_inode, i_mode);
	out[5] += BPF_CORE_READ(x, f_mode);
	out[15] += x->f_pos;
	out[3] += x->f_wb_err;
	return BPF_CORE_READ(x, f_path.mnt, mnt_flags) + k;
}
SEC("fentry/vfs_write") int BPF_PROG(wr, struct file *f)
{
	out[6] += sizes(f, 2);
	return 0;
}
SEC("fentry/vfs_read") int BPF_PROG(rd, struct file *f)
{
	out[4] += sizes(f, 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'alias_nonnull', min: 4, text: `/* in the shape of gala-gopher's new_sock_conn: a parameter copied to a local, tested null there */
long an_out[8];
static __always_inline struct sock *an_by_task(struct task_struct *t)
{
	struct file **ff = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f;
	bpf_core_read(&f, sizeof(f), ff + 3);
	if (!f)
		return 0;
	struct socket *s = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(s, sk);
}
static __always_inline int an_aliased(const struct socket *socket)
{
	struct socket *ns = (struct socket *)socket;
	if (ns == NULL) {
		struct sock *sk = an_by_task((struct task_struct *)bpf_get_current_task());
		if (!sk)
			return 0;
		ns = BPF_CORE_READ(sk, sk_socket);
		if (ns == NULL)
			return 0;
	}
	an_out[3] = BPF_CORE_READ(ns, state);
	return 0;
}
SEC("kprobe/alias_nonnull") int alias_nonnull(void *ctx)
{
	struct sock *sk = (void *)an_out[5];
	struct socket *socket = BPF_CORE_READ(sk, sk_socket);
	if (socket == NULL)
		return 0;
	return an_aliased((const struct socket *)socket);
}
SEC("kprobe/alias_unknown") int alias_unknown(void *ctx)
{
	return an_aliased((const struct socket *)an_out[6]);
}
char LICENSE[] SEC("license") = "GPL";
` },
  // select_block (CORELENS_CSE_SELECT_BLOCK): l3() in skbtracer's get_l3_header shape ends in a select (`if (nh == 0)
  // nh = mh + 14;`), a branch over a move on BPF: the ifs after it are two machine blocks away from l3's offsets,
  // each arm's l3() has its own three records (with the switch off, cse.ts merges them: 3 missing)
  { name: 'select_block', min: 9, text: `__u64 out[16];
/* the packet's network header, or the one after the MAC header when it is unset */
static __always_inline unsigned char *l3(struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 mh = BPF_CORE_READ(skb, mac_header);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	if (nh == 0)
		nh = mh + 14;
	return head + nh;
}
SEC("kprobe/ip_rcv") int rcv(struct pt_regs *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)PT_REGS_PARM1(ctx);
	unsigned char *h = l3(skb);
	__u8 v = 0;
	bpf_probe_read_kernel(&v, 1, h);
	v >>= 4;
	if (v == 4)
		out[0] = (__u64)l3(skb);
	else if (v == 6)
		out[1] = (__u64)l3(skb);
	else
		return 0;
	return 1;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // ind_arith (fresh21b, CORELENS_SINK_IND_ARITH): an unrolled loop's exit arm that names the induction variable
  // only in arithmetic with an unknown value (`numbers[level - i]`) sinks into one copy (with the switch off each
  // copy keeps its arm: 19 surplus)
  { name: 'ind_arith', min: 9, text: `/* in the shape of kvisor's get_pid_in_ns: the levels of a task's pid walked from the deepest up in an unrolled loop
 * that leaves from an arm reading \`numbers[level - i]\`, the level's namespace inode from a table */
__u64 ns_inos[8];
__u32 out[8];
static __always_inline void pid_in_ns(struct task_struct *task, __u64 ino, __u32 *pid)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
#pragma unroll
	for (int i = 0; i < 6; i++) {
		if (ns_inos[i] == ino) {
			*pid = BPF_CORE_READ(p, numbers[level - i].nr);
			break;
		}
	}
}
/* the same leaving by a return, \`i + level\` */
static __always_inline __u32 ns_level(struct task_struct *task, __u64 ino)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (ns_inos[i] == ino)
			return BPF_CORE_READ(p, numbers[i + level].ns, level);
	}
	return 0;
}
SEC("kprobe/sched_fork") int fork(struct pt_regs *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	pid_in_ns(task, ns_inos[7], &out[0]);
	out[1] = ns_level(task, ns_inos[6]);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // alt_inv (cse30, CORELENS_UNSIGNED_ZERO, CORELENS_CSE_ALT_INV, CORELENS_CSE_ALT_EXIT): the unsigned `< 0` test
  // folds, so the body is one block ending in the exit test; `task->group_leader`'s offset then alternates across
  // the 10 copies (MachineCSE reuses an immediate predecessor's MOV, not one that was itself reused), in the exit arm
  // it reuses copy 0's (in `leave` copy 0's block is the one before the loop), and after the type check's if/else in
  // `enter` the block before holds none. Off: 14 surplus (UNSIGNED_ZERO), 2 (ALT_INV or ALT_EXIT)
  { name: 'alt_inv', min: 20, text: `/* in the shape of kvisor's get_pid_in_ns: the current task's namespace levels walked from the deepest up in an
 * unrolled loop through \`task\`, which the loop never writes; the level found leaves by an arm sunk out of the loop */
struct pid_link { int x; };
__u64 cfg_ino;
__u32 out[8];
static __always_inline void pid_in_ns(__u64 ino, __u32 *pid)
{
	if (ino == 0) {
		*pid = bpf_get_current_pid_tgid() >> 32;
		return;
	}
	struct task_struct *task = (void *)bpf_get_current_task();
	unsigned int level = BPF_CORE_READ(task, group_leader, nsproxy, pid_ns_for_children, level);
#pragma unroll
	for (int i = 0; i < 10; i++) {
		if ((level - i) < 0)
			break;
		unsigned long leader = (unsigned long)BPF_CORE_READ(task, group_leader);
		if (leader == ino) {
			*pid = BPF_CORE_READ(task, group_leader, thread_pid, numbers[level - i].nr);
			break;
		}
	}
}
/* the walk after a type check's if/else: the block before it holds no group_leader offset */
static __always_inline __u32 pidns_of(struct task_struct *task)
{
	struct pid *pid;
	if (bpf_core_type_exists(struct pid_link))
		pid = BPF_CORE_READ(task, thread_pid);
	else
		pid = BPF_CORE_READ(task, thread_pid, numbers[0].ns, parent, pid_allocated);
	return BPF_CORE_READ(pid, level);
}
SEC("raw_tracepoint/sys_enter") int enter(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	out[0] = pidns_of(task);
	pid_in_ns(cfg_ino, &out[1]);
	out[2] = BPF_CORE_READ(task, start_time);
	return 0;
}
/* the walk alone: the level's read before the loop is in copy 0's block */
SEC("raw_tracepoint/sys_exit") int leave(void *ctx)
{
	pid_in_ns(cfg_ino + 1, &out[3]);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // switch_clamp (cse30, CORELENS_SWITCH_CLAMP): the submit helper's size argument, a constant per call, is clamped
  // then switched on: each copy keeps the one arm min(size, FULL) takes (a size over FULL takes FULL's, one under it
  // and not a case the default); with the switch off every copy keeps all three arms' reads (8 surplus)
  { name: 'switch_clamp', min: 8, text: `/* in the shape of tracee's cgroup_skb_submit: a submit helper given its size as a constant (headers only, the full
 * packet, a byte count), clamped, then switched on */
#define HEADERS 0
#define FULL 65536
struct md { __u32 header_size; };
__u64 out[8];
static __always_inline __u32 submit(struct __sk_buff *ctx, struct md *m, __u32 type, __u32 size)
{
	size = size > FULL ? FULL : size;
	switch (size) {
	case HEADERS:
		size = m->header_size;
		break;
	case FULL:
		size = ctx->len;
		break;
	default:
		size += m->header_size;
		size = size > ctx->len ? ctx->len : size;
		break;
	}
	out[type] = size;
	return size;
}
SEC("cgroup_skb/ingress") int ingress(struct __sk_buff *ctx)
{
	struct md m = { .header_size = ctx->protocol };
	if (ctx->mark == 1)
		submit(ctx, &m, 1, HEADERS);
	else if (ctx->mark == 2)
		submit(ctx, &m, 2, FULL);
	else if (ctx->mark == 3)
		submit(ctx, &m, 3, 100);
	else
		submit(ctx, &m, 4, 1 << 20);
	return 1;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // byval_fields (pkt31, CORELENS_BYVAL_FIELDS): a record returned by value from an inlined constructor (a compound
  // literal with a constant kind) and passed by value to inlined helpers that switch on the kind: SROA splits it and
  // SCCP folds each switch to the constructor's arm; with the switch off every copy keeps both arms' reads
  { name: 'byval_fields', min: 4, text: `/* in the shape of datadog-agent's usm pktbuf: a buffer handle returned by value from two constructors (a compound
 * literal with a constant kind) and handed by value to helpers that switch on the kind */
enum buf_kind { BUF_SKB, BUF_USER };
struct user_args { __u64 ptr; __u32 off; __u32 end; };
struct buf {
	enum buf_kind kind;
	union {
		struct { struct __sk_buff *skb; __u32 *off; };
		struct { struct pt_regs *regs; struct user_args *user; };
	};
};
typedef const struct buf buf_t;
extern void buf_bad_kind(void);
static __always_inline buf_t buf_from_skb(struct __sk_buff *skb, __u32 *off)
{
	return (buf_t){ .kind = BUF_SKB, .skb = skb, .off = off };
}
static __always_inline buf_t buf_from_user(struct pt_regs *regs, struct user_args *u)
{
	return (buf_t){ .kind = BUF_USER, .user = u, .regs = regs };
}
static __always_inline __u32 buf_end(buf_t b)
{
	switch (b.kind) {
	case BUF_SKB:
		return b.skb->len;
	case BUF_USER:
		return b.user->end;
	}
	buf_bad_kind();
	return 0;
}
static __always_inline long buf_load(buf_t b, __u32 off, void *to, __u32 len)
{
	switch (b.kind) {
	case BUF_SKB:
		if (off + len > b.skb->len)
			return -1;
		return bpf_skb_load_bytes(b.skb, off + b.skb->cb[0], to, len);
	case BUF_USER:
		return bpf_probe_read_user(to, len, (void *)(b.user->ptr + off));
	}
	buf_bad_kind();
	return 0;
}
static __always_inline int parse(buf_t b, __u32 off)
{
	__u8 c = 0;
	if (buf_end(b) < off + 4)
		return 0;
	if (buf_load(b, off, &c, 1) < 0)
		return 0;
	return c + (b.kind == BUF_SKB ? b.skb->protocol : 0);
}
__u64 hits[4];
SEC("socket") int filter(struct __sk_buff *skb)
{
	__u32 off = 0;
	buf_t b = buf_from_skb(skb, &off);
	hits[0] += parse(b, 14);
	return 0;
}
SEC("uprobe/read") int user_read(struct pt_regs *ctx)
{
	struct user_args u = { .ptr = PT_REGS_PARM2(ctx), .off = 0, .end = PT_REGS_PARM3(ctx) };
	hits[1] += parse(buf_from_user(ctx, &u), 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // const_conds + memset_runs (pkt31, CORELENS_CONST_CONDS, CORELENS_MEMSET_RUNS): a static inline header filler with
  // five callers, whose always_inline zeroing helper tests `__builtin_constant_p(len)` and an odd length before a switch
  // on the length (given sizeof). LLVM folds both ifs on the constant and MemCpyOpt makes the kept zero stores one
  // memset: cost 245 < 325, inlined five times. With either switch off the model keeps it out of line (346, 340): one
  // copy of the cgroup walk's relocations where clang has five
  { name: 'const_conds_memset_runs', min: 30, text: `/* in the shape of datadog-agent's gpu fill_header: an event header filled by a static inline helper with five
 * callers, whose cgroup name is zeroed by an always_inline memzero that first checks its length is a constant
 * (\`__builtin_constant_p\`) and handles an odd length, then switches on it */
#define zero_at(d, op) (*(__u##op *)(d -= sizeof(__u##op))) = 0
static __always_inline void mem_zero(void *d, __u64 len)
{
	if (!__builtin_constant_p(len))
		__builtin_trap();
	d += len;
	if (len > 1 && len % 2 == 1) {
		zero_at(d, 8);
		len -= 1;
	}
	switch (len) {
	case 64: zero_at(d, 64);
	case 56: zero_at(d, 64);
	case 48: zero_at(d, 64);
	case 40: zero_at(d, 64);
	case 32: zero_at(d, 64);
	case 24: zero_at(d, 64);
	case 16: zero_at(d, 64);
	case 8: zero_at(d, 64); break;
	case 4: zero_at(d, 32); break;
	case 2: zero_at(d, 16); break;
	case 1: zero_at(d, 8); break;
	default: __builtin_trap();
	}
}
static __always_inline void mem_set(void *d, int c, __u64 len)
{
	if (__builtin_constant_p(len) && __builtin_constant_p(c) && c == 0)
		mem_zero(d, len);
	else
		__builtin_memset(d, c, len);
}
static __always_inline int cgroup_name_of(struct task_struct *task, char *buf, __u64 sz)
{
	mem_set(buf, 0, sz);
	const char *name = BPF_CORE_READ(task, cgroups, subsys[0], cgroup, kn, name);
	if (bpf_probe_read_kernel(buf, sz, name) < 0)
		return 0;
	return 1;
}
static __always_inline int cgroup_name(char *buf, __u64 sz)
{
	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task))
		return 0;
	return cgroup_name_of((struct task_struct *)bpf_get_current_task(), buf, sz);
}
struct hdr { __u64 pid_tgid; __u64 ts; __u64 stream; __u32 type; char cgroup[65]; };
struct ev1 { struct hdr h; __u64 a; };
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");
static inline void fill(struct hdr *h, __u64 stream, __u32 type)
{
	h->pid_tgid = bpf_get_current_pid_tgid();
	h->ts = bpf_ktime_get_ns();
	h->stream = stream;
	h->type = type;
	cgroup_name(h->cgroup, sizeof(h->cgroup));
}
#define PROBE(n) SEC("uprobe/p" #n) int p##n(struct pt_regs *ctx) \\
{ struct ev1 e = {}; fill(&e.h, PT_REGS_PARM1(ctx), n); e.a = PT_REGS_PARM2(ctx); \\
  bpf_ringbuf_output(&events, &e, sizeof(e), 0); return 0; }
PROBE(1)
PROBE(2)
PROBE(3)
PROBE(4)
PROBE(5)
char LICENSE[] SEC("license") = "GPL";
` },
  // varargs_dropped (cse30, CORELENS_VARARGS_DROPPED): the checker's variadic arguments are dead once it is inlined; the
  // same loads stored for the report keep their records (with the switch off, 4 surplus)
  { name: 'varargs_dropped', min: 5, text: `/* in the shape of sched-ext's scx_bpf_error: the arguments stored into a u64 array for the report, then handed
 * again to an empty variadic format checker defined in the header */
static inline __attribute__((format(printf, 1, 2))) void fmt_check(const char *fmt, ...) {}
__u64 sink[4];
#define report(fmt, a, b) ({ unsigned long long ___p[2] = {}; ___p[0] = (unsigned long long)(a); \\
	___p[1] = (unsigned long long)(b); bpf_probe_read_kernel(&sink[0], 16, ___p); fmt_check(fmt, a, b); })
SEC("tp_btf/sched_process_exec") int BPF_PROG(on_exec, struct task_struct *p)
{
	if (p->flags & 4)
		report("task %d %d", p->pid, p->tgid);
	return 0;
}
SEC("tp_btf/sched_process_fork") int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	report("fork %d %llu", child->pid, child->start_time);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // hoist_calls (cse30, CORELENS_CSE_HOIST_CALLS): both arms start with the same inlined output helper, its arguments
  // differing only in the map's address: its ring buffer check is hoisted (one record); an arm that first stores, or
  // whose argument is a loaded value or another local, keeps its own (with the switch off, 1 surplus)
  { name: 'hoist_calls', min: 7, text: `/* in the shape of gala-gopher's stackprobe: two perf/ringbuf channels, the event sent on the one the counter picks
 * through an output helper that first asks whether ring buffers exist */
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); } chan_a SEC(".maps"), chan_b SEC(".maps");
struct ev { __u64 pid; __u64 ts; };
__u64 counter;
static inline char has_ringbuf(void) { return (char)bpf_core_type_exists(struct bpf_ringbuf); }
static inline long buf_output(void *ctx, void *map, void *buf, __u64 size)
{
	if (has_ringbuf())
		return bpf_ringbuf_output(map, buf, size, 0);
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
}
SEC("perf_event") int sample(struct bpf_perf_event_data *ctx)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid(), .ts = bpf_ktime_get_ns() };
	char is_a = (counter % 2) == 0;
	if (is_a)
		(void)buf_output(ctx, &chan_a, &e, sizeof(e));
	else
		(void)buf_output(ctx, &chan_b, &e, sizeof(e));
	return 0;
}
/* an arm that counts first */
SEC("perf_event") int sample_count(struct bpf_perf_event_data *ctx)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid(), .ts = bpf_ktime_get_ns() };
	if (counter & 1)
		buf_output(ctx, &chan_a, &e, sizeof(e));
	else {
		counter++;
		buf_output(ctx, &chan_b, &e, sizeof(e));
	}
	return 0;
}
/* sizes loaded from a global */
SEC("perf_event") int sample_sized(struct bpf_perf_event_data *ctx)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid(), .ts = bpf_ktime_get_ns() };
	if (counter & 1)
		buf_output(ctx, &chan_a, &e, counter & 15);
	else
		buf_output(ctx, &chan_b, &e, (counter >> 4) & 15);
	return 0;
}
/* another local sent */
SEC("perf_event") int sample_copy(struct bpf_perf_event_data *ctx)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid(), .ts = bpf_ktime_get_ns() };
	if (counter & 1)
		buf_output(ctx, &chan_a, &e, sizeof(e));
	else {
		struct ev e2 = e;
		e2.ts++;
		buf_output(ctx, &chan_b, &e2, sizeof(e2));
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // self_read (fresh21b, CORELENS_DEAD_SELF_READ): `hl = hl << 2;` reads the store it replaces: ihl's and doff's
  // records stay (with the switch off, 2 missing); `unread = 3;` after `unread = tcph.window;` still kills window's
  { name: 'self_read', min: 3, text: `/* in the shape of ebpf-apps' http_trace: a socket filter copying the IP and TCP headers onto the stack and scaling
 * their length fields in place (\`hl = hl << 2;\` reads the value it replaces) */
SEC("socket") int http_filter(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct tcphdr tcph;
	bpf_skb_load_bytes(skb, 14, &iph, sizeof(iph));
	__u32 total = iph.tot_len;
	__u32 hl = iph.ihl;
	hl = hl << 2;
	bpf_skb_load_bytes(skb, 14 + hl, &tcph, sizeof(tcph));
	__u32 doff = tcph.doff;
	doff = doff * 4;
	__u32 unread = tcph.window;
	unread = 3;
	return bpf_ntohs(total) - hl - doff + unread;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // setter_consts (CORELENS_SETTER_CONSTS, sites.ts constMembers/setterWrites, gala-gopher's tprofilingprobe): a local
  // record zeroed (memset, `= {}`), then given a constant flag by an inlined per-program setter, then tested by an
  // inlined emitter (`m->flag & F_FD`): after inlining SROA makes each member an SSA value, the test folds and the
  // dead arm's relocations are never emitted; the last straight-line store before the call decides (a setter's store
  // after its possible return, one in an arm or in a loop, or the record handed to a helper or a non-inlined setter
  // keep the arm). With the switch off: 9 extra (b, f, g).
  { name: 'setter_consts', min: 12, text: `/* in the shape of gala-gopher's syscall probes: a per-syscall meta setter, a shared emitter */
/* a meta record filled by a per-program setter, tested by a shared emitter */
struct meta { unsigned long nr; unsigned int flag; };
enum { F_FD = 1, F_STACK = 2 };
__u64 out[16];
static __always_inline void fd_info(__u64 *o)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	o[0] = BPF_CORE_READ(t, files, fdt, max_fds);
}
static __always_inline void fill(__u64 *o, struct meta *m)
{
	if (m->flag & F_FD)
		fd_info(o);
	if (m->flag & F_STACK)
		o[2] = bpf_get_smp_processor_id();
	if (m->nr == 7)
		o[3] = 7;
}
static __always_inline void emit(struct meta *m, int stat)
{
	__u64 *o = &out[4];
	o[1] = m->nr;
	if (stat)
		fill(o, m);
}
static __always_inline void set_meta_read(struct meta *m) { m->flag = F_FD; }
static __always_inline void set_meta_sync(struct meta *m) { m->flag = F_STACK; }
static __always_inline void set_meta_both(struct meta *m) { m->flag = F_FD | F_STACK; }
#define EXIT_BODY(name) \\
	do { \\
		struct meta m; \\
		if (out[9]) return 0; \\
		__builtin_memset(&m, 0, sizeof(m)); \\
		m.nr = out[8]; \\
		set_meta_##name(&m); \\
		emit(&m, 1); \\
		return 0; \\
	} while (0)
SEC("kprobe/a") int exit_read(void *ctx) { EXIT_BODY(read); }
SEC("kprobe/b") int exit_sync(void *ctx) { EXIT_BODY(sync); }
SEC("kprobe/c") int exit_both(void *ctx) { EXIT_BODY(both); }
/* the setter runs in one arm only: the member is no constant at the test */
SEC("kprobe/d") int exit_arm(void *ctx)
{
	struct meta m;
	__builtin_memset(&m, 0, sizeof(m));
	m.nr = out[8];
	if (out[10])
		set_meta_sync(&m);
	else
		m.flag = out[11];
	emit(&m, 1);
	return 0;
}
/* the address reaches a helper that may write it: kept */
SEC("kprobe/e") int exit_escape(void *ctx)
{
	struct meta m;
	__builtin_memset(&m, 0, sizeof(m));
	set_meta_sync(&m);
	bpf_probe_read_kernel(&m, sizeof(m), (void *)out[12]);
	emit(&m, 1);
	return 0;
}
/* written zero by the memset only: folds (flag 0) */
SEC("kprobe/f") int exit_zero(void *ctx)
{
	struct meta m;
	__builtin_memset(&m, 0, sizeof(m));
	m.nr = out[8];
	emit(&m, 1);
	return 0;
}
/* a second write after the setter: the last one counts */
SEC("kprobe/g") int exit_over(void *ctx)
{
	struct meta m = {};
	set_meta_read(&m);
	m.flag = F_STACK;
	emit(&m, 1);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // setter_consts, the grid of when SROA folds (each program's comment says what clang does): a variable index into
  // another member, a byte member, a bitfield zeroed by the brace list, a setter calling the setter fold; an
  // out-of-line setter, a store after a possible return, a helper given the record, a store in a loop keep the arm.
  // With the switch off: 12 extra (i, j, l, n).
  { name: 'setter_consts_grid', min: 12, text: `struct meta { unsigned long nr; unsigned int flag; unsigned char small; unsigned int bits : 3; __u32 arr[4]; };
enum { F_FD = 1, F_STACK = 2 };
__u64 out[16];
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, struct meta); } metas SEC(".maps");
static __always_inline void fd_info(__u64 *o)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	o[0] = BPF_CORE_READ(t, files, fdt, max_fds);
}
static __always_inline void fill(struct meta *m)
{
	if (m->flag & F_FD)
		fd_info(&out[4]);
}
static __always_inline void fill_small(struct meta *m)
{
	if (m->small == 5)
		fd_info(&out[5]);
}
static __always_inline void fill_bits(struct meta *m)
{
	if (m->bits == 5)
		fd_info(&out[6]);
}
static __noinline void set_outline(struct meta *m) { m->flag = F_STACK; }
static __always_inline void set_late(struct meta *m) { if (out[1]) return; m->flag = F_STACK; }
static __always_inline void set_sync(struct meta *m) { m->flag = F_STACK; }
static __always_inline void set_small(struct meta *m) { m->small = 4; }
static __always_inline void set_nested(struct meta *m) { set_sync(m); }
/* the setter kept out of line: the record is memory, the test stays */
SEC("kprobe/h") int outline(void *ctx) { struct meta m = {}; set_outline(&m); fill(&m); return 0; }
/* a setter that may return before its store: kept */
SEC("kprobe/k") int late(void *ctx) { struct meta m = {}; m.flag = F_FD; set_late(&m); fill(&m); return 0; }
/* a variable index into another member */
SEC("kprobe/i") int varidx(void *ctx) { struct meta m = {}; set_sync(&m); m.arr[out[3] & 3] = 1; fill(&m); out[7] = m.arr[out[2] & 3]; return 0; }
/* a byte member */
SEC("kprobe/j") int small(void *ctx) { struct meta m = {}; set_small(&m); fill_small(&m); return 0; }
/* a bitfield member, zero from the brace list */
SEC("kprobe/l") int bits(void *ctx) { struct meta m = {}; fill_bits(&m); return 0; }
/* the record handed to a helper between the store and the test */
SEC("kprobe/m") int helper(void *ctx) { struct meta m = {}; __u32 k = 1; set_sync(&m); bpf_map_update_elem(&metas, &k, &m, 0); fill(&m); return 0; }
/* a setter calling the setter */
SEC("kprobe/n") int nested(void *ctx) { struct meta m; __builtin_memset(&m, 0, sizeof(m)); m.flag = F_FD; set_nested(&m); fill(&m); return 0; }
/* a store in a loop */
SEC("kprobe/o") int inloop(void *ctx) { struct meta m = {}; for (int i = 0; i < out[2] && i < 4; i++) m.flag = i; fill(&m); return 0; }
char LICENSE[] SEC("license") = "GPL";
` },
  // checks_unrolled (CORELENS_CSE_CHECKS_UNROLLED, cse.ts, gala-gopher's l7probe): in a fully unrolled loop, each
  // iteration's inlined reserve tests `bpf_core_type_exists(struct bpf_ringbuf)`, then the chunk sender tests it
  // again to pick a size (an if/else of two stores, sunk, an empty arm: the block after is an immediate successor of
  // the test's) and the inlined submit a third time: MachineCSE merges the third into the second in each copy as in
  // straight code (two records per iteration). With the switch off: 4 extra records counted (merged x4).
  { name: 'checks_unrolled', min: 14, text: `struct cmsg { __u32 size; __u32 psize; __u32 evt; __u32 idx; char data[64]; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct cmsg); } heap SEC(".maps");
static inline char has_rb(void) { return bpf_core_type_exists(struct bpf_ringbuf); }
static inline void *reserve(__u64 sz)
{
	int zero = 0;
	if (has_rb())
		return bpf_ringbuf_reserve(&rb, sz, 0);
	return bpf_map_lookup_elem(&heap, &zero);
}
static inline void submit(void *ctx, void *p, __u64 sz)
{
	if (has_rb()) {
		bpf_ringbuf_submit(p, 0);
		return;
	}
	bpf_perf_event_output(ctx, &rb, BPF_F_CURRENT_CPU, p, sz);
}
/* one chunk: the payload size depends on the buffer kind, then the submit tests it again */
static __always_inline void send_one(void *ctx, const char *buf, __u64 n, struct cmsg *m)
{
	volatile __u64 copied = n > 64 ? 64 : n;
	m->size = copied;
	bpf_probe_read_user(m->data, copied & 63, buf);
	if (has_rb())
		m->psize = sizeof(m->data);
	else
		m->psize = copied;
	m->evt = 3;
	submit(ctx, m, sizeof(*m));
}
SEC("uprobe/a") int one(struct pt_regs *ctx)
{
	struct cmsg *m = reserve(sizeof(*m));
	if (!m)
		return 0;
	send_one(ctx, (const char *)PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx), m);
	return 0;
}
SEC("uprobe/b") int chunks(struct pt_regs *ctx)
{
	const char *buf = (const char *)PT_REGS_PARM2(ctx);
	__u64 n = PT_REGS_PARM3(ctx);
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct cmsg *m = reserve(sizeof(*m));
		if (!m)
			return 0;
		m->idx = i;
		send_one(ctx, buf + i * 64, n, m);
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'licm_loads', min: 40, text: `/* LICM (before the full unroll) hoists a load to the preheader when nothing in the loop may write what it
 * reads: no call, no asm, no store TBAA cannot tell apart (u64 stores do not alias int, short, pointer or unsigned
 * long loads); the CO-RE global's load goes with it: one record for every copy */
__u64 out[16];
__u32 hist[8];
SEC("tp_btf/sched_switch") int BPF_PROG(hoisted, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u64 adj = prev->signal->oom_score_adj;
		out[i] += adj;
		out[8] += next->mm->total_vm;
		out[9] += prev->tgid;
	}
	return 0;
}
/* the pointer hops hoisted, the u64 member per copy (a u64 store may write it) */
SEC("tp_btf/sched_switch") int BPF_PROG(value_aliased, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		out[i] += prev->real_parent->start_time;
	return 0;
}
/* a load before an early exit runs on every iteration; one after it does not (per copy) */
SEC("tp_btf/sched_switch") int BPF_PROG(before_exit, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i] += prev->pid;
		if (out[i + 4] > 5)
			break;
		out[i + 8] += next->pid;
	}
	return 0;
}
/* kept per copy: a store of the same TBAA type (u32 and int), a union member (skb->dev: may-alias), a load in an arm
 * on a varying condition, a pointer the loop writes, a helper call in the body */
SEC("tp_btf/sched_switch") int BPF_PROG(same_type, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		hist[i] += prev->tgid;
	return 0;
}
SEC("tp_btf/kfree_skb") int BPF_PROG(union_member, struct sk_buff *skb)
{
#pragma unroll
	for (int i = 0; i < 3; i++) {
		out[i] += skb->dev->mtu;
		out[8] += skb->len;
	}
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(varying_arm, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (out[i] > 3)
			out[1] += prev->signal->nr_threads;
		out[9] += prev->prio;
	}
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(walk, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *w = prev;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i] += w->tgid;
		w = w->real_parent;
	}
	return 0;
}
SEC("tp_btf/sched_switch") int BPF_PROG(with_call, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		out[i] += prev->tgid;
		out[8] += BPF_CORE_READ(next, pid);
	}
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  { name: 'offset_mov', min: 9, text: `/* bpf_core_field_offset(p->m) and an address of the same member (a probe read's source, BPF_CORE_READ's last hop) are
 * one byte_off relocation, one MOV after BPFMISimplifyPatchable: MachineCSE keeps the first for the second in its
 * block or the next, whichever role comes first, through any pointer (one record each program below) */
__u64 out[16];
SEC("tp_btf/offset_first") int BPF_PROG(offset_first, struct sk_buff *skb)
{
	struct task_struct *t = bpf_get_current_task_btf();
	out[15] += bpf_core_field_offset(t->pid);
	__u64 v = 0; BPF_CORE_READ_INTO(&v, t, pid);
	out[1] += v;
	return 0;
}
SEC("tp_btf/address_first") int BPF_PROG(address_first, struct sk_buff *skb)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 v = 0; BPF_CORE_READ_INTO(&v, t, tgid);
	out[1] += v;
	out[15] += bpf_core_field_offset(t->tgid);
	return 0;
}
SEC("tp_btf/two_reads") int BPF_PROG(two_reads, struct sk_buff *skb)
{
	struct task_struct *t = bpf_get_current_task_btf();
	out[2] += bpf_core_field_offset(t->exit_code);
	out[1] += BPF_CORE_READ(t, exit_code);
	return 0;
}
SEC("tp_btf/next_block") int BPF_PROG(next_block, struct sk_buff *skb)
{
	struct task_struct *t = bpf_get_current_task_btf();
	out[2] += bpf_core_field_offset(t->start_time);
	if (skb->len > 3)
		out[1] += BPF_CORE_READ(t, start_time);
	return 0;
}
SEC("fentry/select_after") int BPF_PROG(select_after, struct file *f)
{
	__u64 v = BPF_CORE_READ(f, f_path.dentry, d_parent, d_name.len);
	out[15] += v;
	out[14] = bpf_core_field_offset(f->f_path.dentry) > 25 ? f->f_flags : 7;
	return 0;
}
SEC("fentry/arm_after") int BPF_PROG(arm_after, struct file *f)
{
	__u64 v = 0; bpf_core_read(&v, sizeof(f->f_mode), &f->f_mode);
	out[6] = out[3] == 2 ? v : bpf_core_field_offset(f->f_mode);
	return 0;
}
/* per copy of a fully unrolled body, no helper call between (the address's own probe read aside) */
SEC("tp_btf/unrolled") int BPF_PROG(unrolled, struct sk_buff *skb)
{
	struct task_struct *t = bpf_get_current_task_btf();
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct task_struct *p = BPF_CORE_READ(t, group_leader);
		out[15] += bpf_core_field_offset(p->prio);
		__u64 v = 0; BPF_CORE_READ_INTO(&v, p, prio);
		out[i] += v;
		t = p;
	}
	return 0;
}
/* kept apart: the check is a ?:'s condition (its MOV beside the phi of the arms), an address after it has its own */
SEC("fentry/select_before") int BPF_PROG(select_before, struct file *f)
{
	out[14] = bpf_core_field_offset(f->f_path.dentry) > 25 ? f->f_flags : 7;
	__u64 v = BPF_CORE_READ(f, f_path.dentry, d_parent, d_name.len);
	out[15] += v;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // rolled_remat (CORELENS_CSE_ROLLED_REMAT, cse.ts, fresh30b: linux perf's sample_filter skeleton): a check tested
  // first by a helper inlined into a rolled loop is hoisted by MachineLICM and rematerialised after each helper call
  // in the body's arms when the values the body uses every iteration take r6-r9 (three records for one site here);
  // with the task pointer read only in arms it keeps a callee-saved register (one record)
  { name: 'rolled_remat', min: 20, text: `/* rolled_remat: a rule table walked by a loop LLVM keeps rolled (32 entries, a switch per entry); the helper each
 * entry calls tests a check first and calls helpers in two arms. MachineLICM hoists the check's MOV out of the loop;
 * when the pointers and counters the body uses every iteration take r6-r9, the allocator rematerialises it after
 * each of the two calls (three records); when they leave a register, one */
struct rule { __u32 op; __u32 what; __u64 val; __u32 mask; __u32 pad; };
struct rules { struct rule r[32]; };
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct rules);
	__uint(max_entries, 1);
} rule_map SEC(".maps");
__u64 hits[8];

/* the task's flags read on every entry: the task pointer stays in a register across the loop */
static inline __u64 value_hot(struct task_struct *t, struct rule *r)
{
	if (!bpf_core_field_exists(t->loginuid))
		return 0;
	if ((t->flags & r->mask) == 0)
		return 0;
	switch (r->what) {
	case 1: return t->pid;
	case 2: return t->tgid;
	case 3: return t->prio;
	case 4: return bpf_get_current_uid_gid() >> 32;
	case 5: return bpf_ktime_get_ns();
	default: return 0;
	}
}

/* the task read only in arms: spilled, the check keeps a callee-saved register */
static inline __u64 value_cold(struct task_struct *t, struct rule *r)
{
	if (!bpf_core_field_exists(t->sessionid))
		return 0;
	switch (r->what) {
	case 1: return t->pid;
	case 2: return t->tgid;
	case 3: return t->prio;
	case 4: return bpf_get_current_uid_gid() >> 32;
	case 5: return bpf_ktime_get_ns();
	default: return 0;
	}
}

#define WALK(name, value)								\\
SEC("tp_btf/sched_switch")								\\
int BPF_PROG(name, bool preempt, struct task_struct *prev, struct task_struct *next)	\\
{											\\
	__u32 zero = 0;									\\
	struct rules *rs = bpf_map_lookup_elem(&rule_map, &zero);			\\
	int matched = 0, any = 0;							\\
	__u64 v;									\\
											\\
	if (!rs)									\\
		return 0;								\\
	for (int i = 0; i < 32; i++) {							\\
		v = value(next, &rs->r[i]);						\\
		switch (rs->r[i].op) {							\\
		case 0: if (v == rs->r[i].val) matched++; break;			\\
		case 1: if (v > rs->r[i].val) any = 1; break;				\\
		case 2: if (v < rs->r[i].val) goto out; break;				\\
		}									\\
	}										\\
out:											\\
	hits[0] += matched;								\\
	hits[1] += any;									\\
	return 0;									\\
}
WALK(busy_hot, value_hot)
WALK(busy_cold, value_cold)

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sum_hot, struct task_struct *p)
{
	__u32 zero = 0;
	struct rules *rs = bpf_map_lookup_elem(&rule_map, &zero);

	if (!rs)
		return 0;
	for (int i = 0; i < 32; i++)
		hits[2] += value_hot(p, &rs->r[i]);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sum_cold, struct task_struct *p)
{
	__u32 zero = 0;
	struct rules *rs = bpf_map_lookup_elem(&rule_map, &zero);

	if (!rs)
		return 0;
	for (int i = 0; i < 32; i++)
		hits[3] += value_cold(p, &rs->r[i]);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // hoist_join (cse31, CORELENS_CSE_HOIST_JOIN): hoist_calls after a join (an arm that may swap the event before),
  // the if on an unwritten parameter: SimplifyCFG hoists the callee's check into the if's block, one record (with
  // the switch off, 1 surplus)
  { name: 'hoist_join', min: 2, text: `/* in the shape of gala-gopher stackprobe's update_statistics: a python event swapped in by an arm, then sent on the
 * channel a parameter picks */
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); } chan_a SEC(".maps"), chan_b SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct big); } heap SEC(".maps");
struct ev { __u64 pid; __u64 ts; __s64 count; };
struct big { struct ev e; char extra[64]; };
__u64 counter;
static inline char has_ringbuf(void) { return (char)bpf_core_type_exists(struct bpf_ringbuf); }
static inline long buf_output(void *ctx, void *map, void *buf, __u64 size)
{
	if (has_ringbuf())
		return bpf_ringbuf_output(map, buf, size, 0);
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
}
static __always_inline void stats(void *ctx, char cur, __s64 count, int lang)
{
	struct ev e = { .pid = bpf_get_current_pid_tgid(), .count = count };
	void *event = &e;
	int size = sizeof(e);
	if (lang == 1) {
		__u32 zero = 0;
		struct big *b = bpf_map_lookup_elem(&heap, &zero);
		if (!b)
			return;
		__builtin_memcpy(&b->e, &e, sizeof(e));
		event = b;
		size = sizeof(*b);
	}
	if (cur)
		(void)buf_output(ctx, &chan_a, event, size);
	else
		(void)buf_output(ctx, &chan_b, event, size);
}
SEC("uprobe") int BPF_KPROBE(on_free, void *addr)
{
	char cur = (counter % 2) == 0;
	stats(ctx, cur, -(long)addr, (long)addr & 3);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // sc_dead_left (cse31, CORELENS_SC_DEAD_LEFT): `L && R` with R a test of a parameter the copy's constant argument
  // decides false (`||`: true), L free of side effects: InstCombine folds the whole, L's loads die (with the switch
  // off, 6 surplus); a helper call on the left stays
  { name: 'sc_dead_left', min: 12, text: `/* in the shape of bpfcontain's inode permission hooks: one inlined decision helper per LSM hook, its access mask a
 * constant of each hook, a socket test guarded by the mask */
#define S_IFMT  00170000
#define S_IFSOCK 0140000
#define S_IFDIR  0040000
#define S_ISSOCK(m)	(((m) & S_IFMT) == S_IFSOCK)
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define MAY_READ 1
#define MAY_WRITE 2
#define MAY_APPEND 4
#define MAY_DELETE 0x20
#define MAY_EXEC 0x40
__u64 out[8];
static __always_inline bool is_sock(const struct inode *inode)
{
	return S_ISSOCK(inode->i_mode);
}
static __always_inline bool is_dir(const struct inode *inode)
{
	return S_ISDIR(inode->i_mode);
}
static __always_inline int decide(struct inode *inode, __u32 access)
{
	if (!inode)
		return 0;
	/* the mask's test decided false by a constant: the socket test's load dies with it */
	if (is_sock(inode) && (access & ~(MAY_READ | MAY_WRITE | MAY_APPEND)) == 0) {
		out[3] = bpf_get_prandom_u32();
		return 1;
	}
	/* \`||\` decided true: the left side's load dies */
	if (is_dir(inode->i_sb->s_root->d_inode) || (access & MAY_EXEC) != 0)
		out[5]++;
	/* a helper on the left is kept whatever the mask says */
	if (bpf_get_prandom_u32() && (access & MAY_DELETE))
		out[6]++;
	out[4]++;
	return 0;
}
SEC("lsm/path_unlink") int BPF_PROG(unl, const struct path *dir, struct dentry *dentry)
{
	return decide(dentry->d_inode, MAY_DELETE);
}
SEC("lsm/path_rmdir") int BPF_PROG(rmd, const struct path *dir, struct dentry *dentry)
{
	return decide(dentry->d_inode, MAY_WRITE);
}
SEC("lsm/path_mknod") int BPF_PROG(mkn, const struct path *dir, struct dentry *dentry, umode_t mode, unsigned int dev)
{
	return decide(dentry->d_inode, MAY_EXEC | MAY_READ);
}
char LICENSE[] SEC("license") = "GPL";
` },
  // ifcvt_loads (cse31, CORELENS_IFCVT_LOADS): an if speculated whole into a select keeps its condition's direct load
  // in the one IR block, where the next statement's load of the same member is the same SelectionDAG node (one
  // record); a store arm or a helper call between keeps two (with the switch off, 2 surplus)
  { name: 'ifcvt_loads', min: 7, text: `/* in the shape of bpfcontain's LSM hooks: a file or inode mode turned into an access mask bit by bit */
#define S_IFMT  00170000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFBLK  0060000
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_CHDIR 0x40
__u64 out[8];
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u64); __type(value, __u32); } seen SEC(".maps");
/* each if speculated into a select: one record for both reads of i_mode */
SEC("lsm/inode_permission") int BPF_PROG(perm, struct inode *inode, int mask)
{
	__u32 access = 0;
	if (mask & MAY_WRITE)
		access |= 4;
	if (S_ISDIR(inode->i_mode) && (mask & MAY_CHDIR))
		access |= 1;
	if (!S_ISDIR(inode->i_mode) && (mask & MAY_EXEC))
		access |= 8;
	out[0] = access;
	return 0;
}
/* a speculated if, then an if with real arms testing the same member: one record */
SEC("lsm/file_receive") int BPF_PROG(recv, struct file *file)
{
	__u32 access = 0;
	if (file->f_mode & 1)
		access |= 1;
	if (file->f_mode & 2) {
		if (file->f_flags & 02000)
			access |= 2;
		else
			access |= 4;
	}
	out[1] = access;
	return 0;
}
/* an arm storing to a global is no select: two records */
SEC("lsm/file_open") int BPF_PROG(open_, struct file *file)
{
	if (file->f_mode & 1)
		out[2] = 1;
	if (file->f_mode & 2)
		out[3] = 1;
	return 0;
}
/* a map update between the reads: two records */
SEC("lsm/file_permission") int BPF_PROG(fperm, struct file *file, int mask)
{
	__u32 access = 0;
	__u64 key = (__u64)file;
	if (file->f_mode & 1)
		access |= 1;
	bpf_map_update_elem(&seen, &key, &access, 0);
	if (file->f_mode & 2)
		out[4] = access;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
  // dead_aggr (cse31, CORELENS_DEAD_AGGR): a local array or struct only ever stored into (and memset) is erased with
  // its stores by InstCombine, the loads of the stored values with them: no record; one read back, its address
  // handed to a helper, or a kernel type's member stored (a relocated address) keeps them (switch off: 10 surplus)
  { name: 'dead_aggr', min: 24, text: `/* in the shape of aws-network-policy-agent's tc classifier: the addresses copied byte by byte into arrays for a
 * lookup key, one of them left unread after a refactor */
struct lpm_key { __u32 prefix_len; __u8 ip[4]; };
struct flow { __u32 saddr; __u32 daddr; __u8 proto; };
struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 64); __type(key, struct lpm_key); __type(value, __u32); __uint(map_flags, 1); } policy SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct flow); __type(value, __u32); } conntrack SEC(".maps");
/* the source bytes are stored and never read: no record for them */
SEC("tc") int egress(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct lpm_key key;
	struct flow fk;
	__u8 src[4];
	__builtin_memset(&fk, 0, sizeof(fk));
	__builtin_memset(&src, 0, sizeof(src));
	struct ethhdr *eth = data;
	if (data + sizeof(*eth) > data_end)
		return 0;
	if (eth->h_proto != bpf_htons(0x0800))
		return 0;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > data_end)
		return 0;
	key.prefix_len = 32;
	key.ip[0] = ip->daddr & 0xff;
	key.ip[1] = (ip->daddr >> 8) & 0xff;
	key.ip[2] = (ip->daddr >> 16) & 0xff;
	key.ip[3] = (ip->daddr >> 24) & 0xff;
	src[0] = ip->saddr & 0xff;
	src[1] = (ip->saddr >> 8) & 0xff;
	src[2] = (ip->saddr >> 16) & 0xff;
	src[3] = (ip->saddr >> 24) & 0xff;
	fk.saddr = ip->saddr;
	fk.daddr = ip->daddr;
	fk.proto = ip->protocol;
	__u32 *v = bpf_map_lookup_elem(&policy, &key);
	if (v)
		return *v;
	v = bpf_map_lookup_elem(&conntrack, &fk);
	return v ? *v : 0;
}
/* a struct filled member by member, in a loop too, nothing reading it; and an array whose address a helper takes
 * (kept: the helper reads it) */
struct note { __u32 id; __u32 tos; __u16 frag; __u8 ttl[3]; };
SEC("tc") int ingress(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct note n;
	__u8 dst[4];
	if (data + sizeof(struct ethhdr) > data_end)
		return 0;
	data += sizeof(struct ethhdr);
	struct iphdr *ip = data;
	if (data + sizeof(*ip) > data_end)
		return 0;
	n.id = ip->id;
	n.tos = ip->tos;
	n.frag = ip->frag_off;
	for (int i = 0; i < 3; i++)
		n.ttl[i] = ip->ttl + i;
	dst[0] = ip->daddr & 0xff;
	dst[1] = (ip->daddr >> 8) & 0xff;
	dst[2] = (ip->daddr >> 16) & 0xff;
	dst[3] = (ip->daddr >> 24) & 0xff;
	bpf_skb_store_bytes(skb, 0, dst, sizeof(dst), 0);
	return 0;
}
/* a kernel type's members (preserve_access_index) are stored through relocated addresses: the local escapes into
 * llvm.bpf.passthrough and keeps every store and its record, read or not */
SEC("tc") int mapped(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct in6_addr a6 = {};
	if (data + sizeof(struct ethhdr) > data_end)
		return 0;
	data += sizeof(struct ethhdr);
	struct iphdr *ip = data;
	if (data + sizeof(*ip) > data_end)
		return 0;
	a6.in6_u.u6_addr32[3] = ip->saddr;
	a6.in6_u.u6_addr16[5] = 0xffff;
	return 1;
}
/* read back once: every store is live, each byte's load its own record (a store between) */
SEC("tc") int readback(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct lpm_key key;
	if (data + sizeof(struct ethhdr) > data_end)
		return 0;
	data += sizeof(struct ethhdr);
	struct iphdr *ip = data;
	if (data + sizeof(*ip) > data_end)
		return 0;
	key.prefix_len = 24;
	key.ip[0] = ip->saddr & 0xff;
	key.ip[1] = (ip->saddr >> 8) & 0xff;
	key.ip[2] = (ip->saddr >> 16) & 0xff;
	key.ip[3] = 0;
	__u32 *v = bpf_map_lookup_elem(&policy, &key);
	return v ? *v + key.ip[1] : 0;
}
char LICENSE[] SEC("license") = "GPL";
` },
];

/** A finding as the check comparisons compare it: code, line, targets. */
const findingKey = (f: CheckFinding) => `${f.code} ${f.location.line} [${[...f.targets].sort().join(',')}]`;
/** The error findings, keyed. */
const errorsOf = (found: readonly CheckFinding[]) => found.filter((f) => f.severity === 'error').map(findingKey).sort();

/** `check` of a program of ours written to DIR/NAME.bpf.c (after HEAD), on its source and on its clang object, against
 * the bundled 5.10 and 6.18 amd64 kernels. */
async function checkBoth(dir: string, name: string, text: string): Promise<{ S: readonly CheckFinding[]; O: readonly CheckFinding[] }> {
  const src = path.join(dir, `${name}.bpf.c`);
  const obj = path.join(dir, `${name}.bpf.o`);
  fs.writeFileSync(src, HEAD + text);
  compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
  const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
  return checkBothWays({ targets, workers: 0, includePaths: [PROGRAMS], defines: [] }, src, obj);
}

describe("constructs of held-out projects: live sites = clang's relocations", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-heldout-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  // typedef_roots (a `check` comparison): a relocation rooted at a typedef (`_T->lock` with `_T` a `class_rcu_t *`,
  // sched-ext's cleanup.bpf.h guard destructor, inlined at the guard; here through a pointer guard) is `typedef class_rcu_t` to libbpf and to the
  // object path, and `class_rcu_t` as the live sites spell it: the source path titled its finding by the spelling and
  // the object path matched no site to the record (it kept the helper's line-info row), so the same error was two
  // groups. Both now name the root as libbpf does and place it at the call (the type here exists on no kernel).
  it('typedef_roots: a typedef-rooted finding is the same on both paths', async () => {
    // the guard's type and destructor in a header, as cleanup.bpf.h has them
    fs.writeFileSync(path.join(dir, 'typedef_roots.bpf.h'), `typedef struct { void *lock; } __attribute__((preserve_access_index)) class_guard_t;
long out[2];
static inline void class_guard_destructor(class_guard_t **_T)
{
	if ((*_T)->lock)
		out[0] = 1;
}
`);
    const { S, O } = await checkBoth(dir, 'typedef_roots', `#include "typedef_roots.bpf.h"
SEC("tp_btf/sched_switch") int BPF_PROG(sw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	class_guard_t *g __attribute__((cleanup(class_guard_destructor))) = (void *)next->real_parent;
	out[1] = next->pid;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    const keyed = (found: readonly CheckFinding[]) => found.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.location.line} ${f.cause}`).sort();
    assert.deepStrictEqual(keyed(S), keyed(O));
    assert.ok(keyed(S).some((k) => k.includes('`typedef class_guard_t` missing')), keyed(S).join('\n'));
  });

  // assigned_checks (CORELENS_ASSIGNED_CHECKS): a check assigned to a variable declared before it (tetragon's
  // get_task_pid_vnr_by_task: `int e; .. e = bpf_core_field_exists(task->thread_pid); if (e) .. else ..`) guards as an
  // initialiser does: the fallback's reads of `pids`, a field no kernel here has, are dead on both, no error (with the
  // switch off the source path reported them on every kernel)
  it('assigned_checks: a check assigned after its declaration guards, on both paths', async () => {
    const { S, O } = await checkBoth(dir, 'assigned_checks', `struct pid_link___x { struct hlist_node node; struct pid *pid; };
struct task_struct___y { struct pid *thread_pid; struct pid_link___x pids[4]; } __attribute__((preserve_access_index));
long out[2];
static __always_inline long vnr(struct task_struct *t)
{
	struct task_struct___y *task = (struct task_struct___y *)t;
	int thread_pid_exists;
	struct pid *pid;

	thread_pid_exists = bpf_core_field_exists(task->thread_pid);
	if (thread_pid_exists) {
		bpf_probe_read_kernel(&pid, sizeof(pid), &task->thread_pid);
	} else {
		struct pid_link___x link;
		bpf_probe_read_kernel(&link, sizeof(link), &task->pids[0]);
		pid = link.pid;
	}
	return (long)pid;
}
SEC("kprobe/do_exit") int BPF_KPROBE(ex)
{
	out[0] = vnr((struct task_struct *)bpf_get_current_task());
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    assert.deepStrictEqual(errorsOf(S), [], 'the fallback never runs');
    assert.ok(O.some((f) => f.code === 'core-guarded'), 'the object has the fallback, poisoned and dead');
  });

  // switch_guards (CORELENS_SWITCH_GUARDS): a switch on a CO-RE check's value runs one way per target (libbpf patches
  // the value, the verifier walks that case only), so a case no target selects fails nowhere: task_struct's pid is 4
  // bytes on every kernel, so `case 2` and the masked switch's default are dead and their reads of a field no kernel
  // has are no error, nor is `if (off & 1)` with off an int's offset; `case 4` runs, and its `__state` read fails
  // on 5.10 only (fall-through into `case 8` too)
  it('switch_guards: cases a check value never selects fail nowhere, on both paths', async () => {
    const { S, O } = await checkBoth(dir, 'switch_guards', `struct task_struct___x { int no_such_field; } __attribute__((preserve_access_index));
long out[4];
SEC("tp_btf/sched_switch") int BPF_PROG(sw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	switch (bpf_core_field_size(next->pid)) {
	case 2:
		out[0] = ((struct task_struct___x *)next)->no_such_field;
		break;
	case 4:
		out[1] = next->__state;
		/* falls through */
	case 8:
		out[2] = next->tgid;
		break;
	}
	switch (bpf_core_field_size(prev->pid) & 3) {
	case 0:
		out[3] = prev->prio;
		break;
	default:
		out[3] = BPF_CORE_READ((struct task_struct___x *)prev, no_such_field);
		break;
	}
	/* an int's offset is even: a masked check tested for truth, through a local */
	__u64 off = bpf_core_field_offset(next->pid);
	if (off & 1)
		out[0] = ((struct task_struct___x *)prev)->no_such_field;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    const keyed = (found: readonly CheckFinding[]) => found.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.location.line} ${f.cause} [${[...f.targets].sort().join(',')}]`).sort();
    assert.deepStrictEqual(keyed(S), keyed(O));
    assert.ok(keyed(S).some((k) => k.includes('__state') && k.includes('5.10-amd64') && !k.includes('6.18')), keyed(S).join('\n'));
    assert.ok(!keyed(S).some((k) => k.includes('no_such_field')), keyed(S).join('\n'));
  });

  // header_external: a header's non-static `__attribute__((always_inline))` helpers (skbtracer's INLINE) are
  // emitted in .text and inlined into their callers; the static and C99 inline ones only inlined.
  it('header_external: live sites = clang relocations, .text copies included', async () => {
    fs.writeFileSync(path.join(dir, 'header_external.bpf.h'), `#define INLINE __attribute__((__always_inline__))
INLINE unsigned char *he_l3(struct sk_buff *skb) { return BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, network_header); }
INLINE unsigned char *he_l4(struct sk_buff *skb) { return he_l3(skb) + BPF_CORE_READ(skb, transport_header); }
static inline __u32 he_len(struct sk_buff *skb) { return BPF_CORE_READ(skb, len); }
inline __u32 he_mark(struct sk_buff *skb) { return BPF_CORE_READ(skb, mark); }
INLINE __u32 he_unused(struct sk_buff *skb) { return BPF_CORE_READ(skb, priority); }
`);
    const src = path.join(dir, 'header_external.bpf.c');
    const obj = path.join(dir, 'header_external.bpf.o');
    fs.writeFileSync(src, HEAD + `#include "header_external.bpf.h"
__u64 he_out[4];
SEC("kprobe/he") int he(struct pt_regs *ctx)
{
	struct sk_buff *skb = (void *)ctx->di;
	he_out[0] = (long)he_l4(skb);
	he_out[1] = he_len(skb) + he_mark(skb);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    compileBpf(src, obj, { includes: [PROGRAMS, dir], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'header_external', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS, dir], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    assert.ok(agree.relocations >= 10, `${agree.relocations} relocations`);
  });

  // inlined_idle (a `check` comparison, CORELENS_INLINED_IDLE): the .text copy of a header's external always_inline
  // helper (header_external) is never called, every call inlining it: libbpf poisons its failed relocation and never
  // loads it, so only the program's inlined copy fails (a type no kernel has); the source path reported the copy too.
  it('inlined_idle: check FILE.bpf.c reports what check FILE.o reports', async () => {
    fs.writeFileSync(path.join(dir, 'inlined_idle.bpf.h'), `struct ii_gone { int ii_name; } __attribute__((preserve_access_index));
__attribute__((always_inline)) int ii_read(struct ii_gone *t) { return BPF_CORE_READ(t, ii_name); }
`);
    const { S, O } = await checkBoth(dir, 'inlined_idle', `#include "inlined_idle.bpf.h"
long ii_out[2];
SEC("kprobe/ii") int ii(struct pt_regs *ctx)
{
	ii_out[0] = ii_read((void *)ctx->di);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    assert.ok(S.some((f) => f.severity === 'error' && /ii_gone/.test(f.cause)), errorsOf(S).join('\n'));
  });

  it('map_value_array: check FILE.bpf.c reports what check FILE.o reports', async () => {
    const { S: found, O } = await checkBoth(dir, 'map_value_array', `struct pkt { __u64 len; __u8 buf[256]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct pkt); } heap SEC(".maps");
long out[2];
SEC("tc") int sniff(struct __sk_buff *skb)
{
	int zero = 0;
	struct pkt *p = bpf_map_lookup_elem(&heap, &zero);
	if (!p || bpf_skb_load_bytes(skb, 0, p->buf, 64))
		return 0;
	struct iphdr *ip = (struct iphdr *)p->buf;
	if (ip->protocol == 6)
		out[0] = ip->saddr;
	return 0;
}
SEC("kprobe/do_exit") int plain(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	out[1] = t->pid;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    const S = errorsOf(found);
    assert.deepStrictEqual(S, errorsOf(O));
    // the one real error: t->pid through bpf_get_current_task()'s number
    assert.deepStrictEqual(S.map((k) => k.split(' ')[0]), ['direct-read']);
  });

  it('knobs: code a const volatile default keeps from running warns, naming the knob; check FILE.bpf.c errors = check FILE.o errors', async () => {
    const { S, O } = await checkBoth(dir, 'knobs', `const volatile bool with_state = false;
const volatile int mode = 1;
const volatile __u32 targ_pid = 0;
long out[4];
static __always_inline long state_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, __state);
}
SEC("kprobe/do_exit") int knobbed(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (with_state)
		out[0] = state_of(t);
	if (mode == 2 && targ_pid)
		out[1] = BPF_CORE_READ(t, __state);
	return 0;
}
SEC("kprobe/do_exit") int early(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (!targ_pid)
		return 0;
	out[2] = t->pid;
	return 0;
}
SEC("kprobe/do_exit") int live(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (mode == 1)
		out[3] = BPF_CORE_READ(t, __state);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    // the one live error: __state read where mode's default (1) runs it, missing on 5.10
    assert.deepStrictEqual(errorsOf(S), ['core-missing-field 35 [5.10-amd64]']);
    // the others run only when the loader sets the knob: warnings that say which
    const warned = S.filter((f) => f.severity === 'warning').map((f) => `${findingKey(f)} ${/only if \`(\w+)\` is set/.exec(f.message)?.[1]}`).sort();
    assert.deepStrictEqual(warned, ['core-missing-field 12 [5.10-amd64] with_state', 'core-missing-field 20 [5.10-amd64] mode', 'direct-read 28 [5.10-amd64,6.18-amd64] targ_pid']);
  });

  // kver_guards (a `check` comparison): `if (LINUX_KERNEL_VERSION <= KERNEL_VERSION(5, 15, 0)) .. else
  // BPF_CORE_READ(fpu, fpstate, ..)` (kubescape node-agent's randomx gadget): libbpf fills the __kconfig
  // LINUX_KERNEL_VERSION from the loading machine's release and the verifier reads it from the frozen .kconfig map, so
  // the arm a comparison does not take there never runs (check FILE.o: no error on 5.10, release 5.10.0); the source
  // path read every arm as running: 2 source-only error groups. Now each site keeps the comparisons it runs under
  // (sites.ts withV, CORELENS_KVER_GUARDS) and the engine decides them per target where the release is known.
  it('kver_guards: arms a LINUX_KERNEL_VERSION comparison leaves out on a target fail nowhere, on both paths', async () => {
    const { S, O } = await checkBoth(dir, 'kver_guards', `extern int LINUX_KERNEL_VERSION __kconfig;
long out[5];
static __always_inline long state_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, __state);
}
SEC("kprobe/do_exit") int by_arm(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (LINUX_KERNEL_VERSION <= KERNEL_VERSION(5, 13, 0))
		out[0] = BPF_CORE_READ(t, pid);
	else
		out[1] = BPF_CORE_READ(t, __state);
	return 0;
}
SEC("kprobe/do_exit") int by_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (KERNEL_VERSION(5, 14, 0) > LINUX_KERNEL_VERSION || !t)
		return 0;
	out[2] = state_of(t);
	return 0;
}
SEC("kprobe/do_exit") int kept(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 4, 0))
		out[3] = BPF_CORE_READ(t, __state);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    // the one error: __state read on every kernel from 5.4, missing on 5.10
    assert.deepStrictEqual(errorsOf(S), ['core-missing-field 33 [5.10-amd64]']);
  });

  it('config_knobs: members of a const volatile config struct are knobs too; check FILE.bpf.c errors = check FILE.o errors', async () => {
    // in the shape of bpf-examples' netstacklat: `volatile const struct netstacklat_bpf_config user_config = {..}`
    const { S, O } = await checkBoth(dir, 'config_knobs', `struct tool_config {
	__u32 network_ns;
	bool groupby_state;
	bool filter_pid;
	bool enabled;
};
volatile const struct tool_config user_config = {
	.network_ns = 0,
	.groupby_state = false,
	.enabled = true,
};
long out[4];
SEC("kprobe/do_exit") int grouped(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (user_config.groupby_state)
		out[0] = BPF_CORE_READ(t, __state);
	if (user_config.filter_pid && user_config.network_ns == 0)
		out[1] = BPF_CORE_READ(t, __state);
	return 0;
}
SEC("kprobe/do_exit") int early(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (!user_config.filter_pid)
		return 0;
	out[2] = t->pid;
	return 0;
}
SEC("kprobe/do_exit") int live(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (user_config.enabled)
		out[3] = BPF_CORE_READ(t, __state);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    // the one live error: __state read where enabled's default (true) runs it, missing on 5.10
    assert.deepStrictEqual(errorsOf(S), ['core-missing-field 39 [5.10-amd64]']);
    const warned = S.filter((f) => f.severity === 'warning').map((f) => `${findingKey(f)} ${/only if \`([\w.]+)\` is set/.exec(f.message)?.[1]}`).sort();
    assert.deepStrictEqual(warned, ['core-missing-field 22 [5.10-amd64] user_config.groupby_state', 'core-missing-field 24 [5.10-amd64] user_config.filter_pid', 'direct-read 32 [5.10-amd64,6.18-amd64] user_config.filter_pid']);
  });

  it("cof_kept: with the walk's scalars in registers, container_of's offset is never merged where clang keeps it", async () => {
    // clang 14 shares the offset in some of these (reg at 32 copies, cnt and out in all but the first copies at 4:
    // the greedy allocator's choice) and rematerialises it in others: the rule keeps both records in all of them,
    // a surplus, never a record clang has and the model lacks
    const text = `${COF_WALK}${cofPrograms('outs[0] = out; outs[1] = count;', 'reg', [4, 8, 32])}`
      + `${cofPrograms('bpf_probe_read_kernel(&outs[0], 4, &out); outs[1] = count;', 'cnt', [4, 8])}`
      + `${cofPrograms('outs[0] = out; bpf_probe_read_kernel(&outs[1], 4, &count);', 'out', [4, 8])}char LICENSE[] SEC("license") = "GPL";\n`;
    const src = path.join(dir, 'cof_kept.bpf.c');
    const obj = path.join(dir, 'cof_kept.bpf.o');
    fs.writeFileSync(src, HEAD + text);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'cof_kept', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    // clang keeps two offset records in some copies (so the shape measures what it should): each of the 68 copies has
    // five relocations with one offset record (tlist.next, kobject name, module_kobject's two), each program two
    // PT_REGS reads
    const one = 68 * 5 + 7 * 2;
    assert.ok(agree.relocations > one, `${agree.relocations} relocations, ${one} with one offset record per copy`);
  });

  // renamed_tags: `#define bpf_iter_meta bpf_iter_meta___not_used` before vmlinux.h (the kernel selftests'
  // bpf_iter.h): the header's `struct bpf_iter_meta` is `bpf_iter_meta___not_used`, the type of the vmlinux
  // iterator contexts' `meta`, so `ctx->meta->seq` on one the program does not redefine relocates in it (0:0:0, its
  // anonymous union), while the program's own `struct bpf_iter_meta` serves the context it redefines. The lazy
  // header parse had the renamed tag nowhere (an incomplete record, no relocation); CORELENS_RENAMED_TAGS=0 shows it.
  it('renamed_tags', async () => {
    const src = path.join(dir, 'renamed_tags.bpf.c');
    const obj = path.join(dir, 'renamed_tags.bpf.o');
    fs.writeFileSync(src, `#define bpf_iter_meta bpf_iter_meta___not_used
#define bpf_iter__task bpf_iter__task___not_used
#include "vmlinux.h"
#undef bpf_iter_meta
#undef bpf_iter__task
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
struct bpf_iter_meta { struct seq_file *seq; __u64 session_id; __u64 seq_num; } __attribute__((preserve_access_index));
struct bpf_iter__task { struct bpf_iter_meta *meta; struct task_struct *task; } __attribute__((preserve_access_index));
__u64 out[4];
/* a context vmlinux.h defines: its meta is the renamed vmlinux record */
SEC("iter/task_vma") int vmas(struct bpf_iter__task_vma *ctx)
{
	struct vm_area_struct *vma = ctx->vma;
	if (!vma)
		return 0;
	out[0] = ctx->meta->seq_num + vma->vm_start;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%lx\\n", vma->vm_end);
	return 0;
}
/* a context the program redefines: its own bpf_iter_meta */
SEC("iter/task") int tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	if (!t)
		return 0;
	out[1] = ctx->meta->seq_num + t->pid;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'renamed_tags', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    assert.ok(agree.relocations >= 10, `${agree.relocations} relocations`);
  });

  it('cleanups: half-typed, the cleanup shape analyses without an exception at every cut', async () => {
    const text = HEAD + SHAPES.find((x) => x.name === 'cleanups')!.text;
    const analyzer = await createAnalyzer();
    const src = path.join(dir, 'cleanups_typing.bpf.c');
    // every line end, and every third character of the lines that declare or define a cleanup
    const cuts: number[] = [];
    for (let i = text.indexOf('__u64 out'); i < text.length; i++) {
      const line = text.slice(text.lastIndexOf('\n', i - 1) + 1, text.indexOf('\n', i) < 0 ? undefined : text.indexOf('\n', i));
      if (text[i] === '\n' || (i % 3 === 0 && /cleanup|__free|guard|CLASS/.test(line))) cuts.push(i);
    }
    for (const at of cuts) {
      const a = analyzer.analyze(src, text.slice(0, at), { includePaths: [PROGRAMS] });
      assert.ok(Array.isArray(a.sites), `cut at ${at}`);
      assert.ok(!a.notes.some((n) => /analysis stopped/.test(n.message)), `cut at ${at}: ${a.notes.map((n) => n.message).join('; ')}`);
    }
    assert.ok(cuts.length > 100, `${cuts.length} cuts`);
  });

  for (const shape of SHAPES) {
    it(shape.name, async () => {
      const src = path.join(dir, `${shape.name}.bpf.c`);
      const obj = path.join(dir, `${shape.name}.bpf.o`);
      fs.writeFileSync(src, HEAD + shape.text);
      const agree = await agreesWithClang(src, obj, shape.name);
      assert.ok(agree.relocations >= shape.min, `${agree.relocations} relocations`);
    });
  }
});

// Fully unrolled loops with compound exits (kubeshark's packet sniffer: `for (i = 0; (i < 16) && p->counter; i++)`
// under `#pragma unroll`, 148 relocations missing): LLVM 14 counts a loop by the smallest exact exit count among its
// exiting blocks, so the compare alone can make the loop fully unrolled, one copy of each relocation per iteration,
// when it stays a branch of its own (sites.ts countedExit). test-fixtures/held-out/unroll-exits is a sniffer in
// kubeshark's structure (a .bpf.h of chunking helpers, one program per loop shape): compare first or second, a
// helper call, three conjuncts, <=, !=, counting down, step 2, break/continue/return, the three pragma forms and a
// count, nested loops, an invariant local with and without a break; and the shapes clang keeps rolled (a written
// local, a done flag, a global, an unknown start, a pointer to a local or a global object). Each loop's comment says
// what clang does with it: the remark must say so (the grid is LLVM's behaviour, not ours), then the live sites must
// equal the object's relocations per program: with no rule 190 of the 239 are missing; counting every `&&` (too
// strong) makes 60 extra copies on the rolled shapes; without the exit test on invariants 15, without the test of
// the pointer (any `->` or `*`) 30.
describe('held-out loop shapes: compound exits of unrolled loops (kubeshark)', function () {
  this.timeout(300_000);
  const DIR = path.join(FIXTURES, 'held-out', 'unroll-exits');
  let tmp: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-unroll-exits-'));
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  it("clang 14 unrolls exactly the loops the fixture says", () => {
    const src = path.join(DIR, 'sniffer.bpf.c');
    const r = spawnSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${PROGRAMS}`, '-Rpass=loop-unroll', '-c', src, '-o', path.join(tmp, 'remarks.o')], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const said = new Map<string, Set<string>>();
    for (const m of r.stderr.matchAll(/([\w.]+):(\d+):\d+: (?:remark|warning): (completely unrolled loop with (\d+) iterations|unrolled loop by a factor of (\d+)|loop not unrolled)/g)) {
      const k = `${m[1]}:${m[2]}`;
      said.set(k, (said.get(k) ?? new Set()).add(m[4] ?? (m[5] ? `x${m[5]}` : 'none')));
    }
    const want = new Map<string, Set<string>>();
    for (const f of ['sniffer.bpf.h', 'sniffer.bpf.c']) {
      fs.readFileSync(path.join(DIR, f), 'utf8').split('\n').forEach((l, i) => {
        const m = /\bfor \(.*unroll: (\w+) \*\//.exec(l);
        if (m) want.set(`${f}:${i + 1}`, new Set([m[1]!]));
      });
    }
    assert.ok(want.size >= 21, `${want.size} loops`);
    assert.deepStrictEqual(said, want);
  });

  it('live sites = clang relocations, per program', async () => {
    const src = path.join(DIR, 'sniffer.bpf.c');
    const obj = path.join(tmp, 'sniffer.bpf.o');
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'unroll-exits', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS, DIR], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    assert.ok(agree.relocations >= 230, `${agree.relocations} relocations`);
  });
});

// netobserv-ebpf-agent's shape (inline7): a `static inline` header helper filling the caller's local flow id and
// out-parameters through pointers (`&id`, `&proto`, `&dscp`), called from four programs (four call sites: no last-call bonus). LLVM weighs it at cost
// 335 less the 30 its six stores through those pointers save once SROA splits the caller's allocas (InlineCost's
// SROAArgValues): 305 <= 325, inlined into each program, its relocations one copy per program; without the
// savings in the model it was a BPF-to-BPF call, its relocations counted once.
const FLOW_H = `typedef struct { __u8 src_ip[16]; __u8 dst_ip[16]; __u16 src_port; __u16 dst_port; __u8 proto; } flow_id;
static const __u8 ip4in6[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
static inline __u8 ipv4_dscp(const struct iphdr *ip) { return ip->tos >> 2; }
static inline __u8 ipv6_dscp(const struct ipv6hdr *ip) { return (__builtin_bswap16(*(const __u16 *)ip) >> 6) & 0x3f; }
static inline void fill_l3(struct sk_buff *skb, flow_id *id, __u16 family, __u8 *protocol, __u8 *dscp)
{
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u8 *head = BPF_CORE_READ(skb, head);
	switch (family) {
	case 2: {
		struct iphdr ip;
		__builtin_memset(&ip, 0, sizeof(ip));
		bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
		__builtin_memcpy(id->src_ip, ip4in6, sizeof(ip4in6));
		__builtin_memcpy(id->dst_ip, ip4in6, sizeof(ip4in6));
		__builtin_memcpy(id->src_ip + sizeof(ip4in6), &ip.saddr, sizeof(ip.saddr));
		__builtin_memcpy(id->dst_ip + sizeof(ip4in6), &ip.daddr, sizeof(ip.daddr));
		*dscp = ipv4_dscp(&ip);
		*protocol = ip.protocol;
		break;
	}
	case 10: {
		struct ipv6hdr ip;
		__builtin_memset(&ip, 0, sizeof(ip));
		bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
		__builtin_memcpy(id->src_ip, ip.saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(id->dst_ip, ip.daddr.in6_u.u6_addr8, 16);
		*dscp = ipv6_dscp(&ip);
		*protocol = ip.nexthdr;
		break;
	}
	default:
		return;
	}
}
`;
const FLOW_C = `#include "flow.bpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, flow_id); __type(value, __u64); } flows SEC(".maps");
#define TRACK(fam) \\
	flow_id id; \\
	__u8 proto = 0, dscp = 0; \\
	__u64 one = 1; \\
	__builtin_memset(&id, 0, sizeof(id)); \\
	fill_l3(skb, &id, fam, &proto, &dscp); \\
	id.proto = proto + dscp; \\
	bpf_map_update_elem(&flows, &id, &one, BPF_ANY); \\
	return 0;
SEC("kprobe/kfree_skb") int BPF_KPROBE(drops, struct sk_buff *skb) { TRACK(BPF_CORE_READ(skb, protocol)) }
SEC("kprobe/tcp_rcv_established") int BPF_KPROBE(rtt, void *sk, struct sk_buff *skb) { TRACK(BPF_CORE_READ(skb, mark)) }
SEC("kprobe/nf_nat_manip_pkt") int BPF_KPROBE(nat, struct sk_buff *skb) { TRACK(BPF_CORE_READ(skb, priority)) }
SEC("kprobe/xfrm_input") int BPF_KPROBE(xfrm, struct sk_buff *skb) { TRACK(BPF_CORE_READ(skb, hash)) }
char LICENSE[] SEC("license") = "GPL";
`;

describe("held-out shapes: a header helper inlined thanks to SROA's savings on &local arguments", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-sroa-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("sroa_args: live sites = clang's relocations (fill_l3 inlined into each of the 4 programs)", async () => {
    fs.writeFileSync(path.join(dir, 'flow.bpf.h'), FLOW_H);
    const src = path.join(dir, 'flow.bpf.c');
    const obj = path.join(dir, 'flow.bpf.o');
    fs.writeFileSync(src, HEAD + FLOW_C);
    compileBpf(src, obj, { includes: [PROGRAMS, dir], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'sroa_args', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS, dir], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    assert.ok(agree.relocations >= 40, `${agree.relocations} relocations`);
  });
});

/** const_switch: a fixed-size compare helper (a case per size, one word each, falling through; odd and 4/6-remainder
 * sizes adjust or jump) called with a constant size in a pragma-unrolled walk up the process tree. */
function constSwitchShape(): string {
  const cases: string[] = [];
  for (let n = 256; n >= 8; n -= 8) cases.push(`case ${n}: L${n}: X64${n === 8 ? ' break;' : ''}`);
  for (let n = 254; n > 6; n -= 8) cases.push(`case ${n}: X16 X32 goto L${n - 6};`);
  cases.push('case 6: X16 X32 break;');
  for (let n = 252; n > 4; n -= 8) cases.push(`case ${n}: X32 goto L${n - 4};`);
  cases.push('case 4: X32 break;', 'case 2: X16 break;');
  return `${HEAD}
char LICENSE[] SEC("license") = "GPL";
#define XW(w) x -= sizeof(__u##w); y -= sizeof(__u##w); r |= *(__u##w *)x ^ *(__u##w *)y;
#define X64 XW(64)
#define X32 XW(32)
#define X16 XW(16)
static __always_inline __u64 same_n(const void *x, const void *y, __u64 len)
{
	__u64 r = 0;
	if (!__builtin_constant_p(len))
		__builtin_trap();
	x += len;
	y += len;
	if (len > 1 && len % 2 == 1) {
		XW(8)
		len -= 1;
	}
	switch (len) {
	${cases.join('\n\t')}
	default: __builtin_trap();
	}
	return r;
}
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 12); } events SEC(".maps");
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec)
{
	static const char launcher[16] = "containerd-shim";
	struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
	char comm[16];
	__u32 depth = 0;
#pragma unroll(40)
	for (int i = 0; i < 40; i++) {
		bpf_probe_read_kernel_str(comm, sizeof(comm), BPF_CORE_READ(t, comm));
		if (!same_n(comm, launcher, sizeof(comm))) {
			depth = i + 1;
			break;
		}
		t = BPF_CORE_READ(t, real_parent);
		if (!t)
			break;
	}
	bpf_ringbuf_output(&events, &depth, sizeof(depth), 0);
	return 0;
}
`;
}


describe('held-out shapes: a switch on a constant size folds before the unroller weighs the loop (const_switch)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-constsw-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("const_switch: live sites = clang's relocations (the 40-iteration walk unrolled, 40 copies of each read)", async () => {
    const src = path.join(dir, 'ancestry.bpf.c');
    const obj = path.join(dir, 'ancestry.bpf.o');
    fs.writeFileSync(src, constSwitchShape());
    const agree = await agreesWithClang(src, obj, 'const_switch');
    assert.strictEqual(agree.relocations, 80);
  });
});

describe('held-out shapes: a section name with escape sequences (section_escapes)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-secesc-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("section_escapes: live sites = clang's relocations, in the sections clang names", async () => {
    const src = path.join(dir, 'hooks.bpf.c');
    const obj = path.join(dir, 'hooks.bpf.o');
    fs.writeFileSync(src, `${HEAD}
char LICENSE[] SEC("license") = "GPL";
/* a hook macro stringizing its (already quoted) argument, and a name with an octal and a hex escape */
#define HOOK(h) SEC("kprobe/" #h)
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 12); } events SEC(".maps");
static __always_inline int emit(struct sock *sk)
{
	__u32 v = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	bpf_ringbuf_output(&events, &v, sizeof(v), 0);
	return 0;
}
HOOK("tcp_connect") int BPF_KPROBE(on_connect, struct sock *sk) { return emit(sk); }
HOOK("tcp_close") int BPF_KPROBE(on_close, struct sock *sk) { return emit(sk) + BPF_CORE_READ(sk, sk_rcvbuf); }
SEC("kprobe/\\164cp_\\x73" "endmsg") int BPF_KPROBE(on_send, struct sock *sk) { return emit(sk); }
`);
    const agree = await agreesWithClang(src, obj, 'section_escapes');
    assert.ok(agree.relocations >= 4, `${agree.relocations} relocations`);
  });
});

describe('held-out shapes: a local aggregate member read again in a later statement (local_loads_across)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-llx-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("local_loads_across: live sites = clang's relocations (one per iteration, one in straight code; kept apart across a store)", async () => {
    const src = path.join(dir, 'names.bpf.c');
    const obj = path.join(dir, 'names.bpf.o');
    fs.writeFileSync(src, `${HEAD}
char LICENSE[] SEC("license") = "GPL";
struct out { __u32 pos; __u32 total; char buf[256]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct out); } heap SEC(".maps");
/* a dentry walk copying each name: the local qstr's len read in two statements of one iteration */
SEC("kprobe/vfs_unlink")
int BPF_KPROBE(on_unlink, void *idmap, struct inode *dir, struct dentry *d)
{
	__u32 k = 0;
	struct out *o = bpf_map_lookup_elem(&heap, &k);
	struct qstr nm = {};
	struct dentry *up = NULL;
	__u32 total = 0, pos = 0;
	if (!o) return 0;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		bpf_probe_read_kernel(&nm, sizeof(nm), &d->d_name);
		total += (nm.len + 1) & 255;
		pos = 255 - (nm.len + 1);
		if (bpf_probe_read_kernel_str(&o->buf[pos & 255], 64, nm.name) <= 1)
			break;
		bpf_probe_read_kernel(&up, sizeof(up), &d->d_parent);
		if (up == d)
			break;
		d = up;
	}
	/* straight code: the same member two statements later, then again after a store through a pointer */
	bpf_probe_read_kernel(&nm, sizeof(nm), &dir->i_sb->s_root->d_name);
	__u32 n = nm.len;
	total += n;
	pos += nm.len & 255;
	o->total = total;
	o->pos = pos + nm.len;
	return 0;
}
`);
    const agree = await agreesWithClang(src, obj, 'local_loads_across');
    assert.ok(agree.relocations >= 30, `${agree.relocations} relocations`);
  });
});

describe('held-out shapes: an unroll count spelled as a parenthesized macro over a loop bounded by its second conjunct', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-nsloop-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it("pragma_count_expr, max_trips_any: live sites = clang's relocations (8 copies of the level walk)", async () => {
    const src = path.join(dir, 'nspid.bpf.c');
    const obj = path.join(dir, 'nspid.bpf.o');
    fs.writeFileSync(src, `${HEAD}
char LICENSE[] SEC("license") = "GPL";
#define MAX_LEVELS (8)
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } target_ns SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 12); } events SEC(".maps");
/* the pid of the task as its pid namespace of interest sees it: one level per namespace, at most MAX_LEVELS */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	__u32 zero = 0, *want = bpf_map_lookup_elem(&target_ns, &zero);
	struct upid up;
	__u32 levels, nr = 0;
	if (!want)
		return 0;
	levels = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, level) + 1;
#pragma unroll(MAX_LEVELS)
	for (int i = 0; i < levels && i < MAX_LEVELS; i++) {
		up = BPF_CORE_READ(task, thread_pid, numbers[i]);
		if (BPF_CORE_READ(up.ns, ns.inum) == *want) {
			nr = up.nr;
			break;
		}
	}
	bpf_ringbuf_output(&events, &nr, sizeof(nr), 0);
	return 0;
}
`);
    const agree = await agreesWithClang(src, obj, 'pragma_count_expr');
    assert.ok(agree.relocations >= 30, `${agree.relocations} relocations`);
  });
});
