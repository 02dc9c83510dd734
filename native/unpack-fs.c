/* Removing and annotating objects under the unpack root: recursive removal that never follows
 * a symlink, metadata (owner, mode, xattrs, times) in the order that preserves it, deferred
 * directory times. */
#include "unpack.h"
#include "utils.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

int
tsn_unpack_remove (int parent, const char *name, tsn_err_t *err)
{
  if (unlinkat (parent, name, 0) == 0)
    return 0;
  if (errno != EISDIR)
    return tsn_error (err, errno, "remove `%s`", name);
  int fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open `%s`", name);
  cleanup_dir DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return tsn_error (err, errno, "opendir `%s`", name);
    }
  struct dirent *de;
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (tsn_unpack_remove (dirfd (d), de->d_name, err) < 0)
        return -1;
    }
  if (errno != 0)
    return tsn_error (err, errno, "readdir `%s`", name);
  if (unlinkat (parent, name, AT_REMOVEDIR) < 0)
    return tsn_error (err, errno, "rmdir `%s`", name);
  return 0;
}

static int
set_xattrs (int parent, const char *base, int fd, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  char proc_path[64 + 256];
  if (fd < 0 && e->n_xattrs > 0)
    /* No fd on a symlink or device that xattr calls accept: go through the parent directory's
     * fd (a path the kernel resolves to that very directory) and do not follow `base`. */
    snprintf (proc_path, sizeof (proc_path), "/proc/self/fd/%d/%s", parent, base);
  for (size_t i = 0; i < e->n_xattrs; i++)
    {
      const struct tsn_tar_xattr *x = &e->xattrs[i];
      int rc = fd >= 0 ? fsetxattr (fd, x->name, x->value, x->len, 0)
                       : lsetxattr (proc_path, x->name, x->value, x->len, 0);
      /* A file system without xattr support loses them, as containerd and moby accept. */
      if (rc < 0 && errno != ENOTSUP && errno != EOPNOTSUPP)
        return tsn_error (err, errno, "set xattr `%s`", x->name);
    }
  return 0;
}

int
tsn_unpack_set_meta (int parent, const char *base, int fd, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  if (e->uid > 0xfffffffeULL || e->gid > 0xfffffffeULL)
    return tsn_error (err, 0, "uid/gid %llu:%llu out of range", (unsigned long long)e->uid,
                      (unsigned long long)e->gid);
  uid_t uid = (uid_t)e->uid;
  gid_t gid = (gid_t)e->gid;
  int rc = fd >= 0 ? fchown (fd, uid, gid) : fchownat (parent, base, uid, gid, AT_SYMLINK_NOFOLLOW);
  if (rc < 0)
    return tsn_error (err, errno, "chown");
  if (e->type != TSN_TAR_SYMLINK)
    {
      /* fchmodat(AT_SYMLINK_NOFOLLOW) refuses rather than follows a symlink (glibc goes through
       * an O_PATH|O_NOFOLLOW fd), so it cannot be redirected out of the root. */
      rc = fd >= 0 ? fchmod (fd, e->mode) : fchmodat (parent, base, e->mode, AT_SYMLINK_NOFOLLOW);
      if (rc < 0)
        return tsn_error (err, errno, "chmod");
    }
  return set_xattrs (parent, base, fd, e, err);
}

static void
entry_times (const struct tsn_tar_entry *e, struct timespec ts[2])
{
  ts[1].tv_sec = e->mtime_sec;
  ts[1].tv_nsec = e->mtime_nsec;
  ts[0] = ts[1];
  if (e->has_atime)
    {
      ts[0].tv_sec = e->atime_sec;
      ts[0].tv_nsec = e->atime_nsec;
    }
}

int
tsn_unpack_set_times (int parent, const char *base, int fd, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  struct timespec ts[2];
  entry_times (e, ts);
  int rc = fd >= 0 ? futimens (fd, ts) : utimensat (parent, base, ts, AT_SYMLINK_NOFOLLOW);
  if (rc < 0)
    return tsn_error (err, errno, "set times");
  return 0;
}

void
tsn_unpack_defer_dirtime (struct tsn_unpack_ctx *ctx, const char *path, const struct tsn_tar_entry *e)
{
  if (ctx->n_dirtimes == ctx->cap_dirtimes)
    {
      ctx->cap_dirtimes = ctx->cap_dirtimes ? ctx->cap_dirtimes * 2 : 64;
      ctx->dirtimes = xrealloc (ctx->dirtimes, ctx->cap_dirtimes * sizeof (*ctx->dirtimes));
    }
  struct tsn_unpack_dirtime *d = &ctx->dirtimes[ctx->n_dirtimes++];
  d->path = xstrdup (path);
  entry_times (e, d->times);
}

int
tsn_unpack_apply_dirtimes (struct tsn_unpack_ctx *ctx, tsn_err_t *err)
{
  for (size_t i = 0; i < ctx->n_dirtimes; i++)
    {
      struct tsn_unpack_dirtime *d = &ctx->dirtimes[i];
      const char *base;
      cleanup_close int parent = tsn_unpack_open_parent (ctx, d->path, 0, &base, err);
      if (parent < 0)
        return tsn_error_wrap (err, "directory `%s`", d->path);
      /* A later entry may have replaced the directory by something else: then it has no time
       * of its own to restore. */
      cleanup_close int fd = openat (parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
        continue;
      if (fd < 0 || futimens (fd, d->times) < 0)
        return tsn_error (err, errno, "set times of directory `%s`", d->path);
    }
  return 0;
}

void
tsn_unpack_ctx_release (struct tsn_unpack_ctx *ctx)
{
  for (size_t i = 0; i < ctx->n_dirtimes; i++)
    free (ctx->dirtimes[i].path);
  free (ctx->dirtimes);
  ctx->dirtimes = NULL;
  ctx->n_dirtimes = ctx->cap_dirtimes = 0;
}
