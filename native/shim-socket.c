/* The control socket `<state-dir>/shim.sock`: a filesystem unix stream socket (never abstract:
 * CVE-2020-15257), mode 0600 inside the 0700 state dir, peers checked with SO_PEERCRED. A client
 * sends one request line; see docs/native-shim.md for the protocol:
 *   state                 → the state JSON, one line; closed
 *   stop [TIMEOUT]        → stop (stop signal, SIGKILL after TIMEOUT); the final state line when
 *                           the container has exited and the shim ends
 *   kill SIGNAL           → {"ok":true} or {"ok":false,"error":…}; closed
 *   attach [stdin|stdin-once] → {"ok":true}, then output frames until the container exits
 *   resize ROWS COLS      → {"ok":true} (terminal only)
 *   exec NAME             → {"ok":true} once a detached exec runs (shim-exec.c)
 * Output frames are Docker's multiplexed stream format: 8-byte header [stream, 0, 0, 0, size as
 * 32-bit big endian] + payload; stream 1 stdout, 2 stderr, 3 the state JSON at the container's
 * exit (shim-client.c sends them). */
#include "shim-client.h"
#include "signals.h"
#include "utils.h"

#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int
tsn_shim_socket_listen (struct tsn_shim *s, tsn_err_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  /* sun_path holds 108 bytes: for a longer state dir, bind through our own fd of it. */
  if (snprintf (addr.sun_path, sizeof (addr.sun_path), "%s/shim.sock", s->cfg.state_dir)
      >= (int)sizeof (addr.sun_path))
    snprintf (addr.sun_path, sizeof (addr.sun_path), "/proc/self/fd/%d/shim.sock", s->dir_fd);
  unlinkat (s->dir_fd, "shim.sock", 0);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return tsn_error (err, errno, "socket");
  mode_t old = umask (0177);
  int rc = bind (fd, (struct sockaddr *)&addr, sizeof (addr));
  umask (old);
  if (rc < 0 || listen (fd, 16) < 0)
    {
      int e = errno;
      close (fd);
      return tsn_error (err, e, "control socket `%s/shim.sock`", s->cfg.state_dir);
    }
  s->listen = (struct tsn_shim_source){ TSN_SHIM_SRC_LISTEN, fd };
  tsn_shim_watch (s, &s->listen, EPOLLIN);
  return 0;
}

void
tsn_shim_socket_accept (struct tsn_shim *s)
{
  for (;;)
    {
      int fd = accept4 (s->listen.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0)
        return;
      struct ucred cred;
      socklen_t len = sizeof (cred);
      /* The 0700 directory already keeps others out; this is the second lock on the door. */
      if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0
          || (cred.uid != 0 && cred.uid != geteuid ()))
        {
          close (fd);
          continue;
        }
      struct tsn_shim_client *c = xmalloc0 (sizeof (*c));
      c->src = (struct tsn_shim_source){ TSN_SHIM_SRC_CLIENT, fd };
      c->mode = TSN_SHIM_CLIENT_REQUEST;
      c->next = s->clients;
      s->clients = c;
      tsn_shim_watch (s, &c->src, EPOLLIN);
    }
}

static void
refuse (struct tsn_shim *s, struct tsn_shim_client *c, const char *error)
{
  tsn_shim_client_reply (s, c, error);
  tsn_shim_client_close_after_flush (s, c);
}

static void
request_attach (struct tsn_shim *s, struct tsn_shim_client *c, const char *arg)
{
  int with_stdin = arg && (strcmp (arg, "stdin") == 0 || strcmp (arg, "stdin-once") == 0);
  if (arg && !with_stdin)
    return refuse (s, c, "usage: attach [stdin|stdin-once]");
  if (s->status != TSN_SHIM_RUNNING && s->status != TSN_SHIM_STOPPING)
    return refuse (s, c, "the container is not running");
  if (with_stdin && s->in.fd < 0)
    return refuse (s, c, "the container's stdin is not open (start the shim with --stdin)");
  if (with_stdin && s->stdin_writer)
    return refuse (s, c, "another client is attached to stdin");
  c->mode = TSN_SHIM_CLIENT_ATTACH;
  c->attach_stdin = with_stdin;
  c->stdin_once = arg && strcmp (arg, "stdin-once") == 0;
  if (with_stdin)
    s->stdin_writer = c;
  tsn_shim_client_reply (s, c, NULL);
}

static void
request_kill (struct tsn_shim *s, struct tsn_shim_client *c, const char *arg)
{
  tsn_err_t err = NULL;
  int sig = arg ? tsn_rt_parse_signal (arg, &err) : -1;
  if (sig > 0 && tsn_shim_kill (s, sig, &err) == 0)
    tsn_shim_client_reply (s, c, NULL);
  else
    tsn_shim_client_reply (s, c, err ? err->msg : "usage: kill SIGNAL");
  tsn_error_release (&err);
  tsn_shim_client_close_after_flush (s, c);
}

static void
request_resize (struct tsn_shim *s, struct tsn_shim_client *c, const char *rows, const char *cols)
{
  struct winsize ws = { 0 };
  if (rows && cols)
    {
      ws.ws_row = (unsigned short)strtoul (rows, NULL, 10);
      ws.ws_col = (unsigned short)strtoul (cols, NULL, 10);
    }
  if (!s->cfg.terminal || s->out.fd < 0)
    tsn_shim_client_reply (s, c, "the container has no terminal");
  else if (ws.ws_row == 0 || ws.ws_col == 0)
    tsn_shim_client_reply (s, c, "usage: resize ROWS COLS");
  else if (ioctl (s->out.fd, TIOCSWINSZ, &ws) < 0)
    tsn_shim_client_reply (s, c, "resize failed");
  else
    tsn_shim_client_reply (s, c, NULL);
  tsn_shim_client_close_after_flush (s, c);
}

static void
request_stop (struct tsn_shim *s, struct tsn_shim_client *c, const char *arg)
{
  int64_t timeout = s->cfg.stop_timeout_ms;
  tsn_err_t err = NULL;
  if (arg && tsn_shim_parse_duration (arg, &timeout, &err) < 0)
    {
      refuse (s, c, err->msg);
      tsn_error_release (&err);
      return;
    }
  c->mode = TSN_SHIM_CLIENT_WAIT_STOP; /* answered with the final state when the shim ends */
  tsn_shim_stop (s, timeout);
}

static void
handle_request (struct tsn_shim *s, struct tsn_shim_client *c, char *line)
{
  char *save = NULL;
  char *cmd = strtok_r (line, " \t\r", &save);
  char *a1 = strtok_r (NULL, " \t\r", &save);
  char *a2 = strtok_r (NULL, " \t\r", &save);
  if (cmd && strcmp (cmd, "state") == 0)
    {
      cleanup_free char *json = tsn_shim_state_json (s, 1);
      tsn_shim_client_line (s, c, json);
      tsn_shim_client_close_after_flush (s, c);
    }
  else if (cmd && strcmp (cmd, "stop") == 0)
    request_stop (s, c, a1);
  else if (cmd && strcmp (cmd, "kill") == 0)
    request_kill (s, c, a1);
  else if (cmd && strcmp (cmd, "attach") == 0)
    request_attach (s, c, a1);
  else if (cmd && strcmp (cmd, "resize") == 0)
    request_resize (s, c, a1, a2);
  else if (cmd && strcmp (cmd, "exec") == 0)
    tsn_shim_request_exec (s, c, a1);
  else
    refuse (s, c, "unknown request (state, stop, kill, attach, resize, exec)");
}

static void
read_request (struct tsn_shim *s, struct tsn_shim_client *c)
{
  ssize_t n
      = TEMP_FAILURE_RETRY_INT (read (c->src.fd, c->req + c->req_len, sizeof (c->req) - 1 - c->req_len));
  if (n < 0 && errno == EAGAIN)
    return;
  if (n <= 0)
    return tsn_shim_client_close (s, c);
  c->req_len += (size_t)n;
  c->req[c->req_len] = '\0';
  char *nl = memchr (c->req, '\n', c->req_len);
  if (nl == NULL)
    {
      if (c->req_len == sizeof (c->req) - 1)
        refuse (s, c, "request too long");
      return;
    }
  *nl = '\0';
  handle_request (s, c, c->req);
  /* Bytes after the request line of `attach stdin` are already input for the container. */
  size_t rest = c->req_len - (size_t)(nl + 1 - c->req);
  if (!c->dead && c->attach_stdin && rest > 0)
    {
      c->pending = xmalloc (rest);
      memcpy (c->pending, nl + 1, rest);
      c->pending_len = rest;
      c->pending_off = 0;
      tsn_shim_stdin_writable (s);
    }
}

void
tsn_shim_client_event (struct tsn_shim *s, struct tsn_shim_client *c, uint32_t events)
{
  if (c->dead)
    return;
  if ((events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
    return tsn_shim_client_close (s, c);
  if ((events & EPOLLOUT) && !tsn_shim_client_flush (s, c))
    return;
  if (!(events & EPOLLIN) || c->dead || c->closing)
    return;
  switch (c->mode)
    {
    case TSN_SHIM_CLIENT_REQUEST:
      read_request (s, c);
      break;
    case TSN_SHIM_CLIENT_ATTACH:
    case TSN_SHIM_CLIENT_WAIT_STOP:
      tsn_shim_client_input (s, c);
      break;
    }
}
