/* Tar whiteouts (image-spec layer.md) converted to what overlayfs understands, written straight
 * into the layer's directory (engine-anchors §3.1–3.2):
 *   `.wh..wh..opq` in D  → xattr trusted.overlay.opaque=y on D (hide all lower children of D);
 *   `.wh.NAME`           → NAME as a character device 0:0 (hide NAME of lower layers);
 *   `.wh..wh.*` (aufs metadata such as `.wh..wh..plnk`) → ignored.
 * A whiteout only hides lower layers, never an entry of the same layer (layer.md), so whatever
 * the order of the two in the archive, a same-layer NAME wins: a whiteout for an existing
 * non-directory is dropped, for an existing directory it makes the directory opaque (the
 * directory stays, its lower contents are hidden), and a directory written over a whiteout
 * device becomes opaque (unpack.c). */
#include "unpack.h"
#include "utils.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define OPAQUE_XATTR "trusted.overlay.opaque"
#define WH_PREFIX ".wh."
#define WH_META_PREFIX ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

int
tsn_unpack_set_opaque (int dir_fd, tsn_err_t *err)
{
  cleanup_close int fd = openat (dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open directory for the opaque marker");
  if (fsetxattr (fd, OPAQUE_XATTR, "y", 1, 0) < 0)
    return tsn_error (err, errno, "set xattr `" OPAQUE_XATTR "`");
  return 0;
}

static int
whiteout_name (int parent, const char *name, const struct tsn_tar_entry *e, tsn_err_t *err)
{
  struct stat st;
  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (!S_ISDIR (st.st_mode))
        return 0;
      cleanup_close int dir = openat (parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dir < 0)
        return tsn_error (err, errno, "open `%s`", name);
      return tsn_unpack_set_opaque (dir, err);
    }
  if (errno != ENOENT)
    return tsn_error (err, errno, "stat `%s`", name);
  if (mknodat (parent, name, S_IFCHR, makedev (0, 0)) < 0)
    return tsn_error (err, errno, "mknod whiteout `%s`", name);
  if (e->uid <= 0xfffffffeULL && e->gid <= 0xfffffffeULL
      && fchownat (parent, name, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return tsn_error (err, errno, "chown whiteout `%s`", name);
  return 0;
}

int
tsn_unpack_whiteout (struct tsn_unpack_ctx *ctx, const char *path, const struct tsn_tar_entry *e,
                     tsn_err_t *err)
{
  const char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  if (strncmp (base, WH_PREFIX, strlen (WH_PREFIX)) != 0)
    return 0;
  int is_opaque = strcmp (base, WH_OPAQUE) == 0;
  if (!is_opaque && strncmp (base, WH_META_PREFIX, strlen (WH_META_PREFIX)) == 0)
    return 1;
  const char *name = base + strlen (WH_PREFIX);
  if (!is_opaque && (name[0] == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0))
    return tsn_error (err, 0, "invalid whiteout `%s`", path);
  const char *ignored;
  cleanup_close int parent = tsn_unpack_open_parent (ctx, path, 1, &ignored, err);
  if (parent < 0)
    return -1;
  if (is_opaque)
    return tsn_unpack_set_opaque (parent, err) < 0 ? -1 : 1;
  return whiteout_name (parent, name, e, err) < 0 ? -1 : 1;
}
