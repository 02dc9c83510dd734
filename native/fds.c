/* fd hygiene and passing; see fds.h. */
#include "fds.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int
tsn_rt_cloexec_from (int from, tsn_err_t *err)
{
  if (syscall (SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  /* EPERM: a seccomp profile that predates close_range (the filter may already be loaded) */
  if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
    return tsn_error (err, errno, "close_range");
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return tsn_error (err, errno, "open /proc/self/fd");
  int self = dirfd (d);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] == '.' || fd < from || fd == self)
        continue;
      if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
        return tsn_error (err, errno, "mark fd %d close-on-exec", fd);
    }
  return 0;
}

int
tsn_rt_send_fd (int sock, int fd, const char *name, tsn_err_t *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen (name) };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  if (TEMP_FAILURE_RETRY_INT (sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0)
    return tsn_error (err, errno, "send the terminal to the console socket");
  return 0;
}
