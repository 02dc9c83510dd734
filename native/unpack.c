/* `tscompose-native unpack [--resolve=auto|walk] DIR`: reads an uncompressed layer tar from stdin
 * and applies it to DIR (see unpack.h for the safety model). On success it prints exactly one
 * JSON line, {"size":<bytes read from stdin>,"entries":<entries>}, and exits 0. On a malformed or
 * truncated archive or an unsafe entry it prints the error (a JSON line with --log-format json)
 * and exits 1; DIR may then hold part of the layer and must be discarded by the caller. */
#include "tar.h"
#include "unpack.h"
#include "utils.h"
#include "verbs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int
write_all (int fd, const unsigned char *p, size_t n)
{
  while (n > 0)
    {
      long w = TEMP_FAILURE_RETRY_INT (write (fd, p, n));
      if (w < 0)
        return -1;
      p += w;
      n -= (size_t)w;
    }
  return 0;
}

static int
create_file (struct tsn_tar_reader *r, int parent, const char *base, const struct tsn_tar_entry *e,
             tsn_err_t *err)
{
  /* O_EXCL|O_NOFOLLOW: whatever was at `base` has been removed; never write through a link. */
  cleanup_close int fd = openat (parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return tsn_error (err, errno, "create");
  for (;;)
    {
      const unsigned char *data;
      long n = tsn_tar_data (r, &data, TSN_TAR_BUF, err);
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      if (write_all (fd, data, (size_t)n) < 0)
        return tsn_error (err, errno, "write");
    }
  if (tsn_unpack_set_meta (parent, base, fd, e, err) < 0)
    return -1;
  return tsn_unpack_set_times (parent, base, fd, e, err);
}

static int
create_dir (struct tsn_unpack_ctx *ctx, const char *path, int parent, const char *base, int exists,
            int over_whiteout, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  if (!exists && mkdirat (parent, base, 0700) < 0)
    return tsn_error (err, errno, "mkdir");
  cleanup_close int fd = openat (parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open directory");
  if (tsn_unpack_set_meta (parent, base, fd, e, err) < 0)
    return -1;
  /* This layer deleted the lower NAME (whiteout) and also has a directory NAME: only the new
   * directory's own entries may show through. */
  if (over_whiteout && tsn_unpack_set_opaque (fd, err) < 0)
    return -1;
  tsn_unpack_defer_dirtime (ctx, path, e);
  return 0;
}

static int
create_hardlink (struct tsn_unpack_ctx *ctx, int parent, const char *base, const char *source,
                 const struct tsn_tar_entry *e, tsn_err_t *err)
{
  const char *sbase;
  /* The source's parent resolves inside the root like any path; the source itself is not
   * followed, so a link to a symlink links the symlink. */
  cleanup_close int sparent = tsn_unpack_open_parent (ctx, source, 0, &sbase, err);
  if (sparent < 0)
    return tsn_error_wrap (err, "hardlink source `%s`", e->linkpath);
  if (linkat (sparent, sbase, parent, base, 0) < 0)
    return tsn_error (err, errno, "hardlink to `%s`", e->linkpath);
  return 0;
}

static int
create_node (int parent, const char *base, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  mode_t fmt = e->type == TSN_TAR_CHAR ? S_IFCHR : e->type == TSN_TAR_BLOCKDEV ? S_IFBLK : S_IFIFO;
  dev_t dev = e->type == TSN_TAR_FIFO ? 0 : makedev (e->devmajor, e->devminor);
  if (mknodat (parent, base, fmt | 0600, dev) < 0)
    return tsn_error (err, errno, "mknod");
  if (tsn_unpack_set_meta (parent, base, -1, e, err) < 0)
    return -1;
  return tsn_unpack_set_times (parent, base, -1, e, err);
}

static int
create_symlink (int parent, const char *base, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  /* The target is data for the container: it may be absolute or climb with `..`; it is never
   * followed here (parents are resolved inside the root). */
  if (e->linkpath[0] == '\0')
    return tsn_error (err, 0, "symlink with an empty target");
  if (symlinkat (e->linkpath, parent, base) < 0)
    return tsn_error (err, errno, "symlink");
  if (tsn_unpack_set_meta (parent, base, -1, e, err) < 0)
    return -1;
  return tsn_unpack_set_times (parent, base, -1, e, err);
}

/* Clears the way for the new entry: a directory over a directory merges (keeps it); anything
 * else replaces what is there. Reports whether the old object was an overlay whiteout. */
static int
make_room (int parent, const char *base, const struct tsn_tar_entry *e, int *exists_dir, int *was_whiteout,
           tsn_err_t *err)
{
  struct stat st;
  *exists_dir = *was_whiteout = 0;
  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : tsn_error (err, errno, "stat");
  if (S_ISDIR (st.st_mode) && e->type == TSN_TAR_DIR)
    {
      *exists_dir = 1;
      return 0;
    }
  *was_whiteout = S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0);
  return tsn_unpack_remove (parent, base, err);
}

static int
apply_entry (struct tsn_unpack_ctx *ctx, struct tsn_tar_reader *r, const struct tsn_tar_entry *e,
             tsn_err_t *err)
{
  cleanup_free char *path = NULL;
  if (tsn_unpack_clean_path (e->path, &path, err) < 0)
    return -1;
  if (path[0] == '\0')
    return 0; /* the root itself ("./"): DIR's own metadata belongs to the caller */
  int wh = tsn_unpack_whiteout (ctx, path, e, err);
  if (wh != 0)
    return wh < 0 ? -1 : 0;
  const char *base;
  cleanup_close int parent = tsn_unpack_open_parent (ctx, path, 1, &base, err);
  if (parent < 0)
    return -1;
  int exists_dir, was_whiteout;
  cleanup_free char *source = NULL;
  if (e->type == TSN_TAR_HARDLINK)
    {
      if (tsn_unpack_clean_path (e->linkpath, &source, err) < 0)
        return tsn_error_wrap (err, "hardlink source");
      if (source[0] == '\0')
        return tsn_error (err, 0, "unsafe entry: hardlink to the target directory itself");
      if (strcmp (source, path) == 0)
        return 0; /* a link to itself: nothing to do */
    }
  if (make_room (parent, base, e, &exists_dir, &was_whiteout, err) < 0)
    return -1;
  switch (e->type)
    {
    case TSN_TAR_REG:
      return create_file (r, parent, base, e, err);
    case TSN_TAR_DIR:
      return create_dir (ctx, path, parent, base, exists_dir, was_whiteout, e, err);
    case TSN_TAR_SYMLINK:
      return create_symlink (parent, base, e, err);
    case TSN_TAR_HARDLINK:
      return create_hardlink (ctx, parent, base, source, e, err);
    case TSN_TAR_CHAR:
    case TSN_TAR_BLOCKDEV:
    case TSN_TAR_FIFO:
      return create_node (parent, base, e, err);
    }
  return tsn_error (err, 0, "unknown entry type");
}

static int
unpack_stream (struct tsn_unpack_ctx *ctx, struct tsn_tar_reader *r, tsn_err_t *err)
{
  cleanup_tar_entry struct tsn_tar_entry e = { 0 };
  for (;;)
    {
      int rc = tsn_tar_next (r, &e, err);
      if (rc < 0)
        return -1;
      if (rc == 0)
        break;
      if (apply_entry (ctx, r, &e, err) < 0)
        return tsn_error_wrap (err, "entry `%s` at offset %llu", e.path, (unsigned long long)e.offset);
      ctx->entries++;
    }
  if (tsn_tar_drain (r, err) < 0)
    return -1;
  return tsn_unpack_apply_dirtimes (ctx, err);
}

int
tsn_verb_unpack (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_unpack_ctx ctx = { .root_fd = -1 };
  const char *dir = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--resolve=walk") == 0)
        ctx.force_walk = 1;
      else if (strcmp (argv[i], "--resolve=auto") == 0)
        ctx.force_walk = 0;
      else if (argv[i][0] == '-' || dir != NULL)
        {
          fprintf (stderr, "usage: tscompose-native unpack [--resolve=auto|walk] DIR < layer.tar\n");
          return 2;
        }
      else
        dir = argv[i];
    }
  if (dir == NULL)
    {
      fprintf (stderr, "usage: tscompose-native unpack [--resolve=auto|walk] DIR < layer.tar\n");
      return 2;
    }
  /* Modes come from the archive (explicit chmod); implicit parents are 0755 as tar makes them. */
  umask (0);
  cleanup_close int root = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    {
      tsn_error (&err, errno, "unpack: open `%s`", dir);
      return tsn_error_report (&err);
    }
  ctx.root_fd = root;
  cleanup_tar_reader struct tsn_tar_reader r;
  tsn_tar_reader_init (&r, STDIN_FILENO);
  int rc = unpack_stream (&ctx, &r, &err);
  tsn_unpack_ctx_release (&ctx);
  if (rc < 0)
    {
      tsn_error_wrap (&err, "unpack `%s`", dir);
      return tsn_error_report (&err);
    }
  printf ("{\"size\":%llu,\"entries\":%llu}\n", (unsigned long long)r.consumed,
          (unsigned long long)ctx.entries);
  if (fflush (stdout) != 0 || ferror (stdout))
    return 1;
  return 0;
}
