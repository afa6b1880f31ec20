// `node server/out/bench/projects.js [--detail] [--check] [--only NAME,...] PRESET=DIR... | --held DIR | --root DIR [options]`:
// the live analysis measured on a checkout of a real BPF project (issue 12's held-out measure, reproduced on
// projects we can fetch). Nothing of those projects is committed: the checkout lives wherever the user put it.
//
// Per project it generates vmlinux.h from a bundled kernel (bpftool), compiles every program with the project's own
// include dirs and clang 14 `-g -O2 -target bpf -D__TARGET_ARCH_x86` (plus the project's defines), and compares the
// live sites with clang's relocations per section (server/test/support/corpus.ts). Three figures per program:
//   - missing: relocations clang emitted that the live analysis lacks;
//   - extra:   live sites for a (kind, type, access) clang never emitted in that section: real extras;
//   - CSE:     live sites above clang's count for a triple clang did emit: a merge of clang's (MachineCSE reusing
//              an earlier identical relocation) the live model (source/cse.ts) does not know; the copies it knows
//              are already left out of the live count. Reported apart from `extra`, but a difference all the same:
//              missing + extra + CSE is the strict multiset difference.
// A program clang 14 / libbpf 1.1 cannot compile is listed as skipped with clang's first error line.
// --check also runs `corelens check` on the source and on the object (bundled kernels) and lists every error the
// source path reports that the object path does not (house rule: no error the object path does not also report).
//
// `--libbpf DIR`: a libbpf source checkout whose src/*.h stand for the project's vendored libbpf (bcc,
// libbpf-bootstrap and tracee vendor libbpf as a git submodule, which a snapshot of the repository lacks): they are
// copied to <cache>/libbpf/bpf/ and put first on the include path, as those Makefiles put $(OUTPUT). Without it the
// system's libbpf headers (1.1 here) serve. `--kernel FILE`: the BTF the vmlinux.h comes from (default the bundled
// 6.18 amd64 kernel: projects ship a recent vmlinux.h and use its newer fields).
// Options for a project given by hand (`--root DIR`): `--files GLOB` (repeatable, relative to the root, `*` and
// `**`), `-I DIR` (relative to the root), `-D X`, `--own-vmlinux` (the project ships its vmlinux.h: do not put the
// generated one on the include path), `--name NAME`.
// `--held DIR`: every held-out preset (HELD_PRESETS, issue 12's held-out projects named in the README) whose checkout
// DIR/<HELD_DIRS name> exists (elastic, ecapture, ptcpdump, pulsar, netobserv, kubeshark, bpf-developer-tutorial,
// retina, bpf-examples, cilium-ebpf, bpftime, systemd, huatuo, kubeskoop, kyanos, learning-ebpf, lmp, nettrace, Hades,
// bpftune, libbpf-rs, bad-bpf, systing, below, bpfsnoop, hello-libbpfgo, eunomia-bpf, libbpfgo, boopkit, netdata, otel-go,
// skywalking-rover, parca-agent, security-profiles-operator, triplecross, scx, and fresh19's pyroscope, bouheki, skbtracer,
// caretta, skbdump, xdp-tools, coolbpf, sysak, and fresh21b's aws-network-policy-agent, kvisor, ebpf-apps, perforator, bpfcontain,
// and fresh30a's datadog-agent, tarian-detector, runtime-detector, and fresh30b's dae, lightfoot, harpoon, perf, and fresh31a's delve, l3af, linux-samples, alaz,
// ingress-node-firewall, and fresh31b's ebpf-discovery, bumblebee, pamspy, calico).

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer, Analyzer } from '../src/source/analyzer';
import { compareProgram, contextExpansion, CorpusProgram, formatReport, ProgramAgreement, totals } from '../test/support/corpus';
import { REPO_ROOT } from '../test/support/paths';

/** How one project builds its BPF programs. */
export interface Recipe {
  name: string;
  root: string;
  /** Globs relative to root. */
  files: string[];
  /** -I dirs relative to root, in the project's order (the generated vmlinux.h dir comes last). */
  include: string[];
  defines: string[];
  /** The project has its own vmlinux.h (tracee, tetragon): no generated one. */
  ownVmlinux?: boolean;
  /** clang's multiarch dir (/usr/include/x86_64-linux-gnu) is on the project's include path (asm/ headers). */
  multiarch?: boolean;
  /** Programs (base names) to leave out, with the reason printed. */
  skip?: Record<string, string>;
  /** Extra clang flags of the project's build that change code generation (-mcpu=v3, -fno-stack-protector...). */
  cflags?: string[];
  /** Headers the project's build image provides and this machine names differently (path -> text): written to
   * <cache>/shims/<project>/ and put on the include path after the project's dirs. */
  shims?: Record<string, string>;
  /** The generated vmlinux.h dir comes first on the include path, as the project's build puts it (MagicEyes'
   * FindBpfObject.cmake), ahead of the project's own stale copies. */
  vmlinuxFirst?: boolean;
  /** The project's own libbpf headers come first even with --libbpf (its build never sees another libbpf). */
  ownLibbpf?: boolean;
  /** Headers the project's build generates with its own script (path -> [cwd relative to root, command...]): the
   * command's output is written to the shim dir once per cache dir. */
  generated?: Record<string, string[]>;
  /** The project puts libbpf's src/ itself on its include path and includes "bpf_helpers.h" by quote: the --libbpf
   * headers' own dir follows the project's dirs. */
  libbpfSrc?: boolean;
  /** The project pins an old libbpf release: the --libbpf checkout's headers at this git tag stand for it. */
  libbpfTag?: string;
  /** The project puts libbpf's include/uapi on its include path (its linux/bpf.h, newer than the system's): the
   * --libbpf checkout's (at libbpfTag) follows the project's dirs. */
  libbpfUapi?: boolean;
}

/** The projects we measure, by the layout of their repositories (flags read from their Makefiles). */
export const PRESETS: Record<string, (root: string) => Recipe | Recipe[]> = {
  // libbpf-tools/Makefile: -I$(OUTPUT) (libbpf headers: the system's 1.1 here) -I../src/cc/libbpf/include/uapi -I$(ARCH)/
  'bcc': (root) => ({ name: 'bcc libbpf-tools', root, files: ['libbpf-tools/*.bpf.c'], include: ['libbpf-tools'], defines: [], multiarch: true }),
  // examples/c/Makefile: -I$(OUTPUT) -I../../libbpf/include/uapi -I$(dir $(VMLINUX)) + clang's system dirs
  'libbpf-bootstrap': (root) => ({ name: 'libbpf-bootstrap', root, files: ['examples/c/*.bpf.c'], include: ['examples/c'], defines: [], multiarch: true }),
  // Makefile: -D__TARGET_ARCH_x86 -D__BPF_TRACING__ -DCORE -DRELEASE -I./pkg/ebpf/c/ ; its own vmlinux.h
  'tracee': (root) => ({
    name: 'tracee', root, files: ['pkg/ebpf/c/tracee.bpf.c', 'pkg/ebpf/c/lsmsupport/*.bpf.c'], include: ['pkg/ebpf/c'],
    defines: ['__BPF_TRACING__', 'CORE', 'RELEASE'], ownVmlinux: true, multiarch: true,
  }),
  // bpf/Makefile.defs: -I bpf -I bpf/libbpf -I bpf/include -I bpf/lib -I bpf/errmetrics; its own vmlinux.h
  'tetragon': (root) => ({
    name: 'tetragon', root, files: ['bpf/process/bpf_*.c', 'bpf/cgroup/bpf_*.c'], include: ['bpf', 'bpf/libbpf', 'bpf/include', 'bpf/lib', 'bpf/errmetrics'],
    defines: [], ownVmlinux: true,
  }),
  // cmd/common/image/build-step.go (ig image build): -I/usr/include/<arch>-linux-gnu -I include -I include/gadget/<arch>;
  // programs gadgets/*/program.bpf.c
  'inspektor-gadget': (root) => ({
    name: 'inspektor-gadget', root, files: ['gadgets/*/program.bpf.c'], include: ['include', 'include/gadget/amd64'], defines: [], multiarch: true,
  }),
  // Makefile: bpf2go -cc clang -cflags "-O2 -g -Wall..." -target amd64 bpf/<dir>/<main>.c -- -I bpf; its own
  // vmlinux.h and libbpf headers (bpf/bpfcore); the other .c files are #included by these
  'obi': (root) => ({
    name: 'opentelemetry-ebpf-instrumentation', root,
    files: ['bpf/common/common.c', 'bpf/generictracer/generictracer.c', 'bpf/gotracer/gotracer.c', 'bpf/gpuevent/gpuevent.c',
      'bpf/logger/logger.c', 'bpf/netolly/flows.c', 'bpf/netolly/flows_sock.c', 'bpf/rdns/rdns_xdp.c', 'bpf/tctracer/tctracer.c',
      'bpf/tpinjector/tpinjector.c', 'bpf/watcher/watcher.c'],
    include: ['bpf'], defines: [], ownVmlinux: true,
  }),
  // src/Makefile: $(CLANG) -I$(or $(OUTPUT),.) -I$(srctree)/include/uapi $(LIBBPF_BOOTSTRAP_INCLUDE) -g -O2 -Wall
  // -target bpf -c skeleton/X.bpf.c (libbpf submodule: pass --libbpf); vmlinux.h from bpftool
  'bpftool': (root) => ({ name: 'bpftool skeletons', root, files: ['src/skeleton/*.bpf.c'], include: ['src', 'include/uapi'], defines: [], multiarch: true }),
  // build.rs (libbpf-cargo): clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I src/bpf; its own vmlinux.h and headers
  'bpftop': (root) => ({ name: 'bpftop', root, files: ['src/bpf/*.bpf.c'], include: ['src/bpf'], defines: [], ownVmlinux: true }),
  // driver/modern_bpf/CMakeLists.txt: -g -O2 -target bpf -D__release__ -D__TARGET_ARCH_x86 -D__USE_VMLINUX__
  // -I driver/modern_bpf -I <libs root>; driver/driver_config.h is generated by CMake from driver_config.h.in (the
  // shim below: its version macros with fixed numbers); vmlinux.h from bpftool
  'falco': (root) => ({
    name: 'falcosecurity/libs modern_bpf', root, files: ['driver/modern_bpf/programs/**/*.bpf.c'],
    include: ['driver/modern_bpf', '.'], defines: ['__release__', '__USE_VMLINUX__'],
    shims: {
      'driver/driver_config.h': ['#pragma once', '#define PPM_API_CURRENT_VERSION_MAJOR 8', '#define PPM_API_CURRENT_VERSION_MINOR 0',
        '#define PPM_API_CURRENT_VERSION_PATCH 0', '#define PPM_SCHEMA_CURRENT_VERSION_MAJOR 3', '#define PPM_SCHEMA_CURRENT_VERSION_MINOR 0',
        '#define PPM_SCHEMA_CURRENT_VERSION_PATCH 0', '#include "driver/ppm_api_version.h"', '#define DRIVER_VERSION "0.0.0"',
        '#define DRIVER_NAME "scap"', '#define DRIVER_DEVICE_NAME "scap"', '#define DRIVER_COMMIT "0"',
        '#ifndef KBUILD_MODNAME', '#define KBUILD_MODNAME DRIVER_NAME', '#endif', ''].join('\n'),
    },
  }),
  // examples/Makefile: clang -mcpu=v3 -g -O2 -D__TARGET_ARCH_x86 -I../include/x86 $(LIBBPF_CFLAGS) (its vendored
  // libbpf: pass --libbpf) ; its own vmlinux.h per arch
  'ebpf_exporter': (root) => ({
    name: 'ebpf_exporter', root, files: ['examples/*.bpf.c'], include: ['examples', 'include/x86'], defines: [], ownVmlinux: true,
    multiarch: true, cflags: ['-mcpu=v3'],
  }),
  // src/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Ix86 -I$(OUTPUT) (libbpf submodule: pass --libbpf)
  'retsnoop': (root) => ({
    name: 'retsnoop', root, files: ['src/*.bpf.c'], include: ['src/x86', 'src'], defines: [], ownVmlinux: true, multiarch: true,
  }),
  // build.go: bpf2go -target amd64 ./bpf/kprobe_pwru.c -- -I./bpf/headers (its own vmlinux.h and libbpf headers)
  'pwru': (root) => ({
    name: 'pwru', root, files: ['bpf/kprobe_pwru.c'], include: ['bpf/headers'], defines: [], ownVmlinux: true,
  }),
  // KubeArmor/**/*.go: bpf2go -cc clang ../../BPF/X.bpf.c -- -I/usr/include/ -O2 -g -fno-stack-protector; vmlinux.h
  // generated from the running kernel's BTF (BPF/Makefile)
  'kubearmor': (root) => ({
    name: 'KubeArmor', root, files: ['KubeArmor/BPF/*.bpf.c'], include: ['KubeArmor/BPF'], defines: [], multiarch: true,
    cflags: ['-fno-stack-protector'],
  }),
  // ebpftracer/Dockerfile: clang -g -O2 -target bpf -D__KERNEL_FROM=512 -D__TARGET_ARCH_x86 -c ebpf.c (its own
  // vmlinux.h; the system's libbpf headers)
  'coroot': (root) => ({
    name: 'coroot-node-agent', root, files: ['ebpftracer/ebpf/ebpf.c'], include: ['ebpftracer/ebpf'], defines: ['__KERNEL_FROM=512'],
    ownVmlinux: true, multiarch: true,
    // its Alpine build image has the kernel's uapi headers as <uapi/linux/bpf.h>; Debian has them as <linux/bpf.h>
    shims: { 'uapi/linux/bpf.h': '#include <linux/bpf.h>\n' },
  }),
};

/** -target bpf leaves __x86_64__ undefined, so glibc's gnu/stubs.h (the multiarch dir) asks for the 32-bit stubs,
 * which only a multilib libc (libc6-dev-i386) has; they declare unimplemented functions only. */
const STUBS32: Record<string, string> = { 'gnu/stubs-32.h': '' };

/** lmp eBPF_Supermarket's tools: each Makefile has its own include dirs and vmlinux.h: a dir of the repository, a
 * header of it the shim vmlinux.h includes, or neither (the Makefile asks bpftool: the generated 6.18 here). */
const LMP_TOOLS: { dir: string; include: string[]; vmlinuxDir?: string; vmlinuxFile?: string }[] = [
  // Memory_Subsystem/mem_watcher/Makefile: -I$(OUTPUT) -I../../libbpf/include/uapi -I../vmlinux/$(ARCH) -I./include;
  // ../vmlinux/x86/vmlinux.h is a symlink to vmlinux_601.h that the snapshot stores as a text file: the shim follows it
  { dir: 'Memory_Subsystem/mem_watcher', include: ['include'], vmlinuxFile: 'Memory_Subsystem/vmlinux/x86/vmlinux_601.h' },
  // CPU_Subsystem/cpu_watcher/Makefile: -I$(OUTPUT) -I../../../libbpf/include/uapi -I../vmlinux/$(ARCH) -I./include
  { dir: 'CPU_Subsystem/cpu_watcher', include: ['include'], vmlinuxDir: 'CPU_Subsystem/vmlinux/x86' },
  // Stack_Analyser/Makefile: -I./include -I./$(OUTPUT) -I$(LIBBPF_ROOT)/include/uapi -I$(dir ../lib/vmlinux.h), that one
  // from bpftool on the build machine; 6.18's kernfs_node has no `parent` (renamed __parent in 6.15): the
  // repository's 6.1 header stands in
  { dir: 'Stack_Analyser', include: ['include'], vmlinuxFile: 'CPU_Subsystem/vmlinux/x86/vmlinux_601.h' },
  // CPU_Subsystem/eBPF_proc_image/Makefile: -I$(OUTPUT) -I../libbpf/include/uapi -I./include (its include/vmlinux.h)
  { dir: 'CPU_Subsystem/eBPF_proc_image', include: ['include'], vmlinuxDir: 'CPU_Subsystem/eBPF_proc_image/include' },
  // Filesystem_Subsystem/fs_watcher (no Makefile in the tree): the tool dir (bpf/read.bpf.c includes "read.h") and
  // its include/ with its vmlinux.h
  { dir: 'Filesystem_Subsystem/fs_watcher', include: ['.', 'include'], vmlinuxDir: 'Filesystem_Subsystem/fs_watcher/include' },
  // Network_Subsystem/net_watcher/Makefile: -I$(OUTPUT) -I ../../lib/libbpf/include/uapi -I../../lib/vmlinux/$(ARCH)
  // (bpftool's); common.bpf.h defines trace_event_raw_tcp_send_reset, which 6.18's vmlinux.h has: the 6.1 one
  { dir: 'Network_Subsystem/net_watcher', include: [], vmlinuxFile: 'CPU_Subsystem/vmlinux/x86/vmlinux_601.h' },
];

/** calico's felix/bpf-gpl objects measured (a sample of list-objs' cross product): [object, source, defines of
 * `./calculate-flags bin/<object>.o`]. */
const CALI_DEBUG = 'CALI_LOG_LEVEL=CALI_LOG_LEVEL_DEBUG';
const CALI_OFF = 'CALI_LOG_LEVEL=CALI_LOG_LEVEL_OFF';
const CALI_NODROP = 'CALI_DROP_WORKLOAD_TO_HOST=false';
const CALICO_VARIANTS: [string, string, string[]][] = [
  ['from_wep_debug', 'tc.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=0']],
  ['to_wep_no_log', 'tc.c', [CALI_OFF, CALI_NODROP, 'CALI_COMPILE_FLAGS=2']],
  ['from_hep_debug', 'tc.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=3']],
  ['to_hep_no_log_v6', 'tc.c', [CALI_OFF, CALI_NODROP, 'IPVER6', 'CALI_COMPILE_FLAGS=1']],
  ['from_hep_dsr_no_log', 'tc.c', [CALI_OFF, CALI_NODROP, 'CALI_COMPILE_FLAGS=19']],
  ['from_nat_debug', 'tc.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=131']],
  ['to_vxlan_no_log', 'tc.c', [CALI_OFF, CALI_NODROP, 'CALI_COMPILE_FLAGS=1025']],
  ['xdp_debug', 'xdp.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=67']],
  ['xdp_no_log_v6', 'xdp.c', [CALI_OFF, CALI_NODROP, 'IPVER6', 'CALI_COMPILE_FLAGS=67']],
  ['connect_balancer_debug_v4', 'connect_balancer.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=8']],
  ['conntrack_cleanup_debug_v4', 'conntrack_cleanup.c', [CALI_DEBUG, CALI_NODROP, 'CALI_COMPILE_FLAGS=512']],
  ['tc_preamble_ingress', 'tc_preamble.c', [CALI_NODROP, 'CALI_COMPILE_FLAGS=2050']],
  ['policy_default_ingress', 'policy_default.c', [CALI_NODROP, 'CALI_COMPILE_FLAGS=4098']],
];

/** lmp MagicEyes' backend tools (src/backend/<area>/<tool>/bpf/*.bpf.c). */
const MAGICEYES_TOOLS = ['net/delay_analysis', 'net/net_watcher', 'process/cpu_watcher', 'process/proc_image',
  'hypervisor/kvm_watcher', 'fs/fs_watcher', 'memory/mem_watcher'];

/** The held-out projects of issue 12 (README "Held-out projects"), by the layout of their repositories; the flags
 * are read from each project's build files as noted. Objects measured without a vendored libbpf get the --libbpf
 * checkout's headers first, as the other presets do. */
export const HELD_PRESETS: Record<string, (root: string) => Recipe | Recipe[]> = {
  // GPL/Events/CMakeLists.txt: -g -O2 -D__KERNEL__ -DBPF_DEBUG_TRACE=0 -D__TARGET_ARCH_x86 -D__x86_64__ -I GPL/Events
  // -fno-ident; vmlinux.h from contrib/vmlinux/x86_64 (ebpf_get_includes(vmlinux)); libbpf submodule
  'elastic': (root) => ({
    name: 'elastic/ebpf', root, files: ['GPL/Events/EventProbe.bpf.c'], include: ['GPL/Events', 'contrib/vmlinux/x86_64'],
    defines: ['__KERNEL__', 'BPF_DEBUG_TRACE=0', '__x86_64__'], ownVmlinux: true,
  }),
  // Makefile + variables.mk: clang -D__TARGET_ARCH_x86 -O2 -mcpu=v1 -nostdinc -I ./kern -I ./kern/bpf/x86 -target bpfel
  // (kern/bpf/x86/vmlinux.h from bpftool: the generated one)
  'ecapture': (root) => ({
    name: 'gojue/ecapture', root, files: ['kern/*_kern.c'], include: ['kern', 'kern/bpf/x86'], defines: [], cflags: ['-mcpu=v1'],
  }),
  // bpf/bpf.go: bpf2go -target amd64 ./ptcpdump.c -- -I./headers -I./headers/amd64 -I. (its own vmlinux.h)
  'ptcpdump': (root) => ({
    name: 'mozillazg/ptcpdump', root, files: ['bpf/ptcpdump.c'], include: ['bpf/headers', 'bpf/headers/amd64', 'bpf'], defines: [],
    ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // bpf/bpf_legacy.go: the same plus -DLEGACY_KERNEL -DNO_CGROUP_PROG -DNO_TRACING -DNO_TCX
  'ptcpdump-legacy': (root) => ({
    name: 'mozillazg/ptcpdump legacy', root, files: ['bpf/ptcpdump.c'], include: ['bpf/headers', 'bpf/headers/amd64', 'bpf'],
    defines: ['LEGACY_KERNEL', 'NO_CGROUP_PROG', 'NO_TRACING', 'NO_TCX'], ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // bpf-common/src/builder.rs: clang -I include -I include/x86_64 -g -O2 -target bpf -D__TARGET_ARCH_x86 (its own
  // vmlinux.h and libbpf headers in bpf-common/include)
  'pulsar': (root) => ({
    name: 'Exein-io/pulsar', root, files: ['modules/*/*.bpf.c'], include: ['bpf-common/include', 'bpf-common/include/x86_64'],
    defines: [], ownVmlinux: true, ownLibbpf: true,
  }),
  // pkg/ebpf/gen.go: bpf2go -cflags "-O2 -g -Wall -Werror" ../../bpf/flows.c -- -I../../bpf/headers (its own vmlinux.h)
  'netobserv': (root) => ({
    name: 'netobserv-ebpf-agent', root, files: ['bpf/flows.c'], include: ['bpf/headers'], defines: [], ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // pkg/bpf/bpf.go + Makefile: bpf2go -target amd64 -cflags "-O2 -g -D__TARGET_ARCH_x86" ../../bpf/tracer.c (its own
  // bpf/include/vmlinux_x86.h)
  'kubeshark': (root) => ({
    name: 'kubeshark/tracer', root, files: ['bpf/tracer.c'], include: ['bpf'], defines: [], ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // src/<n>/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT) -I../third_party/libbpf/include/uapi
  // -I../third_party/vmlinux/x86 $(CLANG_BPF_SYS_INCLUDES)
  'bpf-developer-tutorial': (root) => ({
    name: 'bpf-developer-tutorial', root, files: ['src/*/*.bpf.c'], include: ['src/third_party/vmlinux/x86'], defines: [],
    ownVmlinux: true, multiarch: true,
  }),
  // pkg/plugin/*/*_linux.go: bpf2go -cflags "-g -O2 -Wall" -target amd64 ./_cprog/X.c -- -I../lib/_amd64
  // -I../lib/common/libbpf/_src (+ _include/{linux,uapi/linux,asm}, ../filter/_cprog, ../conntrack/_cprog for some)
  'retina': (root) => {
    const p = 'pkg/plugin/';
    return {
      name: 'microsoft/retina', root, files: [`${p}*/_cprog/*.c`],
      include: [`${p}lib/_amd64`, `${p}lib/common/libbpf/_src`, `${p}lib/common/libbpf/_include/linux`, `${p}lib/common/libbpf/_include/uapi/linux`,
        `${p}lib/common/libbpf/_include/asm`, `${p}filter/_cprog`, `${p}conntrack/_cprog`],
      defines: [], ownVmlinux: true, cflags: ['-mcpu=v1'],
    };
  },
  // lib/common.mk: clang -target bpf -D__TARGET_ARCH_x86 -I../include -I../headers -I../lib/install/include
  // $(ARCH_INCLUDES) -O2 -g (libbpf submodule; vmlinux.h from bpftool where a program wants one)
  'bpf-examples': (root) => ({
    name: 'xdp-project/bpf-examples', root,
    files: ['netstacklat/*.bpf.c', 'pkt-loop-filter/*.kern.c', 'ktrace-CO-RE/*_kern.c', 'LPM-map-bench/*.bpf.c',
      'AF_XDP-interaction/af_xdp_kern.c', 'AF_XDP-interaction/btf_unit_test_bpf.c', 'pping/pping_kern.c', 'delay-kfunc/*.bpf.c'],
    include: ['include', 'headers', 'lib/install/include'], defines: [], multiarch: true, shims: STUBS32,
  }),
  // Makefile: CFLAGS := -O2 -g -Wall -Werror -mcpu=v2 (testdata, and BPF2GO_CFLAGS for examples/*: -- -I../headers)
  'cilium-ebpf': (root) => ({
    name: 'cilium/ebpf', root, files: ['examples/*/*.c', 'btf/testdata/relocs*.c', 'testdata/manyprogs.c', 'testdata/errors.c', 'testdata/ksym.c'],
    include: ['examples/headers', 'testdata'], defines: [], cflags: ['-mcpu=v2'],
  }),
  // example/*/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT) -I../../third_party/vmlinux/x86
  // $(CLANG_BPF_SYS_INCLUDES) (libbpf submodule)
  'bpftime': (root) => ({
    name: 'eunomia-bpf/bpftime', root, files: ['example/**/*.bpf.c', 'benchmark/**/*.bpf.c'], include: ['third_party/vmlinux/x86'],
    defines: [], ownVmlinux: true, multiarch: true,
  }),
  // src/core/bpf/meson.build: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 + the system's libbpf and uapi headers; the
  // programs declare their own preserve_access_index structs. A snapshot of systemd is too big to fetch: the
  // checkout is a directory holding src/core/bpf/<prog>/<prog>.bpf.c copied from the repository
  'systemd': (root) => ({
    name: 'systemd src/core/bpf', root, files: ['src/core/bpf/*/*.bpf.c'], include: [], defines: [], multiarch: true, shims: STUBS32,
  }),
  // build/clang.sh: clang -Wall -O2 -g -target bpf -D__TARGET_ARCH_x86 -mcpu=v1 -I bpf/include (its own vmlinux.h)
  'huatuo': (root) => ({
    name: 'ccfos/huatuo', root, files: ['bpf/*.c'], include: ['bpf/include'], defines: [], ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // pkg/exporter/probe/*/*.go: bpf2go -target amd64 bpf/X.c -- -I bpf/headers [-I bpf/headers/amd64] (its own vmlinux.h)
  'kubeskoop': (root) => ({
    name: 'alibaba/kubeskoop', root, files: ['bpf/*.c'], include: ['bpf/headers', 'bpf/headers/amd64'], defines: [], ownVmlinux: true,
    cflags: ['-mcpu=v1'],
  }),
  // bpf/gen.go: bpf2go -cflags "-D ARCH_amd64" -target amd64 X.bpf.c -- -I./ -I../.output/ -I../libbpf/include/uapi
  // -I../vmlinux/amd64 (its own vmlinux.h)
  'kyanos': (root) => ({
    name: 'hengyoush/kyanos', root, files: ['bpf/*.bpf.c'], include: ['bpf', 'libbpf/include/uapi', 'vmlinux/amd64'], defines: ['ARCH_amd64'],
    ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // chapter*/Makefile: clang -target bpf -D __TARGET_ARCH_x86 -Wall -O2 -g [-I/usr/include/x86_64-linux-gnu]; vmlinux.h
  // from bpftool
  'learning-ebpf': (root) => ({ name: 'lizrice/learning-ebpf', root, files: ['chapter*/*.bpf.c'], include: [], defines: [], multiarch: true }),
  // eBPF_Supermarket/<area>/<tool>/Makefile (libbpf-bootstrap's): clang -g -O2 -target bpf -D__TARGET_ARCH_x86
  // $(INCLUDES) $(CLANG_BPF_SYS_INCLUDES), per tool as LMP_TOOLS says
  'lmp': (root) => LMP_TOOLS.map((t) => ({
    name: `lmp ${path.basename(t.dir)}`, root, files: [`eBPF_Supermarket/${t.dir}/bpf/*.bpf.c`, `eBPF_Supermarket/${t.dir}/*.bpf.c`],
    include: [...t.include.map((d) => `eBPF_Supermarket/${t.dir}/${d}`), ...(t.vmlinuxDir ? [`eBPF_Supermarket/${t.vmlinuxDir}`] : [])],
    defines: [], ownVmlinux: !!(t.vmlinuxDir || t.vmlinuxFile), multiarch: true,
    shims: { ...STUBS32, ...(t.vmlinuxFile ? { 'vmlinux.h': `#include "${path.join(root, 'eBPF_Supermarket', t.vmlinuxFile)}"\n` } : {}) },
  })),
  // eBPF_Supermarket/**/old_project/**/Makefile (libbpf-bootstrap's): the same, vmlinux.h from bpftool
  'lmp-old': (root) => ({
    name: 'lmp old_project', root, files: ['eBPF_Supermarket/**/old_project/**/*.bpf.c'], include: [], defines: [], multiarch: true,
    shims: STUBS32,
  }),
  // MagicEyes/tools/cmake/FindBpfObject.cmake: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 $(CLANG_SYSTEM_INCLUDES)
  // -I<vmlinux dir> -I src/backend/bpf_common_helper -I <tool>/include -isystem <libbpf>; vmlinux/x86/vmlinux.h is
  // generated (tools/gen_vmlinux_h.sh) and comes first
  'magiceyes': (root) => MAGICEYES_TOOLS.map((tool) => ({
    name: `MagicEyes ${path.basename(tool)}`, root, files: [`MagicEyes/src/backend/${tool}/bpf/*.bpf.c`],
    include: ['MagicEyes/src/backend/bpf_common_helper', `MagicEyes/src/backend/${tool}/include`], defines: [], multiarch: true, vmlinuxFirst: true,
    shims: STUBS32,
  })),
  // common.mk: BPF_CFLAGS -I./ -g -D__TARGET_ARCH_x86 -DBPF_NO_PRESERVE_ACCESS_INDEX, src/progs/kprobe.c (kheaders.h:
  // a link to progs/vmlinux.h in BTF mode, the shim below; src/Makefile: progs/kprobe_trace.h is `python3
  // gen_trace.py probe`'s output)
  'nettrace': (root) => ({
    name: 'OpenCloudOS/nettrace', root, files: ['src/progs/kprobe.c'], include: ['src', 'src/progs'], defines: ['BPF_NO_PRESERVE_ACCESS_INDEX'],
    ownVmlinux: true, shims: { 'kheaders.h': '#include <progs/vmlinux.h>\n' }, generated: { 'kprobe_trace.h': ['src', 'python3', 'gen_trace.py', 'probe'] },
  }),
  // plugins/edriver/bpf/Makefile (bpf-core): clang -D__TARGET_ARCH_x86 -D__BPF_TRACING__ -DCORE -I headers/libbpf
  // -I headers -I include -I ../../libs/core -I ../../libs/bpfheaders -target bpf -O2 -g -mcpu=v2 (its own vmlinux.h;
  // headers/libbpf: the libbpf headers by quote, --libbpf's here)
  'hades': (root) => {
    const b = 'plugins/edriver/bpf/';
    return {
      name: 'chriskaliX/Hades edriver', root, files: [`${b}src/hades.c`],
      include: [`${b}headers`, `${b}include`, 'plugins/libs/core', 'plugins/libs/bpfheaders'], defines: ['__BPF_TRACING__', 'CORE'],
      ownVmlinux: true, cflags: ['-mcpu=v2'], libbpfSrc: true,
    };
  },
  // src/Makefile: clang -g -fno-stack-protector -I../include -I../include/uapi -DVMLINUX_H (its vmlinux.h dir: the
  // generated one) -D__TARGET_ARCH_x86 -O2 -target bpf
  'bpftune': (root) => ({
    name: 'oracle/bpftune', root, files: ['src/*.bpf.c'], include: ['include', 'include/uapi'], defines: ['VMLINUX_H'], multiarch: true,
    cflags: ['-fno-stack-protector'],
  }),
  // libbpf-cargo (SkeletonBuilder): clang -g -O2 -target bpf -fno-stack-protector -D__TARGET_ARCH_x86 + the vmlinux
  // crate's headers (bpftool's here) + libbpf-sys' headers
  'libbpf-rs': (root) => ({
    name: 'libbpf-rs examples', root, files: ['examples/*/src/bpf/*.bpf.c'], include: [], defines: [], multiarch: true, cflags: ['-fno-stack-protector'],
  }),
  // the same builder for libbpf-rs/tests/bin/src/*.bpf.c (libbpf-rs/build.rs)
  'libbpf-rs-tests': (root) => ({
    name: 'libbpf-rs tests', root, files: ['libbpf-rs/tests/bin/src/*.bpf.c'], include: [], defines: [], multiarch: true,
    cflags: ['-fno-stack-protector'],
  }),
  // src/Makefile (libbpf-bootstrap's): clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT) -I../vmlinux/x86
  // $(CLANG_BPF_SYS_INCLUDES)
  'bad-bpf': (root) => ({ name: 'pathtofile/bad-bpf', root, files: ['src/*.bpf.c'], include: ['vmlinux/x86'], defines: [], multiarch: true }),
  // build.rs: SkeletonBuilder (-fno-stack-protector) -I$OUT_DIR (src/bpf/vmlinux_x86_64.h copied as vmlinux.h: the
  // shim) -I src/bpf -D__x86_64__ -DSYSTING_PYSTACKS -I src/pystacks/bpf/include -I src/pystacks/bpf + the multiarch dir
  'systing': (root) => ({
    name: 'josefbacik/systing', root, files: ['src/bpf/*.bpf.c'], include: ['src/bpf', 'src/pystacks/bpf/include', 'src/pystacks/bpf'],
    defines: ['__x86_64__', 'SYSTING_PYSTACKS'], ownVmlinux: true, multiarch: true, cflags: ['-fno-stack-protector'],
    shims: { 'vmlinux.h': '#include "vmlinux_x86_64.h"\n' },
  }),
  // below/cgroupfs/build.rs, below/build.rs: SkeletonBuilder (-fno-stack-protector) -I <below-vmlinux crate's include>
  // (below/vmlinux)
  'below': (root) => ({
    name: 'facebookincubator/below', root, files: ['below/cgroupfs/src/bpf/*.bpf.c', 'below/src/bpf/*.bpf.c'], include: ['below/vmlinux'],
    defines: [], ownVmlinux: true, cflags: ['-fno-stack-protector'],
  }),
  // makefiles/variables.mk: bpf2go -cc clang ... -- -g -D__TARGET_ARCH_x86 -I bpf -I bpf/headers -I lib/libbpf/src
  // (libbpf submodule); bpf/headers/vmlinux.h from bpftool
  'bpfsnoop': (root) => ({
    name: 'bpfsnoop', root, files: ['bpf/*.c'], include: ['bpf', 'bpf/headers'], defines: [], cflags: ['-mcpu=v1'], libbpfSrc: true,
  }),
  // */Makefile: clang -ggdb -gdwarf -O2 -Wall -fpie -target bpf -D__TARGET_ARCH_x86 -I. -I$(OUTPUT) (libbpf submodule;
  // vmlinux.h from bpftool)
  'hello-libbpfgo': (root) => ({ name: 'mozillazg/hello-libbpfgo', root, files: ['*/main.bpf.c'], include: [], defines: [] }),
  // compiler/cmd/src/config/mod.rs (ecc): clang -g -O2 -target bpf -D__TARGET_ARCH_x86 $(bpf sys includes)
  // -I<workspace>/include -I<workspace>/include/vmlinux/x86 (bpftool's here)
  'eunomia-bpf': (root) => ({
    name: 'eunomia-bpf examples', root, files: ['examples/bpftools/*/*.bpf.c'], include: [], defines: [], multiarch: true,
  }),
  // selftest/common/Makefile: clang -g -O2 -Wall -fpie -I../common -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT)
  // (selftest/common/vmlinux.h)
  'libbpfgo': (root) => ({
    name: 'aquasecurity/libbpfgo selftests', root, files: ['selftest/*/*.bpf.c'], include: ['selftest/common'], defines: [], ownVmlinux: true,
  }),
  // Makefile: clang -S -target bpf -D __BPF_TRACING__ -I/usr/local/include -g -O2 -emit-llvm pr0be.X.c | llc (vmlinux.h
  // from bpftool)
  'boopkit': (root) => ({ name: 'krisnova/boopkit', root, files: ['pr0be.*.c'], include: [], defines: ['__BPF_TRACING__'] }),
  // src/Makefile: clang -fno-stack-protector -I../.local_libbpf/ -I../includes/ -I$(LIBBPF)/src/ -I.
  // -I../kernel-collector/includes/ -ggdb -O2 -target bpf -DMY_LINUX_VERSION_CODE=<running kernel> (the
  // kernel-collector submodule cloned into the checkout; 6.18 = 397824)
  'netdata': (root) => ({
    name: 'netdata/ebpf-co-re', root, files: ['src/*.bpf.c'], include: ['includes', 'src', 'kernel-collector/includes'],
    defines: ['MY_LINUX_VERSION_CODE=397824'], ownVmlinux: true, cflags: ['-fno-stack-protector'], libbpfSrc: true,
  }),
  // Makefile + internal/pkg/instrumentation/bpf/*/probe.go: bpf2go -target amd64 ./bpf/probe.bpf.c with BPF2GO_CFLAGS
  // -I internal/include/libbpf -I internal/include (its own vmlinux stand-in in common.h and libbpf headers by quote)
  'otel-go': (root) => ({
    name: 'opentelemetry-go-instrumentation', root, files: ['internal/pkg/instrumentation/bpf/**/bpf/probe.bpf.c'],
    include: ['internal/include/libbpf', 'internal/include'], defines: [], ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // pkg/**/*.go: bpf2go -target amd64 -cflags "-O2 -g -Wall -Werror" X.c -- -I bpf/include; its build image
  // (docker/Dockerfile.base) has libbpf 1.1's headers and the kernel's uapi headers (multiarch here), no vmlinux.h
  'skywalking-rover': (root) => ({
    name: 'apache/skywalking-rover', root,
    files: ['bpf/profiling/oncpu.c', 'bpf/profiling/offcpu.c', 'bpf/profiling/network/netmonitor.c', 'bpf/profiling/continuous/network.c',
      'bpf/accesslog/accesslog.c'],
    include: ['bpf/include'], defines: [], ownVmlinux: true, multiarch: true, cflags: ['-mcpu=v1'], shims: STUBS32,
  }),
  // Makefile probes-bpf: bpf2go -target bpfel (-O2 -g -Wall -Werror -I/usr/include/<multiarch>) bpf/probe.bpf.c, the
  // system's libbpf and uapi headers
  'parca-agent': (root) => ({
    name: 'parca-dev/parca-agent probes', root, files: ['probes/bpf/probe.bpf.c'], include: [], defines: [], ownVmlinux: true,
    multiarch: true, cflags: ['-mcpu=v1'], shims: STUBS32,
  }),
  // Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I internal/pkg/daemon/bpfrecorder/vmlinux/x86 (its own
  // vmlinux.h; the system's libbpf headers)
  'security-profiles-operator': (root) => ({
    name: 'kubernetes-sigs/security-profiles-operator', root,
    files: ['internal/pkg/daemon/bpfrecorder/bpf/recorder.bpf.c', 'internal/pkg/daemon/enricher/auditsource/bpf/enricher.bpf.c'],
    include: ['internal/pkg/daemon/bpfrecorder/vmlinux/x86'], defines: [], ownVmlinux: true, multiarch: true,
  }),
  // src/Makefile: clang -g -O2 -fno-builtin -target bpf -D__KERNEL__ -D__TARGET_ARCH_x86 -I.output (its vendored
  // libbpf's installed headers: the shims) -I libbpf/include/uapi -I vmlinux -I libbpf/include/uapi/linux -I ebpf/include
  // -I user/include $(CLANG_BPF_SYS_INCLUDES)
  'triplecross': (root) => ({
    name: 'h3xduck/TripleCross', root, files: ['src/ebpf/kit.bpf.c'],
    include: ['src/libbpf/include/uapi', 'src/vmlinux', 'src/libbpf/include/uapi/linux', 'src/ebpf/include', 'src/user/include'],
    defines: ['__KERNEL__'], ownVmlinux: true, ownLibbpf: true, multiarch: true, cflags: ['-fno-builtin'],
    shims: { ...STUBS32, ...Object.fromEntries(['bpf_helpers.h', 'bpf_helper_defs.h', 'bpf_tracing.h', 'bpf_core_read.h', 'bpf_endian.h']
      .map((h) => [`bpf/${h}`, `#include "${path.join(root, 'src/libbpf/src', h)}"\n`])) },
  }),
  // rust/scx_cargo (BpfBuilder): clang -g -O2 -Wall -D__TARGET_ARCH_x86 -mcpu=v3 -mlittle-endian -I <bpf_h>/arch/x86
  // -I <bpf_h> -I <bpf_h>/bpf-compat (bpf_h = scheds/include + the vmlinux tarball: scheds/vmlinux here) -idirafter
  // <system includes>. Most schedulers need a newer clang (bpf_for, arena casts): clang 14 skips them
  'scx': (root) => ({
    name: 'sched-ext/scx', root, files: ['scheds/**/*.bpf.c', 'rust/**/*.bpf.c', 'tools/**/*.bpf.c', 'lib/*.bpf.c'],
    include: ['scheds/vmlinux/arch/x86', 'scheds/include', 'scheds/include/bpf-compat'], defines: [], ownVmlinux: true,
    multiarch: true, cflags: ['-mcpu=v3', '-Wno-compare-distinct-pointer-types'], shims: STUBS32,
  }),
  // Thirteenth session (fresh19): projects none of us had read, measured before any rule was written for them.
  // ebpf/{pyrobpf,python}/gen.go (the commit before "remove ebpf module", 090f5f565): bpf2go -target amd64 -cflags
  // "-O2 -Wall -Werror -fpie ..." ../bpf/X.bpf.c -- -I../bpf/libbpf -I../bpf/vmlinux/ (its own libbpf 0.6.1 headers by
  // quote and vmlinux.h, bcc's vmlinux_518.h)
  'pyroscope': (root) => ({
    name: 'grafana/pyroscope ebpf', root, files: ['ebpf/bpf/*.bpf.c'], include: ['ebpf/bpf/libbpf', 'ebpf/bpf/vmlinux'], defines: [],
    ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1', '-fpie'],
  }),
  // Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 $(CLANG_BPF_SYS_INCLUDES) pkg/bpf/c/X.bpf.c (its own
  // vmlinux.h beside the sources; libbpf's headers installed from its submodule: --libbpf's)
  'bouheki': (root) => ({
    name: 'mrtc0/bouheki', root, files: ['pkg/bpf/c/*.bpf.c'], include: [], defines: [], ownVmlinux: true, multiarch: true,
  }),
  // Makefile: clang -I./ebpf/headers -O2 -g -target bpf -c ebpf/skbtracer.c (its own vmlinux.h and libbpf headers)
  'skbtracer': (root) => ({
    name: 'Asphaltt/skbtracer', root, files: ['ebpf/skbtracer.c'], include: ['ebpf/headers'], defines: [], ownVmlinux: true, ownLibbpf: true,
  }),
  // Makefile generate_ebpf: bpf2go 0.9.0 -cc clang-14 -cflags "-O2 -g -Wall -Werror -I/tmp/caretta_extra/libbpf_headers"
  // -target amd64 ebpf/caretta.bpf.c; that dir (scripts/build/download_libbpf_headers.sh) holds libbpf 0.6.1's src/*.h
  // (--libbpf's by quote here) and cilium/ebpf v0.10.0's examples/headers/common.h as vmlinux.h (generated from the
  // cilium-ebpf checkout beside this one)
  'caretta': (root) => ({
    name: 'groundcover-com/caretta', root, files: ['pkg/tracing/ebpf/caretta.bpf.c'], include: [], defines: [], ownVmlinux: true,
    libbpfSrc: true, libbpfTag: 'v0.6.1', cflags: ['-mcpu=v1'],
    generated: { 'vmlinux.h': ['.', 'git', '-C', path.join(root, '..', 'cilium-ebpf'), 'show', 'v0.10.0:examples/headers/common.h'] },
  }),
  // bpf/bpf.go: bpf2go -cc clang -no-strip -target native ./skbdump.c -- -I./headers -I. -Wall (its own vmlinux.h and
  // libbpf headers by quote)
  'skbdump': (root) => ({
    name: 'jschwinger233/skbdump', root, files: ['bpf/skbdump.c'], include: ['bpf/headers', 'bpf'], defines: [], ownVmlinux: true,
    ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // lib/defines.mk + lib/common.mk: clang -target bpf -Wall ... -fno-stack-protector -std=gnu2x $(DEFINES) -I headers
  // $(ARCH_INCLUDES) -O2 -c -g (headers/bpf/vmlinux.h: its own small one; libbpf's headers from the lib/libbpf
  // submodule: --libbpf's); DEFINES without PRODUCTION=1 has -DDEBUG
  'xdp-tools': (root) => ({
    name: 'xdp-project/xdp-tools', root, files: ['*/*.bpf.c', 'xdp-dump/xdpdump_bpf.c', 'lib/util/*.bpf.c'], include: ['headers'],
    defines: ['BPF_DIR_MNT="/sys/fs/bpf"', 'BPF_OBJECT_PATH="/usr/local/lib/bpf"', 'MAX_DISPATCHER_ACTIONS=10', 'DEBUG',
      '_LARGEFILE64_SOURCE', '_FILE_OFFSET_BITS=64', ...XDP_TOOLS_LIBBPF_FEATURES.map((f) => `HAVE_LIBBPF_${f.toUpperCase()}`)],
    ownVmlinux: true, multiarch: true, cflags: ['-std=gnu2x', '-fno-stack-protector'], shims: STUBS32,
    skip: Object.fromEntries(['xdp-bench/xdp_basic', 'xdp-bench/xdp_redirect_basic', 'xdp-bench/xdp_redirect_cpumap', 'xdp-bench/xdp_redirect_devmap',
      'xdp-bench/xdp_redirect_devmap_multi', 'xdp-forward/xdp_flowtable', 'xdp-forward/xdp_flowtable_sample', 'xdp-monitor/xdp_monitor',
      'xdp-trafficgen/xdp_trafficgen', 'xdp-dump/xdpdump_bpf'].map((n) => [n, 'clang 14: `bool` without <stdbool.h> is C23 (a keyword from clang 15 in -std=gnu2x)'])),
  }),
  // scripts/cmake/genskel.cmake: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 + the top CMakeLists' include dirs (third,
  // arch/x86_64 with its vmlinux.h, third/libbpf/include, third/libbpf/include/uapi) and tools/examples' src; libbpf
  // installed on the build machine (--libbpf's); tests/bpf's <coolbpf/coolbpf.h> is src/coolbpf.h installed
  'coolbpf': (root) => ({
    name: 'aliyun/coolbpf', root, files: ['src/bpf/*.bpf.c', 'tests/bpf/*.bpf.c', 'tools/examples/*/*.bpf.c'],
    include: ['third', 'arch/x86_64', 'third/libbpf/include', 'third/libbpf/include/uapi', 'src'], defines: [], ownVmlinux: true,
    ownLibbpf: true, multiarch: true,
    shims: { ...STUBS32, ...vendoredLibbpf(path.join(root, 'third/libbpf/src')), 'coolbpf/coolbpf.h': `#include "${path.join(root, 'src/coolbpf.h')}"\n` },
  }),
  // source/mk/bpf.mk and bpfso.mk: clang -g -O2 -DVER310_LATER -target bpf -D__TARGET_ARCH_x86 -I$(SRC)/lib/internal/ebpf
  // -I$(OBJ_LIB_PATH)/include{,/coolbpf} -I$(SRC)/lib/internal/ebpf/coolbpf/third/libbpf/include/uapi
  // -I$(SRC)/lib/uapi/include; lib/internal/ebpf/vmlinux.h includes its coolbpf submodule's arch/x86_64/vmlinux.h and
  // the installed coolbpf headers are coolbpf's src/*.h: both from the coolbpf checkout beside this one (2024, the
  // submodule's pin is older); libbpf's headers: --libbpf's
  'sysak': (root) => {
    const cool = path.join(root, '..', 'coolbpf');
    return {
      name: 'openanolis/sysak', root,
      files: ['source/tools/detect/*/*/bpf/*.bpf.c', 'source/tools/detect/*/*/*.bpf.c', 'source/tools/combine/iosdiag/latency/*.bpf.c',
        'source/tools/test/bpf_test/bpf/*.bpf.c', 'source/tools/monitor/unity/collector/plugin/*/*.bpf.c'],
      include: ['source/lib/internal/ebpf', path.join(cool, 'src'), path.join(cool, 'third/libbpf/include/uapi'), 'source/lib/uapi/include',
        'source/tools/detect/net/tcpping/include'],
      defines: ['VER310_LATER'], ownVmlinux: true, ownLibbpf: true,
      skip: Object.fromEntries(['source/tools/detect/cgroup/cpuacct_load/cpuacct_load', 'source/tools/detect/cgroup/memcg_usage/memcg_usage']
        .map((n) => [n, 'cgtool_comm.h defines struct page_counter, which the 2024 coolbpf vmlinux.h standing for the pinned one has'])
        .concat([['source/tools/monitor/unity/collector/plugin/unity_nosched/unity_nosched', 'reads task_struct.state, renamed __state in the 2024 coolbpf vmlinux.h']])),
      shims: { ...vendoredLibbpf(path.join(cool, 'third/libbpf/src')), 'coolbpf/arch/x86_64/vmlinux.h': `#include "${path.join(cool, 'arch/x86_64/vmlinux.h')}"\n`,
        'coolbpf/coolbpf.h': `#include "${path.join(cool, 'src/coolbpf.h')}"\n`, 'coolbpf/vmlinux.h': `#include "${path.join(cool, 'arch/x86_64/vmlinux.h')}"\n` },
    };
  },
  // Fourteenth session (fresh20): more projects none of us had read, measured before any rule was written for them.
  // build.rs: libbpf-cargo 0.20.1 SkeletonBuilder (clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -fno-stack-protector,
  // libbpf-sys' headers: --libbpf's) + "-Wextra -Wall -Werror"; src/bpf/vmlinux.h beside the sources
  'rbperf': (root) => ({
    name: 'javierhonduco/rbperf', root, files: ['src/bpf/*.bpf.c'], include: [], defines: [], ownVmlinux: true,
    cflags: ['-fno-stack-protector'],
  }),
  // build.rs, lightswitch-capabilities/build.rs: libbpf-cargo 0.26.2 SkeletonBuilder (the same flags) + "-Wextra -Wall
  // -Werror" and -mcpu=v1 for profiler.bpf.c (clang 14's default); vmlinux.h picks vmlinux_x86.h by __TARGET_ARCH_x86
  'lightswitch': (root) => ({
    name: 'javierhonduco/lightswitch', root, files: ['src/bpf/*.bpf.c', 'lightswitch-capabilities/src/bpf/*.bpf.c'], include: [],
    defines: [], ownVmlinux: true, cflags: ['-fno-stack-protector', '-mcpu=v1'],
  }),
  // plugin_ebpf/bpf/Makefile: clang -g -Wall -O2 -target bpf -D__TARGET_ARCH_x86 -I.output (vmlinux.h from the running
  // kernel's BTF: the generated one) -I extra/include (its libbpf 1.0 headers) -I extra/vendor/libbpf/libbpf_repo/include/uapi
  // $(CLANG_BPF_SYS_INCLUDES); the bpfeb copies it also builds are left out
  'x-monitor': (root) => ({
    name: 'wubo0067/x-monitor', root, files: ['plugin_ebpf/bpf/*.bpf.c'], include: ['extra/include', 'extra/vendor/libbpf/libbpf_repo/include/uapi'],
    defines: [], ownLibbpf: true, multiarch: true, shims: STUBS32,
  }),
  // Makefile build-ebpf-no-wrapper / -syscall-wrapper: clang-14 -D__KERNEL__ -DCONFIG_64BIT -D__ASM_SYSREG_H -D__x86_64__
  // -D__BPF_TRACING__ -DKBUILD_MODNAME="krie" [-DUSE_SYSCALL_WRAPPER=1] -O2 -g -target bpf ebpf/main.c (its own
  // ebpf/include/vmlinux.h and libbpf headers by quote; the build machine's kernel headers it also names are not read)
  'krie': (root) => [false, true].map((wrapper) => ({
    name: `Gui774ume/krie${wrapper ? ' syscall-wrapper' : ''}`, root, files: ['ebpf/main.c'], include: ['ebpf'],
    defines: ['__KERNEL__', 'CONFIG_64BIT', '__ASM_SYSREG_H', '__x86_64__', '__BPF_TRACING__', 'KBUILD_MODNAME="krie"',
      ...(wrapper ? ['USE_SYSCALL_WRAPPER=1'] : [])],
    ownVmlinux: true, ownLibbpf: true, multiarch: true, shims: STUBS32,
  })),
  // Makefile (CO-RE): clang -D__TARGET_ARCH_x86 -O2 -mcpu=v1 -nostdinc -Wno-pointer-sign -I./kern -target bpfel -fno-ident
  // -g kern/X_kern.c (its own kern/vmlinux.h and kern/bpf/ libbpf headers)
  'ehids-agent': (root) => ({
    name: 'gojue/ehids-agent', root, files: ['kern/*_kern.c'], include: ['kern'], defines: [], ownVmlinux: true, ownLibbpf: true,
    cflags: ['-mcpu=v1', '-nostdinc', '-fno-ident'],
  }),
  // tools/cmake/FindBpfObject.cmake: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 $(CLANG_SYSTEM_INCLUDES) -I<vmlinux.h
  // from bpftool: the generated one>; libbpf from its submodule (--libbpf's)
  'strobelight': (root) => ({
    name: 'facebookincubator/strobelight', root, files: ['strobelight/src/profilers/*/bpf/*.bpf.c'], include: [], defines: [],
    multiarch: true, shims: STUBS32,
  }),
  // main.go: bpf2go -cc clang btrace ./bpf/btrace.c -- -g -D__TARGET_ARCH_x86 -I./bpf/headers -Wall (bpf2go's -O2
  // -mcpu=v1; its own vmlinux.h and libbpf headers)
  'bpflbr': (root) => ({
    name: 'Asphaltt/bpflbr', root, files: ['bpf/btrace.c', 'bpf/feature.c'], include: ['bpf/headers'], defines: [], ownVmlinux: true,
    ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // src/probes/extends/ebpf.probe/src/mk/var.mk: clang -g -O2 -Wall -fPIC -std=gnu11 -Wunused -D__TARGET_ARCH_x86
  // -D__BTF_ENABLE_ON -DBPF_NO_GLOBAL_DATA -DLIBBPF_VER_MAJOR/MINOR (the rpm's: this machine's 1.1 stands in)
  // -DCLANG_VER_MAJOR=14 -DJAVA_SYM_AGENT_VER='"v1"' -target bpf $(BASE_INC) (-I/usr/include -I src/include with its
  // vmlinux.h -I <gala-gopher>/src/common -I .output: --libbpf's headers) plus each probe Makefile's own dirs
  // (l7probe, stackprobe, tprofilingprobe) and kafkaprobe's -Wno-compare-distinct-pointer-types
  'gala-gopher': (root) => {
    const p = 'src/probes/extends/ebpf.probe/src/';
    const base = {
      root, include: [`${p}include`, 'src/common'], ownVmlinux: true, multiarch: true, shims: STUBS32,
      defines: ['__BTF_ENABLE_ON', 'BPF_NO_GLOBAL_DATA', 'LIBBPF_VER_MAJOR=1', 'LIBBPF_VER_MINOR=1', 'CLANG_VER_MAJOR=14', 'JAVA_SYM_AGENT_VER="v1"'],
      cflags: ['-fPIC', '-std=gnu11'],
    };
    return [
      { ...base, name: 'gala-gopher probes', files: ['endpointprobe', 'flowtracer', 'hwprobe', 'ioprobe', 'ksliprobe', 'lvsprobe', 'nginxprobe',
        'pgsliprobe', 'sliprobe', 'taskprobe', 'tcpprobe'].map((d) => `${p}${d}/*.bpf.c`) },
      { ...base, name: 'gala-gopher kafkaprobe', files: [`${p}kafkaprobe/*.bpf.c`], cflags: [...base.cflags, '-Wno-compare-distinct-pointer-types'] },
      { ...base, name: 'gala-gopher l7probe', files: [`${p}l7probe/bpf/*.bpf.c`], include: [...base.include, `${p}l7probe`, `${p}l7probe/include`, `${p}l7probe/protocol`] },
      { ...base, name: 'gala-gopher stackprobe', files: [`${p}stackprobe/stack_bpf/*.bpf.c`], include: [...base.include, `${p}lib/pystack`] },
      { ...base, name: 'gala-gopher tprofilingprobe', files: [`${p}tprofilingprobe/*.bpf.c`],
        include: [...base.include, `${p}tprofilingprobe`, `${p}lib/pystack`, `${p}tprofilingprobe/local_storage`, `${p}tprofilingprobe/mem`] },
    ];
  },
  // Fifteenth session (fresh21b): projects none of us had read, measured before any rule was written for them.
  // Makefile build-bpf: clang -I../../. -g -O2 -Wall -fpie -target bpf -DCORE -D__BPF_TRACING__ -march=bpf
  // -D__TARGET_ARCH_x86 pkg/ebpf/c/X.bpf.c; vmlinux.h from bpftool (make vmlinuxh: the generated one); the build
  // image's libbpf headers (--libbpf's)
  'aws-network-policy-agent': (root) => ({
    name: 'aws/aws-network-policy-agent', root, files: ['pkg/ebpf/c/*.bpf.c'], include: [], defines: ['CORE', '__BPF_TRACING__'],
    multiarch: true, cflags: ['-fpie'], shims: STUBS32,
  }),
  // pkg/ebpftracer/module.go: bpf2go -cc clang-14 -target amd64 ./c/tracee.bpf.c -- -I./c/headers
  // -Wno-address-of-packed-member -O2 (bpf2go's -mcpu=v1; its own vmlinux.h and libbpf headers in c/headers); its
  // debug/c/debug.bpf.c no longer compiles against those headers (struct net_task_context incomplete)
  'kvisor': (root) => ({
    name: 'castai/kvisor', root, files: ['pkg/ebpftracer/c/tracee.bpf.c'],
    include: ['pkg/ebpftracer/c/headers'], defines: [], ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // bpf-apps/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Ilibbpf/usr/include -I../libbpf/include/uapi
  // -I/usr/include/x86_64-linux-gnu -I. (its installed libbpf headers and vmlinux.h beside the sources)
  'ebpf-apps': (root) => ({
    name: 'feiskyer/ebpf-apps', root, files: ['bpf-apps/*.bpf.c'], include: ['bpf-apps/libbpf/usr/include', 'bpf-apps'], defines: [],
    ownVmlinux: true, ownLibbpf: true, multiarch: true, shims: STUBS32,
  }),
  // perforator/agent/collector/progs/ya.make, perforator/ebpf/examples/*/prog/ya.make: BPF(... -O2 --debug -mcpu=v3
  // -D__TARGET_ARCH_x86 -D__x86_64__ -D__KERNEL__) with ADDINCL contrib/libs/libbpf/include contrib/libs/linux-headers
  // perforator/ebpf/include and the source root; no vmlinux.h (its own preserve_access_index structs), its own
  // <bpf/bpf.h>
  'perforator': (root) => ({
    name: 'yandex/perforator', root, files: ['perforator/agent/collector/progs/unwinder/unwinder.c', 'perforator/ebpf/examples/*/prog/prog.c'],
    include: ['contrib/libs/libbpf/include', 'contrib/libs/linux-headers', 'perforator/ebpf/include', '.'], defines: ['__x86_64__', '__KERNEL__'],
    ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v3'],
  }),
  // build.rs: libbpf-cargo SkeletonBuilder (clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -fno-stack-protector) with
  // -O2 -Isrc/bpf/include -Wno-unknown-attributes -emit-llvm, then llc (the same code); vmlinux.h from bpftool on the
  // build machine, symlinked as src/bpf/include/vmlinux.h: the bundled 6.1 kernel's here (the project's last commit is
  // of 2022; 6.18's BTF lacks the anonymous enum with PROC_USER_INIT_INO it names); libbpf-sys' headers (--libbpf's)
  'bpfcontain': (root) => ({
    name: 'willfindlay/bpfcontain-rs', root, files: ['src/bpf/bpfcontain.bpf.c'], include: ['src/bpf/include'], defines: [],
    ownVmlinux: true, multiarch: true, cflags: ['-fno-stack-protector', '-Wno-unknown-attributes'], shims: STUBS32,
    generated: { 'vmlinux.h': ['.', 'sh', '-c', 't=$(mktemp) && xz -dc "$0" > "$t" && bpftool btf dump file "$t" format c; r=$?; rm -f "$t"; exit $r',
      path.join(REPO_ROOT, 'test-fixtures/btf/kernels/6.1-amd64.btf.xz')] },
  }),
  // src/Makefile: clang -g -Wall -O2 -target bpf -mcpu=v4 -D__TARGET_ARCH_x86 -fms-extensions -Wno-microsoft-anon-tag
  // -I../include -I../libbpf/include/uapi -I../libbpf/include -I../vmlinux.h/include/x86 -I../usdt -I strobelight-libs
  // (submodules absent from the snapshot: --libbpf's headers, the generated vmlinux.h)
  'wprof': (root) => ({
    name: 'anakryiko/wprof', root, files: ['src/*.bpf.c'], include: ['include', 'usdt', 'strobelight-libs'], defines: [],
    multiarch: true, cflags: ['-mcpu=v4', '-fms-extensions', '-Wno-microsoft-anon-tag'], shims: STUBS32,
  }),
  // Twenty-first session (fresh21a): projects none of us had read, measured before any rule was written for them.
  // pkg/ebpf/gadgets/*/Makefile: `ig image build` (inspektor-gadget's build-step.go: clang -target bpf -Wall -g -O2
  // -I/usr/include/<arch>-linux-gnu -D__TARGET_ARCH_x86 -I /usr/include/gadget/amd64/ with the ebpf-builder image's
  // gadget headers): those of go.mod's inspektor-gadget (replaced by matthyx/inspektor-gadget), checked out at
  // <root>/.inspektor-gadget; its include/gadget/amd64/vmlinux.h
  'node-agent': (root) => ({
    name: 'kubescape/node-agent gadgets', root, files: ['pkg/ebpf/gadgets/*/program.bpf.c'],
    include: ['.inspektor-gadget/include', '.inspektor-gadget/include/gadget/amd64'], defines: [], ownVmlinux: true, multiarch: true,
  }),
  // pkg/bpf/gen.go at b90a63b7 (the last commit with bpf/, before kepler dropped eBPF): bpf2go@v0.15.0 kepler
  // ../../bpf/kepler.bpf.c -- -I../../bpf/include (bpf2go's -O2 -g -mcpu=v1; its own libbpf headers, its own
  // task_struct with preserve_access_index: no vmlinux.h)
  'kepler': (root) => ({
    name: 'sustainable-computing-io/kepler', root, files: ['bpf/kepler.bpf.c'], include: ['bpf/include'], defines: [],
    ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // CMakeLists.txt build_ebpf, the _core pass: clang -nostdinc -I gnu -I . -I sysmonCommon -I
  // /opt/sysinternalsEBPF/ebpfKern -I /opt/sysinternalsEBPF/libbpf -isystem /usr/include -isystem <multiarch>
  // -D__KERNEL__ -D__BPF_TRACING__ -D__TARGET_ARCH_x86 -D__linux__ -DEBPF_CO_RE -O2 -g -target bpf -fno-stack-protector
  // ebpfKern/sysmonEBPFkern*.c (its own vmlinux.h). /opt/sysinternalsEBPF is what microsoft/SysinternalsEBPF installs:
  // its ebpfKern/ headers and sysinternalsEBPFshared.h (the SysinternalsEBPF checkout beside this one), its generated
  // sysinternalsEBPFoffsets.h (its generateUnameOffsets.py, run here) and libbpf v1.7.0's headers (its ExternalProject
  // tag: --libbpf's at that tag). sysmonCommon is the submodule (checked out in place); sysmonmsgop.h, generated by a
  // T4 transform of its manifest, declares no name the BPF sources use: an empty shim
  'sysmon': (root) => ({
    name: 'microsoft/SysmonForLinux', root, files: ['ebpfKern/sysmonEBPFkern*.c'],
    include: ['gnu', '.', 'sysmonCommon', '../SysinternalsEBPF/ebpfKern', '../SysinternalsEBPF'], libbpfSrc: true, libbpfTag: 'v1.7.0',
    defines: ['__KERNEL__', '__BPF_TRACING__', '__linux__', 'EBPF_CO_RE'], ownVmlinux: true, multiarch: true, cflags: ['-fno-stack-protector'],
    shims: { 'sysmonmsgop.h': '' },
    generated: { 'sysinternalsEBPFoffsets.h': ['../SysinternalsEBPF', 'python3', 'generateUnameOffsets.py', 'offsetsNeeded.json', 'PUBLIC_HEADER'] },
  }),
  // Sixteenth session (fresh30a): projects none of us had read, measured before any rule was written for them.
  // tasks/system_probe.py (ninja_define_co_re_compiler + get_co_re_build_flags): clang -target bpf -D__KERNEL__
  // -D__BPF_TRACING__ -DKBUILD_MODNAME="ddsysprobe" -D__TARGET_ARCH_x86 -D__x86_64__ -Wall -O2 -fno-stack-protector
  // -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-jump-tables -fmerge-all-constants -Ipkg/ebpf/c
  // -DCOMPILE_CORE -emit-llvm -g, then llc -march=bpf (the same code); each program's -I after pkg/ebpf/c: its own dir and
  // pkg/network/ebpf/c (network), its runtime dir (corechecks), pkg/gpu/ebpf/c (gpu). Its own vmlinux.h (5.15) and
  // libbpf headers in pkg/ebpf/c. The CO-RE programs of ninja_network/container_integrations/telemetry/gpu_ebpf_programs
  'datadog-agent': (root) => {
    const base = {
      root, defines: ['__KERNEL__', '__BPF_TRACING__', 'KBUILD_MODNAME="ddsysprobe"', '__x86_64__', 'COMPILE_CORE'], ownVmlinux: true, ownLibbpf: true,
      cflags: ['-fno-stack-protector', '-fno-unwind-tables', '-fno-asynchronous-unwind-tables', '-fno-jump-tables', '-fmerge-all-constants',
        '-Wno-unused-value', '-Wno-pointer-sign', '-Wno-compare-distinct-pointer-types'],
    };
    const net = 'pkg/network/ebpf/c';
    const cc = 'pkg/collector/corechecks/ebpf/c/runtime';
    return [
      { ...base, name: 'datadog-agent network', files: [`${net}/tracer.c`], include: ['pkg/ebpf/c', net] },
      { ...base, name: 'datadog-agent network co-re', files: [`${net}/co-re/tracer-fentry.c`], include: ['pkg/ebpf/c', `${net}/co-re`, net] },
      { ...base, name: 'datadog-agent network runtime', files: [`${net}/runtime/usm.c`, `${net}/runtime/shared-libraries.c`, `${net}/runtime/conntrack.c`],
        include: ['pkg/ebpf/c', `${net}/runtime`, net] },
      { ...base, name: 'datadog-agent corechecks', files: [`${cc}/*-kern.c`], include: ['pkg/ebpf/c', cc] },
      { ...base, name: 'datadog-agent telemetry', files: ['pkg/ebpf/c/lock_contention.c', 'pkg/ebpf/c/ksyms_iter.c'], include: ['pkg/ebpf/c'] },
      { ...base, name: 'datadog-agent gpu', files: ['pkg/gpu/ebpf/c/runtime/gpu.c'], include: ['pkg/ebpf/c', 'pkg/gpu/ebpf/c', 'pkg/gpu/ebpf/c/runtime'] },
    ];
  },
  // Makefile gen + tarian/tarian.go: bpf2go (cilium/ebpf v0.13: -mcpu=v1) -cc clang -cflags "-O2 -g -Wall -Werror
  // -DLINUX_VERSION_MAJOR/MINOR/PATCH=<uname -r>" -target amd64 c/tarian.bpf.c -- -I../headers -I./c; its own
  // vmlinux.h and libbpf headers in headers/ (the release: 6.1.0, the sources only ask >= 5.2 and < 4.17)
  'tarian-detector': (root) => ({
    name: 'intelops/tarian-detector', root, files: ['tarian/c/tarian.bpf.c'], include: ['headers', 'tarian/c'],
    defines: ['LINUX_VERSION_MAJOR=6', 'LINUX_VERSION_MINOR=1', 'LINUX_VERSION_PATCH=0'], ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // internal/probe/probe.go: bpf2go (-mcpu=v1) -target amd64 -cc clang -cflags $CFLAGS (Makefile: -I internal/headers)
  // ./ebpf/detector.bpf.c, plain and -DSMALL_PROGRAM (the -DNO_BTF variants have no CO-RE); its own vmlinux.h and
  // libbpf headers
  'runtime-detector': (root) => {
    const base = { root, files: ['internal/probe/ebpf/detector.bpf.c'], include: ['internal/headers'], ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'] };
    return [
      { ...base, name: 'odigos-io/runtime-detector', defines: [] },
      { ...base, name: 'odigos-io/runtime-detector small', defines: ['SMALL_PROGRAM'] },
    ];
  },
  // Sixteenth session (fresh30b): projects none of us had read, measured before any rule was written for them.
  // Makefile + control/control.go, trace/trace.go: bpf2go (cilium/ebpf v0.20: -O2 -g -mcpu=v1) -cflags "-O2 -Wall
  // -Werror -DMAX_MATCH_SET_LEN=1024" kern/X.c; the dae_bpf_headers submodule (checked out at kern/headers: its own
  // vmlinux.h and libbpf headers, included by quote)
  'dae': (root) => ({
    name: 'daeuniverse/dae', root, files: ['control/kern/tproxy.c', 'trace/kern/trace.c'], include: [], defines: ['MAX_MATCH_SET_LEN=1024'],
    ownVmlinux: true, ownLibbpf: true, cflags: ['-mcpu=v1'],
  }),
  // rules/bpf.bzl, the core = True rule of third_party/bpf_sources/BUILD: clang -g -O2 -target bpf -D__TARGET_ARCH_x86
  // -DCORE -I<each dep's header dir> (bpf_sources, the root, sources/common, ebpf_monitor/utils); its own vmlinux.h;
  // libbpf's headers from bazel's @libbpf (--libbpf's)
  'lightfoot': (root) => ({
    name: 'google/ebpf-transport-monitoring', root,
    files: ['third_party/bpf_sources/tcp_bpf.c', 'third_party/bpf_sources/tcp_bpf_kprobe.c', 'third_party/bpf_sources/h2_bpf.c',
      'third_party/bpf_sources/openssl_bpf.c'],
    include: ['third_party/bpf_sources', '.', 'sources/common', 'ebpf_monitor/utils'], defines: ['CORE'], ownVmlinux: true,
  }),
  // Makefile build-bpf: clang -g -O2 -c -target bpf -D__TARGET_ARCH_x86 ebpf/ebpf.c (its own ebpf/vmlinux.h; libbpf
  // headers from the libbpfgo submodule's build: --libbpf's)
  'harpoon': (root) => ({
    name: 'alegrey91/harpoon', root, files: ['ebpf/ebpf.c'], include: ['ebpf'], defines: [], ownVmlinux: true,
  }),
  // tools/perf/Makefile.perf: clang -g -O2 -fno-stack-protector --target=bpf -Wall -I$(SKEL_OUT) (the minimal
  // util/bpf_skel/vmlinux/vmlinux.h unless GEN_VMLINUX_H=1) -I$(LIBBPF_INCLUDE) -I tools/include/uapi (the system's uapi
  // headers here). Only the skeletons clang 14 builds (lock_contention needs bpf_core_type_matches: clang 15)
  'perf': (root) => ({
    name: 'linux tools/perf skeletons', root, files: ['tools/perf/util/bpf_skel/*.bpf.c'],
    include: ['tools/perf/util/bpf_skel/vmlinux', 'tools/include/uapi'], defines: [], ownVmlinux: true, multiarch: true,
    cflags: ['-fno-stack-protector'],
  }),
  // Seventeenth session (fresh31a): more projects none of us had read, measured raw before any rule.
  // pkg/proc/internal/ebpf/helpers.go: go:generate bpf2go -target amd64 trace bpf/trace.bpf.c -- -I./bpf/include (bpf2go's
  // -O2 -mcpu=v1 -g; its own vmlinux.h; libbpf headers from the system: --libbpf's)
  'delve': (root) => ({
    name: 'go-delve/delve ebpf tracer', root, files: ['pkg/proc/internal/ebpf/bpf/trace.bpf.c'],
    include: ['pkg/proc/internal/ebpf/bpf/include'], defines: [], ownVmlinux: true, cflags: ['-mcpu=v1'],
  }),
  // */Makefile: clang -g -O2 -target bpf -I. -I<linux-headers>/tools/lib ... -D__TARGET_ARCH_x86 -emit-llvm -c X.bpf.c
  // | llc -march=bpf (the pipe's codegen is clang's own at -O2); vmlinux.h from the running kernel's BTF (the generated
  // one); libbpf's headers from the kernel tree's tools/lib (--libbpf's). Only the programs on vmlinux.h (the others
  // build against the machine's kernel headers and read no kernel struct)
  'l3af': (root) => ({
    name: 'l3af-project eBPF-Package-Repository', root, files: ['connection-limit/connection_limit.bpf.c', 'examples/probes/*/*.bpf.c'],
    include: [], defines: [],
  }),
  // samples/bpf/Makefile ($(obj)/%.bpf.o): clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wno-compare-distinct-pointer-types
  // -I$(obj) (vmlinux.h from bpftool: the generated one) -I include -I samples/bpf -I tools/include -I$(LIBBPF_INCLUDE)
  // (--libbpf's) $(CLANG_SYS_INCLUDES) (<linux/version.h>: the system's). Only the files read from the stored index
  // (SOURCE.txt in the checkout dir lists them; tracex5 needs the generated syscall_nrs.h)
  'linux-samples': (root) => ({
    name: 'linux samples/bpf', root, files: ['samples/bpf/*.bpf.c'], include: ['samples/bpf'], defines: [], multiarch: true,
    cflags: ['-Wno-compare-distinct-pointer-types'],
  }),
  // Makefile generate + ebpf/c/generate.go: bpf2go -cc clang-14 -cflags "-O2 -g -Wall -Werror -D__TARGET_ARCH_x86" bpf bpf.c
  // -- -I../headers (bpf2go's -mcpu=v1; bpf.c #includes the other .c files; its own compact kernel types in
  // headers/common.h and libbpf headers as <bpf/...>: --libbpf's; <sys/socket.h> from the system)
  'alaz': (root) => ({
    name: 'getanteon/alaz', root, files: ['ebpf/c/bpf.c'], include: ['ebpf/headers'], defines: [], ownVmlinux: true,
    multiarch: true, shims: STUBS32, cflags: ['-mcpu=v1'],
  }),
  // pkg/ebpf/ingress_node_firewall_loader.go: go:generate bpf2go -cc clang -cflags "-O2 -g -Wall -Werror" -target amd64
  // ... ../../bpf/ingress_node_firewall_kernel.c -- -I ../../bpf/headers -I/usr/include/x86_64-linux-gnu/ (bpf2go's
  // -mcpu=v1 -D__TARGET_ARCH_x86; its own vmlinux.h and libbpf headers)
  'ingress-node-firewall': (root) => ({
    name: 'openshift/ingress-node-firewall', root, files: ['bpf/ingress_node_firewall_kernel.c'], include: ['bpf/headers'],
    defines: [], ownVmlinux: true, ownLibbpf: true, multiarch: true, shims: STUBS32, cflags: ['-mcpu=v1'],
  }),
  // libebpfdiscoveryskel/CMakeLists.txt + the root CMakeLists.txt: bpf_object() of libbpf-bootstrap's FindBpfObject.cmake
  // (clang -g -O2 -target bpf $(CLANG_SYSTEM_INCLUDES) -I<vmlinux dir>) with BPF_C_FLAGS -D__TARGET_ARCH_x86 -D__TARGET_BPF
  // -I libebpfdiscoveryskel/src -I libebpfdiscoveryshared/headers (+ -I libebpfdiscoveryskel/test for the test object);
  // vmlinux.h from the ebpf-common submodule's libbpf-bootstrap (absent from the snapshot: the generated one)
  'ebpf-discovery': (root) => ({
    name: 'dynatrace-oss/eBPF-Discovery', root,
    files: ['libebpfdiscoveryskel/src/*.bpf.c', 'libebpfdiscoveryskel/testbpf/*.bpf.c'],
    include: ['libebpfdiscoveryskel/src', 'libebpfdiscoveryshared/headers', 'libebpfdiscoveryskel/test'], defines: ['__TARGET_BPF'],
    multiarch: true, shims: STUBS32,
  }),
  // builder/build.sh: clang-13 -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -c X.c; builder/Dockerfile puts its
  // vmlinux.h and solo_types.h in /usr/local/include (clang's system dirs) and libbpf-dev's headers in /usr/include
  'bumblebee': (root) => ({
    name: 'solo-io/bumblebee examples', root, files: ['examples/*/*.c'], include: ['builder'], defines: [], ownVmlinux: true,
    multiarch: true, shims: STUBS32,
  }),
  // felix/bpf-gpl/Makefile: clang -Wall -Werror -fno-stack-protector -Wno-address-of-packed-member -O2 -emit-llvm -g
  // -target bpf -I ./libbpf/src/ -I ./libbpf/include/uapi -D__x86_64__ -D__TARGET_ARCH_x86 `./calculate-flags bin/X.o`
  // -c SRC, then llc -march=bpf (libbpf v1.6.2 from metadata.mk: --libbpf's at that tag; no vmlinux.h: the uapi
  // headers and its own structs). One recipe per object variant CALICO_VARIANTS names, with calculate-flags' defines;
  // -mcpu=v3: the default CPU of the LLVM 20+ its build image has (conntrack.h's 32-bit atomics need it)
  'calico': (root) => CALICO_VARIANTS.map(([obj, src, flags]) => ({
    name: `calico ${obj}`, root, files: [`felix/bpf-gpl/${src}`], include: ['felix/bpf-gpl'],
    defines: ['__x86_64__', ...flags], cflags: ['-fno-stack-protector', '-mcpu=v3'], libbpfSrc: true, libbpfTag: 'v1.6.2', libbpfUapi: true, multiarch: true,
    shims: STUBS32,
  })),
  // src/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT) (libbpf submodule: --libbpf's)
  // $(CLANG_BPF_SYS_INCLUDES) -c pamspy.bpf.c (its own src/vmlinux.h)
  'pamspy': (root) => ({
    name: 'citronneur/pamspy', root, files: ['src/pamspy.bpf.c'], include: ['src'], defines: [], ownVmlinux: true, multiarch: true,
    shims: STUBS32,
  }),
};

/** xdp-tools' configure: the libbpf functions it probes, all present in its libbpf submodule (HAVE_FEATURES). */
const XDP_TOOLS_LIBBPF_FEATURES = ['perf_buffer__consume', 'btf__load_from_kernel_by_id', 'btf__type_cnt', 'bpf_object__next_map',
  'bpf_object__next_program', 'bpf_program__insn_cnt', 'bpf_program__type', 'bpf_program__flags', 'bpf_program__expected_attach_type',
  'bpf_map_create', 'perf_buffer__new_raw', 'bpf_xdp_attach', 'bpf_map__set_autocreate', 'bpf_prog_test_run_opts', 'bpf_xdp_query'];

/** A vendored libbpf's src/ headers as <bpf/X.h> shims (the project's build installs them so). */
function vendoredLibbpf(src: string): Record<string, string> {
  return Object.fromEntries(['bpf_helpers.h', 'bpf_helper_defs.h', 'bpf_tracing.h', 'bpf_core_read.h', 'bpf_endian.h']
    .map((h) => [`bpf/${h}`, `#include "${path.join(src, h)}"\n`]));
}

/** The checkout directory name `--held DIR` looks for, per held preset (DIR/<name>). */
export const HELD_DIRS: Record<string, string> = {
  'elastic': 'elastic', 'ecapture': 'ecapture', 'ptcpdump': 'ptcpdump', 'ptcpdump-legacy': 'ptcpdump', 'pulsar': 'pulsar',
  'netobserv': 'netobserv', 'kubeshark': 'kubeshark', 'bpf-developer-tutorial': 'bpf-developer-tutorial', 'retina': 'retina',
  'bpf-examples': 'bpf-examples', 'cilium-ebpf': 'cilium-ebpf', 'bpftime': 'bpftime', 'systemd': 'systemd', 'huatuo': 'huatuo',
  'kubeskoop': 'kubeskoop', 'kyanos': 'kyanos', 'learning-ebpf': 'learning-ebpf', 'lmp': 'lmp', 'lmp-old': 'lmp', 'magiceyes': 'lmp',
  'nettrace': 'nettrace', 'hades': 'Hades', 'bpftune': 'bpftune', 'libbpf-rs': 'libbpf-rs', 'libbpf-rs-tests': 'libbpf-rs',
  'bad-bpf': 'bad-bpf', 'systing': 'systing', 'below': 'below', 'bpfsnoop': 'bpfsnoop', 'hello-libbpfgo': 'hello-libbpfgo',
  'eunomia-bpf': 'eunomia-bpf', 'libbpfgo': 'libbpfgo', 'boopkit': 'boopkit', 'netdata': 'ebpf-co-re',
  'otel-go': 'otel-go', 'skywalking-rover': 'skywalking-rover', 'parca-agent': 'parca-agent',
  'security-profiles-operator': 'security-profiles-operator', 'triplecross': 'TripleCross', 'scx': 'scx',
  'pyroscope': 'pyroscope', 'bouheki': 'bouheki', 'skbtracer': 'skbtracer', 'caretta': 'caretta', 'skbdump': 'skbdump',
  'xdp-tools': 'xdp-tools', 'coolbpf': 'coolbpf', 'sysak': 'sysak',
  'rbperf': 'rbperf', 'lightswitch': 'lightswitch', 'x-monitor': 'x-monitor', 'krie': 'krie', 'ehids-agent': 'ehids-agent',
  'strobelight': 'strobelight', 'bpflbr': 'bpflbr', 'wprof': 'wprof', 'gala-gopher': 'gala-gopher',
  'node-agent': 'node-agent', 'kepler': 'kepler', 'sysmon': 'SysmonForLinux',
  'aws-network-policy-agent': 'aws-network-policy-agent', 'kvisor': 'kvisor', 'ebpf-apps': 'ebpf-apps', 'perforator': 'perforator',
  'bpfcontain': 'bpfcontain-rs', 'datadog-agent': 'datadog-agent',
  'tarian-detector': 'tarian-detector', 'runtime-detector': 'runtime-detector', 'dae': 'dae',
  'lightfoot': 'ebpf-transport-monitoring', 'harpoon': 'harpoon', 'perf': 'linux-perf',
  'delve': 'delve', 'l3af': 'l3af', 'linux-samples': 'linux-samples-bpf',
  'alaz': 'alaz', 'ingress-node-firewall': 'ingress-node-firewall',
  'ebpf-discovery': 'eBPF-Discovery', 'bumblebee': 'bumblebee', 'pamspy': 'pamspy', 'calico': 'calico',
};
Object.assign(PRESETS, HELD_PRESETS);

/** `*` one path segment, `**` any number of them. */
export function glob(root: string, pattern: string): string[] {
  const parts = pattern.split('/');
  const out: string[] = [];
  const walk = (dir: string, i: number) => {
    if (i === parts.length) return;
    const part = parts[i]!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (part === '**') {
      walk(dir, i + 1);
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name), i);
      return;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const p = path.join(dir, e.name);
      if (i === parts.length - 1) {
        if (e.isFile()) out.push(p);
      } else if (e.isDirectory()) walk(p, i + 1);
    }
  };
  walk(root, 0);
  return [...new Set(out)].sort();
}

/** vmlinux.h of a kernel BTF (a bundled one by default), generated once per cache dir and kernel. */
export function vmlinuxDir(cache: string, kernel: string): string {
  const dir = path.join(cache, 'vmlinux', path.basename(kernel).replace(/\.btf(\.xz)?$/, ''));
  const out = path.join(dir, 'vmlinux.h');
  if (fs.existsSync(out)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, 'vmlinux.btf');
  fs.writeFileSync(raw, kernel.endsWith('.xz') ? execFileSync('xz', ['-dc', kernel], { maxBuffer: 1 << 30 }) : fs.readFileSync(kernel));
  fs.writeFileSync(out + '.part', execFileSync('bpftool', ['btf', 'dump', 'file', raw, 'format', 'c'], { maxBuffer: 1 << 30 }));
  fs.renameSync(out + '.part', out);
  fs.rmSync(raw);
  return dir;
}

export interface Built { prog: CorpusProgram; error?: string }

/** The libbpf checkout's headers as a `bpf/` include dir (copied once per cache dir); with a tag, its src/*.h at that
 * git tag of the checkout (a project pinned to an old libbpf: `struct bpf_map_def` left with 1.0). */
export function libbpfDir(cache: string, checkout: string, tag?: string): string {
  const dir = path.join(cache, 'libbpf', path.basename(checkout) + (tag ? `@${tag}` : ''));
  const bpf = path.join(dir, 'bpf');
  if (fs.existsSync(path.join(bpf, 'bpf_helpers.h')) && fs.existsSync(path.join(dir, 'uapi'))) return dir;
  if (tag) {
    const names = execFileSync('git', ['-C', checkout, 'ls-tree', '--name-only', `${tag}:src`], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.h'));
    fs.mkdirSync(bpf, { recursive: true });
    for (const f of names) fs.writeFileSync(path.join(bpf, f), execFileSync('git', ['-C', checkout, 'show', `${tag}:src/${f}`], { maxBuffer: 1 << 28 }));
    // include/uapi/linux/*.h at the tag (Recipe.libbpfUapi)
    const uapi = path.join(dir, 'uapi', 'linux');
    fs.mkdirSync(uapi, { recursive: true });
    const headers = execFileSync('git', ['-C', checkout, 'ls-tree', '--name-only', `${tag}:include/uapi/linux`], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.h'));
    for (const f of headers) fs.writeFileSync(path.join(uapi, f), execFileSync('git', ['-C', checkout, 'show', `${tag}:include/uapi/linux/${f}`], { maxBuffer: 1 << 28 }));
    return dir;
  }
  const src = fs.existsSync(path.join(checkout, 'src', 'bpf_helpers.h')) ? path.join(checkout, 'src') : checkout;
  if (!fs.existsSync(path.join(src, 'bpf_helpers.h'))) throw new Error(`--libbpf ${checkout}: no bpf_helpers.h in it or in its src/`);
  fs.mkdirSync(bpf, { recursive: true });
  for (const f of fs.readdirSync(src)) if (f.endsWith('.h')) fs.copyFileSync(path.join(src, f), path.join(bpf, f));
  const uapiSrc = path.join(checkout, 'include', 'uapi', 'linux');
  fs.mkdirSync(path.join(dir, 'uapi', 'linux'), { recursive: true });
  if (fs.existsSync(uapiSrc)) for (const f of fs.readdirSync(uapiSrc)) if (f.endsWith('.h')) fs.copyFileSync(path.join(uapiSrc, f), path.join(dir, 'uapi', 'linux', f));
  return dir;
}

const MULTIARCH = '/usr/include/x86_64-linux-gnu';

/** The recipe's shim headers, written once per cache dir. */
function shimDir(cache: string, recipe: Recipe): string {
  const dir = path.join(cache, 'shims', recipe.name.replace(/\W+/g, '_'));
  for (const [rel, text] of Object.entries(recipe.shims ?? {})) {
    const f = path.join(dir, rel);
    if (fs.existsSync(f) && fs.readFileSync(f, 'utf8') === text) continue;
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  for (const [rel, [cwd, cmd, ...args]] of Object.entries(recipe.generated ?? {})) {
    const f = path.join(dir, rel);
    if (fs.existsSync(f)) continue;
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, execFileSync(cmd!, args, { cwd: path.join(recipe.root, cwd!), maxBuffer: 1 << 28 }));
  }
  return dir;
}

/** Compiles one program as its project does; the object lands in the cache (rebuilt when the source is newer). */
export function build(recipe: Recipe, file: string, cache: string, vmlinux: string | undefined, libbpf: string | undefined): Built {
  if (recipe.ownLibbpf) libbpf = undefined;
  const rel = path.relative(recipe.root, file);
  const tag = `${recipe.name.replace(/\W+/g, '_')}-${libbpf ? path.basename(path.dirname(libbpf)) + path.basename(libbpf) : 'system'}-${vmlinux ? path.basename(vmlinux) : 'own'}`;
  const object = path.join(cache, 'objects', tag, rel.replace(/\.c$/, '') + '.o');
  const lead = vmlinux && recipe.vmlinuxFirst ? [vmlinux] : [];
  const tail = vmlinux && !recipe.vmlinuxFirst ? [vmlinux] : [];
  const includePaths = [...lead, ...(libbpf ? [libbpf] : []), ...recipe.include.map((d) => path.resolve(recipe.root, d)),
    ...(libbpf && recipe.libbpfSrc ? [path.join(libbpf, 'bpf')] : []), ...(libbpf && recipe.libbpfUapi ? [path.join(libbpf, 'uapi')] : []), ...(recipe.shims || recipe.generated ? [shimDir(cache, recipe)] : []), ...tail, ...(recipe.multiarch && fs.existsSync(MULTIARCH) ? [MULTIARCH] : [])];
  const defines = ['__TARGET_ARCH_x86', ...recipe.defines];
  const prog: CorpusProgram = {
    name: rel.replace(/\.bpf\.c$|\.c$/, ''), arch: 'x86', source: file, object, includePaths, defines, newLibbpf: false,
  };
  if (fs.existsSync(object) && fs.statSync(object).mtimeMs >= fs.statSync(file).mtimeMs) return { prog };
  fs.mkdirSync(path.dirname(object), { recursive: true });
  const args = ['-g', '-O2', '-target', 'bpf', ...(recipe.cflags ?? []), ...defines.map((d) => `-D${d}`), ...includePaths.map((d) => `-I${d}`),
    '-Wno-everything', '-c', file, '-o', object];
  const r = spawnSync('clang', args, { encoding: 'utf8', cwd: path.dirname(file), maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    fs.rmSync(object, { force: true });
    const first = (r.stderr ?? '').split('\n').find((l) => /error:/.test(l)) ?? (r.stderr ?? r.error?.message ?? '').split('\n')[0];
    return { prog, error: first?.replace(recipe.root + path.sep, '') ?? `clang exited with ${r.status}` };
  }
  return { prog };
}

/** Errors `corelens check` reports for the source that the object path (exact, with the source's guards) does not. */
async function sourceOnlyErrors(prog: CorpusProgram): Promise<string[]> {
  const { runCheck } = await import('../src/check/run.js');
  const { defaultTargetSpecs } = await import('../src/targets/registry.js');
  const targets = defaultTargetSpecs().filter((t) => t.name !== 'running');
  const common = { targets, includePaths: prog.includePaths, defines: prog.defines, workers: 1 };
  const src = await runCheck({ ...common, file: prog.source });
  const obj = await runCheck({ ...common, file: prog.object, source: prog.source });
  const key = (f: { code: string; site: { kind: string; localType: string; access: string } }, t: string) => `${f.code} ${f.site.kind} ${f.site.localType} ${f.site.access} @${t}`;
  const objKeys = new Set(obj.findings.filter((f) => f.severity === 'error').flatMap((f) => f.targets.map((t) => key(f, t))));
  const out = new Map<string, string[]>();
  for (const f of src.findings) {
    if (f.severity !== 'error') continue;
    const missingOn = f.targets.filter((t) => !objKeys.has(key(f, t)));
    if (!missingOn.length) continue;
    const k = `${f.code} ${f.site.kind} ${f.site.localType} ${f.site.access} (${path.basename(f.location.file)}:${f.location.line}) ${f.cause}`;
    out.set(k, [...new Set([...(out.get(k) ?? []), ...missingOn])]);
  }
  return [...out].map(([k, ts]) => `${k} on ${ts.join(',')}`);
}

/** Measures one project; prints its report and returns its results. */
async function measure(recipe: Recipe, opts: Opts): Promise<ProgramAgreement[]> {
  const vmlinux = recipe.ownVmlinux ? undefined : vmlinuxDir(opts.cache, opts.kernel);
  const libbpf = opts.libbpf ? libbpfDir(opts.cache, opts.libbpf, recipe.libbpfTag) : undefined;
  const files = recipe.files.flatMap((g) => glob(recipe.root, g));
  const analyzers = new Map<string, Analyzer>();
  const results: ProgramAgreement[] = [];
  const skipped: string[] = [];
  const checkLines: string[] = [];
  for (const file of files) {
    const b = build(recipe, file, opts.cache, vmlinux, libbpf);
    if (opts.only.length && !opts.only.includes(b.prog.name)) continue;
    const why = recipe.skip?.[b.prog.name];
    if (why) {
      skipped.push(`${b.prog.name}: ${why}`);
      continue;
    }
    if (b.error) {
      skipped.push(`${b.prog.name}: ${b.error}`);
      continue;
    }
    const key = b.prog.defines.join(' ');
    let analyzer = analyzers.get(key);
    if (!analyzer) analyzers.set(key, (analyzer = await createAnalyzer({ defines: b.prog.defines })));
    let r: ProgramAgreement;
    try {
      r = await compareProgram(analyzer, b.prog, contextExpansion);
    } catch (e) {
      // an object without what the comparison needs (logger.c of OBI has no program with BTF): listed, not fatal
      skipped.push(`${b.prog.name}: ${(e as Error).message.replace(opts.cache + path.sep, '')}`);
      continue;
    }
    if (!r.relocations && !r.liveSites) continue;
    results.push(r);
    if (opts.check) {
      try {
        for (const l of await sourceOnlyErrors(b.prog)) checkLines.push(`  ${b.prog.name}: ${l}`);
      } catch (e) {
        checkLines.push(`  ${b.prog.name}: check failed: ${(e as Error).message}`);
      }
    }
  }
  const t = totals(results);
  const pct = (n: number) => (t.relocations ? `${((100 * n) / t.relocations).toFixed(2)}%` : '-');
  console.log(`\n## ${recipe.name}: ${files.length} programs found, ${results.length} with CO-RE relocations compared, ${skipped.length} skipped`);
  console.log(`   relocations ${t.relocations}; missing ${t.missing} (${pct(t.missing)}); extra ${t.extra} (${pct(t.extra)}); `
    + `CSE merges ${t.merged} (${pct(t.merged)}); analysis crashes ${t.crashes}`);
  console.log(formatReport(results, opts.detail).split('\n').slice(1).join('\n'));
  if (opts.detail) {
    for (const r of results) for (const d of r.merged) console.log(`  = ${r.program} ${d.section}: ${d.key} x${d.count}  ${d.file}:${d.line}  ${d.text}`);
  }
  for (const s of skipped) console.log(`  skipped ${s}`);
  if (opts.check) {
    console.log(`  check: errors on the source path the object path does not report: ${checkLines.length}`);
    for (const l of checkLines) console.log(l);
  }
  return results;
}

export interface Opts { recipes: Recipe[]; detail: boolean; check: boolean; only: string[]; cache: string; kernel: string; libbpf?: string }

/** Parses the command line into recipes; presets are `NAME=DIR`. */
export function parseArgs(argv: string[]): Opts {
  const recipes: Recipe[] = [];
  let custom: Recipe | undefined;
  let detail = false;
  let check = false;
  let only: string[] = [];
  let cache = path.join(os.tmpdir(), 'corelens-projects');
  let kernel = path.join(REPO_ROOT, 'test-fixtures/btf/kernels/6.18-amd64.btf.xz');
  let libbpf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--detail') detail = true;
    else if (a === '--check') check = true;
    else if (a === '--only') only = next().split(',');
    else if (a === '--cache') cache = path.resolve(next());
    else if (a === '--kernel') kernel = path.resolve(next());
    else if (a === '--libbpf') libbpf = path.resolve(next());
    else if (a === '--root') recipes.push((custom = { name: path.basename(path.resolve(argv[i + 1] ?? '.')), root: path.resolve(next()), files: [], include: [], defines: [] }));
    else if (custom && a === '--files') custom.files.push(next());
    else if (custom && a === '--name') custom.name = next();
    else if (custom && a === '--own-vmlinux') custom.ownVmlinux = true;
    else if (custom && /^-(?:m|f)[\w-]/.test(a)) (custom.cflags ??= []).push(a);
    else if (custom && (a === '-I' || a.startsWith('-I'))) custom.include.push(a === '-I' ? next() : a.slice(2));
    else if (custom && (a === '-D' || a.startsWith('-D'))) custom.defines.push(a === '-D' ? next() : a.slice(2));
    else if (/^[\w-]+=/.test(a)) {
      const [name, dir] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      const preset = PRESETS[name];
      if (!preset) throw new Error(`unknown project preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
      recipes.push(...[preset(path.resolve(dir))].flat());
    } else if (a === '--held') {
      // every held-out preset whose checkout DIR/<HELD_DIRS name> exists, in HELD_PRESETS' order
      const dir = path.resolve(next());
      for (const [name, preset] of Object.entries(HELD_PRESETS)) {
        const root = path.join(dir, HELD_DIRS[name]!);
        if (fs.existsSync(root)) recipes.push(...[preset(root)].flat());
      }
    } else throw new Error(`unknown argument "${a}"`);
  }
  if (!recipes.length) throw new Error(`usage: projects.js [--detail] [--check] [--only NAME,..] PRESET=DIR... | --held DIR | --root DIR --files GLOB -I DIR -D X -mcpu=v1 (presets: ${Object.keys(PRESETS).join(', ')})`);
  return { recipes, detail, check, only, cache, kernel, libbpf };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const all: [string, ProgramAgreement[]][] = [];
  for (const r of o.recipes) all.push([r.name, await measure(r, o)]);
  console.log('\n## summary (missing/extra/CSE as % of clang\'s relocations)');
  for (const [name, rs] of all) {
    const t = totals(rs);
    const pct = (n: number) => (t.relocations ? `${((100 * n) / t.relocations).toFixed(2)}%` : '-');
    console.log(`  ${name.padEnd(32)} programs ${String(rs.length).padStart(3)}  relocations ${String(t.relocations).padStart(5)}  `
      + `missing ${String(t.missing).padStart(4)} (${pct(t.missing)})  extra ${String(t.extra).padStart(4)} (${pct(t.extra)})  CSE ${String(t.merged).padStart(4)} (${pct(t.merged)})`);
  }
}

// run as a command, not when the inline-cost harness (inlinecost.ts) imports the recipes
if (require.main === module) main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
