// VS Code end-to-end fixture: ordinary C, which corelens must leave to clangd / C/C++ (no server, no diagnostics).
#include <stdio.h>

struct task_struct { long state; };

int main(void) { struct task_struct t = { 0 }; printf("%ld\n", t.state); return 0; }
