/* The `dns` verb: the engine's service-discovery responder (aardvark's model). One process per
 * engine root, in the host's network namespace, listening on UDP and TCP port 53 of every
 * network's gateway address. It answers container names and aliases from the records files the
 * engine writes, scoped by the asking container's networks, with TTL 0 (containers change
 * addresses), and forwards other names to the host's resolvers — from the host namespace, so a
 * loopback stub resolver such as 127.0.0.53 works.
 *
 * Its directory (`--dir`, `<run>/dns`), written by the engine, read here:
 *   networks/<name>   "network <name> <gateway> <subnet>/<len> internal|external", then one line
 *                     per endpoint: "<container id> <ipv4> <name>[,<name>...]"
 *   upstreams         one "<ipv4> <port>" per line
 *   generation        a decimal counter the engine bumps with every change
 * written here:
 *   dns.pid           this process's pid (for SIGHUP = reload, SIGTERM = exit)
 *   status            JSON: {"pid":…,"generation":…,"listening":[…],"errors":[…]} after each load,
 *                     so the engine knows a change is live before it returns. */
#ifndef TSN_DNS_H
#define TSN_DNS_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

/* Names under this domain are ours: unknown ones get NXDOMAIN instead of being forwarded. */
#define TSN_DNS_DOMAIN "tscompose.internal"
#define TSN_DNS_MAX_ANSWERS 64
#define TSN_DNS_MAX_UPSTREAMS 4

struct tsn_dns_entry
{
  char *container_id;
  uint32_t addr; /* host byte order */
  char **names;  /* lowercase */
  size_t n_names;
};

struct tsn_dns_network
{
  char *name;
  uint32_t gateway; /* host byte order */
  uint32_t subnet;
  uint32_t mask;
  int internal;
  struct tsn_dns_entry *entries;
  size_t n_entries;
};

struct tsn_dns_upstream
{
  uint32_t addr; /* host byte order */
  uint16_t port;
};

struct tsn_dns_config
{
  struct tsn_dns_network *nets;
  size_t n_nets;
  struct tsn_dns_upstream ups[TSN_DNS_MAX_UPSTREAMS];
  size_t n_ups;
  unsigned long long generation;
};

/* dns-config.c: reads the directory above (the directory fd dfd) into *cfg. On failure *cfg is
 * empty except for `generation` (when it could be read). */
int tsn_dns_config_load (struct tsn_dns_config *cfg, int dfd, tsn_err_t *err);
void tsn_dns_config_free (struct tsn_dns_config *cfg);

/* dns-wire.c: the subset of RFC 1035 a stub-facing responder needs. */
#define TSN_DNS_TYPE_A 1
#define TSN_DNS_TYPE_PTR 12
#define TSN_DNS_TYPE_AAAA 28
#define TSN_DNS_TYPE_ANY 255
#define TSN_DNS_CLASS_IN 1
#define TSN_DNS_RCODE_NOERROR 0
#define TSN_DNS_RCODE_FORMERR 1
#define TSN_DNS_RCODE_SERVFAIL 2
#define TSN_DNS_RCODE_NXDOMAIN 3
#define TSN_DNS_RCODE_NOTIMP 4
#define TSN_DNS_RCODE_REFUSED 5

struct tsn_dns_question
{
  char name[256]; /* dotted, lowercase, no trailing dot; "" for the root */
  uint16_t qtype;
  uint16_t qclass;
  size_t end; /* offset just past the question in the message */
};

/* 0 when msg is a standard query with one question; else the rcode to answer with (> 0). */
int tsn_dns_parse_query (const uint8_t *msg, size_t len, struct tsn_dns_question *q);

struct tsn_dns_answer
{
  int rcode;
  uint32_t addrs[TSN_DNS_MAX_ANSWERS]; /* A records, host byte order */
  size_t n_addrs;
  const char *ptr_name; /* PTR record target, or NULL */
};

/* Builds the reply to `query` (whose question is q, or NULL when it could not be parsed) into
 * out[cap]; answers that do not fit set TC. Returns the length. */
size_t tsn_dns_build_reply (uint8_t *out, size_t cap, const uint8_t *query, size_t query_len,
                            const struct tsn_dns_question *q, const struct tsn_dns_answer *a);

/* dns-lookup.c */
enum tsn_dns_action
{
  TSN_DNS_ANSWER,  /* reply with *answer */
  TSN_DNS_FORWARD, /* ask the upstreams */
};

/* Decides how to answer q from `client` (host byte order) that arrived at `local` (a gateway).
 * `rr` rotates the order of several addresses (round robin between replicas). */
enum tsn_dns_action tsn_dns_lookup (const struct tsn_dns_config *cfg, uint32_t client, uint32_t local,
                                    const struct tsn_dns_question *q, unsigned rr,
                                    struct tsn_dns_answer *answer);

#endif
