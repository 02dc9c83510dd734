/* Lifecycle hooks (runtime-spec config.md "POSIX-platform Hooks"). Each hook gets the state JSON
 * on stdin; prestart, createRuntime, createContainer and startContainer failures fail the
 * operation, poststart and poststop failures are warnings. Where they run:
 *   prestart, createRuntime  `create`'s parent, after the namespaces exist, before pivot_root
 *   createContainer          the container's init, in its mount namespace, before pivot_root
 *   startContainer           the container's init after `start`, just before the program
 *   poststart                `start` (or `run`), once the program was let go
 *   poststop                 `delete`, after the container's resources are gone */
#ifndef TSN_HOOKS_H
#define TSN_HOOKS_H

#include "container-config.h"
#include "error.h"

/* The state handed to hooks: {ociVersion, id, status, pid, bundle, annotations}. Allocated. */
char *tsn_rt_hook_state (const struct tsn_rt_config *c, const char *id, const char *status, int pid,
                         const char *bundle);

int tsn_rt_run_hooks (const struct tsn_rt_config *c, enum tsn_rt_hook_kind kind, const char *state,
                      tsn_err_t *err);

/* Runs poststart/poststop hooks, printing failures as warnings. */
void tsn_rt_run_hooks_warn (const struct tsn_rt_config *c, enum tsn_rt_hook_kind kind, const char *state);

struct tsn_rt_state;
/* poststart (`start`, `run`) or poststop (`delete`) of a container in the state dir: its hooks
 * come from the bundle's config.json, read only when state.json says it has some. */
void tsn_rt_run_post_hooks (const struct tsn_rt_state *st, enum tsn_rt_hook_kind kind);

#endif
