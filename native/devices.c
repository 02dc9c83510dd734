/* /dev inside the container: the runtime-spec default devices plus linux.devices (mknod, as we
 * never run in a user namespace), the standard symlinks, and ptmx pointing into the container's
 * own devpts instance. Everything is created with *at() calls below the rootfs. */
#include "container-init.h"
#include "fs-at.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct tsn_rt_device default_devices[] = {
  { "/dev/null", 'c', 1, 3, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
  { "/dev/zero", 'c', 1, 5, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
  { "/dev/full", 'c', 1, 7, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
  { "/dev/tty", 'c', 5, 0, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
  { "/dev/random", 'c', 1, 8, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
  { "/dev/urandom", 'c', 1, 9, { 1, 0666 }, { 1, 0 }, { 1, 0 } },
};

static int
make_node (int rootfd, const struct tsn_rt_device *d, tsn_err_t *err)
{
  const char *base;
  cleanup_free char *parent_path = tsn_fs_split_parent (d->path, &base);
  cleanup_close int parent = tsn_fs_mkdir_p_in_root (rootfd, *parent_path ? parent_path : "/", 0755, err);
  if (parent < 0)
    return -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t perm = d->file_mode.set ? (mode_t)d->file_mode.v & 07777 : 0666;
  dev_t dev = d->type == 'p' ? 0 : makedev ((unsigned)d->major, (unsigned)d->minor);
  if (mknodat (parent, base, type | perm, dev) < 0)
    {
      if (errno != EEXIST)
        return tsn_error (err, errno, "mknod `%s`", d->path);
      /* Replace whatever the image or an earlier mount put there. */
      if (unlinkat (parent, base, 0) < 0 || mknodat (parent, base, type | perm, dev) < 0)
        return tsn_error (err, errno, "mknod `%s`", d->path);
    }
  /* the mode is exact: the container's init runs its setup with umask 0 */
  uid_t uid = d->uid.set ? (uid_t)d->uid.v : 0;
  gid_t gid = d->gid.set ? (gid_t)d->gid.v : 0;
  if (fchownat (parent, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return tsn_error (err, errno, "chown `%s`", d->path);
  return 0;
}

static int
configured (const struct tsn_rt_config *c, const char *path)
{
  for (size_t i = 0; i < c->n_devices; i++)
    if (strcmp (c->devices[i].path, path) == 0)
      return 1;
  return 0;
}

int
tsn_rt_setup_dev (struct tsn_rt_init *in, int rootfd, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  for (size_t i = 0; i < sizeof (default_devices) / sizeof (default_devices[0]); i++)
    if (!configured (c, default_devices[i].path) && make_node (rootfd, &default_devices[i], err) < 0)
      return -1;
  for (size_t i = 0; i < c->n_devices; i++)
    if (make_node (rootfd, &c->devices[i], err) < 0)
      return -1;

  cleanup_close int dev = tsn_fs_mkdir_p_in_root (rootfd, "/dev", 0755, err);
  if (dev < 0)
    return -1;
  static const char *const links[][2] = {
    { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  for (size_t i = 0; i < sizeof (links) / sizeof (links[0]); i++)
    if (symlinkat (links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return tsn_error (err, errno, "symlink `/dev/%s`", links[i][1]);
  if (access ("/proc/kcore", F_OK) == 0 && symlinkat ("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
    return tsn_error (err, errno, "symlink `/dev/core`");
  if (!configured (c, "/dev/ptmx"))
    {
      if (unlinkat (dev, "ptmx", 0) < 0 && errno != ENOENT)
        return tsn_error (err, errno, "remove `/dev/ptmx`");
      if (symlinkat ("pts/ptmx", dev, "ptmx") < 0)
        return tsn_error (err, errno, "symlink `/dev/ptmx`");
    }
  return 0;
}
