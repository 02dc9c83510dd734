/* File descriptors before exec: everything from `from` up is marked close-on-exec with
 * close_range(CLOSE_RANGE_CLOEXEC), or one by one from /proc/self/fd when the kernel lacks it
 * (CVE-2024-21626: no host fd may reach the container's program). */
#ifndef TSN_FDS_H
#define TSN_FDS_H

#include "error.h"

int tsn_rt_cloexec_from (int from, tsn_err_t *err);

/* Sends `fd` with SCM_RIGHTS over the unix socket `sock` (console socket protocol: the payload
 * is a name, the fd rides along). */
int tsn_rt_send_fd (int sock, int fd, const char *name, tsn_err_t *err);

#endif
