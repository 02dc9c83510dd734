/* `unpack DIR`: apply a layer tar from stdin to DIR without ever touching anything outside DIR.
 *
 * Safety model (engine-anchors §3.3, §7.1): entry names are cleaned lexically (absolute names
 * and `..` that would leave DIR are refused); the parent directory of every entry is resolved
 * *inside* DIR, following symlinks as if DIR were `/` (openat2 RESOLVE_IN_ROOT, or a component
 * walk with O_NOFOLLOW that emulates it); the final component is never followed: every operation
 * on it is an *at() call on the parent's fd with AT_SYMLINK_NOFOLLOW / O_NOFOLLOW / O_EXCL, or an
 * operation on an fd we just created. Hardlink sources are resolved the same way. */
#ifndef TSN_UNPACK_H
#define TSN_UNPACK_H

#include "error.h"
#include "tar.h"

#include <stdint.h>
#include <sys/stat.h>

/* Deferred directory times: applied after every entry, since creating children changes them. */
struct tsn_unpack_dirtime
{
  char *path; /* cleaned, relative to the root */
  struct timespec times[2];
};

struct tsn_unpack_ctx
{
  int root_fd;      /* O_PATH fd of DIR */
  int force_walk;   /* --resolve=walk: never use openat2 (tests the fallback) */
  int no_openat2;   /* openat2 found unusable (ENOSYS, seccomp): cached */
  uint64_t entries; /* entries applied (meta headers not counted) */
  struct tsn_unpack_dirtime *dirtimes;
  size_t n_dirtimes, cap_dirtimes;
};

/* Lexical cleaning of an archive name: drops "." and empty components and a leading "./";
 * resolves ".." textually. Refuses absolute names and names that climb above the root. `*out`
 * is "" for the root itself. */
int tsn_unpack_clean_path (const char *name, char **out, tsn_err_t *err);

/* Opens directory `path` (cleaned, relative) inside the root as an O_PATH fd, following symlinks
 * as if the root were "/" (so nothing resolves outside it). With `create`, missing directories
 * are made (mode 0755, root-owned), as tar implementations do for parents absent from the
 * archive. Returns the fd or -1. */
int tsn_unpack_open_dir (struct tsn_unpack_ctx *ctx, const char *path, int create, tsn_err_t *err);

/* Splits a cleaned path into its parent directory fd (resolved as above) and its last component
 * (a pointer into `path`). Returns the parent fd or -1. */
int tsn_unpack_open_parent (struct tsn_unpack_ctx *ctx, const char *path, int create, const char **base,
                            tsn_err_t *err);

/* Removes `name` under `dirfd` (a whole tree if it is a directory), never following symlinks. */
int tsn_unpack_remove (int dirfd, const char *name, tsn_err_t *err);

/* Metadata in the order that keeps it (chown clears setuid bits and file capabilities): owner,
 * then mode (not for symlinks), then xattrs. With `fd` >= 0 (a regular file or directory we
 * opened) the f*() calls are used; with fd < 0 (symlinks, devices, fifos) the *at() calls on
 * `parent`/`base` that never follow `base`. */
int tsn_unpack_set_meta (int parent, const char *base, int fd, const struct tsn_tar_entry *e, tsn_err_t *err);
int tsn_unpack_set_times (int parent, const char *base, int fd, const struct tsn_tar_entry *e,
                          tsn_err_t *err);
void tsn_unpack_defer_dirtime (struct tsn_unpack_ctx *ctx, const char *path, const struct tsn_tar_entry *e);
int tsn_unpack_apply_dirtimes (struct tsn_unpack_ctx *ctx, tsn_err_t *err);
void tsn_unpack_ctx_release (struct tsn_unpack_ctx *ctx);

/* Whiteouts: `.wh..wh..opq` and `.wh.NAME` (see unpack-whiteout.c). Returns 1 when the entry
 * was a whiteout (and handled), 0 when it is an ordinary entry, -1 on error. `dir_fd` of
 * tsn_unpack_set_opaque may be O_PATH. */
int tsn_unpack_whiteout (struct tsn_unpack_ctx *ctx, const char *path, const struct tsn_tar_entry *e,
                         tsn_err_t *err);
int tsn_unpack_set_opaque (int dir_fd, tsn_err_t *err);

#endif
