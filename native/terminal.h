/* process.terminal: a pty from the container's own devpts instance. The master goes to the
 * --console-socket with SCM_RIGHTS (runc's protocol, which conmon and our shim read); the slave
 * becomes the controlling terminal and stdin/stdout/stderr, and for the container's init also
 * /dev/console. Runs inside the container's mount namespace, after pivot_root or setns. */
#ifndef TSN_TERMINAL_H
#define TSN_TERMINAL_H

#include "error.h"

int tsn_rt_terminal_setup (int console_sock, unsigned height, unsigned width, int mount_console,
                           tsn_err_t *err);

#endif
