/* `ps [--format table|json] ID`: the host pids in the container's cgroup. */
#include "cgroup.h"
#include "cli-args.h"
#include "report.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
tsn_verb_ps (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { .name = "format", .short_name = 'f', .has_value = 1 }, { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos < 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "usage: ps [--format table|json] ID");
      return tsn_usage_error ("ps", &err);
    }
  const char *id = args.pos[0];
  int json = opts[0].value && strcmp (opts[0].value, "json") == 0;
  cleanup_close int rootfd = tsn_rt_open_root (0, &err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_state_read (dirfd, &st, &err);
  if (r == -ENOENT)
    r = tsn_error (&err, 0, "container `%s` is still being created", id);
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (r == 0)
    {
      struct tsn_cgroup cg;
      r = tsn_cgroup_from_state (&cg, &st, &err);
      if (r == 0)
        r = tsn_cgroup_pids (&cg, &pids, &n, &err);
      tsn_cgroup_release (&cg);
    }
  if (r == 0)
    {
      printf (json ? "[" : "PID\n");
      for (size_t i = 0; i < n; i++)
        printf (json ? "%s%d" : "%.0s%d\n", i ? "," : "", (int)pids[i]);
      printf (json ? "]\n" : "");
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}
