/* `pause ID` / `resume ID`: freeze and thaw every process of the container through its cgroup
 * (v1 freezer.state, v2 cgroup.freeze); `state` then reports "paused". */
#include "cgroup.h"
#include "cli-args.h"
#include "report.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>

static int
freeze_verb (int argc, char **argv, int freeze)
{
  tsn_err_t err = NULL;
  const char *verb = freeze ? "pause" : "resume";
  struct tsn_opt opts[] = { { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "expected exactly one container id");
      return tsn_usage_error (verb, &err);
    }
  const char *id = args.pos[0];
  cleanup_close int rootfd = tsn_rt_open_root (0, &err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_lock (dirfd, &err);
  if (r == 0)
    r = tsn_rt_state_read (dirfd, &st, &err);
  if (r == -ENOENT)
    r = tsn_error (&err, 0, "container `%s` is still being created", id);
  if (r == 0)
    {
      enum tsn_rt_status s = tsn_rt_status_of (dirfd, &st);
      if (freeze && s != TSN_RT_RUNNING)
        r = tsn_error (&err, 0, "cannot pause container `%s`: it is %s", id, tsn_rt_status_name (s));
      else if (!freeze && s != TSN_RT_PAUSED)
        r = tsn_error (&err, 0, "cannot resume container `%s`: it is %s", id, tsn_rt_status_name (s));
    }
  if (r == 0)
    {
      struct tsn_cgroup cg;
      r = tsn_cgroup_from_state (&cg, &st, &err);
      if (r == 0)
        r = tsn_cgroup_freeze (&cg, freeze, &err);
      tsn_cgroup_release (&cg);
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}

int
tsn_verb_pause (int argc, char **argv)
{
  return freeze_verb (argc, argv, 1);
}

int
tsn_verb_resume (int argc, char **argv)
{
  return freeze_verb (argc, argv, 0);
}
