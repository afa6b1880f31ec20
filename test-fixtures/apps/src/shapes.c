// Many struct shapes for the DWARF -> BTF proof: every layout here must equal pahole's BTF of the same binary.
/* no libc headers: the same file also builds with clang -target bpfeb (big-endian DWARF) */
typedef __SIZE_TYPE__ size_t;
typedef __WCHAR_TYPE__ wchar_t;
#define bool _Bool

typedef unsigned int u32;
typedef u32 u32_alias;
typedef const volatile u32_alias cv_u32;

typedef enum { ANON_X = 7, ANON_Y } anon_enum_t;
enum e8 { E8_A = 1, E8_B = 200 } __attribute__((packed));
enum e16 { E16_A = -3, E16_B = 30000 } __attribute__((packed));
enum e32 { E32_A, E32_B = 0x7fffffff };
enum eneg { ENEG_A = -1, ENEG_B = -2147483647 - 1 };
enum ebig { EBIG_A = 1, EBIG_B = 0x1234567890ULL, EBIG_MAX = 0xffffffffffffffffULL };
enum ebigneg { EBN_A = -5, EBN_B = 0x7fffffff00LL };

struct list { struct list *next, *prev; int v; };
struct opaque;                                   /* only ever used through a pointer */
union num { int i; float f; double d; long double ld; unsigned char b[16]; };

struct bits {
	unsigned int a : 3;
	unsigned int b : 5;
	signed int c : 7;
	unsigned long long straddle : 40;
	bool flag : 1;
	anon_enum_t ebits : 4;
	u32_alias td : 9;
	unsigned char tail;
	unsigned int : 0;                        /* unnamed zero-width: no member */
	unsigned int after_zero : 2;
	int whole : 32;
};

struct __attribute__((packed)) packed {
	char c;
	int i;
	short s;
	long long ll;
	unsigned int bf : 5;
};

struct __attribute__((aligned(16))) aligned16 { char c; };

struct nested {
	int x;
	union {
		struct { short lo, hi; };
		int word;
	};
	struct { char tag; struct { long deep; } inner; } named_anon;
	struct {
		unsigned int nbits : 4;
	};
	struct list list;
	union num nums[3];
};

struct arrays {
	int one[4];
	int two[2][3];
	char three[2][3][4];
	struct list lists[2];
	const char *ptrs[5];
	int zero[0];
	void *vp;
	int (*fnarr[2])(int);
};

struct flex { size_t len; unsigned char data[]; };
struct flex2 { int n; struct list items[]; };

typedef int (*callback_t)(const char *, ...);
typedef void (*noargs_t)(void);
typedef struct list *(*maker_t)(struct list *restrict, const void *);

struct funcs {
	callback_t cb;
	noargs_t na;
	maker_t mk;
	int (*direct)(int a, long b);
	void (*kr)();
};

struct quals {
	const int ci;
	volatile long vl;
	const volatile char cvc;
	cv_u32 cvt;
	int *restrict rp;
	const struct list *cl;
	_Atomic int ai;
	struct opaque *op;
};

struct floats { float f; double d; long double ld; _Bool b; __int128 i128; unsigned __int128 u128; char c; signed char sc; unsigned char uc; wchar_t wc; };

typedef struct { int anon_a; char anon_b; } anon_typedef_t;
typedef struct named_td { int x; } named_td_t;
typedef union { int u; char c; } anon_union_t;
typedef int int_array_t[8];
typedef struct list list_t;

struct everything {
	struct bits bits;
	struct packed packed;
	struct aligned16 a16;
	struct nested nested;
	struct arrays arrays;
	struct funcs funcs;
	struct quals quals;
	struct floats floats;
	anon_typedef_t atd;
	named_td_t ntd;
	anon_union_t au;
	int_array_t ia;
	list_t lt;
	enum e8 e8;
	enum e16 e16;
	enum e32 e32;
	enum eneg eneg;
	enum ebig ebig;
	enum ebigneg ebigneg;
	anon_enum_t ae;
	struct flex *flex;
	struct flex2 *flex2;
};

struct everything g_everything;
int use(struct everything *e) { return e->bits.a + e->packed.i + (int)sizeof(*e); }
int main(void) { return use(&g_everything); }
