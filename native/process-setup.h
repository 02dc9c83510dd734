/* The last steps before a container process runs its program, shared by the container's init and
 * `exec`: rlimits, groups and user, capabilities (bounding first, then the rest after the user
 * switch), working directory, no_new_privileges, umask, the environment and the PATH lookup. */
#ifndef TSN_PROCESS_SETUP_H
#define TSN_PROCESS_SETUP_H

#include "container-config.h"
#include "error.h"
#include "seccomp.h"

/* Writes /proc/self/oom_score_adj (call while the host's /proc is still reachable). */
int tsn_rt_set_oom_score_adj (const struct tsn_rt_process *p, tsn_err_t *err);

/* Applies rlimits, user, groups, capabilities, cwd, no_new_privileges and umask; without
 * no_new_privileges also the seccomp filter, before capabilities are dropped (it needs
 * CAP_SYS_ADMIN then). */
int tsn_rt_process_prepare (const struct tsn_rt_process *p, const struct tsn_rt_seccomp *seccomp,
                            tsn_err_t *err);

/* The environment with HOME added from the container's /etc/passwd when it is missing. */
char **tsn_rt_process_env (const struct tsn_rt_process *p);

/* Finds args[0] like execvp would, with the process's own PATH; the error reads like runc's. */
int tsn_rt_process_lookup (const struct tsn_rt_process *p, char **envp, char **path, tsn_err_t *err);

/* Marks every fd >= 3 + preserve_fds close-on-exec, loads the seccomp filter when
 * no_new_privileges is set (the last step, so it filters as little of ours as it can) and
 * executes. Returns only on failure. */
int tsn_rt_process_exec (const char *path, const struct tsn_rt_process *p, char **envp, int preserve_fds,
                         const struct tsn_rt_seccomp *seccomp, tsn_err_t *err);

#endif
