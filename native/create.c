/* `create --bundle DIR [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring]
 * [--preserve-fds N] ID`: prepares everything config.json asks for and leaves the container's init
 * blocked on <root>/<id>/exec.fifo until `start`. */
#include "create.h"
#include "caps.h"
#include "cgroup.h"
#include "cli-args.h"
#include "container-init.h"
#include "hooks.h"
#include "namespaces.h"
#include "report.h"
#include "rlimits.h"
#include "seal.h"
#include "seccomp.h"
#include "sync.h"
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Everything `create` holds until it hands the container over; released in one place. */
struct creation
{
  struct tsn_rt_init in;
  struct tsn_cgroup cg;
  struct tsn_rt_config *config;
  int rootfd, dirfd, sync_parent;
  int cgroup_made, dir_made;
  pid_t child;
  char *bundle, *rootfs;
};

static void
creation_init (struct creation *c)
{
  memset (c, 0, sizeof (*c));
  c->rootfd = c->dirfd = c->sync_parent = -1;
  c->in.sync_fd = c->in.fifo_fd = c->in.console_fd = c->in.host_proc_fd = -1;
  for (int i = 0; i < TSN_RT_MAX_NS; i++)
    c->in.ns_fds[i] = -1;
  for (int i = 0; i < 4; i++)
    c->in.parent_fds[i] = -1;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* On failure everything made so far is undone: child killed, cgroups and state dir removed. */
static void
creation_release (struct creation *c, int failed, const char *id)
{
  if (failed && c->child > 0)
    {
      kill (c->child, SIGKILL);
      TEMP_FAILURE_RETRY_INT (waitpid (c->child, NULL, 0));
    }
  if (failed && c->cgroup_made)
    tsn_cgroup_destroy (&c->cg, NULL);
  if (failed && c->dir_made)
    tsn_rt_remove_container_dir (c->rootfd, id, NULL);
  tsn_cgroup_release (&c->cg);
  close_fd (&c->in.sync_fd);
  close_fd (&c->in.fifo_fd);
  close_fd (&c->in.console_fd);
  close_fd (&c->in.host_proc_fd);
  for (int i = 0; i < TSN_RT_MAX_NS; i++)
    close_fd (&c->in.ns_fds[i]);
  if (failed)
    close_fd (&c->sync_parent);
  close_fd (&c->dirfd);
  close_fd (&c->rootfd);
  tsn_rt_seccomp_free (c->in.seccomp);
  tsn_rt_config_free (c->config);
  free (c->bundle);
  free (c->rootfs);
}

static int
load_config (struct creation *c, const struct tsn_rt_create_opts *o, tsn_err_t *err)
{
  c->bundle = realpath (o->bundle ? o->bundle : ".", NULL);
  if (c->bundle == NULL)
    return tsn_error (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  cleanup_close int bfd = open (c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0)
    return tsn_error (err, errno, "open bundle `%s`", c->bundle);
  if (tsn_rt_config_load (&c->config, bfd, "config.json", err) < 0)
    return tsn_error_wrap (err, "bundle `%s`", c->bundle);
  const struct tsn_rt_config *cfg = c->config;
  /* The spec lets `create` succeed without a process (only `start` must fail); `run` cannot. */
  if (!cfg->has_process && !o->use_fifo)
    return tsn_error (err, 0, "config.json: `process` is required to run a container");
  /* Without a mount namespace of its own every mount of the container (the rootfs bind, /proc,
   * /dev, ...) would be made on the host; runc refuses such configs as well. */
  if (tsn_rt_config_namespace (cfg, CLONE_NEWNS) == NULL)
    return tsn_error (err, 0, "config.json: a mount namespace is required (linux.namespaces has no `mount`)");
  if (cfg->has_uid_mappings || tsn_rt_config_namespace (cfg, CLONE_NEWUSER))
    return tsn_error (err, 0, "config.json: user namespaces are not supported by tscompose-native yet");
  if (tsn_rt_rlimits_check (cfg->process.rlimits, cfg->process.n_rlimits, err) < 0
      || tsn_rt_caps_check (&cfg->process.caps, err) < 0)
    return -1;
  if (tsn_rt_seccomp_compile (cfg->seccomp, 1, &c->in.seccomp, err) < 0)
    return -1;
  if (cfg->process.terminal && o->console_socket == NULL)
    return tsn_error (err, 0, "process.terminal is true: --console-socket is required");
  if (!cfg->process.terminal && o->console_socket)
    return tsn_error (err, 0, "--console-socket was given but process.terminal is false");
  cleanup_free char *root = NULL;
  if (cfg->root_path[0] != '/' && asprintf (&root, "%s/%s", c->bundle, cfg->root_path) < 0)
    abort ();
  c->rootfs = realpath (root ? root : cfg->root_path, NULL);
  if (c->rootfs == NULL)
    return tsn_error (err, errno, "root.path `%s`", root ? root : cfg->root_path);
  return 0;
}

static int
make_state_dir (struct creation *c, const struct tsn_rt_create_opts *o, tsn_err_t *err)
{
  c->rootfd = tsn_rt_open_root (1, err);
  if (c->rootfd < 0)
    return -1;
  if (mkdirat (c->rootfd, o->id, 0700) < 0)
    {
      if (errno == EEXIST)
        return tsn_error (err, 0, "container `%s` already exists", o->id);
      return tsn_error (err, errno, "create the state of container `%s`", o->id);
    }
  c->dir_made = 1;
  c->dirfd = tsn_rt_open_container_dir (c->rootfd, o->id, err);
  if (c->dirfd < 0 || tsn_rt_lock (c->dirfd, err) < 0)
    return -1;
  if (o->use_fifo)
    {
      /* 0622: the init opens it for writing after switching to the container's user */
      if (mkfifoat (c->dirfd, TSN_RT_EXEC_FIFO, 0622) < 0
          || fchmodat (c->dirfd, TSN_RT_EXEC_FIFO, 0622, 0) < 0)
        return tsn_error (err, errno, "create the exec fifo");
      c->in.fifo_fd = openat (c->dirfd, TSN_RT_EXEC_FIFO, O_PATH | O_CLOEXEC);
      if (c->in.fifo_fd < 0)
        return tsn_error (err, errno, "open the exec fifo");
    }
  return 0;
}

static int
open_console_socket (const char *path, tsn_err_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return tsn_error (err, 0, "--console-socket `%s`: path too long", path);
  strcpy (addr.sun_path, path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return tsn_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return tsn_error (err, errno, "connect to --console-socket `%s`", path);
  return take_fd (&fd);
}

/* Opens the namespaces to join; returns the clone flags for the ones to create. */
static int
prepare_namespaces (struct creation *c, int *clone_flags, tsn_err_t *err)
{
  const struct tsn_rt_config *cfg = c->config;
  *clone_flags = 0;
  for (size_t i = 0; i < cfg->n_namespaces; i++)
    {
      const struct tsn_rt_namespace *ns = &cfg->namespaces[i];
      int k = 0;
      while (tsn_rt_ns_kinds[k].flag != ns->flag)
        k++;
      if (ns->path)
        {
          c->in.ns_fds[k] = tsn_rt_ns_open (ns->path, ns->flag, err);
          if (c->in.ns_fds[k] < 0)
            return -1;
          /* pid: setns here only affects our children, which is exactly the container's init */
          if (ns->flag == CLONE_NEWPID && setns (c->in.ns_fds[k], CLONE_NEWPID) < 0)
            return tsn_error (err, errno, "join the pid namespace `%s`", ns->path);
        }
      else if (ns->flag == CLONE_NEWCGROUP)
        c->in.new_cgroupns = 1; /* unshared by the child once it is in its cgroups */
      else if (ns->flag == CLONE_NEWTIME)
        {
          if (unshare (CLONE_NEWTIME) < 0)
            return tsn_error (err, errno, "unshare the time namespace");
        }
      else
        *clone_flags |= ns->flag;
    }
  return 0;
}

static pid_t
clone_child (int flags, int cgroup_fd)
{
  struct clone_args args = { 0 };
  args.flags = (unsigned)flags | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? (unsigned)cgroup_fd : 0;
  long pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0 && (errno == ENOSYS || errno == E2BIG) && cgroup_fd < 0)
    pid = syscall (SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
  return (pid_t)pid;
}

static int
spawn_init (struct creation *c, const struct tsn_rt_create_opts *o, tsn_err_t *err)
{
  int flags;
  if (prepare_namespaces (c, &flags, err) < 0)
    return -1;
  if (o->console_socket && (c->in.console_fd = open_console_socket (o->console_socket, err)) < 0)
    return -1;
  c->in.host_proc_fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->in.host_proc_fd < 0)
    return tsn_error (err, errno, "open /proc");
  int pair[2];
  if (tsn_sync_pair (pair, err) < 0)
    return -1;
  c->sync_parent = pair[0];
  c->in.sync_fd = pair[1];
  /* v2: start the child inside its cgroup (no window where it runs outside) */
  cleanup_close int cgfd = c->cg.v2 ? open (c->cg.unified_dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  fflush (stdout);
  fflush (stderr);
  c->child = clone_child (flags, cgfd);
  if (c->child < 0)
    return tsn_error (err, errno, "clone the container process");
  if (c->child == 0)
    {
      c->in.parent_fds[0] = c->sync_parent;
      c->in.parent_fds[1] = c->dirfd;
      c->in.parent_fds[2] = c->rootfd;
      tsn_rt_container_init (&c->in);
    }
  close_fd (&c->in.sync_fd);
  if (!c->cg.v2 && tsn_cgroup_enter (&c->cg, c->child, err) < 0)
    return -1;
  struct tsn_sync_msg m;
  if (tsn_sync_send (c->sync_parent, TSN_SYNC_GO, c->child, NULL) < 0)
    return tsn_error (err, errno, "start the container process");
  for (;;)
    {
      if (tsn_sync_recv (c->sync_parent, &m, err) < 0)
        return -1;
      if (m.type == TSN_SYNC_READY)
        return 0;
      if (m.type == TSN_SYNC_ERROR)
        return tsn_error (err, 0, "%s", m.text);
      if (m.type != TSN_SYNC_HOOKS)
        return tsn_error (err, 0, "unexpected message %u from the container process", m.type);
      cleanup_free char *state = tsn_rt_hook_state (c->config, o->id, "creating", c->child, c->bundle);
      if (tsn_rt_run_hooks (c->config, TSN_HOOK_PRESTART, state, err) < 0
          || tsn_rt_run_hooks (c->config, TSN_HOOK_CREATE_RUNTIME, state, err) < 0)
        return -1;
      if (tsn_sync_send (c->sync_parent, TSN_SYNC_GO, c->child, NULL) < 0)
        return tsn_error (err, errno, "resume the container process");
    }
}

static int
save_state (struct creation *c, const struct tsn_rt_create_opts *o, tsn_err_t *err)
{
  char created[48];
  tsn_rt_now_rfc3339 (created, sizeof created);
  struct tsn_rt_state st = {
    .id = o->id,
    .oci_version = c->config->oci_version,
    .pid = c->child,
    .bundle = c->bundle,
    .rootfs = c->rootfs,
    .created = created,
    .cgroup_path = c->cg.path,
    .cgroup_v2 = c->cg.v2,
    .cgroup_hybrid = c->cg.hybrid,
    .annotations = c->config->annotations,
  };
  int zombie = 0;
  if (tsn_rt_proc_stat (c->child, &st.start_time, &zombie) < 0 || zombie)
    return tsn_error (err, 0, "the container process exited during setup");
  st.no_process = !c->config->has_process;
  st.post_hooks = (c->config->hooks[TSN_HOOK_POSTSTART].len ? 1 : 0)
                  | (c->config->hooks[TSN_HOOK_POSTSTOP].len ? 2 : 0);
  for (size_t i = 0; i < c->config->n_namespaces; i++)
    {
      st.ns_flags |= c->config->namespaces[i].flag;
      if (c->config->namespaces[i].flag == CLONE_NEWPID && c->config->namespaces[i].path == NULL)
        st.own_pidns = 1;
    }
  if (tsn_rt_state_write (c->dirfd, &st, err) < 0)
    return -1;
  return o->pid_file ? tsn_rt_write_pid_file (o->pid_file, c->child, err) : 0;
}

int
tsn_rt_create_container (const struct tsn_rt_create_opts *o, struct tsn_rt_created *out, tsn_err_t *err)
{
  struct creation c;
  creation_init (&c);
  int r = -1;
  if (tsn_rt_validate_id (o->id, err) < 0 || load_config (&c, o, err) < 0 || make_state_dir (&c, o, err) < 0)
    goto out;
  c.in.config = c.config;
  c.in.cg = &c.cg;
  c.in.id = o->id;
  c.in.bundle = c.bundle;
  c.in.rootfs = c.rootfs;
  c.in.no_pivot = o->no_pivot;
  c.in.no_new_keyring = o->no_new_keyring;
  c.in.preserve_fds = o->preserve_fds;
  if (tsn_cgroup_init (&c.cg, c.config->cgroups_path, o->id, err) < 0
      || tsn_rt_write_small_file (c.dirfd, TSN_RT_CGROUP_FILE, c.cg.path, err) < 0)
    goto out;
  c.cgroup_made = 1;
  if (tsn_cgroup_create (&c.cg, c.config, err) < 0 || spawn_init (&c, o, err) < 0
      || save_state (&c, o, err) < 0)
    goto out;
  out->pid = c.child;
  out->sync_fd = c.sync_parent;
  c.sync_parent = -1;
  r = 0;
out:
  if (r < 0)
    tsn_error_wrap (err, "create `%s`", o->id);
  creation_release (&c, r < 0, o->id);
  return r;
}

int
tsn_rt_write_pid_file (const char *path, pid_t pid, tsn_err_t *err)
{
  cleanup_free char *tmp = NULL;
  const char *slash = strrchr (path, '/');
  if (asprintf (&tmp, "%.*s.%s.tmp", slash ? (int)(slash - path + 1) : 0, path, slash ? slash + 1 : path) < 0)
    abort ();
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return tsn_error (err, errno, "write pid file `%s`", tmp);
  if (dprintf (fd, "%d", (int)pid) < 0 || rename (tmp, path) < 0)
    return tsn_error (err, errno, "write pid file `%s`", path);
  return 0;
}

struct tsn_rt_create_opts
tsn_rt_create_opts_of (const struct tsn_opt *opts, const char *id, int use_fifo)
{
  return (struct tsn_rt_create_opts){
    .id = id,
    .bundle = opts[0].value,
    .console_socket = opts[1].value,
    .pid_file = opts[2].value,
    .no_pivot = tsn_opt_true (&opts[3]),
    .no_new_keyring = tsn_opt_true (&opts[4]),
    .preserve_fds = opts[5].value ? atoi (opts[5].value) : 0,
    .use_fifo = use_fifo,
  };
}

int
tsn_verb_create (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = {
    TSN_RT_CREATE_OPTIONS,
    { 0 },
  };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0)
    return tsn_usage_error ("create", &err);
  if (args.n_pos != 1)
    {
      tsn_error (&err, 0, "expected exactly one container id");
      tsn_args_release (opts, &args);
      return tsn_usage_error ("create", &err);
    }
  if (tsn_rt_ensure_sealed (&err) < 0)
    return tsn_rt_report (&err);
  struct tsn_rt_create_opts o = tsn_rt_create_opts_of (opts, args.pos[0], 1);
  struct tsn_rt_created created;
  int r = tsn_rt_create_container (&o, &created, &err);
  tsn_args_release (opts, &args);
  if (r < 0)
    return tsn_rt_report (&err);
  close (created.sync_fd);
  return 0;
}
