/* `kill [--all] ID [SIGNAL]` (default SIGTERM; names with or without SIG, or numbers). */
#include "cgroup.h"
#include "cli-args.h"
#include "create.h"
#include "report.h"
#include "signals.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int
tsn_rt_signal_init (const struct tsn_rt_state *st, int sig, tsn_err_t *err)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  /* the pidfd pins the process: check it is still the container's init, then signal through it */
  if (pidfd < 0 || !tsn_rt_init_alive (st))
    return tsn_error (err, ESRCH, "container `%s` is not running", st->id);
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return tsn_error (err, errno, "signal the init of `%s`", st->id);
  return 0;
}

static int
signal_all (const struct tsn_rt_state *st, int sig, tsn_err_t *err)
{
  cleanup_cgroup struct tsn_cgroup cg;
  if (tsn_cgroup_from_state (&cg, st, err) < 0)
    return -1;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (tsn_cgroup_pids (&cg, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return tsn_error (err, errno, "signal process %d of `%s`", (int)pids[i], st->id);
  return 0;
}

int
tsn_verb_kill (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { .name = "all", .short_name = 'a' }, { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos < 1 || args.n_pos > 2)
    {
      if (err == NULL)
        tsn_error (&err, 0, "usage: kill [--all] ID [SIGNAL]");
      return tsn_usage_error ("kill", &err);
    }
  const char *id = args.pos[0];
  int sig = args.n_pos == 2 ? tsn_rt_parse_signal (args.pos[1], &err) : SIGTERM;
  cleanup_close int rootfd = sig < 0 ? -1 : tsn_rt_open_root (0, &err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_state_read (dirfd, &st, &err);
  if (r == -ENOENT)
    r = tsn_error (&err, 0, "container `%s` is still being created", id);
  if (r == 0)
    {
      enum tsn_rt_status s = tsn_rt_status_of (dirfd, &st);
      if (s == TSN_RT_STOPPED)
        r = tsn_error (&err, 0, "container `%s` is not running", id);
      else if (tsn_opt_true (&opts[0]))
        r = signal_all (&st, sig, &err);
      else
        r = tsn_rt_signal_init (&st, sig, &err);
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}
