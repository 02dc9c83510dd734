/* One config.json mount, performed below the rootfs before pivot_root. Targets are resolved with
 * tsn_fs_*_in_root and mounted through /proc/self/fd/N, so a symlink in the image (or one swapped
 * in meanwhile) never sends a mount outside the rootfs (CVE-2021-30465). */
#include "container-init.h"
#include "fs-at.h"
#include "mount-options.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Files in /proc a bind mount may cover (lxcfs-style); anything else below /proc is refused
 * (CVE-2019-19921 class: a mount over /proc/self/attr or similar defeats the runtime's writes). */
static const char *const proc_allowed[] = {
  "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",    "/proc/swaps",
  "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

static int
check_proc_target (int target, const struct tsn_rt_mount *m, tsn_err_t *err)
{
  struct statfs sfs;
  if (fstatfs (target, &sfs) < 0)
    return tsn_error (err, errno, "statfs mount point `%s`", m->destination);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return 0;
  for (size_t i = 0; i < sizeof (proc_allowed) / sizeof (proc_allowed[0]); i++)
    if (strcmp (m->destination, proc_allowed[i]) == 0)
      return 0;
  return tsn_error (err, 0, "mount `%s`: mounting over procfs here is not allowed", m->destination);
}

static int
has_ns (struct tsn_rt_init *in, int flag)
{
  return tsn_rt_config_namespace (in->config, flag) != NULL;
}

/* Remounts a fresh bind mount with its own flags (a bind mount ignores them at first). */
static int
bind_remount (int rootfd, const char *dest, unsigned long flags, tsn_err_t *err)
{
  cleanup_close int fd = tsn_fs_open_in_root (rootfd, dest, O_PATH, 0, err);
  if (fd < 0)
    return -1;
  struct tsn_fd_path p;
  if (mount (NULL, tsn_fd_path (&p, fd), NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
    return tsn_error (err, errno, "remount `%s` with its options", dest);
  return 0;
}

static int
set_propagation (int rootfd, const char *dest, unsigned long prop, tsn_err_t *err)
{
  if (prop == 0)
    return 0;
  cleanup_close int fd = tsn_fs_open_in_root (rootfd, dest, O_PATH, 0, err);
  if (fd < 0)
    return -1;
  struct tsn_fd_path p;
  if (mount (NULL, tsn_fd_path (&p, fd), NULL, prop, NULL) < 0)
    return tsn_error (err, errno, "set the propagation of `%s`", dest);
  return 0;
}

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr
{
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static int
recursive_ro (int rootfd, const char *dest, tsn_err_t *err)
{
  cleanup_close int fd = tsn_fs_open_in_root (rootfd, dest, O_PATH, 0, err);
  if (fd < 0)
    return -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return tsn_error (err, errno, "make `%s` read-only recursively", dest);
  return 0;
}

/* A bind mount from the host (source relative to the bundle). */
static int
do_bind (struct tsn_rt_init *in, int rootfd, const char *dest, const char *source,
         const struct tsn_rt_mount_opts *o, tsn_err_t *err)
{
  cleanup_free char *abs = NULL;
  if (source == NULL)
    return tsn_error (err, 0, "bind mount `%s` has no source", dest);
  if (source[0] != '/' && asprintf (&abs, "%s/%s", in->bundle, source) < 0)
    abort ();
  const char *src_path = abs ? abs : source;
  cleanup_close int src = open (src_path, O_PATH | O_CLOEXEC);
  if (src < 0)
    return tsn_error (err, errno, "bind mount source `%s`", src_path);
  struct stat st;
  if (fstat (src, &st) < 0)
    return tsn_error (err, errno, "stat `%s`", src_path);
  cleanup_close int target = tsn_fs_mountpoint_in_root (rootfd, dest, S_ISDIR (st.st_mode), err);
  if (target < 0)
    return -1;
  struct tsn_rt_mount m = { .destination = dest };
  if (check_proc_target (target, &m, err) < 0)
    return -1;
  struct tsn_fd_path sp, tp;
  if (mount (tsn_fd_path (&sp, src), tsn_fd_path (&tp, target), NULL, MS_BIND | (o->flags & MS_REC), NULL)
      < 0)
    return tsn_error (err, errno, "bind mount `%s` on `%s`", src_path, dest);
  unsigned long extra = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (extra && bind_remount (rootfd, dest, extra, err) < 0)
    return -1;
  return 0;
}

/* /sys/fs/cgroup: v1 gets a tmpfs with a read-only bind of the container's directory of every
 * hierarchy (what runc shows without a cgroup namespace); v2 gets cgroup2 itself when the
 * container has its own cgroup namespace, else a bind of its directory. */
static int
do_cgroup (struct tsn_rt_init *in, int rootfd, const struct tsn_rt_mount *m,
           const struct tsn_rt_mount_opts *o, tsn_err_t *err)
{
  const struct tsn_cgroup *cg = in->cg;
  cleanup_close int target = tsn_fs_mountpoint_in_root (rootfd, m->destination, 1, err);
  if (target < 0)
    return -1;
  struct tsn_fd_path tp, sp;
  unsigned long flags = o->flags & ~(MS_BIND | MS_REC);
  if (cg->v2)
    {
      if (in->new_cgroupns)
        {
          if (mount ("cgroup2", tsn_fd_path (&tp, target), "cgroup2", flags, NULL) < 0)
            return tsn_error (err, errno, "mount cgroup2 on `%s`", m->destination);
          return 0;
        }
      cleanup_close int src = open (cg->unified_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (src < 0)
        return tsn_error (err, errno, "open `%s`", cg->unified_dir);
      if (mount (tsn_fd_path (&sp, src), tsn_fd_path (&tp, target), NULL, MS_BIND | MS_REC, NULL) < 0)
        return tsn_error (err, errno, "bind mount `%s` on `%s`", cg->unified_dir, m->destination);
      return bind_remount (rootfd, m->destination, flags, err);
    }
  if (mount ("tmpfs", tsn_fd_path (&tp, target), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
    return tsn_error (err, errno, "mount tmpfs on `%s`", m->destination);
  cleanup_close int dir = tsn_fs_open_in_root (rootfd, m->destination, O_PATH | O_DIRECTORY, 0, err);
  if (dir < 0)
    return -1;
  for (size_t i = 0; i < cg->n; i++)
    {
      const char *name = strrchr (cg->h[i].mountpoint, '/') + 1;
      if (mkdirat (dir, name, 0755) < 0 && errno != EEXIST)
        return tsn_error (err, errno, "mkdir `%s/%s`", m->destination, name);
      cleanup_close int sub = openat (dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      cleanup_close int src = open (cg->h[i].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (sub < 0 || src < 0)
        return tsn_error (err, errno, "cgroup mount `%s/%s`", m->destination, name);
      if (mount (tsn_fd_path (&sp, src), tsn_fd_path (&tp, sub), NULL, MS_BIND | MS_REC, NULL) < 0)
        return tsn_error (err, errno, "bind mount `%s` on `%s/%s`", cg->h[i].dir, m->destination, name);
      cleanup_close int top = openat (dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (top < 0 || mount (NULL, tsn_fd_path (&tp, top), NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
        return tsn_error (err, errno, "remount `%s/%s`", m->destination, name);
      /* co-mounted controllers ("cpu,cpuacct") are reachable under each name, as on the host */
      if (strchr (name, ','))
        {
          cleanup_free char *names = xstrdup (name);
          char *save = NULL;
          for (char *t = strtok_r (names, ",", &save); t; t = strtok_r (NULL, ",", &save))
            if (symlinkat (name, dir, t) < 0 && errno != EEXIST)
              return tsn_error (err, errno, "symlink `%s/%s`", m->destination, t);
        }
    }
  return 0;
}

static int
do_plain (struct tsn_rt_init *in, int rootfd, const struct tsn_rt_mount *m, const struct tsn_rt_mount_opts *o,
          tsn_err_t *err)
{
  const char *type = m->type;
  /* A container in the host's network namespace gets the host's /sys, read-only, rather than
   * a sysfs instance of its own (joined namespaces get their own: sysfs shows the netns of the
   * process that mounts it). */
  if (strcmp (type, "sysfs") == 0 && !has_ns (in, CLONE_NEWNET))
    {
      struct tsn_rt_mount_opts b = *o;
      b.flags |= MS_BIND | MS_REC | MS_RDONLY;
      return do_bind (in, rootfd, m->destination, "/sys", &b, err);
    }
  cleanup_close int target = tsn_fs_mountpoint_in_root (rootfd, m->destination, 1, err);
  if (target < 0)
    return -1;
  if (strcmp (type, "proc") != 0 && check_proc_target (target, m, err) < 0)
    return -1;
  struct tsn_fd_path tp;
  const char *source = m->source ? m->source : type;
  if (mount (source, tsn_fd_path (&tp, target), type, o->flags & ~MS_REMOUNT, *o->data ? o->data : NULL) < 0)
    return tsn_error (err, errno, "mount %s on `%s` (options `%s`)", type, m->destination, o->data);
  return 0;
}

int
tsn_rt_mount_one (struct tsn_rt_init *in, int rootfd, const struct tsn_rt_mount *m, tsn_err_t *err)
{
  struct tsn_rt_mount_opts o;
  if (tsn_rt_mount_opts_parse (&o, m->options, m->n_options, err) < 0)
    return tsn_error_wrap (err, "mount `%s`", m->destination);
  int r;
  const char *type = m->type ? m->type : "";
  if ((o.flags & MS_BIND) || strcmp (type, "bind") == 0)
    r = do_bind (in, rootfd, m->destination, m->source, &o, err);
  else if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
    r = do_cgroup (in, rootfd, m, &o, err);
  else if (*type == '\0')
    r = tsn_error (err, 0, "mount `%s`: no type and not a bind mount", m->destination);
  else
    r = do_plain (in, rootfd, m, &o, err);
  if (r == 0 && o.recursive_ro)
    r = recursive_ro (rootfd, m->destination, err);
  if (r == 0)
    r = set_propagation (rootfd, m->destination, o.propagation, err);
  tsn_rt_mount_opts_release (&o);
  return r;
}
