/* The responder's event loop state, shared by dns.c (verb, reload, loop), dns-server.c (clients:
 * UDP queries, TCP connections) and dns-forward.c (queries relayed to the upstreams). Every fd
 * is non-blocking and registered with one epoll instance whose data.ptr is a `tsn_dns_obj`.
 * Objects closed while a batch of events is being handled go to a graveyard freed after the
 * batch, so a later event of the same batch never touches freed memory. */
#ifndef TSN_DNS_SERVER_H
#define TSN_DNS_SERVER_H

#include "dns.h"

#include <netinet/in.h>
#include <stdint.h>

#define TSN_DNS_UDP_MAX 4096      /* largest UDP message relayed */
#define TSN_DNS_UDP_REPLY 512     /* our own UDP answers stay within RFC 1035's limit */
#define TSN_DNS_MAX_FORWARDS 512  /* queries in flight to the upstreams */
#define TSN_DNS_MAX_CLIENTS 128   /* TCP client connections */
#define TSN_DNS_ATTEMPT_MS 2000   /* per upstream attempt */
#define TSN_DNS_TCP_IDLE_MS 10000 /* a TCP client may stay idle this long */

enum tsn_dns_kind
{
  TSN_DNS_K_SIGNAL,
  TSN_DNS_K_UDP,
  TSN_DNS_K_TCP_LISTEN,
  TSN_DNS_K_CLIENT,
  TSN_DNS_K_FORWARD,
};

struct tsn_dns_obj
{
  enum tsn_dns_kind kind;
  int fd;
  int dead;
  void *owner;
  struct tsn_dns_obj *grave_next;
};

struct tsn_dns_listener
{
  struct tsn_dns_obj udp;
  struct tsn_dns_obj tcp;
  uint32_t addr; /* host byte order */
  int keep;      /* reload sweep */
  struct tsn_dns_listener *next;
};

struct tsn_dns_client
{
  struct tsn_dns_obj obj;
  uint32_t local, peer;
  uint8_t *in; /* 2-byte length + message, accumulating */
  size_t in_len;
  uint8_t *out; /* reply being written */
  size_t out_len, out_off;
  int busy; /* a query of this client is being forwarded */
  uint64_t deadline_ms;
  struct tsn_dns_client *next;
};

struct tsn_dns_forward
{
  struct tsn_dns_obj obj;
  /* Where the reply goes: a UDP client (through its listener) or a TCP client. */
  struct tsn_dns_listener *listener;
  struct sockaddr_in client_addr;
  struct tsn_dns_client *client;
  uint8_t client_id[2];
  uint16_t upstream_id;
  uint8_t *query;
  size_t query_len;
  size_t upstream; /* index into cfg.ups of the current attempt */
  unsigned attempts;
  uint64_t deadline_ms;
  /* TCP to the upstream: bytes of the request sent, reply read so far. */
  int tcp, connected;
  size_t sent;
  uint8_t *reply;
  size_t reply_len, reply_need;
  struct tsn_dns_forward *next;
};

struct tsn_dns_server
{
  int epfd;
  int dirfd;
  struct tsn_dns_config cfg;
  struct tsn_dns_listener *listeners;
  struct tsn_dns_client *clients;
  size_t n_clients;
  struct tsn_dns_forward *forwards;
  size_t n_forwards;
  struct tsn_dns_obj *graveyard;
  unsigned rr;
  uint64_t rand_state;
};

uint64_t tsn_dns_now_ms (void);
uint16_t tsn_dns_random16 (struct tsn_dns_server *srv);
int tsn_dns_watch (struct tsn_dns_server *srv, struct tsn_dns_obj *obj, uint32_t events);
/* Unregisters and closes obj's fd and queues obj's owner for freeing after the batch. */
void tsn_dns_bury (struct tsn_dns_server *srv, struct tsn_dns_obj *obj);

/* dns-server.c */
void tsn_dns_on_udp (struct tsn_dns_server *srv, struct tsn_dns_listener *l);
void tsn_dns_on_accept (struct tsn_dns_server *srv, struct tsn_dns_listener *l);
void tsn_dns_on_client (struct tsn_dns_server *srv, struct tsn_dns_client *c, uint32_t events);
/* Queues a reply on a TCP client (takes a copy). */
void tsn_dns_client_reply (struct tsn_dns_server *srv, struct tsn_dns_client *c, const uint8_t *msg,
                           size_t len);
void tsn_dns_close_client (struct tsn_dns_server *srv, struct tsn_dns_client *c);
/* Closes idle connections (not waiting for an upstream) whose deadline passed. */
void tsn_dns_clients_expire (struct tsn_dns_server *srv, uint64_t now);

/* dns-forward.c */
void tsn_dns_forward_start (struct tsn_dns_server *srv, const uint8_t *query, size_t len,
                            struct tsn_dns_listener *l, const struct sockaddr_in *client_addr,
                            struct tsn_dns_client *c);
void tsn_dns_on_forward (struct tsn_dns_server *srv, struct tsn_dns_forward *f, uint32_t events);
void tsn_dns_forward_expire (struct tsn_dns_server *srv, uint64_t now);
/* Drops references to a listener or client that is going away. */
void tsn_dns_forward_forget (struct tsn_dns_server *srv, const struct tsn_dns_listener *l,
                             const struct tsn_dns_client *c);

#endif
