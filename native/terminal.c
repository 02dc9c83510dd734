/* Terminal setup; see terminal.h. */
#include "terminal.h"
#include "fds.h"
#include "fs-at.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#define UNIX98_PTY_SLAVE_MAJOR 136

/* Bind the slave on /dev/console from its fd (open_tree + move_mount): no path to the pts node
 * is ever resolved again, so a symlink planted in /dev/pts cannot redirect it (CVE-2025-52565). */
static int
mount_console (int slave, tsn_err_t *err)
{
  cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return tsn_error (err, errno, "open /");
  cleanup_close int target = tsn_fs_mountpoint_in_root (root, "/dev/console", 0, err);
  if (target < 0)
    return -1;
  cleanup_close int tree = open_tree (slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return tsn_error (err, errno, "open_tree of the terminal");
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return tsn_error (err, errno, "mount the terminal on /dev/console");
  return 0;
}

int
tsn_rt_terminal_setup (int console_sock, unsigned height, unsigned width, int console, tsn_err_t *err)
{
  if (console_sock < 0)
    return tsn_error (err, 0, "process.terminal is set but no --console-socket was given");
  cleanup_close int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return tsn_error (err, errno, "open /dev/ptmx in the container");
  int unlock = 0;
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return tsn_error (err, errno, "unlock the pty");
  cleanup_close int slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return tsn_error (err, errno, "open the pty slave");
  struct stat st;
  if (fstat (slave, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) < UNIX98_PTY_SLAVE_MAJOR
      || major (st.st_rdev) > UNIX98_PTY_SLAVE_MAJOR + 7)
    return tsn_error (err, 0, "the pty slave is not a pts device");
  if (height && width)
    {
      struct winsize ws = { .ws_row = (unsigned short)height, .ws_col = (unsigned short)width };
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        return tsn_error (err, errno, "set the terminal size");
    }
  if (console && mount_console (slave, err) < 0)
    return -1;
  if (tsn_rt_send_fd (console_sock, master, "/dev/ptmx", err) < 0)
    return -1;
  if (setsid () < 0)
    return tsn_error (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return tsn_error (err, errno, "make the pty the controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return tsn_error (err, errno, "dup2 the pty slave");
  return 0;
}
