// Uprobe scenario, app version 1 (shared btf-base.c): struct data { a, c, d }; c at offset 4.
#include <stdio.h>
struct data { int a; int c; int d; };
int add_test(struct data *d) { return d->a + d->c; }
int main(void) { struct data d = {1, 3, 4}; printf("add_test(&d) = %d\n", add_test(&d)); return 0; }
