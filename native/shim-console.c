/* Terminal mode: the console socket the runtime connects to during `create` to hand over the
 * pty master (SCM_RIGHTS), as runc's --console-socket defines it. */
#include "shim.h"
#include "utils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

int
tsn_shim_console_listen (struct tsn_shim *s, struct tsn_shim_console *c, tsn_err_t *err)
{
  c->tmpdir[0] = '\0';
  /* The runtime connects by path, so it must fit sun_path: a short private dir when ours is long. */
  if (snprintf (c->path, sizeof (c->path), "%s/console.sock", s->cfg.state_dir) >= (int)sizeof (c->path))
    {
      snprintf (c->tmpdir, sizeof (c->tmpdir), "/tmp/tsc-console-XXXXXX");
      if (mkdtemp (c->tmpdir) == NULL)
        return tsn_error (err, errno, "mkdtemp");
      snprintf (c->path, sizeof (c->path), "%s/console.sock", c->tmpdir);
    }
  unlink (c->path);
  c->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (c->fd < 0)
    return tsn_error (err, errno, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  memcpy (addr.sun_path, c->path, strlen (c->path) + 1);
  if (bind (c->fd, (struct sockaddr *)&addr, sizeof (addr)) < 0 || listen (c->fd, 1) < 0)
    return tsn_error (err, errno, "console socket `%s`", c->path);
  return 0;
}

void
tsn_shim_console_close (struct tsn_shim_console *c)
{
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
  unlink (c->path);
  if (c->tmpdir[0])
    rmdir (c->tmpdir);
}

/* The runtime connected during `create` (the connection waited in the backlog) and sent the
 * pty master with SCM_RIGHTS. */
int
tsn_shim_console_receive (struct tsn_shim_console *c, tsn_err_t *err)
{
  cleanup_close int conn = accept4 (c->fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return tsn_error (err, errno, "the runtime did not connect to the console socket");
  char data[64];
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { data, sizeof (data) };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof (control.buf)
  };
  if (TEMP_FAILURE_RETRY_INT (recvmsg (conn, &msg, MSG_CMSG_CLOEXEC)) < 0)
    return tsn_error (err, errno, "receive the console");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    return tsn_error (err, 0, "the runtime sent no console fd");
  int fd;
  memcpy (&fd, CMSG_DATA (cm), sizeof (int));
  return fd;
}
