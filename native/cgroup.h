/* Control groups for containers, on cgroup v1 (legacy or hybrid) and v2 (unified) hosts.
 *
 * Mode detection: /sys/fs/cgroup is cgroup2 → v2. Otherwise every mounted v1 hierarchy (found in
 * /proc/self/mountinfo under /sys/fs/cgroup, named ones like name=systemd included) gets a
 * directory, and on a hybrid host (a cgroup2 hierarchy mounted too, usually at
 * /sys/fs/cgroup/unified) the container joins that one as well, as runc does.
 *
 * Path: linux.cgroupsPath when absolute is taken from each hierarchy's root; a relative one is
 * below the runtime's own cgroup in that hierarchy (runc's rule); when absent the container gets
 * "/tscompose-<id>", so ../shared/tools/host-leaks finds any leftover. Only the leaf is removed by
 * `delete`; parents named in cgroupsPath are left alone (they may be shared).
 *
 * OOM: the memory cgroup counts OOM kills (v1 memory.oom_control "oom_kill N", v2 memory.events
 * "oom_kill N"); tsn_cgroup_oom_kills() reads it and `state` reports it as "oomKills". */
#ifndef TSN_CGROUP_H
#define TSN_CGROUP_H

#include "container-config.h"
#include "error.h"
#include "status.h"

#include <sys/types.h>

struct tsn_cgroup_hier
{
  char *mountpoint;  /* "/sys/fs/cgroup/memory" */
  char *controllers; /* "memory", "cpu,cpuacct", "name=systemd" */
  char *dir;         /* mountpoint + container path */
  char *rel;         /* container path inside this hierarchy ("/tscompose-x") */
};

struct tsn_cgroup
{
  int v2;     /* unified host */
  int hybrid; /* v1 host with a cgroup2 hierarchy as well */
  char *path; /* the path as asked (absolute form when absolute) */
  struct tsn_cgroup_hier *h;
  size_t n;
  char *unified_mount; /* cgroup2 mount point, or NULL */
  char *unified_dir;   /* its container directory, or NULL */
  char *unified_rel;
};

/* Detects the host's layout and computes the container's directories (creates nothing). */
int tsn_cgroup_init (struct tsn_cgroup *cg, const char *cgroups_path, const char *id, tsn_err_t *err);
/* Same for a container in the state dir. */
int tsn_cgroup_from_state (struct tsn_cgroup *cg, const struct tsn_rt_state *st, tsn_err_t *err);
void tsn_cgroup_release (struct tsn_cgroup *cg);

/* Creates the directories and applies linux.resources (cgroup-v1.c / cgroup-v2.c). */
int tsn_cgroup_create (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err);
int tsn_cgroup_apply_v1 (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err);
int tsn_cgroup_apply_v2 (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err);

/* Moves `pid` into every hierarchy's container directory. */
int tsn_cgroup_enter (const struct tsn_cgroup *cg, pid_t pid, tsn_err_t *err);
/* Opens every container cgroup.procs for writing (for a child to write "0" into), -1 ended. */
int tsn_cgroup_open_procs (const struct tsn_cgroup *cg, int **fds, tsn_err_t *err);

/* Removes the container directories, retrying while exiting tasks still hold them. */
int tsn_cgroup_destroy (const struct tsn_cgroup *cg, tsn_err_t *err);

/* The pids in the container's cgroup (allocated, *n set). */
int tsn_cgroup_pids (const struct tsn_cgroup *cg, pid_t **pids, size_t *n, tsn_err_t *err);

int tsn_cgroup_freeze (const struct tsn_cgroup *cg, int freeze, tsn_err_t *err);
int tsn_cgroup_is_frozen (const struct tsn_rt_state *st);
/* OOM kills recorded for the container's memory cgroup, or -1 when unknown. */
int64_t tsn_cgroup_oom_kills (const struct tsn_cgroup *cg);

/* Writes `value` to `dir`/`file` ("memory.max"); the error names the file and the value. */
int tsn_cgroup_write (const char *dir, const char *file, const char *value, tsn_err_t *err);
/* `a`/`b` (allocated), and a small read of `dir`/`file` into buf (NUL-terminated, 0 or -1). */
char *tsn_cgroup_join (const char *a, const char *b);
int tsn_cgroup_read (const char *dir, const char *file, char *buf, size_t size);

/* The hierarchy whose controllers include `controller`, or NULL. */
const struct tsn_cgroup_hier *tsn_cgroup_hier_for (const struct tsn_cgroup *cg, const char *controller);

static inline void
cleanup_cgroupp (struct tsn_cgroup *cg)
{
  tsn_cgroup_release (cg);
}
#define cleanup_cgroup __attribute__ ((cleanup (cleanup_cgroupp)))

#endif
