// SPDX-License-Identifier: MIT
/* file/probe.bpf.c - file events; included by events.bpf.c, not compiled on its own */

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(file_unlink, struct inode *dir, struct dentry *dentry)
{
	struct event *e = new_event(1);

	if (!e)
		return 0;
	e->ret = BPF_CORE_READ(dentry, d_name.len);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kprobe/vfs_rename")
int BPF_KPROBE(file_rename)
{
	struct event *e = new_event(2);

	if (e)
		bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kretprobe/do_truncate")
int BPF_KRETPROBE(file_truncate, long ret)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->kind = 3;
	e->ret = ret;
	e->tgid = task_tgid(t);
	fill_creds(e, t);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
