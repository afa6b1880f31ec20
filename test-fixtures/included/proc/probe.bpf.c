// SPDX-License-Identifier: MIT
/* proc/probe.bpf.c - process events; included by events.bpf.c, not compiled on its own */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *p)
{
	struct event *e = new_event(10);

	if (!e)
		return 0;
	e->ppid = BPF_CORE_READ(p, pid);
	fill_ns(e, p);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *p)
{
	struct event *e = new_event(11);

	if (!e)
		return 0;
	e->ret = BPF_CORE_READ(p, exit_code);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
