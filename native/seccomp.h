/* linux.seccomp: the syscall filter of a container's processes (init and exec).
 *
 * The profile is compiled to a BPF program before the container process is created (libseccomp
 * resolves names and arguments for every listed architecture), then loaded by the process
 * itself: before it drops capabilities when no_new_privileges is off (loading a filter then
 * needs CAP_SYS_ADMIN), or as the very last step before execve when it is on, so the filter sees
 * as few of the runtime's own syscalls as possible (runc's and crun's order).
 *
 * libseccomp is optional: native/Makefile links it when its header and static library are
 * found (Debian: libseccomp-dev). Without it `tsn_rt_seccomp_enabled` is 0, a profile is not
 * enforced, and `create` says so on stderr. */
#ifndef TSN_SECCOMP_H
#define TSN_SECCOMP_H

#include "error.h"
#include "json.h"

struct tsn_rt_seccomp;

/* 1 when this build enforces profiles. */
extern const int tsn_rt_seccomp_enabled;

/* Compiles `linux.seccomp` (NULL or JSON null: *out = NULL). In a build without libseccomp,
 * *out = NULL and, with `warn`, a warning on stderr. */
int tsn_rt_seccomp_compile (const struct tsn_json *spec, int warn, struct tsn_rt_seccomp **out,
                            tsn_err_t *err);

/* Installs the filter in the calling thread (and with TSYNC, every thread). NULL: nothing. */
int tsn_rt_seccomp_load (const struct tsn_rt_seccomp *s, tsn_err_t *err);

void tsn_rt_seccomp_free (struct tsn_rt_seccomp *s);

#endif
