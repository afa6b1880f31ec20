// Plugin scenario, host version 2 (shared host-v2.c): add_field inserted before c, so c moves from 8 to 12.
#include <stdint.h>
struct data { int a; int b; int add_field; int c; } __attribute__((__packed__));
int host_call(struct data *d) { return d->c; }
int main(void) { struct data d = {1, 2, 9, 3}; return host_call(&d) == 3 ? 0 : 1; }
