/* Paths inside a root directory (a container rootfs), resolved as if the root were "/": `..` stops
 * at the root and absolute symlinks restart from it, so a hostile image cannot make us open,
 * create or mount over anything outside (CVE-2021-30465, CVE-2024-45310, CVE-2026-41579).
 *
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) does the work when the kernel has it (5.6+);
 * otherwise a user-space walk does the same, one component at a time with O_NOFOLLOW. Setting
 * the environment variable TSN_NO_OPENAT2=1 forces the fallback so both are tested. */
#ifndef TSN_FS_AT_H
#define TSN_FS_AT_H

#include "error.h"

#include <sys/types.h>

/* Opens `path` below `rootfd`. flags: open(2) flags (O_CLOEXEC is added; O_NOFOLLOW makes a final
 * symlink an error). Returns the fd or -1. */
int tsn_fs_open_in_root (int rootfd, const char *path, int flags, mode_t mode, tsn_err_t *err);

/* Like tsn_fs_open_in_root but returns -ENOENT (no error set) when the path does not exist. */
int tsn_fs_open_in_root_opt (int rootfd, const char *path, int flags, tsn_err_t *err);

/* Creates every missing directory of `path` below `rootfd` (mode `mode`) and returns an O_PATH fd
 * of the last one. */
int tsn_fs_mkdir_p_in_root (int rootfd, const char *path, mode_t mode, tsn_err_t *err);

/* Makes sure `path` exists below `rootfd` as a directory (is_dir) or a file (created empty,
 * mode 0755 as runc does), creating parents; returns an O_PATH fd of it. An existing entry of
 * the other kind is accepted (mounting a file on a directory fails later with a clear error). */
int tsn_fs_mountpoint_in_root (int rootfd, const char *path, int is_dir, tsn_err_t *err);

/* Splits `path` into a freshly allocated parent part and a pointer to the last component. */
char *tsn_fs_split_parent (const char *path, const char **base);

/* "/proc/self/fd/N" for mounting onto or from an fd. */
struct tsn_fd_path
{
  char s[32];
};
const char *tsn_fd_path (struct tsn_fd_path *buf, int fd);

/* 1 when the openat2 path is in use, 0 when the fallback is (for tests and --debug). */
int tsn_fs_has_openat2 (void);

#endif
