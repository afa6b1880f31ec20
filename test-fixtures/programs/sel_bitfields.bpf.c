// SPDX-License-Identifier: MIT
/*
 * sel_bitfields.bpf.c - bitfield relocations, mirroring the kernel selftest
 * groups bitfields (probed and direct) - test_core_reloc_bitfields_*.c.
 *
 * BPF_CORE_READ_BITFIELD_PROBED(s, f) emits byte_off + byte_sz (for the probe
 * read), lshift_u64, signed and rshift_u64; BPF_CORE_READ_BITFIELD(s, f)
 * emits byte_off, byte_sz (switch on 1/2/4/8), lshift_u64, signed,
 * rshift_u64 and loads directly. Plain (non-bitfield) integer members read
 * through the same macros show how lshift/rshift degrade to 64 - 8*size.
 *
 * Also: a signed enum bitfield, a bitfield straddling a 4-byte boundary
 * (the 'straddle' struct) and BPF_CORE_WRITE_BITFIELD-style relocations.
 */
#include "fixture.h"

struct core_reloc_bitfields {
	/* unsigned bitfields */
	__u8 ub1: 1;
	__u8 ub2: 2;
	__u32 ub7: 7;
	/* signed bitfields */
	__s8 sb4: 4;
	__s32 sb20: 20;
	/* non-bitfields */
	__u32 u32;
	__s32 s32;
} __attribute__((preserve_access_index));

/* ub starts at bit 28 of a u32 storage unit and runs 8 bits: libbpf's loop
 * widens the load window from 4 to 8 bytes */
struct core_reloc_bitfields_straddle {
	__u32 pad: 28;
	__u64 ub: 8;
	__s64 sb: 30;
	enum { SB_NEG = -1, SB_POS = 1 } se: 4;
} __attribute__((preserve_access_index));

SEC("raw_tp/bitfields_probed")
int test_bitfields_probed(void *ctx)
{
	struct core_reloc_bitfields *in = INPUT(struct core_reloc_bitfields);

	OUT(0, BPF_CORE_READ_BITFIELD_PROBED(in, ub1));
	OUT(1, BPF_CORE_READ_BITFIELD_PROBED(in, ub2));
	OUT(2, BPF_CORE_READ_BITFIELD_PROBED(in, ub7));
	OUT(3, BPF_CORE_READ_BITFIELD_PROBED(in, sb4));
	OUT(4, BPF_CORE_READ_BITFIELD_PROBED(in, sb20));
	OUT(5, BPF_CORE_READ_BITFIELD_PROBED(in, u32));
	OUT(6, BPF_CORE_READ_BITFIELD_PROBED(in, s32));
	return 0;
}

SEC("raw_tp/bitfields_direct")
int test_bitfields_direct(void *ctx)
{
	struct core_reloc_bitfields *in = INPUT(struct core_reloc_bitfields);

	OUT(0, BPF_CORE_READ_BITFIELD(in, ub1));
	OUT(1, BPF_CORE_READ_BITFIELD(in, ub2));
	OUT(2, BPF_CORE_READ_BITFIELD(in, ub7));
	OUT(3, BPF_CORE_READ_BITFIELD(in, sb4));
	OUT(4, BPF_CORE_READ_BITFIELD(in, sb20));
	OUT(5, BPF_CORE_READ_BITFIELD(in, u32));
	OUT(6, BPF_CORE_READ_BITFIELD(in, s32));
	return 0;
}

SEC("raw_tp/bitfields_straddle")
int test_bitfields_straddle(void *ctx)
{
	struct core_reloc_bitfields_straddle *in =
		INPUT(struct core_reloc_bitfields_straddle);

	OUT(0, BPF_CORE_READ_BITFIELD_PROBED(in, ub));
	OUT(1, BPF_CORE_READ_BITFIELD_PROBED(in, sb));
	OUT(2, BPF_CORE_READ_BITFIELD(in, se));
	OUT(3, bpf_core_field_exists(in->se));
	return 0;
}

/* the write side: byte_off/byte_sz/lshift/rshift without signed */
SEC("raw_tp/bitfields_write")
int test_bitfields_write(void *ctx)
{
	struct core_reloc_bitfields *in = INPUT(struct core_reloc_bitfields);
	__u64 off = __builtin_preserve_field_info(in->ub7, BPF_FIELD_BYTE_OFFSET);
	__u64 sz = __builtin_preserve_field_info(in->ub7, BPF_FIELD_BYTE_SIZE);
	__u64 lsh = __builtin_preserve_field_info(in->ub7, BPF_FIELD_LSHIFT_U64);
	__u64 rsh = __builtin_preserve_field_info(in->ub7, BPF_FIELD_RSHIFT_U64);

	OUT(0, off);
	OUT(1, sz);
	OUT(2, lsh);
	OUT(3, rsh);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
