// Plugin scenario, host version 1 (shared host-v1.c): packed struct data { a, b, c }; c at offset 8.
#include <stdint.h>
struct data { int a; int b; int c; } __attribute__((__packed__));
int host_call(struct data *d) { return d->c; }
int main(void) { struct data d = {1, 2, 3}; return host_call(&d) == 3 ? 0 : 1; }
