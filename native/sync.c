/* Parent/child messages; see sync.h. */
#include "sync.h"
#include "utils.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int
tsn_sync_pair (int fds[2], tsn_err_t *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return tsn_error (err, errno, "socketpair");
  return 0;
}

int
tsn_sync_send (int fd, enum tsn_sync_type type, int32_t value, const char *text)
{
  struct tsn_sync_msg m = { .type = type, .value = value };
  size_t len = text ? strlen (text) : 0;
  if (len >= sizeof m.text)
    len = sizeof m.text - 1;
  if (text)
    memcpy (m.text, text, len);
  m.text[len] = '\0';
  size_t size = offsetof (struct tsn_sync_msg, text) + len + 1;
  if (TEMP_FAILURE_RETRY_INT (send (fd, &m, size, MSG_NOSIGNAL)) < 0)
    return -1;
  return 0;
}

int
tsn_sync_recv (int fd, struct tsn_sync_msg *m, tsn_err_t *err)
{
  memset (m, 0, offsetof (struct tsn_sync_msg, text) + 1);
  ssize_t n = TEMP_FAILURE_RETRY_INT (recv (fd, m, sizeof (*m), 0));
  if (n < 0)
    return tsn_error (err, errno, "read from the container process");
  if (n == 0)
    return tsn_error (err, 0, "the container process exited during setup");
  if ((size_t)n < offsetof (struct tsn_sync_msg, text))
    return tsn_error (err, 0, "short message from the container process");
  m->text[sizeof (m->text) - 1] = '\0';
  if ((size_t)n <= offsetof (struct tsn_sync_msg, text))
    m->text[0] = '\0';
  return 0;
}

int
tsn_sync_expect (int fd, enum tsn_sync_type type, struct tsn_sync_msg *m, tsn_err_t *err)
{
  if (tsn_sync_recv (fd, m, err) < 0)
    return -1;
  if (m->type == TSN_SYNC_ERROR)
    return tsn_error (err, m->value > 0 ? 0 : 0, "%s", m->text[0] ? m->text : "container setup failed");
  if (m->type != (uint32_t)type)
    return tsn_error (err, 0, "unexpected message %u from the container process", m->type);
  return 0;
}
