/* `run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] [--keep] ... ID`: create and
 * start in one go. In the foreground it forwards signals to the container's init, waits for it,
 * deletes the container (unless --keep) and exits with its status (128+N after signal N). */
#include "cgroup.h"
#include "cli-args.h"
#include "create.h"
#include "hooks.h"
#include "report.h"
#include "seal.h"
#include "status.h"
#include "sync.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void
poststart (const char *id)
{
  cleanup_close int rootfd = tsn_rt_open_root (0, NULL);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, NULL);
  cleanup_state struct tsn_rt_state st = { 0 };
  if (dirfd >= 0 && tsn_rt_state_read (dirfd, &st, NULL) == 0)
    tsn_rt_run_post_hooks (&st, TSN_HOOK_POSTSTART);
}

/* Forwards every signal but SIGCHLD to `pid` and returns its wait status. */
static int
supervise (pid_t pid, const sigset_t *set, int *status, tsn_err_t *err)
{
  cleanup_close int sfd = signalfd (-1, set, SFD_CLOEXEC);
  if (sfd < 0)
    return tsn_error (err, errno, "signalfd");
  for (;;)
    {
      /* reap first: the child may have exited before the signalfd existed */
      for (;;)
        {
          int st;
          pid_t w = waitpid (-1, &st, WNOHANG);
          if (w == pid)
            {
              *status = st;
              return 0;
            }
          if (w <= 0)
            break;
        }
      struct signalfd_siginfo si;
      ssize_t n = TEMP_FAILURE_RETRY_INT (read (sfd, &si, sizeof si));
      if (n != sizeof si)
        return tsn_error (err, errno, "read signalfd");
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int)si.ssi_signo);
    }
}

static int
run_foreground (const struct tsn_rt_create_opts *o, int keep, int subreaper, tsn_err_t *err)
{
  sigset_t set, old;
  sigfillset (&set);
  sigdelset (&set, SIGKILL);
  sigdelset (&set, SIGSTOP);
  /* Blocked before the child exists, so no signal is lost between start and supervision. */
  sigprocmask (SIG_BLOCK, &set, &old);
  /* orphans of a container without its own pid namespace come to us and are reaped below */
  if (subreaper)
    prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  struct tsn_rt_created created;
  if (tsn_rt_create_container (o, &created, err) < 0)
    return -1;
  cleanup_close int sync_fd = created.sync_fd;
  if (tsn_sync_send (sync_fd, TSN_SYNC_START, 0, NULL) < 0)
    return tsn_error (err, errno, "start container `%s`", o->id);
  poststart (o->id);
  int status = 0;
  int r = supervise (created.pid, &set, &status, err);
  if (!keep)
    {
      tsn_err_t derr = NULL;
      cleanup_close int rootfd = tsn_rt_open_root (0, &derr);
      cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, o->id, &derr);
      cleanup_state struct tsn_rt_state st = { 0 };
      if (dirfd >= 0 && tsn_rt_state_read (dirfd, &st, &derr) == 0)
        tsn_rt_destroy_container (rootfd, dirfd, &st, &derr);
      if (derr && r == 0)
        {
          *err = derr;
          return -1;
        }
      tsn_error_release (&derr);
    }
  if (r < 0)
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

int
tsn_verb_run (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = {
    TSN_RT_CREATE_OPTIONS,
    { .name = "detach", .short_name = 'd' },
    { .name = "keep" },
    { .name = "no-subreaper" },
    { 0 },
  };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "expected exactly one container id");
      return tsn_usage_error ("run", &err);
    }
  if (tsn_rt_ensure_sealed (&err) < 0)
    return tsn_rt_report (&err);
  struct tsn_rt_create_opts o = tsn_rt_create_opts_of (opts, args.pos[0], 0);
  int r;
  if (tsn_opt_true (&opts[6]))
    {
      struct tsn_rt_created created;
      r = tsn_rt_create_container (&o, &created, &err);
      if (r == 0)
        {
          if (tsn_sync_send (created.sync_fd, TSN_SYNC_START, 0, NULL) < 0)
            r = tsn_error (&err, errno, "start container `%s`", o.id);
          else
            poststart (o.id);
          close (created.sync_fd);
        }
    }
  else
    r = run_foreground (&o, tsn_opt_true (&opts[7]), !tsn_opt_true (&opts[8]), &err);
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : r;
}
