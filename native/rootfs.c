/* The container's root filesystem: private propagation, the rootfs bind, config mounts and /dev,
 * pivot_root(".", "."), then sysctls, read-only and masked paths and a read-only root. */
#include "container-init.h"
#include "fs-at.h"
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
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

/* pivot_root refuses a new root whose parent mount is shared; with rootfsPropagation "shared"
 * the mount holding the rootfs directory is made private (only in our mount namespace). */
static int
make_parent_private (const char *rootfs, tsn_err_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return tsn_error (err, errno, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL, *best = NULL;
  size_t cap = 0, best_len = 0;
  char mp[4096];
  while (getline (&line, &cap, f) > 0)
    {
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1)
        continue;
      size_t n = strlen (mp);
      int prefix = strcmp (mp, "/") == 0
                   || (strncmp (rootfs, mp, n) == 0 && (rootfs[n] == '/' || rootfs[n] == '\0'));
      if (prefix && n >= best_len)
        {
          free (best);
          best = xstrdup (mp);
          best_len = n;
        }
    }
  if (best && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return tsn_error (err, errno, "make `%s` private", best);
  return 0;
}

int
tsn_rt_rootfs_prepare (struct tsn_rt_init *in, int *rootfd_out, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  unsigned long prop = c->rootfs_propagation ? c->rootfs_propagation : (MS_SLAVE | MS_REC);
  /* An unbindable tree cannot be bind-mounted: the rootfs bind needs it private first, and the
   * container's root becomes unbindable after pivot_root (rootfs_finalize). */
  if (prop & MS_UNBINDABLE)
    prop = MS_PRIVATE | (prop & MS_REC);
  if (mount (NULL, "/", NULL, prop, NULL) < 0)
    return tsn_error (err, errno, "set the propagation of /");
  if ((prop & MS_SHARED) && make_parent_private (in->rootfs, err) < 0)
    return -1;
  if (mount (in->rootfs, in->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return tsn_error (err, errno, "bind mount the rootfs `%s`", in->rootfs);
  cleanup_close int rootfd = open (in->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return tsn_error (err, errno, "open the rootfs `%s`", in->rootfs);
  for (size_t i = 0; i < c->n_mounts; i++)
    if (tsn_rt_mount_one (in, rootfd, &c->mounts[i], err) < 0)
      return -1;
  if (tsn_rt_setup_dev (in, rootfd, err) < 0)
    return -1;
  if (c->has_process)
    {
      /* like runc, a missing working directory is created (owned by root, 0755) */
      cleanup_close int cwd = tsn_fs_mkdir_p_in_root (rootfd, c->process.cwd, 0755, err);
      if (cwd < 0)
        return tsn_error_wrap (err, "process.cwd");
    }
  *rootfd_out = take_fd (&rootfd);
  return 0;
}

int
tsn_rt_rootfs_enter (struct tsn_rt_init *in, int rootfd, tsn_err_t *err)
{
  if (in->no_pivot)
    {
      if (fchdir (rootfd) < 0)
        return tsn_error (err, errno, "chdir to the rootfs");
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return tsn_error (err, errno, "move the rootfs to /");
      if (chroot (".") < 0)
        return tsn_error (err, errno, "chroot into the rootfs");
      if (chdir ("/") < 0)
        return tsn_error (err, errno, "chdir /");
      return 0;
    }
  /* pivot_root(".", "."): the old root ends up stacked on the new one; detaching it from there
   * (after making it a slave so nothing propagates back to the host) leaves only the rootfs,
   * with no directory needed inside the image for the old root. */
  cleanup_close int oldroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return tsn_error (err, errno, "open /");
  if (fchdir (rootfd) < 0)
    return tsn_error (err, errno, "chdir to the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return tsn_error (err, errno, "pivot_root into `%s`", in->rootfs);
  if (fchdir (oldroot) < 0)
    return tsn_error (err, errno, "chdir to the old root");
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return tsn_error (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return tsn_error (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return tsn_error (err, errno, "chdir /");
  return 0;
}

/* After pivot_root paths cannot leave the rootfs; targets are still opened first and mounted
 * through /proc/self/fd when the container has a procfs, so a path is resolved exactly once. */
static const char *
target_path (struct tsn_fd_path *buf, int fd, const char *path)
{
  struct statfs sfs;
  if (statfs ("/proc/self/fd", &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
    return tsn_fd_path (buf, fd);
  return path;
}

static unsigned long
kept_flags (int fd)
{
  struct statvfs sv;
  unsigned long flags = 0;
  if (fstatvfs (fd, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

static int
readonly_path (int rootfd, const char *path, tsn_err_t *err)
{
  cleanup_close int fd = tsn_fs_open_in_root_opt (rootfd, path, O_PATH, err);
  if (fd == -ENOENT)
    return 0;
  if (fd < 0)
    return -1;
  struct tsn_fd_path p;
  if (mount (target_path (&p, fd, path), target_path (&p, fd, path), NULL, MS_BIND | MS_REC, NULL) < 0)
    return tsn_error (err, errno, "bind `%s` onto itself", path);
  cleanup_close int top = tsn_fs_open_in_root (rootfd, path, O_PATH, 0, err);
  if (top < 0)
    return -1;
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags (top);
  if (mount (NULL, target_path (&p, top, path), NULL, flags, NULL) < 0)
    return tsn_error (err, errno, "remount `%s` read-only", path);
  return 0;
}

/* A masked file gets /dev/null, a masked directory an empty read-only tmpfs. The /dev/null used
 * must really be the null device (CVE-2025-31133: a symlink there once exposed host files). */
static int
masked_path (int rootfd, int devnull, const char *path, tsn_err_t *err)
{
  cleanup_close int fd = tsn_fs_open_in_root_opt (rootfd, path, O_PATH, err);
  if (fd == -ENOENT)
    return 0;
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat (fd, &st) < 0)
    return tsn_error (err, errno, "stat `%s`", path);
  struct tsn_fd_path p, np;
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", target_path (&p, fd, path), "tmpfs", MS_RDONLY, NULL) < 0)
        return tsn_error (err, errno, "mask `%s`", path);
      return 0;
    }
  if (mount (target_path (&np, devnull, "/dev/null"), target_path (&p, fd, path), NULL, MS_BIND, NULL) < 0)
    return tsn_error (err, errno, "mask `%s`", path);
  return 0;
}

static int
open_devnull (int rootfd, tsn_err_t *err)
{
  cleanup_close int fd = tsn_fs_open_in_root (rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat (fd, &st) < 0)
    return tsn_error (err, errno, "stat /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return tsn_error (err, 0, "/dev/null in the container is not the null device (char 1:3)");
  return take_fd (&fd);
}

int tsn_rt_apply_sysctls (struct tsn_rt_init *in, int rootfd, tsn_err_t *err);

int
tsn_rt_rootfs_finalize (struct tsn_rt_init *in, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return tsn_error (err, errno, "open /");
  if (tsn_rt_apply_sysctls (in, rootfd, err) < 0)
    return -1;
  /* The rootfs bind sits on a mount made private for pivot_root, so it is private itself: a
   * shared or unbindable root is set here, on the container's own root. */
  if ((c->rootfs_propagation & (MS_UNBINDABLE | MS_SHARED))
      && mount (NULL, "/", NULL, c->rootfs_propagation, NULL) < 0)
    return tsn_error (err, errno, "set the propagation of the container's root");
  for (size_t i = 0; i < c->n_readonly_paths; i++)
    if (readonly_path (rootfd, c->readonly_paths[i], err) < 0)
      return -1;
  if (c->n_masked_paths)
    {
      cleanup_close int devnull = open_devnull (rootfd, err);
      if (devnull < 0)
        return -1;
      for (size_t i = 0; i < c->n_masked_paths; i++)
        if (masked_path (rootfd, devnull, c->masked_paths[i], err) < 0)
          return -1;
    }
  if (c->root_readonly)
    {
      unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags (rootfd);
      if (mount (NULL, "/", NULL, flags, NULL) < 0)
        return tsn_error (err, errno, "remount the root read-only");
    }
  return 0;
}
