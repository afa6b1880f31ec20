// Plugin scenario, host version 3: b removed and a one-byte flag added, so packed c lands unaligned at 9.
#include <stdint.h>
struct data { int a; char flag; int add_field; int c; } __attribute__((__packed__));
int host_call(struct data *d) { return d->c; }
int main(void) { struct data d = {1, 1, 9, 3}; return host_call(&d) == 3 ? 0 : 1; }
