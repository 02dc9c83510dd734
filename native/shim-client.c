/* The control socket's clients: output queued per client, stdin forwarded to the container, and
 * the ends of connections (see shim-socket.c for the protocol). Output never waits for clients
 * (the container is never slowed down by a reader): what a client's socket cannot take now is
 * queued for it, up to CLIENT_QUEUE_MAX; a client that falls further behind is disconnected (the
 * log file has everything anyway). The queue is allocated only while a client lags and freed when
 * it catches up. Stdin is the other way round: a client's input is read only when the container
 * has taken the previous chunk (backpressure instead of buffering). */
#include "json.h"
#include "shim-client.h"
#include "utils.h"

#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define STDIN_CHUNK 4096
#define CLIENT_QUEUE_MAX (1024 * 1024)
#define FINAL_FLUSH_MS 5000

static void
update_events (struct tsn_shim *s, struct tsn_shim_client *c)
{
  uint32_t ev = 0;
  if (!c->input_done && !c->input_blocked)
    ev |= EPOLLIN;
  if (c->queue_off < c->queue_len)
    ev |= EPOLLOUT;
  tsn_shim_watch (s, &c->src, ev);
}

/* The container's stdin is watched (EPOLLOUT) only while input waits for room. */
static void
stdin_unwatch (struct tsn_shim *s)
{
  if (s->in.fd >= 0)
    epoll_ctl (s->epfd, EPOLL_CTL_DEL, s->in.fd, NULL);
}

void
tsn_shim_client_close (struct tsn_shim *s, struct tsn_shim_client *c)
{
  if (c->dead)
    return;
  if (s->stdin_writer == c)
    {
      s->stdin_writer = NULL;
      stdin_unwatch (s);
    }
  tsn_shim_unwatch (s, &c->src);
  free (c->pending);
  c->pending = NULL;
  free (c->queue);
  c->queue = NULL;
  c->dead = 1; /* freed by the sweep after the current batch of events */
}

void
tsn_shim_clients_sweep (struct tsn_shim *s)
{
  for (struct tsn_shim_client **p = &s->clients; *p;)
    {
      struct tsn_shim_client *c = *p;
      if (c->dead)
        {
          *p = c->next;
          free (c);
        }
      else
        p = &c->next;
    }
}

/* Sends what the socket takes now; queues the rest (or drops a client too far behind). */
static void
send_all (struct tsn_shim *s, struct tsn_shim_client *c, const struct iovec *iov, int n)
{
  if (c->dead)
    return;
  size_t want = 0, sent = 0;
  for (int i = 0; i < n; i++)
    want += iov[i].iov_len;
  if (c->queue_off == c->queue_len)
    {
      struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
      ssize_t r = TEMP_FAILURE_RETRY_INT (sendmsg (c->src.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT));
      if (r < 0 && errno != EAGAIN)
        return tsn_shim_client_close (s, c);
      sent = r > 0 ? (size_t)r : 0;
      if (sent == want)
        return;
    }
  size_t queued = c->queue_len - c->queue_off;
  if (queued + want - sent > CLIENT_QUEUE_MAX)
    return tsn_shim_client_close (s, c);
  if (queued && c->queue_off)
    memmove (c->queue, c->queue + c->queue_off, queued);
  c->queue = xrealloc (c->queue, queued + want - sent);
  c->queue_off = 0;
  c->queue_len = queued;
  for (int i = 0; i < n; i++)
    {
      size_t skip = sent > iov[i].iov_len ? iov[i].iov_len : sent;
      memcpy (c->queue + c->queue_len, (const char *)iov[i].iov_base + skip, iov[i].iov_len - skip);
      c->queue_len += iov[i].iov_len - skip;
      sent -= skip;
    }
  update_events (s, c);
}

/* EPOLLOUT: send from the queue; returns 1 once it is empty. */
int
tsn_shim_client_flush (struct tsn_shim *s, struct tsn_shim_client *c)
{
  while (!c->dead && c->queue_off < c->queue_len)
    {
      ssize_t r = TEMP_FAILURE_RETRY_INT (send (c->src.fd, c->queue + c->queue_off,
                                                c->queue_len - c->queue_off, MSG_NOSIGNAL | MSG_DONTWAIT));
      if (r < 0 && errno == EAGAIN)
        return 0;
      if (r <= 0)
        {
          tsn_shim_client_close (s, c);
          return 0;
        }
      c->queue_off += (size_t)r;
    }
  if (c->dead)
    return 0;
  free (c->queue);
  c->queue = NULL;
  c->queue_len = c->queue_off = 0;
  if (c->closing)
    tsn_shim_client_close (s, c);
  else
    update_events (s, c);
  return 1;
}

/* Closes the client once everything queued for it is sent. */
void
tsn_shim_client_close_after_flush (struct tsn_shim *s, struct tsn_shim_client *c)
{
  c->closing = 1;
  tsn_shim_client_flush (s, c);
}

void
tsn_shim_client_line (struct tsn_shim *s, struct tsn_shim_client *c, const char *line)
{
  struct iovec iov[2] = { { (void *)line, strlen (line) }, { (void *)"\n", 1 } };
  send_all (s, c, iov, 2);
}

void
tsn_shim_client_reply (struct tsn_shim *s, struct tsn_shim_client *c, const char *error)
{
  if (error == NULL)
    {
      tsn_shim_client_line (s, c, "{\"ok\":true}");
      return;
    }
  cleanup_json_writer struct tsn_json_writer w;
  tsn_json_w_init (&w);
  tsn_json_w_begin_object (&w);
  tsn_json_w_key (&w, "ok");
  tsn_json_w_bool (&w, 0);
  tsn_json_w_key (&w, "error");
  tsn_json_w_string (&w, error);
  tsn_json_w_end_object (&w);
  tsn_shim_client_line (s, c, tsn_json_w_str (&w));
}

static void
send_frame (struct tsn_shim *s, struct tsn_shim_client *c, int stream, const char *data, size_t len)
{
  unsigned char h[8] = { (unsigned char)stream,
                         0,
                         0,
                         0,
                         (unsigned char)(len >> 24),
                         (unsigned char)(len >> 16),
                         (unsigned char)(len >> 8),
                         (unsigned char)len };
  struct iovec iov[2] = { { h, 8 }, { (void *)data, len } };
  send_all (s, c, iov, 2);
}

/* Writes what the stdin client has pending; waits for EPOLLOUT on the container's stdin when
 * it is full, and meanwhile stops reading from the client (backpressure, no buffering). */
void
tsn_shim_stdin_writable (struct tsn_shim *s)
{
  struct tsn_shim_client *c = s->stdin_writer;
  if (c == NULL || s->in.fd < 0)
    {
      stdin_unwatch (s);
      return;
    }
  while (c->pending_off < c->pending_len)
    {
      ssize_t n = TEMP_FAILURE_RETRY_INT (
          write (s->in.fd, c->pending + c->pending_off, c->pending_len - c->pending_off));
      if (n < 0 && errno == EAGAIN)
        {
          tsn_shim_watch (s, &s->in, EPOLLOUT);
          c->input_blocked = 1;
          update_events (s, c);
          return;
        }
      if (n <= 0)
        {
          c->pending_off = c->pending_len; /* the container closed its stdin: drop the input */
          break;
        }
      c->pending_off += (size_t)n;
    }
  free (c->pending);
  c->pending = NULL;
  c->pending_len = c->pending_off = 0;
  stdin_unwatch (s);
  c->input_blocked = 0;
  update_events (s, c);
}

static void
close_container_stdin (struct tsn_shim *s)
{
  if (s->in.fd < 0)
    return;
  stdin_unwatch (s);
  close (s->in.fd);
  s->in.fd = -1;
}

void
tsn_shim_client_input (struct tsn_shim *s, struct tsn_shim_client *c)
{
  char buf[STDIN_CHUNK];
  ssize_t n = TEMP_FAILURE_RETRY_INT (read (c->src.fd, buf, sizeof (buf)));
  if (n < 0 && errno == EAGAIN)
    return;
  if (n <= 0)
    {
      /* The client is done writing (it may still read output). */
      c->input_done = 1;
      update_events (s, c);
      if (c->attach_stdin && c->stdin_once && !s->cfg.terminal)
        close_container_stdin (s);
      return;
    }
  if (!c->attach_stdin)
    return; /* output-only clients' input is ignored */
  c->pending = xmalloc ((size_t)n);
  memcpy (c->pending, buf, (size_t)n);
  c->pending_len = (size_t)n;
  c->pending_off = 0;
  tsn_shim_stdin_writable (s);
}

void
tsn_shim_clients_output (struct tsn_shim *s, int stream, const char *data, size_t len)
{
  for (struct tsn_shim_client *c = s->clients; c; c = c->next)
    if (!c->dead && c->mode == TSN_SHIM_CLIENT_ATTACH)
      send_frame (s, c, stream, data, len);
}

void
tsn_shim_clients_exit (struct tsn_shim *s)
{
  cleanup_free char *json = NULL;
  for (struct tsn_shim_client *c = s->clients; c; c = c->next)
    if (!c->dead && c->mode == TSN_SHIM_CLIENT_ATTACH)
      {
        if (json == NULL)
          json = tsn_shim_state_json (s, 1);
        send_frame (s, c, 3, json, strlen (json));
        tsn_shim_client_close_after_flush (s, c);
      }
  s->stdin_writer = NULL;
}

/* The shim is ending: a short, bounded wait for clients to take what is queued for them. */
static void
flush_before_exit (struct tsn_shim *s)
{
  int64_t deadline = tsn_shim_mono_ms () + FINAL_FLUSH_MS;
  for (;;)
    {
      struct pollfd fds[16];
      nfds_t n = 0;
      for (struct tsn_shim_client *c = s->clients; c && n < 16; c = c->next)
        if (!c->dead && c->queue_off < c->queue_len && !tsn_shim_client_flush (s, c) && !c->dead)
          fds[n++] = (struct pollfd){ .fd = c->src.fd, .events = POLLOUT };
      int64_t left = deadline - tsn_shim_mono_ms ();
      if (n == 0 || left <= 0)
        return;
      poll (fds, n, left > 100 ? 100 : (int)left);
    }
}

void
tsn_shim_clients_final (struct tsn_shim *s)
{
  cleanup_free char *json = tsn_shim_state_json (s, 0);
  for (struct tsn_shim_client *c = s->clients; c; c = c->next)
    if (!c->dead && c->mode == TSN_SHIM_CLIENT_WAIT_STOP)
      tsn_shim_client_line (s, c, json);
  flush_before_exit (s);
  for (struct tsn_shim_client *c = s->clients; c; c = c->next)
    tsn_shim_client_close (s, c);
  tsn_shim_clients_sweep (s);
  tsn_shim_unwatch (s, &s->listen);
  unlinkat (s->dir_fd, "shim.sock", 0);
}
