/* `exec [options] ID [COMMAND [ARG...]]`: runs a process inside a running container: it joins the
 * cgroups and every namespace of the container's init, then gets its own args, env, cwd, user,
 * capabilities and terminal. The process comes from `--process FILE` (a runtime-spec process
 * object) or from the bundle's config.json process with the command-line overrides, as runc. */
#include "caps.h"
#include "cgroup.h"
#include "cli-args.h"
#include "container-init.h"
#include "create.h"
#include "namespaces.h"
#include "process-setup.h"
#include "report.h"
#include "seal.h"
#include "status.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum
{
  O_CONSOLE,
  O_CWD,
  O_ENV,
  O_TTY,
  O_USER,
  O_GIDS,
  O_PROCESS,
  O_DETACH,
  O_PIDFILE,
  O_LABEL,
  O_APPARMOR,
  O_NNP,
  O_CAP,
  O_PRESERVE,
  O_CGROUP,
  O_IGNORE_PAUSED,
  O_COUNT
};

struct exec_ctx
{
  struct tsn_rt_process proc;
  struct tsn_json_doc *doc;     /* --process file */
  struct tsn_rt_config *config; /* bundle config (base process) */
  int ns_fds[TSN_RT_MAX_NS];
  int *cgroup_fds;
  int console_fd;
  struct tsn_rt_seccomp *seccomp; /* the container's linux.seccomp, compiled */
};

static int
parse_user (struct tsn_rt_process *p, const char *spec, tsn_err_t *err)
{
  char *end;
  unsigned long uid = strtoul (spec, &end, 10);
  if (end == spec || (*end && *end != ':'))
    return tsn_error (err, 0, "--user `%s`: expected UID[:GID] (numbers)", spec);
  p->uid = (uid_t)uid;
  if (*end == ':')
    {
      const char *g = end + 1;
      unsigned long gid = strtoul (g, &end, 10);
      if (end == g || *end)
        return tsn_error (err, 0, "--user `%s`: expected UID[:GID] (numbers)", spec);
      p->gid = (gid_t)gid;
    }
  return 0;
}

/* The process from --process, or from config.json with the command-line overrides. */
static int
build_process (struct exec_ctx *x, struct tsn_opt *o, const struct tsn_args *args,
               const struct tsn_rt_state *st, tsn_err_t *err)
{
  if (o[O_PROCESS].value)
    {
      cleanup_free char *text = NULL;
      size_t len = 0;
      if (tsn_rt_read_file_at (&text, &len, AT_FDCWD, o[O_PROCESS].value, 4u << 20, err) < 0
          || tsn_json_parse (&x->doc, text, len, err) < 0)
        return tsn_error_wrap (err, "--process `%s`", o[O_PROCESS].value);
      if (tsn_rt_process_parse (&x->proc, tsn_json_root (x->doc), err) < 0)
        return tsn_error_wrap (err, "--process `%s`", o[O_PROCESS].value);
      if (x->proc.caps.set)
        return 0;
      /* like runc: a process object without capabilities gets the container's, never all */
      cleanup_close int bfd = open (st->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (bfd < 0 || tsn_rt_config_load (&x->config, bfd, "config.json", err) < 0)
        return bfd < 0 ? tsn_error (err, errno, "open bundle `%s`", st->bundle) : -1;
      x->proc.caps = x->config->process.caps;
      return 0;
    }
  if (args->n_pos < 2)
    return tsn_error (err, 0, "exec needs a command (or --process FILE)");
  cleanup_close int bfd = open (st->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0 || tsn_rt_config_load (&x->config, bfd, "config.json", err) < 0)
    return bfd < 0 ? tsn_error (err, errno, "open bundle `%s`", st->bundle) : -1;
  if (!x->config->has_process)
    return tsn_error (err, 0, "bundle `%s` has no process to base the exec on", st->bundle);
  struct tsn_rt_process *p = &x->proc;
  *p = x->config->process;
  memset (&x->config->process, 0, sizeof (x->config->process)); /* ownership moves to x->proc */
  free (p->args);
  p->args = xmalloc0 (args->n_pos * sizeof (char *));
  for (size_t i = 1; i < args->n_pos; i++)
    p->args[i - 1] = args->pos[i];
  p->n_args = args->n_pos - 1;
  /* -e K=V replaces K from config.json (the last value wins, as with runc) */
  const char **env = xmalloc0 ((p->n_env + o[O_ENV].n_values + 1) * sizeof (char *));
  memcpy (env, p->env, p->n_env * sizeof (char *));
  size_t n_env = p->n_env;
  for (size_t i = 0; i < o[O_ENV].n_values; i++)
    {
      const char *kv = o[O_ENV].values[i];
      size_t klen = strcspn (kv, "=");
      size_t k = 0;
      while (k < n_env && !(strncmp (env[k], kv, klen) == 0 && env[k][klen] == '='))
        k++;
      env[k] = kv;
      if (k == n_env)
        n_env++;
    }
  free (p->env);
  p->env = env;
  p->n_env = n_env;
  if (o[O_CWD].value)
    p->cwd = o[O_CWD].value;
  p->terminal = tsn_opt_true (&o[O_TTY]);
  if (o[O_USER].value && parse_user (p, o[O_USER].value, err) < 0)
    return -1;
  if (o[O_GIDS].n_values)
    {
      p->additional_gids = xrealloc (p->additional_gids, (o[O_GIDS].n_values + 1) * sizeof (gid_t));
      for (size_t i = 0; i < o[O_GIDS].n_values; i++)
        p->additional_gids[i] = (gid_t)strtoul (o[O_GIDS].values[i], NULL, 10);
      p->n_additional_gids = o[O_GIDS].n_values;
    }
  if (tsn_opt_true (&o[O_NNP]))
    p->no_new_privileges = 1;
  for (size_t i = 0; i < o[O_CAP].n_values; i++)
    {
      int cap = tsn_rt_cap_from_name (o[O_CAP].values[i]);
      if (cap < 0)
        return tsn_error (err, 0, "--cap: unknown capability `%s`", o[O_CAP].values[i]);
      p->caps.set = 1;
      p->caps.bounding |= 1ULL << cap;
      p->caps.effective |= 1ULL << cap;
      p->caps.permitted |= 1ULL << cap;
    }
  return 0;
}

static int
open_console (const char *path, tsn_err_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return tsn_error (err, 0, "--console-socket `%s`: path too long", path);
  strcpy (addr.sun_path, path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return tsn_error (err, errno, "connect to --console-socket `%s`", path);
  return take_fd (&fd);
}

/* The exec'd process: joins everything, then becomes the program. Never returns. */
__attribute__ ((noreturn)) static void
exec_child (struct exec_ctx *x, int sync_fd, int preserve_fds)
{
  tsn_err_t err = NULL;
  char **envp = NULL;
  char *path = NULL;
  for (int *fd = x->cgroup_fds; *fd >= 0; fd++)
    if (TEMP_FAILURE_RETRY_INT (write (*fd, "0", 1)) < 0)
      {
        tsn_error (&err, errno, "join the container's cgroup");
        tsn_rt_child_fail (sync_fd, &err);
      }
  if (tsn_rt_set_oom_score_adj (&x->proc, &err) < 0)
    tsn_rt_child_fail (sync_fd, &err);
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    if (x->ns_fds[i] >= 0 && tsn_rt_ns_kinds[i].flag != CLONE_NEWPID
        && setns (x->ns_fds[i], tsn_rt_ns_kinds[i].flag) < 0)
      {
        tsn_error (&err, errno, "join the container's %s namespace", tsn_rt_ns_kinds[i].spec_name);
        tsn_rt_child_fail (sync_fd, &err);
      }
  if (x->proc.terminal)
    {
      if (tsn_rt_terminal_setup (x->console_fd, x->proc.console_height, x->proc.console_width, 0, &err) < 0)
        tsn_rt_child_fail (sync_fd, &err);
      close (x->console_fd);
    }
  envp = tsn_rt_process_env (&x->proc);
  if (tsn_rt_process_prepare (&x->proc, x->seccomp, &err) < 0
      || tsn_rt_process_lookup (&x->proc, envp, &path, &err) < 0)
    tsn_rt_child_fail (sync_fd, &err);
  if (tsn_sync_send (sync_fd, TSN_SYNC_READY, 0, NULL) < 0)
    _exit (1);
  close (sync_fd);
  tsn_rt_process_exec (path, &x->proc, envp, preserve_fds, x->seccomp, &err);
  fprintf (stderr, "tscompose-native exec: %s\n", err ? err->msg : "exec failed");
  _exit (127);
}

static int
open_namespaces (struct exec_ctx *x, const struct tsn_rt_state *st, tsn_err_t *err)
{
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    {
      int flag = tsn_rt_ns_kinds[i].flag;
      if (!(st->ns_flags & flag) || flag == CLONE_NEWUSER)
        continue;
      x->ns_fds[i] = tsn_rt_ns_open_pid (st->pid, flag, err);
      if (x->ns_fds[i] < 0)
        return -1;
    }
  /* the fds were opened through the pid: make sure it still was the init afterwards */
  if (!tsn_rt_init_alive (st))
    return tsn_error (err, 0, "container `%s` is not running", st->id);
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    if (x->ns_fds[i] >= 0 && tsn_rt_ns_kinds[i].flag == CLONE_NEWPID
        && setns (x->ns_fds[i], CLONE_NEWPID) < 0)
      return tsn_error (err, errno, "join the pid namespace of `%s`", st->id);
  return 0;
}

/* An exec'd process gets the container's syscall filter, as runc gives it. */
static int
load_seccomp (struct exec_ctx *x, const struct tsn_rt_state *st, tsn_err_t *err)
{
  if (x->config == NULL)
    {
      cleanup_close int bfd = open (st->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (bfd < 0 || tsn_rt_config_load (&x->config, bfd, "config.json", err) < 0)
        return bfd < 0 ? tsn_error (err, errno, "open bundle `%s`", st->bundle) : -1;
    }
  return tsn_rt_seccomp_compile (x->config->seccomp, 0, &x->seccomp, err);
}

static int
wait_child (pid_t pid, const sigset_t *set, tsn_err_t *err)
{
  cleanup_close int sfd = signalfd (-1, set, SFD_CLOEXEC);
  if (sfd < 0)
    return tsn_error (err, errno, "signalfd");
  for (;;)
    {
      int status;
      pid_t w = waitpid (pid, &status, WNOHANG);
      if (w == pid)
        return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
      struct signalfd_siginfo si;
      if (TEMP_FAILURE_RETRY_INT (read (sfd, &si, sizeof si)) != sizeof si)
        return tsn_error (err, errno, "read signalfd");
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int)si.ssi_signo);
    }
}

static int
do_exec (struct exec_ctx *x, struct tsn_opt *o, const struct tsn_args *args, tsn_err_t *err)
{
  const char *id = args->pos[0];
  cleanup_close int rootfd = tsn_rt_open_root (0, err);
  cleanup_close int dirfd = rootfd < 0 ? -1 : tsn_rt_open_container_dir (rootfd, id, err);
  cleanup_state struct tsn_rt_state st = { 0 };
  int r = dirfd < 0 ? -1 : tsn_rt_state_read (dirfd, &st, err);
  if (r == -ENOENT)
    return tsn_error (err, 0, "container `%s` is still being created", id);
  if (r < 0)
    return -1;
  enum tsn_rt_status s = tsn_rt_status_of (dirfd, &st);
  if (s == TSN_RT_STOPPED)
    return tsn_error (err, 0, "cannot exec in a stopped container `%s`", id);
  if (s == TSN_RT_PAUSED && !tsn_opt_true (&o[O_IGNORE_PAUSED]))
    return tsn_error (err, 0, "cannot exec in a paused container `%s`", id);
  if (build_process (x, o, args, &st, err) < 0 || load_seccomp (x, &st, err) < 0)
    return -1;
  if (tsn_rt_caps_check (&x->proc.caps, err) < 0)
    return -1;
  if (x->proc.terminal && o[O_CONSOLE].value == NULL)
    return tsn_error (err, 0, "exec --tty needs --console-socket");
  if (!x->proc.terminal && o[O_CONSOLE].value)
    return tsn_error (err, 0, "--console-socket needs --tty (or process.terminal)");
  if (o[O_CONSOLE].value && (x->console_fd = open_console (o[O_CONSOLE].value, err)) < 0)
    return -1;
  cleanup_cgroup struct tsn_cgroup cg;
  if (tsn_cgroup_from_state (&cg, &st, err) < 0 || tsn_cgroup_open_procs (&cg, &x->cgroup_fds, err) < 0)
    return -1;
  if (open_namespaces (x, &st, err) < 0)
    return -1;
  int preserve = o[O_PRESERVE].value ? atoi (o[O_PRESERVE].value) : 0;
  int detach = tsn_opt_true (&o[O_DETACH]);
  sigset_t set;
  sigfillset (&set);
  sigdelset (&set, SIGKILL);
  sigdelset (&set, SIGSTOP);
  if (!detach)
    sigprocmask (SIG_BLOCK, &set, NULL);
  int pair[2];
  if (tsn_sync_pair (pair, err) < 0)
    return -1;
  cleanup_close int sync_parent = pair[0];
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    return tsn_error (err, errno, "fork");
  if (pid == 0)
    {
      close (sync_parent);
      close (dirfd);
      close (rootfd);
      for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
          signal (sig, SIG_DFL);
      sigprocmask (SIG_UNBLOCK, &set, NULL);
      exec_child (x, pair[1], preserve);
    }
  close (pair[1]);
  struct tsn_sync_msg m;
  if (tsn_sync_expect (sync_parent, TSN_SYNC_READY, &m, err) < 0)
    {
      TEMP_FAILURE_RETRY_INT (waitpid (pid, NULL, 0));
      return -1;
    }
  if (o[O_PIDFILE].value && tsn_rt_write_pid_file (o[O_PIDFILE].value, pid, err) < 0)
    return -1;
  if (detach)
    return 0;
  return wait_child (pid, &set, err);
}

int
tsn_verb_exec (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[O_COUNT + 1] = {
    [O_CONSOLE] = { .name = "console-socket", .has_value = 1 },
    [O_CWD] = { .name = "cwd", .has_value = 1 },
    [O_ENV] = { .name = "env", .short_name = 'e', .has_value = 1 },
    [O_TTY] = { .name = "tty", .short_name = 't' },
    [O_USER] = { .name = "user", .short_name = 'u', .has_value = 1 },
    [O_GIDS] = { .name = "additional-gids", .short_name = 'g', .has_value = 1 },
    [O_PROCESS] = { .name = "process", .short_name = 'p', .has_value = 1 },
    [O_DETACH] = { .name = "detach", .short_name = 'd' },
    [O_PIDFILE] = { .name = "pid-file", .has_value = 1 },
    [O_LABEL] = { .name = "process-label", .has_value = 1 },
    [O_APPARMOR] = { .name = "apparmor", .has_value = 1 },
    [O_NNP] = { .name = "no-new-privs" },
    [O_CAP] = { .name = "cap", .short_name = 'c', .has_value = 1 },
    [O_PRESERVE] = { .name = "preserve-fds", .has_value = 1 },
    [O_CGROUP] = { .name = "cgroup", .has_value = 1 },
    [O_IGNORE_PAUSED] = { .name = "ignore-paused" },
  };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 1, &args, &err) < 0 || args.n_pos < 1)
    {
      if (err == NULL)
        tsn_error (&err, 0, "usage: exec [options] ID [COMMAND [ARG...]]");
      return tsn_usage_error ("exec", &err);
    }
  if (tsn_rt_ensure_sealed (&err) < 0)
    return tsn_rt_report (&err);
  /* non-dumpable before any namespace is joined (CVE-2016-9962); the child inherits it */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct exec_ctx x = { .console_fd = -1 };
  for (int i = 0; i < TSN_RT_MAX_NS; i++)
    x.ns_fds[i] = -1;
  int r = do_exec (&x, opts, &args, &err);
  for (int i = 0; i < TSN_RT_MAX_NS; i++)
    if (x.ns_fds[i] >= 0)
      close (x.ns_fds[i]);
  for (int *fd = x.cgroup_fds; fd && *fd >= 0; fd++)
    close (*fd);
  free (x.cgroup_fds);
  if (x.console_fd >= 0)
    close (x.console_fd);
  tsn_rt_process_release (&x.proc);
  tsn_rt_seccomp_free (x.seccomp);
  tsn_rt_config_free (x.config);
  tsn_json_doc_free (x.doc);
  tsn_args_release (opts, &args);
  return r < 0 ? tsn_rt_report (&err) : r;
}
