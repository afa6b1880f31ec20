// Uprobe scenario, app version 2 (shared btf-base-new.c): `b` inserted before c, so c moves from 4 to 8.
#include <stdio.h>
struct data { int a; int b; int c; int d; };
int add_test(struct data *d) { return d->a + d->c; }
int main(void) { struct data d = {1, 2, 3, 4}; printf("add_test(&d) = %d\n", add_test(&d)); return 0; }
