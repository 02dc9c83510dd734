/* `start ID`: lets a created container's init run the program, by opening the exec fifo it is
 * blocked on. The init's pidfd is watched at the same time, so a container that died while
 * "created" is an error rather than a hang. */
#include "cli-args.h"
#include "hooks.h"
#include "report.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The byte the init writes once it may exec; 1 when it is there, 0 when not (yet), -1 at EOF. */
static int
read_token (int fifo)
{
  char c;
  ssize_t n = TEMP_FAILURE_RETRY_INT (read (fifo, &c, 1));
  if (n == 1)
    return 1;
  return n == 0 ? -1 : 0;
}

static int
open_fifo_and_wait (int dirfd, const struct tsn_rt_state *st, tsn_err_t *err)
{
  cleanup_close int fifo = openat (dirfd, TSN_RT_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return tsn_error (err, errno, "open the exec fifo of `%s`", st->id);
  /* Opening the fifo releases the init, which may write, exec and exit (a /bin/true) before we
   * look: a dead init is only an error when it left no token behind. */
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  struct pollfd fds[2] = { { .fd = fifo, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
  for (;;)
    {
      if (pidfd >= 0 && TEMP_FAILURE_RETRY_INT (poll (fds, 2, -1)) < 0)
        return tsn_error (err, errno, "poll");
      int r = read_token (fifo);
      if (r == 1)
        return 0;
      if (r < 0 || pidfd < 0 || fds[1].revents)
        return tsn_error (err, 0, "container `%s`: its process exited before start", st->id);
    }
}

int
tsn_verb_start (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "expected exactly one container id");
      return tsn_usage_error ("start", &err);
    }
  const char *id = args.pos[0];
  cleanup_close int rootfd = tsn_rt_open_root (0, &err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_lock (dirfd, &err);
  if (r == 0)
    {
      r = tsn_rt_state_read (dirfd, &st, &err);
      if (r == -ENOENT)
        r = tsn_error (&err, 0, "container `%s` is still being created", id);
    }
  if (r == 0)
    {
      enum tsn_rt_status s = tsn_rt_status_of (dirfd, &st);
      if (s != TSN_RT_CREATED)
        r = tsn_error (&err, 0, "cannot start container `%s`: it is %s, not created", id,
                       tsn_rt_status_name (s));
      else if (st.no_process)
        r = tsn_error (&err, 0, "cannot start container `%s`: its config.json has no `process`", id);
    }
  if (r == 0 && (r = open_fifo_and_wait (dirfd, &st, &err)) == 0)
    {
      unlinkat (dirfd, TSN_RT_EXEC_FIFO, 0);
      tsn_rt_run_post_hooks (&st, TSN_HOOK_POSTSTART);
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}
