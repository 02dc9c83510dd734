/* `state ID`: the runtime-spec state as JSON on stdout. */
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
tsn_verb_state (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "expected exactly one container id");
      return tsn_usage_error ("state", &err);
    }
  const char *id = args.pos[0];
  cleanup_close int rootfd = tsn_rt_open_root (0, &err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_state_read (dirfd, &st, &err);
  enum tsn_rt_status status = TSN_RT_CREATING;
  int64_t oom = -1;
  if (r == -ENOENT)
    {
      st.id = id;
      st.bundle = "";
      r = 0;
    }
  else if (r == 0)
    {
      status = tsn_rt_status_of (dirfd, &st);
      struct tsn_cgroup cg;
      if (tsn_cgroup_from_state (&cg, &st, NULL) == 0)
        oom = tsn_cgroup_oom_kills (&cg);
      tsn_cgroup_release (&cg);
    }
  if (r == 0)
    {
      cleanup_json_writer struct tsn_json_writer w;
      tsn_json_w_init (&w);
      tsn_rt_state_json (&w, &st, status, oom);
      printf ("%s\n", tsn_json_w_str (&w));
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}
