/* Path resolution inside a root directory; see fs-at.h. */
#include "fs-at.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40
#define MAX_DEPTH 256

/* -1 unknown, 0 missing (ENOSYS or forced off), 1 available. Cached per process. */
static int openat2_state = -1;

int
tsn_fs_has_openat2 (void)
{
  if (openat2_state < 0)
    {
      const char *off = getenv ("TSN_NO_OPENAT2");
      openat2_state = (off && strcmp (off, "1") == 0) ? 0 : 1;
    }
  return openat2_state;
}

const char *
tsn_fd_path (struct tsn_fd_path *buf, int fd)
{
  snprintf (buf->s, sizeof buf->s, "/proc/self/fd/%d", fd);
  return buf->s;
}

char *
tsn_fs_split_parent (const char *path, const char **base)
{
  char *dup = xstrdup (path);
  size_t n = strlen (dup);
  while (n > 1 && dup[n - 1] == '/')
    dup[--n] = '\0';
  char *slash = strrchr (dup, '/');
  if (slash == NULL)
    {
      *base = path;
      dup[0] = '\0';
      return dup;
    }
  *base = path + (slash - dup) + 1;
  if (slash == dup)
    slash[1] = '\0';
  else
    *slash = '\0';
  return dup;
}

/* ---- user-space walk (no openat2) ---- */
struct walk
{
  int rootfd;
  int fds[MAX_DEPTH];
  int n;
};

static int
walk_cur (struct walk *w)
{
  return w->n ? w->fds[w->n - 1] : w->rootfd;
}

static void
walk_reset (struct walk *w)
{
  while (w->n > 0)
    close (w->fds[--w->n]);
}

/* Replaces the unresolved rest of the path with `target` + "/" + rest. */
static char *
splice_link (const char *target, const char *rest)
{
  char *out = NULL;
  if (asprintf (&out, "%s/%s", target, rest) < 0)
    abort ();
  return out;
}

static int
read_link (int dirfd, const char *name, char *buf, size_t size)
{
  ssize_t n = readlinkat (dirfd, name, buf, size - 1);
  if (n < 0)
    return -1;
  if ((size_t)n >= size - 1)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  buf[n] = '\0';
  return 0;
}

static int
walk_open (int rootfd, const char *path, int flags, mode_t mode, int *err_no)
{
  struct walk w = { .rootfd = rootfd, .n = 0 };
  cleanup_free char *todo = xstrdup (path);
  const char *p = todo;
  int links = 0;
  char name[NAME_MAX + 1];
  char target[PATH_MAX];
  for (;;)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        {
          /* The path names a directory already reached (e.g. "/" or "a/.."). */
          int fd = openat (walk_cur (&w), ".", (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC);
          *err_no = errno;
          walk_reset (&w);
          return fd;
        }
      const char *end = strchrnul (p, '/');
      size_t len = (size_t)(end - p);
      if (len > NAME_MAX)
        {
          walk_reset (&w);
          *err_no = ENAMETOOLONG;
          return -1;
        }
      memcpy (name, p, len);
      name[len] = '\0';
      const char *rest = end;
      while (*rest == '/')
        rest++;
      int last = *rest == '\0';
      p = rest;
      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          if (w.n > 0)
            close (w.fds[--w.n]);
          continue;
        }
      int fd;
      if (!last)
        fd = openat (walk_cur (&w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      else
        fd = openat (walk_cur (&w), name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
      int is_link = 0;
      if (fd < 0 && last && errno == ENOTDIR && !(flags & O_NOFOLLOW))
        {
          /* O_DIRECTORY on a symlink opened with O_NOFOLLOW: ENOTDIR, not ELOOP */
          struct stat lst;
          if (fstatat (walk_cur (&w), name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (lst.st_mode))
            errno = ELOOP;
          else
            errno = ENOTDIR;
        }
      if (fd < 0)
        {
          if (!(last && errno == ELOOP && !(flags & O_NOFOLLOW)))
            {
              *err_no = errno;
              walk_reset (&w);
              return -1;
            }
          is_link = 1;
        }
      else if (!last || (flags & O_PATH))
        {
          struct stat st;
          if (fstat (fd, &st) < 0)
            {
              *err_no = errno;
              close (fd);
              walk_reset (&w);
              return -1;
            }
          if (S_ISLNK (st.st_mode) && !(last && (flags & O_NOFOLLOW)))
            is_link = 1;
          else if (!last && !S_ISDIR (st.st_mode))
            {
              close (fd);
              walk_reset (&w);
              *err_no = ENOTDIR;
              return -1;
            }
        }
      if (!is_link)
        {
          if (last)
            {
              walk_reset (&w);
              return fd;
            }
          if (w.n == MAX_DEPTH)
            {
              close (fd);
              walk_reset (&w);
              *err_no = ENAMETOOLONG;
              return -1;
            }
          w.fds[w.n++] = fd;
          continue;
        }
      /* A symlink: read it (from the fd when we have one) and resolve its target in the root. */
      int r = fd >= 0 ? read_link (fd, "", target, sizeof target)
                      : read_link (walk_cur (&w), name, target, sizeof target);
      if (fd >= 0)
        close (fd);
      if (r < 0 || ++links > MAX_SYMLINKS)
        {
          *err_no = r < 0 ? errno : ELOOP;
          walk_reset (&w);
          return -1;
        }
      if (target[0] == '/')
        walk_reset (&w);
      char *next = splice_link (target, rest);
      free (todo);
      todo = next;
      p = todo;
    }
}

static int
do_openat2 (int rootfd, const char *path, int flags, mode_t mode, int *err_no)
{
  struct open_how how = { 0 };
  how.flags = (unsigned long long)(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 16; attempt++)
    {
      long fd = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      if (fd >= 0)
        return (int)fd;
      /* EAGAIN: a concurrent rename or mount raced the lookup; the kernel asks us to retry. */
      if (errno != EAGAIN && errno != EINTR)
        break;
    }
  *err_no = errno;
  return -1;
}

static int
open_in_root (int rootfd, const char *path, int flags, mode_t mode, int *err_no)
{
  if (tsn_fs_has_openat2 ())
    {
      int fd = do_openat2 (rootfd, path, flags, mode, err_no);
      if (fd >= 0 || (*err_no != ENOSYS && *err_no != E2BIG))
        return fd;
      openat2_state = 0;
    }
  return walk_open (rootfd, path, flags, mode, err_no);
}

int
tsn_fs_open_in_root (int rootfd, const char *path, int flags, mode_t mode, tsn_err_t *err)
{
  int e = 0;
  int fd = open_in_root (rootfd, path, flags, mode, &e);
  if (fd < 0)
    return tsn_error (err, e, "open `%s` in the container root", path);
  return fd;
}

int
tsn_fs_open_in_root_opt (int rootfd, const char *path, int flags, tsn_err_t *err)
{
  int e = 0;
  int fd = open_in_root (rootfd, path, flags, 0, &e);
  if (fd < 0)
    {
      if (e == ENOENT)
        return -ENOENT;
      return tsn_error (err, e, "open `%s` in the container root", path);
    }
  return fd;
}

/* `prefix` + "/" + `target` (target relative to the link's directory) + "/" + `rest`, or
 * `target` + "/" + `rest` for an absolute target: the path a dangling symlink stands for. */
static char *
follow_dangling (const char *prefix, const char *target, const char *rest)
{
  char *out = NULL;
  int r = target[0] == '/' ? asprintf (&out, "%s/%s", target, rest)
                           : asprintf (&out, "%s/%s/%s", prefix, target, rest);
  if (r < 0)
    abort ();
  return out;
}

static int
mkdir_p (int rootfd, const char *path, mode_t mode, int links, tsn_err_t *err)
{
  int e = 0;
  int fd = open_in_root (rootfd, path, O_PATH | O_DIRECTORY, 0, &e);
  if (fd >= 0 || (e != ENOENT && e != ENOTDIR))
    return fd >= 0 ? fd : tsn_error (err, e, "open directory `%s` in the container root", path);

  /* Walk the prefixes; each one is resolved from the root again, so a symlink created by the
   * image (or swapped in meanwhile) is always followed inside the root. A dangling symlink is
   * followed too (runc does the same): its target is created, inside the root. */
  cleanup_free char *prefix = xmalloc (strlen (path) + 2);
  size_t plen = 0;
  cleanup_close int parent = open_in_root (rootfd, "/", O_PATH | O_DIRECTORY, 0, &e);
  if (parent < 0)
    return tsn_error (err, e, "open the container root");
  const char *p = path;
  for (;;)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        return take_fd (&parent);
      const char *end = strchrnul (p, '/');
      size_t len = (size_t)(end - p);
      size_t parent_len = plen;
      prefix[plen++] = '/';
      memcpy (prefix + plen, p, len);
      plen += len;
      prefix[plen] = '\0';
      cleanup_free char *comp = strndup (p, len);
      p = end;
      int next = open_in_root (rootfd, prefix, O_PATH | O_DIRECTORY, 0, &e);
      if (next < 0 && e == ENOENT)
        {
          if (mkdirat (parent, comp, mode) < 0 && errno != EEXIST)
            return tsn_error (err, errno, "mkdir `%s` in the container root", prefix);
          next = open_in_root (rootfd, prefix, O_PATH | O_DIRECTORY, 0, &e);
          char target[PATH_MAX];
          if (next < 0 && e == ENOENT && read_link (parent, comp, target, sizeof target) == 0)
            {
              if (++links > MAX_SYMLINKS)
                return tsn_error (err, ELOOP, "mkdir `%s` in the container root", path);
              prefix[parent_len] = '\0';
              cleanup_free char *again = follow_dangling (prefix, target, p);
              return mkdir_p (rootfd, again, mode, links, err);
            }
        }
      if (next < 0)
        return tsn_error (err, e, "open directory `%s` in the container root", prefix);
      close (parent);
      parent = next;
    }
}

int
tsn_fs_mkdir_p_in_root (int rootfd, const char *path, mode_t mode, tsn_err_t *err)
{
  return mkdir_p (rootfd, path, mode, 0, err);
}

static int
mountpoint (int rootfd, const char *path, int is_dir, int links, tsn_err_t *err)
{
  int e = 0;
  int fd = open_in_root (rootfd, path, O_PATH, 0, &e);
  if (fd >= 0)
    return fd;
  if (e != ENOENT)
    return tsn_error (err, e, "open mount point `%s` in the container root", path);
  if (is_dir)
    return mkdir_p (rootfd, path, 0755, links, err);

  const char *base;
  cleanup_free char *parent_path = tsn_fs_split_parent (path, &base);
  if (*base == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return tsn_error (err, 0, "mount point `%s`: not a file name", path);
  cleanup_close int parent = mkdir_p (rootfd, *parent_path ? parent_path : "/", 0755, links, err);
  if (parent < 0)
    return -1;
  cleanup_close int created = openat (parent, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
  if (created < 0 && errno == ELOOP)
    {
      /* a dangling symlink (e.g. /etc/resolv.conf -> ../run/...): create its target, in the root */
      char target[PATH_MAX];
      if (read_link (parent, base, target, sizeof target) < 0)
        return tsn_error (err, errno, "read link `%s` in the container root", path);
      if (++links > MAX_SYMLINKS)
        return tsn_error (err, ELOOP, "create mount point `%s` in the container root", path);
      cleanup_free char *again = follow_dangling (*parent_path ? parent_path : "/", target, "");
      return mountpoint (rootfd, again, 0, links, err);
    }
  if (created < 0 && errno != EEXIST)
    return tsn_error (err, errno, "create mount point `%s` in the container root", path);
  return tsn_fs_open_in_root (rootfd, path, O_PATH, 0, err);
}

int
tsn_fs_mountpoint_in_root (int rootfd, const char *path, int is_dir, tsn_err_t *err)
{
  return mountpoint (rootfd, path, is_dir, 0, err);
}
