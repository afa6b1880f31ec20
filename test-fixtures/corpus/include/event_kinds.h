/* SPDX-License-Identifier: MIT */
/*
 * event_kinds.h - the kinds of events the corpus tools report, written once as
 * X-macro lists and expanded wherever a parallel table is needed (the enum
 * here, name tables in userspace, per-kind switch cases in BPF code), so a new
 * kind is one line. The `#undef X` inside the enum body is deliberate: that is
 * how tracee- and falco-style code bases write these lists.
 */
#ifndef __CORPUS_EVENT_KINDS_H
#define __CORPUS_EVENT_KINDS_H

#define CORPUS_EVENT_KINDS(X)		\
	X(EXEC, "exec")			\
	X(EXIT, "exit")			\
	X(FORK, "fork")			\
	X(SCHED, "sched")		\
	X(BLOCK, "block")		\
	X(CONNECT, "connect")		\
	X(ACCEPT, "accept")		\
	X(RETRANS, "retrans")		\
	X(STATE, "state")		\
	X(DROP, "drop")			\
	X(OPEN, "open")			\
	X(RW, "rw")			\
	X(UNLINK, "unlink")		\
	X(MOUNT, "mount")		\
	X(OOM, "oom")			\
	X(FAULT, "fault")		\
	X(SYSCALL, "syscall")		\
	X(SIGNAL, "signal")		\
	X(CAPS, "caps")

enum event_kind {
#define X(name, str) EV_##name,
	CORPUS_EVENT_KINDS(X)
#undef X
	EV_MAX
};

/* one bit per kind: what a tool subscribes to */
enum event_mask {
#define X(name, str) EVM_##name = 1 << EV_##name,
	CORPUS_EVENT_KINDS(X)
#undef X
};

/*
 * Socket states the tcp tools name, as the kernel's enum values (include/net/tcp_states.h):
 * fixed since 2.6, so plain constants are fine here.
 */
#define CORPUS_TCP_STATES(X)	\
	X(ESTABLISHED, 1)	\
	X(SYN_SENT, 2)		\
	X(SYN_RECV, 3)		\
	X(FIN_WAIT1, 4)		\
	X(CLOSE, 7)		\
	X(LISTEN, 10)

enum corpus_tcp_state {
#define X(name, value) CORPUS_TCP_##name = value,
	CORPUS_TCP_STATES(X)
#undef X
};

#endif /* __CORPUS_EVENT_KINDS_H */
