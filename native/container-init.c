/* The container's init process; see container-init.h for its place in `create`. Order matters:
 * namespaces by path, then the cgroup namespace (after the parent put us in our cgroups), the
 * root filesystem, the terminal, privileges, and only then READY. */
#include "container-init.h"
#include "hooks.h"
#include "namespaces.h"
#include "process-setup.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_JOIN_SESSION_KEYRING 1

void
tsn_rt_child_fail (int sync_fd, tsn_err_t *err)
{
  const char *msg = (err && *err) ? (*err)->msg : "container setup failed";
  if (sync_fd < 0 || tsn_sync_send (sync_fd, TSN_SYNC_ERROR, 1, msg) < 0)
    fprintf (stderr, "tscompose-native: %s\n", msg);
  _exit (1);
}

static int
join_namespaces (struct tsn_rt_init *in, tsn_err_t *err)
{
  /* tsn_rt_ns_kinds is in join order; pid was joined by the parent before clone */
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    {
      if (in->ns_fds[i] < 0 || tsn_rt_ns_kinds[i].flag == CLONE_NEWPID)
        continue;
      if (setns (in->ns_fds[i], tsn_rt_ns_kinds[i].flag) < 0)
        return tsn_error (err, errno, "join the %s namespace", tsn_rt_ns_kinds[i].spec_name);
      close (in->ns_fds[i]);
      in->ns_fds[i] = -1;
    }
  return 0;
}

static int
set_names (struct tsn_rt_init *in, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  if (!c->hostname && !c->domainname)
    return 0;
  const struct tsn_rt_namespace *uts = tsn_rt_config_namespace (c, CLONE_NEWUTS);
  if (uts == NULL)
    return tsn_error (err, 0, "hostname and domainname need a uts namespace");
  if (c->hostname && sethostname (c->hostname, strlen (c->hostname)) < 0)
    return tsn_error (err, errno, "sethostname `%s`", c->hostname);
  if (c->domainname && setdomainname (c->domainname, strlen (c->domainname)) < 0)
    return tsn_error (err, errno, "setdomainname `%s`", c->domainname);
  return 0;
}

/* Blocks until `start` (exec fifo) or the `run` parent (START message) lets the program run. */
static int
wait_for_start (struct tsn_rt_init *in, tsn_err_t *err)
{
  if (in->fifo_fd < 0)
    {
      struct tsn_sync_msg m;
      return tsn_sync_expect (in->sync_fd, TSN_SYNC_START, &m, err);
    }
  char name[32];
  snprintf (name, sizeof name, "self/fd/%d", in->fifo_fd);
  /* Opening for writing blocks until `start` opens the fifo for reading. The fifo is reopened
   * through the host's procfs: the container may have no /proc of its own. */
  cleanup_close int fd = TEMP_FAILURE_RETRY_INT (openat (in->host_proc_fd, name, O_WRONLY | O_CLOEXEC));
  if (fd < 0)
    return tsn_error (err, errno, "open the exec fifo");
  if (TEMP_FAILURE_RETRY_INT (write (fd, "0", 1)) != 1)
    return tsn_error (err, errno, "write the exec fifo");
  return 0;
}

/* prestart and createRuntime run in the parent (asked for here, once the mounts exist), then
 * createContainer here, in the container's mount namespace, before pivot_root. */
static int
run_create_hooks (struct tsn_rt_init *in, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  if (!c->hooks[TSN_HOOK_PRESTART].len && !c->hooks[TSN_HOOK_CREATE_RUNTIME].len
      && !c->hooks[TSN_HOOK_CREATE_CONTAINER].len)
    return 0;
  struct tsn_sync_msg m;
  if (tsn_sync_send (in->sync_fd, TSN_SYNC_HOOKS, 0, NULL) < 0)
    return tsn_error (err, errno, "ask for the createRuntime hooks");
  if (tsn_sync_expect (in->sync_fd, TSN_SYNC_GO, &m, err) < 0)
    return -1;
  if (!c->hooks[TSN_HOOK_CREATE_CONTAINER].len)
    return 0;
  cleanup_free char *state = tsn_rt_hook_state (c, in->id, "creating", in->host_pid, in->bundle);
  return tsn_rt_run_hooks (c, TSN_HOOK_CREATE_CONTAINER, state, err);
}

static int
setup (struct tsn_rt_init *in, char **path, char ***envp, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  struct tsn_sync_msg m;
  if (tsn_sync_expect (in->sync_fd, TSN_SYNC_GO, &m, err) < 0)
    return -1;
  in->host_pid = m.value;
  if (join_namespaces (in, err) < 0)
    return -1;
  if (in->new_cgroupns && unshare (CLONE_NEWCGROUP) < 0)
    return tsn_error (err, errno, "unshare the cgroup namespace");
  if (!in->no_new_keyring && syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, in->id) < 0 && errno != ENOSYS)
    return tsn_error (err, errno, "create a session keyring");
  if (set_names (in, err) < 0 || tsn_rt_set_oom_score_adj (&c->process, err) < 0)
    return -1;
  cleanup_close int rootfd = -1;
  if (tsn_rt_rootfs_prepare (in, &rootfd, err) < 0 || run_create_hooks (in, err) < 0
      || tsn_rt_rootfs_enter (in, rootfd, err) < 0)
    return -1;
  if (c->process.terminal
      && tsn_rt_terminal_setup (in->console_fd, c->process.console_height, c->process.console_width, 1, err)
             < 0)
    return -1;
  if (in->console_fd >= 0)
    close (in->console_fd);
  if (tsn_rt_rootfs_finalize (in, err) < 0)
    return -1;
  if (!c->has_process)
    return 0; /* only the environment; `start` refuses such a container */
  *envp = tsn_rt_process_env (&c->process);
  if (tsn_rt_process_prepare (&c->process, in->seccomp, err) < 0)
    return -1;
  return tsn_rt_process_lookup (&c->process, *envp, path, err);
}

void
tsn_rt_container_init (struct tsn_rt_init *in)
{
  tsn_err_t err = NULL;
  /* The state dir fd carries the parent's flock: holding it would block `start` forever. */
  for (int i = 0; i < 4; i++)
    if (in->parent_fds[i] >= 0)
      close (in->parent_fds[i]);
  /* Until READY, the container dies with the runtime that creates it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* Non-dumpable: no process of the container can ptrace us or open our /proc entries while we
   * still hold host fds (CVE-2016-9962). execve of the program resets it. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  umask (0);
  /* `run` blocks every signal before cloning, and a caller may ignore some: the program starts
   * with the default disposition and an empty mask, whatever the runtime's caller had. */
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  char *path = NULL;
  char **envp = NULL;
  if (setup (in, &path, &envp, &err) < 0)
    tsn_rt_child_fail (in->sync_fd, &err);
  /* Cleared before READY: `create` exits as soon as it reads it, and its death must not take
   * the created container with it. */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (tsn_sync_send (in->sync_fd, TSN_SYNC_READY, 0, NULL) < 0)
    _exit (1);
  if (wait_for_start (in, &err) < 0)
    tsn_rt_child_fail (-1, &err);
  if (!in->config->has_process)
    {
      tsn_error (&err, 0, "config.json has no process to run");
      tsn_rt_child_fail (-1, &err);
    }
  if (in->config->hooks[TSN_HOOK_START_CONTAINER].len)
    {
      cleanup_free char *state = tsn_rt_hook_state (in->config, in->id, "created", in->host_pid, in->bundle);
      if (tsn_rt_run_hooks (in->config, TSN_HOOK_START_CONTAINER, state, &err) < 0)
        tsn_rt_child_fail (-1, &err);
    }
  close (in->sync_fd);
  tsn_rt_process_exec (path, &in->config->process, envp, in->preserve_fds, in->seccomp, &err);
  tsn_rt_child_fail (-1, &err);
}
