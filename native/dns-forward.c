/* Queries for names that are not ours go to the host's resolvers, from the host's network
 * namespace (so 127.0.0.53-style stub resolvers work), each on its own connected socket with a
 * fresh source port and a random id (an off-path spoofer must guess both). One attempt per
 * upstream, TSN_DNS_ATTEMPT_MS each; when all fail the client gets SERVFAIL. A UDP client's
 * query goes over UDP (a truncated reply is relayed as is: the stub retries over TCP); a TCP
 * client's query goes over TCP. */
#include "dns-server.h"
#include "utils.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static void
forward_free_fd (struct tsn_dns_server *srv, struct tsn_dns_forward *f)
{
  if (f->obj.fd >= 0)
    {
      epoll_ctl (srv->epfd, EPOLL_CTL_DEL, f->obj.fd, NULL);
      close (f->obj.fd);
      f->obj.fd = -1;
    }
}

static void
forward_finish (struct tsn_dns_server *srv, struct tsn_dns_forward *f)
{
  for (struct tsn_dns_forward **p = &srv->forwards; *p; p = &(*p)->next)
    if (*p == f)
      {
        *p = f->next;
        break;
      }
  srv->n_forwards--;
  if (f->client != NULL)
    f->client->busy = 0;
  tsn_dns_bury (srv, &f->obj);
}

/* Hands the reply (with the client's id restored) back and ends the forward. */
static void
forward_reply (struct tsn_dns_server *srv, struct tsn_dns_forward *f, uint8_t *msg, size_t len)
{
  memcpy (msg, f->client_id, 2);
  struct tsn_dns_client *c = f->client;
  struct tsn_dns_listener *l = f->listener;
  struct sockaddr_in addr = f->client_addr;
  forward_finish (srv, f);
  if (c != NULL)
    tsn_dns_client_reply (srv, c, msg, len);
  else if (l != NULL && !l->udp.dead)
    (void)TEMP_FAILURE_RETRY_INT (
        sendto (l->udp.fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)&addr, sizeof (addr)));
}

static void
forward_servfail (struct tsn_dns_server *srv, struct tsn_dns_forward *f)
{
  static uint8_t out[512];
  struct tsn_dns_question q;
  struct tsn_dns_answer a;
  memset (&a, 0, sizeof (a));
  a.rcode = TSN_DNS_RCODE_SERVFAIL;
  int parsed = tsn_dns_parse_query (f->query, f->query_len, &q) == 0;
  size_t n = tsn_dns_build_reply (out, sizeof (out), f->query, f->query_len, parsed ? &q : NULL, &a);
  forward_reply (srv, f, out, n);
}

/* Starts the next attempt; -1 when every upstream was tried (or none could be reached). */
static int
forward_attempt (struct tsn_dns_server *srv, struct tsn_dns_forward *f)
{
  while (f->attempts < srv->cfg.n_ups)
    {
      forward_free_fd (srv, f);
      const struct tsn_dns_upstream *up = &srv->cfg.ups[(f->upstream + f->attempts) % srv->cfg.n_ups];
      f->attempts++;
      f->connected = 0;
      f->sent = 0;
      f->reply_len = 0;
      int fd = socket (AF_INET, (f->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return -1;
      f->obj.fd = fd;
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (up->port) };
      to.sin_addr.s_addr = htonl (up->addr);
      if (connect (fd, (struct sockaddr *)&to, sizeof (to)) < 0 && errno != EINPROGRESS)
        continue;
      f->deadline_ms = tsn_dns_now_ms () + TSN_DNS_ATTEMPT_MS;
      if (!f->tcp)
        {
          if (send (fd, f->query, f->query_len, MSG_DONTWAIT) < 0)
            continue;
          f->connected = 1;
        }
      if (tsn_dns_watch (srv, &f->obj, f->tcp ? EPOLLOUT : EPOLLIN) < 0)
        continue;
      return 0;
    }
  return -1;
}

void
tsn_dns_forward_start (struct tsn_dns_server *srv, const uint8_t *query, size_t len,
                       struct tsn_dns_listener *l, const struct sockaddr_in *client_addr,
                       struct tsn_dns_client *c)
{
  struct tsn_dns_forward *f = xmalloc0 (sizeof (*f));
  f->obj = (struct tsn_dns_obj){ .kind = TSN_DNS_K_FORWARD, .fd = -1, .owner = f };
  f->listener = l;
  if (client_addr != NULL)
    f->client_addr = *client_addr;
  f->client = c;
  f->tcp = c != NULL;
  f->query = xmalloc (len);
  memcpy (f->query, query, len);
  f->query_len = len;
  memcpy (f->client_id, query, 2);
  f->upstream_id = tsn_dns_random16 (srv);
  f->query[0] = (uint8_t)(f->upstream_id >> 8);
  f->query[1] = (uint8_t)f->upstream_id;
  f->upstream = srv->rr % (srv->cfg.n_ups ? srv->cfg.n_ups : 1);
  f->next = srv->forwards;
  srv->forwards = f;
  srv->n_forwards++;
  if (c != NULL)
    c->busy = 1;
  if (forward_attempt (srv, f) < 0)
    forward_servfail (srv, f);
}

/* TCP: connected → send the length-prefixed query; then read the length-prefixed reply. */
static int
forward_tcp_io (struct tsn_dns_server *srv, struct tsn_dns_forward *f, uint32_t events)
{
  if (!f->connected)
    {
      int soerr = 0;
      socklen_t sl = sizeof (soerr);
      if (!(events & EPOLLOUT) || getsockopt (f->obj.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0)
        return -1;
      f->connected = 1;
    }
  if (f->sent < 2 + f->query_len)
    {
      uint8_t prefix[2] = { (uint8_t)(f->query_len >> 8), (uint8_t)f->query_len };
      struct iovec iov[2] = { { prefix + (f->sent < 2 ? f->sent : 2), f->sent < 2 ? 2 - f->sent : 0 },
                              { f->query + (f->sent > 2 ? f->sent - 2 : 0),
                                f->query_len - (f->sent > 2 ? f->sent - 2 : 0) } };
      struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
      ssize_t n = sendmsg (f->obj.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0)
        return errno == EAGAIN ? 0 : -1;
      f->sent += (size_t)n;
      if (f->sent == 2 + f->query_len)
        {
          struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &f->obj };
          epoll_ctl (srv->epfd, EPOLL_CTL_MOD, f->obj.fd, &ev);
          f->reply = xrealloc (f->reply, 2 + 65535);
          f->reply_need = 2;
        }
      return 0;
    }
  ssize_t n = recv (f->obj.fd, f->reply + f->reply_len, f->reply_need - f->reply_len, MSG_DONTWAIT);
  if (n < 0)
    return errno == EAGAIN ? 0 : -1;
  if (n == 0)
    return -1;
  f->reply_len += (size_t)n;
  if (f->reply_len == 2 && f->reply_need == 2)
    f->reply_need = 2 + (size_t)((f->reply[0] << 8) | f->reply[1]);
  if (f->reply_len == f->reply_need && f->reply_need > 2 + 12)
    {
      if (((f->reply[2] << 8) | f->reply[3]) != f->upstream_id)
        return -1;
      forward_reply (srv, f, f->reply + 2, f->reply_len - 2);
    }
  return 0;
}

void
tsn_dns_on_forward (struct tsn_dns_server *srv, struct tsn_dns_forward *f, uint32_t events)
{
  if (f->tcp)
    {
      if (forward_tcp_io (srv, f, events) == 0)
        return;
    }
  else
    {
      static uint8_t buf[TSN_DNS_UDP_MAX];
      ssize_t n = recv (f->obj.fd, buf, sizeof (buf), MSG_DONTWAIT);
      if (n < 0 && errno == EAGAIN)
        return;
      /* Only the reply to our id counts; anything else on this port is ignored. */
      if (n >= 12 && ((buf[0] << 8) | buf[1]) == f->upstream_id)
        {
          forward_reply (srv, f, buf, (size_t)n);
          return;
        }
      if (n >= 0)
        return;
    }
  /* The attempt failed (refused, reset, closed): try the next upstream. */
  if (!f->obj.dead && forward_attempt (srv, f) < 0)
    forward_servfail (srv, f);
}

void
tsn_dns_forward_expire (struct tsn_dns_server *srv, uint64_t now)
{
  struct tsn_dns_forward *next;
  for (struct tsn_dns_forward *f = srv->forwards; f; f = next)
    {
      next = f->next;
      if (f->deadline_ms > now)
        continue;
      if (forward_attempt (srv, f) < 0)
        forward_servfail (srv, f);
    }
}

void
tsn_dns_forward_forget (struct tsn_dns_server *srv, const struct tsn_dns_listener *l,
                        const struct tsn_dns_client *c)
{
  for (struct tsn_dns_forward *f = srv->forwards; f; f = f->next)
    {
      if (l != NULL && f->listener == l)
        f->listener = NULL;
      if (c != NULL && f->client == c)
        f->client = NULL;
    }
}
