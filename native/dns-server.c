/* The client side of the responder: UDP queries on a gateway's port 53, and TCP connections
 * (RFC 1035 §4.2.2: each message prefixed by its 2-byte length; RFC 7766: several queries may
 * follow on one connection, answered in order here). */
#include "dns-server.h"
#include "utils.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static uint8_t reply_buf[2 + 65535];

static void
deliver (struct tsn_dns_server *srv, struct tsn_dns_listener *l, const struct sockaddr_in *addr,
         struct tsn_dns_client *c, const uint8_t *msg, size_t len)
{
  if (c != NULL)
    tsn_dns_client_reply (srv, c, msg, len);
  else if (l != NULL)
    /* A full socket buffer drops the reply, as any UDP loss would; the stub retries. */
    (void)TEMP_FAILURE_RETRY_INT (
        sendto (l->udp.fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)addr, sizeof (*addr)));
}

/* Answers one query locally or hands it to the upstreams. */
static void
handle_query (struct tsn_dns_server *srv, const uint8_t *msg, size_t len, uint32_t local, uint32_t peer,
              struct tsn_dns_listener *l, const struct sockaddr_in *addr, struct tsn_dns_client *c)
{
  if (len >= 4 && (msg[2] & 0x80)) /* a response: never answer one (no loops between servers) */
    return;
  size_t cap = c != NULL ? 65535 : TSN_DNS_UDP_REPLY;
  struct tsn_dns_question q;
  struct tsn_dns_answer a;
  memset (&a, 0, sizeof (a));
  int rc = tsn_dns_parse_query (msg, len, &q);
  if (rc != 0)
    {
      a.rcode = rc;
      deliver (srv, l, addr, c, reply_buf, tsn_dns_build_reply (reply_buf, cap, msg, len, NULL, &a));
      return;
    }
  if (tsn_dns_lookup (&srv->cfg, peer, local, &q, srv->rr++, &a) == TSN_DNS_FORWARD)
    {
      if (srv->cfg.n_ups > 0 && srv->n_forwards < TSN_DNS_MAX_FORWARDS)
        {
          tsn_dns_forward_start (srv, msg, len, l, addr, c);
          return;
        }
      memset (&a, 0, sizeof (a));
      a.rcode = TSN_DNS_RCODE_SERVFAIL;
    }
  deliver (srv, l, addr, c, reply_buf, tsn_dns_build_reply (reply_buf, cap, msg, len, &q, &a));
}

void
tsn_dns_on_udp (struct tsn_dns_server *srv, struct tsn_dns_listener *l)
{
  static uint8_t buf[TSN_DNS_UDP_MAX];
  for (int i = 0; i < 64 && !l->udp.dead; i++)
    {
      struct sockaddr_in from;
      socklen_t fromlen = sizeof (from);
      ssize_t n = recvfrom (l->udp.fd, buf, sizeof (buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
      if (n < 0)
        return; /* EAGAIN, or an ICMP error queued on the socket: nothing to do */
      if (fromlen != sizeof (from) || from.sin_family != AF_INET)
        continue;
      handle_query (srv, buf, (size_t)n, l->addr, ntohl (from.sin_addr.s_addr), l, &from, NULL);
    }
}

void
tsn_dns_on_accept (struct tsn_dns_server *srv, struct tsn_dns_listener *l)
{
  for (int i = 0; i < 16; i++)
    {
      struct sockaddr_in from;
      socklen_t fromlen = sizeof (from);
      int fd = accept4 (l->tcp.fd, (struct sockaddr *)&from, &fromlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        return;
      if (srv->n_clients >= TSN_DNS_MAX_CLIENTS || from.sin_family != AF_INET)
        {
          close (fd);
          continue;
        }
      struct tsn_dns_client *c = xmalloc0 (sizeof (*c));
      c->obj = (struct tsn_dns_obj){ .kind = TSN_DNS_K_CLIENT, .fd = fd, .owner = c };
      c->local = l->addr;
      c->peer = ntohl (from.sin_addr.s_addr);
      c->in = xmalloc (2 + 65535);
      c->deadline_ms = tsn_dns_now_ms () + TSN_DNS_TCP_IDLE_MS;
      if (tsn_dns_watch (srv, &c->obj, EPOLLIN) < 0)
        {
          close (fd);
          free (c->in);
          free (c);
          continue;
        }
      c->next = srv->clients;
      srv->clients = c;
      srv->n_clients++;
    }
}

/* Handles every complete query buffered, one at a time (a forwarded one pauses the rest). */
static void
process_input (struct tsn_dns_server *srv, struct tsn_dns_client *c)
{
  while (!c->obj.dead && !c->busy && c->out == NULL && c->in_len >= 2)
    {
      size_t need = 2 + (size_t)((c->in[0] << 8) | c->in[1]);
      if (c->in_len < need)
        return;
      /* The query is copied out first: a reply queued synchronously may consume input. */
      uint8_t *query = xmalloc (need - 2);
      memcpy (query, c->in + 2, need - 2);
      memmove (c->in, c->in + need, c->in_len - need);
      c->in_len -= need;
      handle_query (srv, query, need - 2, c->local, c->peer, NULL, NULL, c);
      free (query);
    }
}

static void
flush_output (struct tsn_dns_server *srv, struct tsn_dns_client *c)
{
  while (c->out != NULL && c->out_off < c->out_len)
    {
      ssize_t n = send (c->obj.fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            {
              struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = &c->obj };
              epoll_ctl (srv->epfd, EPOLL_CTL_MOD, c->obj.fd, &ev);
              return;
            }
          tsn_dns_close_client (srv, c);
          return;
        }
      c->out_off += (size_t)n;
    }
  free (c->out);
  c->out = NULL;
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->obj };
  epoll_ctl (srv->epfd, EPOLL_CTL_MOD, c->obj.fd, &ev);
  c->deadline_ms = tsn_dns_now_ms () + TSN_DNS_TCP_IDLE_MS;
  process_input (srv, c);
}

void
tsn_dns_client_reply (struct tsn_dns_server *srv, struct tsn_dns_client *c, const uint8_t *msg, size_t len)
{
  if (c->obj.dead || len > 65535)
    return;
  c->busy = 0;
  free (c->out);
  c->out = xmalloc (2 + len);
  c->out[0] = (uint8_t)(len >> 8);
  c->out[1] = (uint8_t)len;
  memcpy (c->out + 2, msg, len);
  c->out_len = 2 + len;
  c->out_off = 0;
  flush_output (srv, c);
}

void
tsn_dns_on_client (struct tsn_dns_server *srv, struct tsn_dns_client *c, uint32_t events)
{
  if (events & EPOLLOUT)
    flush_output (srv, c);
  if (c->obj.dead || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
    return;
  size_t cap = 2 + 65535;
  ssize_t n = c->in_len < cap ? recv (c->obj.fd, c->in + c->in_len, cap - c->in_len, MSG_DONTWAIT) : 0;
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    {
      tsn_dns_close_client (srv, c);
      return;
    }
  c->in_len += (size_t)n;
  c->deadline_ms = tsn_dns_now_ms () + TSN_DNS_TCP_IDLE_MS;
  process_input (srv, c);
}

void
tsn_dns_close_client (struct tsn_dns_server *srv, struct tsn_dns_client *c)
{
  if (c->obj.dead)
    return;
  tsn_dns_forward_forget (srv, NULL, c);
  for (struct tsn_dns_client **p = &srv->clients; *p; p = &(*p)->next)
    if (*p == c)
      {
        *p = c->next;
        break;
      }
  srv->n_clients--;
  tsn_dns_bury (srv, &c->obj);
}

void
tsn_dns_clients_expire (struct tsn_dns_server *srv, uint64_t now)
{
  struct tsn_dns_client *next;
  for (struct tsn_dns_client *c = srv->clients; c; c = next)
    {
      next = c->next;
      if (!c->busy && c->deadline_ms <= now)
        tsn_dns_close_client (srv, c);
    }
}
