// SPDX-License-Identifier: MIT
/*
 * ext_order.bpf.h - a header's weak function naming a function of another object (sched-ext's lib/percpu.h
 * `__weak int scx_storage_init_single(..)`, whose scx_bitmap_alloc() is a cast of a call through a typedef with an
 * attribute, an arena pointer): clang emits the header's definitions where the unit includes them, before the document's, so the
 * symbol table names what they call first.
 */
#ifndef EXT_ORDER_BPF_H
#define EXT_ORDER_BPF_H

#include "externs.bpf.h"

struct corelens_bitmap {
	__u64 bits[4];
};

typedef struct corelens_bitmap __attribute__((address_space(1))) * __attribute((btf_decl_tag("arg:arena"))) corelens_bitmap_t;

__u64 corelens_order_alloc_internal(void);
#define corelens_order_alloc() ((corelens_bitmap_t)corelens_order_alloc_internal())

__weak int corelens_order_header_init(void)
{
	corelens_bitmap_t m = corelens_order_alloc();

	return m ? 0 : -12;
}

#endif
