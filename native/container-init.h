/* The container's first process ("init" in runc's words, not the `init` verb): the child of
 * `create` that sets up the namespaces it was cloned into, builds the root filesystem, drops
 * privileges, and — once `start` opens the exec fifo — executes the user's program. It never
 * returns: it execs, or reports an error to the parent on the sync socket and exits. */
#ifndef TSN_CONTAINER_INIT_H
#define TSN_CONTAINER_INIT_H

#include "cgroup.h"
#include "container-config.h"

#define TSN_RT_MAX_NS 8

struct tsn_rt_init
{
  const struct tsn_rt_config *config;
  const struct tsn_cgroup *cg;
  const char *id;
  const char *bundle;        /* absolute */
  const char *rootfs;        /* absolute */
  int sync_fd;               /* child end of the SOCK_SEQPACKET pair */
  int fifo_fd;               /* O_PATH exec.fifo, or -1: wait for a START message instead (`run`) */
  int console_fd;            /* connected --console-socket, or -1 */
  int host_proc_fd;          /* O_PATH of the host's /proc, for /proc/self/fd/N after pivot_root */
  int ns_fds[TSN_RT_MAX_NS]; /* namespaces joined by path, indexed like tsn_rt_ns_kinds; -1 */
  int parent_fds[4];         /* the parent's fds the child closes first (the flocked state dir) */
  int new_cgroupns;
  int no_pivot;
  int no_new_keyring;
  int preserve_fds;
  int host_pid;                   /* our pid as the host sees it (sent with GO), for hook states */
  struct tsn_rt_seccomp *seccomp; /* compiled linux.seccomp, or NULL */
};

__attribute__ ((noreturn)) void tsn_rt_container_init (struct tsn_rt_init *in);

/* Reports `err` on the sync socket (or stderr) and exits; used by every child process. */
__attribute__ ((noreturn)) void tsn_rt_child_fail (int sync_fd, tsn_err_t *err);

/* Root filesystem (rootfs.c): before pivot_root (mounts, /dev) ... */
int tsn_rt_rootfs_prepare (struct tsn_rt_init *in, int *rootfd, tsn_err_t *err);
/* ... entering it (pivot_root, or MS_MOVE + chroot with --no-pivot) ... */
int tsn_rt_rootfs_enter (struct tsn_rt_init *in, int rootfd, tsn_err_t *err);
/* ... and after: sysctls, read-only and masked paths, read-only root. */
int tsn_rt_rootfs_finalize (struct tsn_rt_init *in, tsn_err_t *err);

/* One config.json mount below rootfd (mounts.c). */
int tsn_rt_mount_one (struct tsn_rt_init *in, int rootfd, const struct tsn_rt_mount *m, tsn_err_t *err);
/* /dev: default and configured nodes, standard symlinks, ptmx (devices.c). */
int tsn_rt_setup_dev (struct tsn_rt_init *in, int rootfd, tsn_err_t *err);

#endif
