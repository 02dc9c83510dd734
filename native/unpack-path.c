/* Names and directories inside the unpack root. Every directory is opened either with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) or by walk(), which emulates it one component
 * at a time with O_NOFOLLOW and resolves symlinks itself, clamped at the root. Both are
 * exercised by the tests (`--resolve=walk` forces the walk). */
#include "unpack.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40 /* as the kernel's MAXSYMLINKS */
#define MAX_WALK_PATH (64 * 1024)

int
tsn_unpack_clean_path (const char *name, char **out, tsn_err_t *err)
{
  if (name[0] == '\0')
    return tsn_error (err, 0, "unsafe entry: empty name");
  if (name[0] == '/')
    return tsn_error (err, 0, "unsafe entry `%s`: absolute path", name);
  size_t n = strlen (name);
  cleanup_free char *res = xmalloc (n + 1);
  size_t len = 0;
  for (const char *p = name; *p;)
    {
      const char *s = p;
      while (*p && *p != '/')
        p++;
      size_t cl = (size_t)(p - s);
      if (*p == '/')
        p++;
      if (cl == 0 || (cl == 1 && s[0] == '.'))
        continue;
      if (cl == 2 && s[0] == '.' && s[1] == '.')
        {
          if (len == 0)
            return tsn_error (err, 0, "unsafe entry `%s`: `..` leads outside the target", name);
          char *slash = memrchr (res, '/', len);
          len = slash ? (size_t)(slash - res) : 0;
          continue;
        }
      if (len)
        res[len++] = '/';
      memcpy (res + len, s, cl);
      len += cl;
    }
  res[len] = '\0';
  *out = get_and_reset_ptr ((void **)&res);
  return 0;
}

static int
dup_fd (int fd, tsn_err_t *err)
{
  int r = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (r < 0)
    return tsn_error (err, errno, "dup");
  return r;
}

/* Returns the fd, -1 on a definite error, -2 when the walk must take over. */
static int
try_openat2 (struct tsn_unpack_ctx *ctx, const char *path, int create, tsn_err_t *err)
{
  if (ctx->force_walk || ctx->no_openat2)
    return -2;
  struct open_how how = {
    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  for (int tries = 0; tries < 16; tries++)
    {
      int fd = (int)syscall (SYS_openat2, ctx->root_fd, path[0] ? path : ".", &how, sizeof (how));
      if (fd >= 0)
        return fd;
      switch (errno)
        {
        case EINTR:
        case EAGAIN: /* a rename or mount raced the lookup: the kernel asks us to retry */
          continue;
        case ENOSYS:
        case EPERM: /* seccomp filters commonly answer EPERM for syscalls they do not know */
        case E2BIG:
        case EINVAL:
          ctx->no_openat2 = 1;
          return -2;
        case ENOENT:
          if (create)
            return -2; /* the walk creates what is missing */
          /* fallthrough */
        default:
          return tsn_error (err, errno, "resolve `%s` inside the target", path);
        }
    }
  return -2;
}

/* Opens an existing directory `name` under `cur` without following it; makes it first when
 * `create`. Returns the fd, -1 with errno set for the caller to interpret. */
static int
step (int cur, const char *name, int create)
{
  int fd = openat (cur, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || !create)
    return fd;
  if (mkdirat (cur, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return openat (cur, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
}

/* Re-opens the already resolved (symlink-free) path `resolved` from the root. */
static int
reopen (struct tsn_unpack_ctx *ctx, const char *resolved, tsn_err_t *err)
{
  cleanup_close int cur = dup_fd (ctx->root_fd, err);
  if (cur < 0)
    return -1;
  cleanup_free char *copy = xstrdup (resolved);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      int fd = step (cur, c, 0);
      if (fd < 0)
        return tsn_error (err, errno, "reopen `%s` inside the target", resolved);
      close (cur);
      cur = fd;
    }
  return take_fd (&cur);
}

/* Substitutes a symlink's target for the component just read: the remaining path becomes
 * target + "/" + rest. Absolute targets restart from the root (as RESOLVE_IN_ROOT does). */
static int
follow_link (int cur, const char *name, const char *rest, char **todo, int *absolute, tsn_err_t *err)
{
  char target[4096];
  ssize_t n = readlinkat (cur, name, target, sizeof (target) - 1);
  if (n < 0)
    return tsn_error (err, errno, "readlink `%s`", name);
  target[n] = '\0';
  size_t total = (size_t)n + 1 + strlen (rest) + 1;
  if (total > MAX_WALK_PATH)
    return tsn_error (err, ENAMETOOLONG, "resolve `%s`", name);
  char *next = xmalloc (total);
  snprintf (next, total, "%s/%s", target, rest);
  free (*todo);
  *todo = next;
  *absolute = target[0] == '/';
  return 0;
}

static void
push_component (char **resolved, size_t *len, const char *c)
{
  size_t cl = strlen (c);
  *resolved = xrealloc (*resolved, *len + cl + 2);
  if (*len)
    (*resolved)[(*len)++] = '/';
  memcpy (*resolved + *len, c, cl + 1);
  *len += cl;
}

static int
walk (struct tsn_unpack_ctx *ctx, const char *path, int create, tsn_err_t *err)
{
  cleanup_close int cur = dup_fd (ctx->root_fd, err);
  if (cur < 0)
    return -1;
  cleanup_free char *todo = xstrdup (path);
  cleanup_free char *resolved = xstrdup ("");
  size_t rlen = 0, pos = 0;
  int links = 0;
  while (todo[pos])
    {
      size_t start = pos;
      while (todo[pos] && todo[pos] != '/')
        pos++;
      char saved = todo[pos];
      todo[pos] = '\0';
      const char *c = todo + start;
      const char *rest = saved ? todo + pos + 1 : "";
      if (c[0] == '\0' || strcmp (c, ".") == 0)
        ;
      else if (strcmp (c, "..") == 0)
        {
          /* Never openat(".."): step back in the resolved path and reopen from the root. */
          char *slash = memrchr (resolved, '/', rlen);
          rlen = slash ? (size_t)(slash - resolved) : 0;
          resolved[rlen] = '\0';
          int fd = reopen (ctx, resolved, err);
          if (fd < 0)
            return -1;
          close (cur);
          cur = fd;
        }
      else
        {
          int fd = step (cur, c, create);
          if (fd >= 0)
            {
              close (cur);
              cur = fd;
              push_component (&resolved, &rlen, c);
            }
          else if (errno == ENOTDIR || errno == ELOOP)
            {
              struct stat st;
              if (fstatat (cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return tsn_error (err, errno, "stat `%s` inside the target", path);
              if (!S_ISLNK (st.st_mode))
                return tsn_error (err, ENOTDIR, "resolve `%s` inside the target", path);
              if (++links > MAX_SYMLINKS)
                return tsn_error (err, ELOOP, "resolve `%s` inside the target", path);
              int absolute = 0;
              if (follow_link (cur, c, rest, &todo, &absolute, err) < 0)
                return -1;
              pos = 0;
              if (absolute)
                {
                  int fd2 = dup_fd (ctx->root_fd, err);
                  if (fd2 < 0)
                    return -1;
                  close (cur);
                  cur = fd2;
                  rlen = 0;
                  resolved[0] = '\0';
                }
              continue;
            }
          else
            return tsn_error (err, errno, "resolve `%s` inside the target", path);
        }
      todo[pos] = saved;
      if (saved)
        pos++;
    }
  return take_fd (&cur);
}

int
tsn_unpack_open_dir (struct tsn_unpack_ctx *ctx, const char *path, int create, tsn_err_t *err)
{
  int fd = try_openat2 (ctx, path, create, err);
  if (fd != -2)
    return fd;
  return walk (ctx, path, create, err);
}

int
tsn_unpack_open_parent (struct tsn_unpack_ctx *ctx, const char *path, int create, const char **base,
                        tsn_err_t *err)
{
  const char *slash = strrchr (path, '/');
  if (slash == NULL)
    {
      *base = path;
      return tsn_unpack_open_dir (ctx, "", create, err);
    }
  *base = slash + 1;
  cleanup_free char *parent = strndup (path, (size_t)(slash - path));
  if (parent == NULL)
    abort ();
  return tsn_unpack_open_dir (ctx, parent, create, err);
}
