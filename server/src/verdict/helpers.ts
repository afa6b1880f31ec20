// BPF helper functions as the verifier sees them: names (uapi order, for messages), what they return, which
// arguments are memory they write (stack bytes become unknown data), and which take a callback.

/** Helper names by id, in the order of the kernel's __BPF_FUNC_MAPPER (ids are uapi: they never change). */
export const HELPER_NAMES: readonly string[] = [
  'unspec', 'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'probe_read', 'ktime_get_ns', 'trace_printk',
  'get_prandom_u32', 'get_smp_processor_id', 'skb_store_bytes', 'l3_csum_replace', 'l4_csum_replace', 'tail_call',
  'clone_redirect', 'get_current_pid_tgid', 'get_current_uid_gid', 'get_current_comm', 'get_cgroup_classid',
  'skb_vlan_push', 'skb_vlan_pop', 'skb_get_tunnel_key', 'skb_set_tunnel_key', 'perf_event_read', 'redirect',
  'get_route_realm', 'perf_event_output', 'skb_load_bytes', 'get_stackid', 'csum_diff', 'skb_get_tunnel_opt',
  'skb_set_tunnel_opt', 'skb_change_proto', 'skb_change_type', 'skb_under_cgroup', 'get_hash_recalc',
  'get_current_task', 'probe_write_user', 'current_task_under_cgroup', 'skb_change_tail', 'skb_pull_data',
  'csum_update', 'set_hash_invalid', 'get_numa_node_id', 'skb_change_head', 'xdp_adjust_head', 'probe_read_str',
  'get_socket_cookie', 'get_socket_uid', 'set_hash', 'setsockopt', 'skb_adjust_room', 'redirect_map',
  'sk_redirect_map', 'sock_map_update', 'xdp_adjust_meta', 'perf_event_read_value', 'perf_prog_read_value',
  'getsockopt', 'override_return', 'sock_ops_cb_flags_set', 'msg_redirect_map', 'msg_apply_bytes', 'msg_cork_bytes',
  'msg_pull_data', 'bind', 'xdp_adjust_tail', 'skb_get_xfrm_state', 'get_stack', 'skb_load_bytes_relative',
  'fib_lookup', 'sock_hash_update', 'msg_redirect_hash', 'sk_redirect_hash', 'lwt_push_encap',
  'lwt_seg6_store_bytes', 'lwt_seg6_adjust_srh', 'lwt_seg6_action', 'rc_repeat', 'rc_keydown', 'skb_cgroup_id',
  'get_current_cgroup_id', 'get_local_storage', 'sk_select_reuseport', 'skb_ancestor_cgroup_id', 'sk_lookup_tcp',
  'sk_lookup_udp', 'sk_release', 'map_push_elem', 'map_pop_elem', 'map_peek_elem', 'msg_push_data', 'msg_pop_data',
  'rc_pointer_rel', 'spin_lock', 'spin_unlock', 'sk_fullsock', 'tcp_sock', 'skb_ecn_set_ce', 'get_listener_sock',
  'skc_lookup_tcp', 'tcp_check_syncookie', 'sysctl_get_name', 'sysctl_get_current_value', 'sysctl_get_new_value',
  'sysctl_set_new_value', 'strtol', 'strtoul', 'sk_storage_get', 'sk_storage_delete', 'send_signal',
  'tcp_gen_syncookie', 'skb_output', 'probe_read_user', 'probe_read_kernel', 'probe_read_user_str',
  'probe_read_kernel_str', 'tcp_send_ack', 'send_signal_thread', 'jiffies64', 'read_branch_records',
  'get_ns_current_pid_tgid', 'xdp_output', 'get_netns_cookie', 'get_current_ancestor_cgroup_id', 'sk_assign',
  'ktime_get_boot_ns', 'seq_printf', 'seq_write', 'sk_cgroup_id', 'sk_ancestor_cgroup_id', 'ringbuf_output',
  'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard', 'ringbuf_query', 'csum_level', 'skc_to_tcp6_sock',
  'skc_to_tcp_sock', 'skc_to_tcp_timewait_sock', 'skc_to_tcp_request_sock', 'skc_to_udp6_sock', 'get_task_stack',
  'load_hdr_opt', 'store_hdr_opt', 'reserve_hdr_opt', 'inode_storage_get', 'inode_storage_delete', 'd_path',
  'copy_from_user', 'snprintf_btf', 'seq_printf_btf', 'skb_cgroup_classid', 'redirect_neigh', 'per_cpu_ptr',
  'this_cpu_ptr', 'redirect_peer', 'task_storage_get', 'task_storage_delete', 'get_current_task_btf',
  'bprm_opts_set', 'ktime_get_coarse_ns', 'ima_inode_hash', 'sock_from_file', 'check_mtu', 'for_each_map_elem',
  'snprintf', 'sys_bpf', 'btf_find_by_name_kind', 'sys_close', 'timer_init', 'timer_set_callback', 'timer_start',
  'timer_cancel', 'get_func_ip', 'get_attach_cookie', 'task_pt_regs', 'get_branch_snapshot', 'trace_vprintk',
  'skc_to_unix_sock', 'kallsyms_lookup_name', 'find_vma', 'loop', 'strncmp', 'get_func_arg', 'get_func_ret',
  'get_func_arg_cnt', 'get_retval', 'set_retval', 'xdp_get_buff_len', 'xdp_load_bytes', 'xdp_store_bytes',
  'copy_from_user_task', 'skb_set_tstamp', 'ima_file_hash', 'kptr_xchg', 'map_lookup_percpu_elem',
  'skc_to_mptcp_sock', 'dynptr_from_mem', 'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr',
  'ringbuf_discard_dynptr', 'dynptr_read', 'dynptr_write', 'dynptr_data', 'tcp_raw_gen_syncookie_ipv4',
  'tcp_raw_gen_syncookie_ipv6', 'tcp_raw_check_syncookie_ipv4', 'tcp_raw_check_syncookie_ipv6', 'ktime_get_tai_ns',
  'user_ringbuf_drain', 'cgrp_storage_get', 'cgrp_storage_delete',
];

/** The name the verifier log prints for a helper (`bpf_probe_read_kernel`). */
export function helperName(id: number): string | undefined {
  const n = HELPER_NAMES[id];
  return n && id > 0 ? `bpf_${n}` : undefined;
}

/** How a helper's result is typed: a plain number, nothing, or a pointer that may be NULL until checked. */
export type HelperReturn = 'scalar' | 'void' | 'nullable-map-value' | 'nullable-mem' | 'nullable-ptr' | 'ptr' | 'btf';

export interface HelperInfo {
  readonly ret: HelperReturn;
  /** Arguments (1-based register numbers) pointing at memory the helper writes, with the register holding its size. */
  readonly writes?: readonly { readonly ptr: number; readonly size: number | 'long' | 'int' }[];
  /** Register holding a callback (PTR_TO_FUNC), and whether it runs later on its own (timers). */
  readonly callback?: { readonly reg: number; readonly async?: boolean; readonly args: readonly CallbackArg[] };
  /** The return value is bounded by the size argument: [-MAX_ERRNO, size] (do_refine_retval_range). */
  readonly retBoundedBy?: number;
  /** For 'nullable-mem': the kernel's name of the memory type (`invalid mem access '<name>_or_null'`). */
  readonly memName?: string;
}

/**
 * Kernel functions whose result the verifier types as memory that may be NULL, not as their BTF prototype says
 * (check_kfunc_call's special cases, kernel 6.18): bpf_dynptr_slice() and bpf_dynptr_slice_rdwr() return PTR_TO_MEM
 * of `buffer__szk` bytes | PTR_MAYBE_NULL (KF_RET_NULL), read-only for the first; value: the kernel's name of the
 * type, as `invalid mem access '<name>_or_null'` prints it. Off with CORELENS_KFUNC_MEM=0 (then any pointer).
 */
export const KFUNC_MEM: ReadonlyMap<string, string> = new Map(process.env.CORELENS_KFUNC_MEM === '0' ? [] : [
  ['bpf_dynptr_slice', 'rdonly_mem'],
  ['bpf_dynptr_slice_rdwr', 'mem'],
]);

/** Whether a read through memory that may be NULL is refused (the kernel's check_mem_access on *_or_null): CORELENS_KFUNC_MEM. */
export const MEM_OR_NULL_DEREF = process.env.CORELENS_KFUNC_MEM !== '0';

/** Where a callback's argument comes from: a caller register, or a value the helper makes up. */
export type CallbackArg = { readonly from: number } | 'scalar' | 'ptr' | 'map-value';

const w = (ptr: number, size: number | 'long' | 'int') => ({ ptr, size });

const TABLE: Record<number, HelperInfo> = {
  1: { ret: 'nullable-map-value' }, // map_lookup_elem
  4: { ret: 'scalar', writes: [w(1, 2)] }, // probe_read
  6: { ret: 'scalar' }, // trace_printk
  16: { ret: 'scalar', writes: [w(1, 2)] }, // get_current_comm
  20: { ret: 'scalar', writes: [w(2, 3)] }, // skb_get_tunnel_key
  26: { ret: 'scalar', writes: [w(3, 4)] }, // skb_load_bytes
  29: { ret: 'scalar', writes: [w(2, 3)] }, // skb_get_tunnel_opt
  45: { ret: 'scalar', writes: [w(1, 2)], retBoundedBy: 2 }, // probe_read_str
  55: { ret: 'scalar', writes: [w(3, 4)] }, // perf_event_read_value
  56: { ret: 'scalar', writes: [w(2, 3)] }, // perf_prog_read_value
  57: { ret: 'scalar', writes: [w(4, 5)] }, // getsockopt
  67: { ret: 'scalar', writes: [w(2, 3)], retBoundedBy: 3 }, // get_stack
  68: { ret: 'scalar', writes: [w(3, 4)] }, // skb_load_bytes_relative
  81: { ret: 'ptr' }, // get_local_storage
  84: { ret: 'nullable-ptr' }, 85: { ret: 'nullable-ptr' }, // sk_lookup_tcp, sk_lookup_udp
  86: { ret: 'scalar' }, // sk_release
  93: { ret: 'void' }, 94: { ret: 'void' }, // spin_lock, spin_unlock
  95: { ret: 'nullable-ptr' }, 96: { ret: 'nullable-ptr' }, 98: { ret: 'nullable-ptr' }, 99: { ret: 'nullable-ptr' },
  101: { ret: 'scalar', writes: [w(2, 3)] }, 102: { ret: 'scalar', writes: [w(2, 3)] }, 103: { ret: 'scalar', writes: [w(2, 3)] },
  105: { ret: 'scalar', writes: [w(4, 'long')] }, 106: { ret: 'scalar', writes: [w(4, 'long')] }, // strtol, strtoul
  107: { ret: 'nullable-ptr' }, // sk_storage_get
  112: { ret: 'scalar', writes: [w(1, 2)] }, 113: { ret: 'scalar', writes: [w(1, 2)] }, // probe_read_user/kernel
  114: { ret: 'scalar', writes: [w(1, 2)], retBoundedBy: 2 }, 115: { ret: 'scalar', writes: [w(1, 2)], retBoundedBy: 2 },
  119: { ret: 'scalar', writes: [w(2, 3)] }, // read_branch_records
  120: { ret: 'scalar', writes: [w(3, 4)] }, // get_ns_current_pid_tgid
  131: { ret: 'nullable-mem', memName: 'ringbuf_mem' }, // ringbuf_reserve
  132: { ret: 'void' }, 133: { ret: 'void' }, // ringbuf_submit, ringbuf_discard
  136: { ret: 'nullable-ptr' }, 137: { ret: 'nullable-ptr' }, 138: { ret: 'nullable-ptr' }, 139: { ret: 'nullable-ptr' },
  140: { ret: 'nullable-ptr' }, 178: { ret: 'nullable-ptr' }, 196: { ret: 'nullable-ptr' }, // skc_to_*
  141: { ret: 'scalar', writes: [w(2, 3)], retBoundedBy: 3 }, // get_task_stack
  142: { ret: 'scalar', writes: [w(2, 3)] }, // load_hdr_opt
  145: { ret: 'nullable-ptr' }, // inode_storage_get
  147: { ret: 'scalar', writes: [w(2, 3)] }, // d_path
  148: { ret: 'scalar', writes: [w(1, 2)] }, // copy_from_user
  149: { ret: 'scalar', writes: [w(1, 2)] }, // snprintf_btf
  153: { ret: 'nullable-ptr' }, 154: { ret: 'ptr' }, // per_cpu_ptr, this_cpu_ptr
  156: { ret: 'nullable-ptr' }, // task_storage_get
  158: { ret: 'btf' }, // get_current_task_btf
  161: { ret: 'scalar', writes: [w(2, 3)] }, // ima_inode_hash
  162: { ret: 'nullable-ptr' }, // sock_from_file
  163: { ret: 'scalar', writes: [w(3, 'int')] }, // check_mtu
  164: { ret: 'scalar', callback: { reg: 2, args: ['ptr', 'ptr', 'map-value', { from: 3 }] } }, // for_each_map_elem
  165: { ret: 'scalar', writes: [w(1, 2)] }, // snprintf
  170: { ret: 'scalar', callback: { reg: 2, async: true, args: ['ptr', 'ptr', 'map-value'] } }, // timer_set_callback
  175: { ret: 'btf' }, // task_pt_regs
  176: { ret: 'scalar', writes: [w(1, 2)] }, // get_branch_snapshot
  179: { ret: 'scalar', writes: [w(4, 'long')] }, // kallsyms_lookup_name
  180: { ret: 'scalar', callback: { reg: 3, args: [{ from: 1 }, 'ptr', { from: 4 }] } }, // find_vma
  181: { ret: 'scalar', callback: { reg: 2, args: ['scalar', { from: 3 }] } }, // loop
  183: { ret: 'scalar', writes: [w(3, 'long')] }, // get_func_arg
  184: { ret: 'scalar', writes: [w(2, 'long')] }, // get_func_ret
  189: { ret: 'scalar', writes: [w(3, 4)] }, // xdp_load_bytes
  191: { ret: 'scalar', writes: [w(1, 2)] }, // copy_from_user_task
  193: { ret: 'scalar', writes: [w(2, 3)] }, // ima_file_hash
  194: { ret: 'nullable-ptr' }, // kptr_xchg
  195: { ret: 'nullable-map-value' }, // map_lookup_percpu_elem
  201: { ret: 'scalar', writes: [w(1, 2)] }, // dynptr_read
  203: { ret: 'nullable-mem' }, // dynptr_data
  209: { ret: 'scalar', callback: { reg: 2, args: ['ptr', { from: 3 }] } }, // user_ringbuf_drain
  210: { ret: 'nullable-ptr' }, // cgrp_storage_get
};

/** What the verifier knows about a helper; unknown ids and plain helpers return a number and write nothing. */
export function helperInfo(id: number): HelperInfo {
  return TABLE[id] ?? { ret: 'scalar' };
}

export const HELPER = { GET_SMP_PROCESSOR_ID: 8, TAIL_CALL: 12 } as const;
