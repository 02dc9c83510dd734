/* `delete [--force] ID`: removes a stopped container's cgroups and state; --force kills a
 * created, running or paused one first. */
#include "cgroup.h"
#include "cli-args.h"
#include "create.h"
#include "hooks.h"
#include "report.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void
wait_exit (const struct tsn_rt_state *st)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  if (pidfd < 0 || !tsn_rt_init_alive (st))
    return;
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  TEMP_FAILURE_RETRY_INT (poll (&p, 1, 10000));
}

/* Without a pid namespace of its own, the container's other processes outlive its init:
 * kill what the cgroup still holds until it is empty. */
static void
kill_cgroup (const struct tsn_cgroup *cg)
{
  struct timespec delay = { 0, 1000000 };
  for (int round = 0; round < 200; round++)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (tsn_cgroup_pids (cg, &pids, &n, NULL) < 0 || n == 0)
        return;
      for (size_t i = 0; i < n; i++)
        kill (pids[i], SIGKILL);
      nanosleep (&delay, NULL);
    }
}

static int
remove_half_created (int rootfd, int dirfd, const char *id, tsn_err_t *err)
{
  cleanup_free char *path = NULL;
  size_t len = 0;
  if (tsn_rt_read_file_at (&path, &len, dirfd, TSN_RT_CGROUP_FILE, 4096, NULL) == 0 && len > 0)
    {
      cleanup_cgroup struct tsn_cgroup cg;
      if (tsn_cgroup_init (&cg, path, id, err) < 0)
        return -1;
      kill_cgroup (&cg);
      if (tsn_cgroup_destroy (&cg, err) < 0)
        return -1;
    }
  return tsn_rt_remove_container_dir (rootfd, id, err);
}

int
tsn_rt_destroy_container (int rootfd, int dirfd, const struct tsn_rt_state *st, tsn_err_t *err)
{
  (void)dirfd;
  cleanup_cgroup struct tsn_cgroup cg;
  if (tsn_cgroup_from_state (&cg, st, err) < 0)
    return -1;
  int frozen = tsn_cgroup_is_frozen (st);
  if (tsn_rt_init_alive (st))
    {
      if (st->own_pidns)
        tsn_rt_signal_init (st, SIGKILL, NULL);
      else
        kill_cgroup (&cg);
    }
  if (frozen)
    tsn_cgroup_freeze (&cg, 0, NULL);
  wait_exit (st);
  if (!st->own_pidns)
    kill_cgroup (&cg);
  if (tsn_cgroup_destroy (&cg, err) < 0 || tsn_rt_remove_container_dir (rootfd, st->id, err) < 0)
    return -1;
  tsn_rt_run_post_hooks (st, TSN_HOOK_POSTSTOP);
  return 0;
}

int
tsn_verb_delete (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { .name = "force", .short_name = 'f' }, { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "expected exactly one container id");
      return tsn_usage_error ("delete", &err);
    }
  const char *id = args.pos[0];
  int force = tsn_opt_true (&opts[0]);
  cleanup_close int rootfd = tsn_rt_open_root (0, &err);
  if (force && (rootfd < 0 || (faccessat (rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT))
      && tsn_rt_validate_id (id, NULL) == 0)
    {
      /* runc: --force on a container that does not exist succeeds */
      tsn_error_release (&err);
      tsn_args_release (opts, &args);
      return 0;
    }
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, &err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_lock (dirfd, &err);
  if (r == 0)
    r = tsn_rt_state_read (dirfd, &st, &err);
  if (r == -ENOENT)
    {
      /* We hold the lock, so no create is running: this is a create that died half-way. Its
       * init died with it (PDEATHSIG); what may remain are its cgroups and the state dir. */
      r = remove_half_created (rootfd, dirfd, id, &err);
    }
  else if (r == 0)
    {
      enum tsn_rt_status s = tsn_rt_status_of (dirfd, &st);
      /* The spec: deleting a container that is not stopped is an error and has no effect.
       * (runc deletes a created one anyway; the engine uses --force where it means it.) */
      if (s != TSN_RT_STOPPED && !force)
        r = tsn_error (&err, 0, "cannot delete container `%s` that is not stopped: %s (use --force)", id,
                       tsn_rt_status_name (s));
      else
        r = tsn_rt_destroy_container (rootfd, dirfd, &st, &err);
    }
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : 0;
}
