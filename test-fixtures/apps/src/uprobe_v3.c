// Uprobe scenario, app version 3: `d` removed and `a` widened to long long, so c is at 8 and d is gone.
#include <stdio.h>
struct data { long long a; int c; };
int add_test(struct data *d) { return (int)d->a + d->c; }
int main(void) { struct data d = {1, 3}; printf("add_test(&d) = %d\n", add_test(&d)); return 0; }
