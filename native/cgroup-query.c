/* cgroups, read side and freezing: pids, OOM counter, freezer; see cgroup.h. */
#include "cgroup.h"
#include "utils.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *
procs_dir (const struct tsn_cgroup *cg)
{
  if (cg->v2)
    return cg->unified_dir;
  const struct tsn_cgroup_hier *h = tsn_cgroup_hier_for (cg, "pids");
  if (h == NULL)
    h = tsn_cgroup_hier_for (cg, "memory");
  return h ? h->dir : cg->h[0].dir;
}

int
tsn_cgroup_pids (const struct tsn_cgroup *cg, pid_t **pids, size_t *n, tsn_err_t *err)
{
  cleanup_free char *path = tsn_cgroup_join (procs_dir (cg), "cgroup.procs");
  cleanup_file FILE *f = fopen (path, "re");
  *pids = NULL;
  *n = 0;
  if (f == NULL)
    return errno == ENOENT ? 0 : tsn_error (err, errno, "open `%s`", path);
  size_t cap = 0;
  int pid;
  while (fscanf (f, "%d", &pid) == 1)
    {
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 16;
          *pids = xrealloc (*pids, cap * sizeof (pid_t));
        }
      (*pids)[(*n)++] = pid;
    }
  return 0;
}

static int
wait_frozen (const char *dir, const char *file, const char *want, tsn_err_t *err)
{
  char buf[256];
  struct timespec delay = { 0, 1000000 };
  for (int attempt = 0; attempt < 200; attempt++)
    {
      if (tsn_cgroup_read (dir, file, buf, sizeof buf) == 0 && strstr (buf, want))
        return 0;
      nanosleep (&delay, NULL);
    }
  return tsn_error (err, 0, "cgroup `%s` did not reach `%s`", dir, want);
}

int
tsn_cgroup_freeze (const struct tsn_cgroup *cg, int freeze, tsn_err_t *err)
{
  if (cg->v2)
    {
      if (tsn_cgroup_write (cg->unified_dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
        return -1;
      return wait_frozen (cg->unified_dir, "cgroup.events", freeze ? "frozen 1" : "frozen 0", err);
    }
  const struct tsn_cgroup_hier *h = tsn_cgroup_hier_for (cg, "freezer");
  if (h == NULL)
    return tsn_error (err, 0, "the freezer cgroup controller is not mounted");
  if (tsn_cgroup_write (h->dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err) < 0)
    return -1;
  return wait_frozen (h->dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err);
}

int
tsn_cgroup_is_frozen (const struct tsn_rt_state *st)
{
  cleanup_cgroup struct tsn_cgroup cg;
  if (tsn_cgroup_from_state (&cg, st, NULL) < 0)
    return 0;
  char buf[256];
  if (cg.v2)
    return tsn_cgroup_read (cg.unified_dir, "cgroup.freeze", buf, sizeof buf) == 0 && buf[0] == '1';
  const struct tsn_cgroup_hier *h = tsn_cgroup_hier_for (&cg, "freezer");
  return h && tsn_cgroup_read (h->dir, "freezer.state", buf, sizeof buf) == 0
         && strncmp (buf, "FROZEN", 6) == 0;
}

int64_t
tsn_cgroup_oom_kills (const struct tsn_cgroup *cg)
{
  char buf[1024];
  const char *dir = NULL, *file = NULL;
  if (cg->v2)
    {
      dir = cg->unified_dir;
      file = "memory.events";
    }
  else
    {
      const struct tsn_cgroup_hier *h = tsn_cgroup_hier_for (cg, "memory");
      dir = h ? h->dir : NULL;
      file = "memory.oom_control";
    }
  if (dir == NULL || tsn_cgroup_read (dir, file, buf, sizeof buf) < 0)
    return -1;
  const char *p = strstr (buf, "oom_kill ");
  return p ? strtoll (p + 9, NULL, 10) : -1;
}
