/* What to answer: names are scoped by the asking container, as aardvark does. The client's
 * address identifies its container (by the entries that carry that address); the container's
 * networks are every network with an entry of that container id, so a container attached to
 * two networks resolves the names of both, whichever gateway it asks. A client that is no
 * container's (the host itself, say) sees the network its address belongs to, else the one of
 * the gateway it asked. */
#include "dns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS 8

struct scope
{
  const char *ids[MAX_IDS]; /* the asking container's ids (normally one) */
  size_t n_ids;
  uint32_t client;
  uint32_t local;
  int by_subnet; /* no container owns the client address: fall back to its subnet */
};

static int
net_has_container (const struct tsn_dns_network *net, const char *id)
{
  for (size_t j = 0; j < net->n_entries; j++)
    if (strcmp (net->entries[j].container_id, id) == 0)
      return 1;
  return 0;
}

static int
visible (const struct tsn_dns_config *cfg, size_t i, const struct scope *s)
{
  const struct tsn_dns_network *net = &cfg->nets[i];
  if (s->n_ids > 0)
    {
      for (size_t k = 0; k < s->n_ids; k++)
        if (net_has_container (net, s->ids[k]))
          return 1;
      return 0;
    }
  if (s->by_subnet)
    return (s->client & net->mask) == net->subnet;
  return net->gateway == s->local;
}

static void
make_scope (const struct tsn_dns_config *cfg, uint32_t client, uint32_t local, struct scope *s)
{
  memset (s, 0, sizeof (*s));
  s->client = client;
  s->local = local;
  for (size_t i = 0; i < cfg->n_nets; i++)
    {
      const struct tsn_dns_network *net = &cfg->nets[i];
      for (size_t j = 0; j < net->n_entries && s->n_ids < MAX_IDS; j++)
        if (net->entries[j].addr == client)
          s->ids[s->n_ids++] = net->entries[j].container_id;
      if ((client & net->mask) == net->subnet)
        s->by_subnet = 1;
    }
}

/* Strips our domain; returns 1 when the name was under it. */
static int
strip_domain (char *name)
{
  size_t dl = strlen (TSN_DNS_DOMAIN), nl = strlen (name);
  if (nl == dl && strcmp (name, TSN_DNS_DOMAIN) == 0)
    {
      name[0] = '\0';
      return 1;
    }
  if (nl > dl && name[nl - dl - 1] == '.' && strcmp (name + nl - dl, TSN_DNS_DOMAIN) == 0)
    {
      name[nl - dl - 1] = '\0';
      return 1;
    }
  return 0;
}

/* "d.c.b.a.in-addr.arpa" → a.b.c.d; -1 when it is not a full IPv4 reverse name. */
static int
parse_reverse (const char *name, uint32_t *addr)
{
  unsigned o[4];
  int used = 0;
  if (sscanf (name, "%3u.%3u.%3u.%3u.in-addr.arpa%n", &o[0], &o[1], &o[2], &o[3], &used) != 4
      || name[used] != '\0' || o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255)
    return -1;
  *addr = (o[3] << 24) | (o[2] << 16) | (o[1] << 8) | o[0];
  return 0;
}

static enum tsn_dns_action
lookup_ptr (const struct tsn_dns_config *cfg, const struct scope *s, uint32_t addr,
            struct tsn_dns_answer *answer, int may_forward)
{
  int in_subnet = 0;
  for (size_t i = 0; i < cfg->n_nets; i++)
    {
      if (!visible (cfg, i, s))
        continue;
      const struct tsn_dns_network *net = &cfg->nets[i];
      if ((addr & net->mask) == net->subnet)
        in_subnet = 1;
      for (size_t j = 0; j < net->n_entries; j++)
        if (net->entries[j].addr == addr && net->entries[j].n_names > 0)
          {
            answer->ptr_name = net->entries[j].names[0];
            return TSN_DNS_ANSWER;
          }
    }
  if (in_subnet || !may_forward)
    {
      answer->rcode = TSN_DNS_RCODE_NXDOMAIN;
      return TSN_DNS_ANSWER;
    }
  return TSN_DNS_FORWARD;
}

static void
add_addr (struct tsn_dns_answer *a, uint32_t addr)
{
  for (size_t i = 0; i < a->n_addrs; i++)
    if (a->addrs[i] == addr)
      return;
  if (a->n_addrs < TSN_DNS_MAX_ANSWERS)
    a->addrs[a->n_addrs++] = addr;
}

static void
rotate (struct tsn_dns_answer *a, unsigned rr)
{
  if (a->n_addrs < 2)
    return;
  uint32_t tmp[TSN_DNS_MAX_ANSWERS];
  size_t shift = rr % a->n_addrs;
  for (size_t i = 0; i < a->n_addrs; i++)
    tmp[i] = a->addrs[(i + shift) % a->n_addrs];
  memcpy (a->addrs, tmp, a->n_addrs * sizeof (uint32_t));
}

enum tsn_dns_action
tsn_dns_lookup (const struct tsn_dns_config *cfg, uint32_t client, uint32_t local,
                const struct tsn_dns_question *q, unsigned rr, struct tsn_dns_answer *answer)
{
  memset (answer, 0, sizeof (*answer));
  struct scope s;
  make_scope (cfg, client, local, &s);
  /* Internal networks have no egress, DNS included (a query is a way out, too). */
  int may_forward = 0;
  for (size_t i = 0; i < cfg->n_nets; i++)
    if (visible (cfg, i, &s) && !cfg->nets[i].internal)
      may_forward = 1;
  if (q->qclass != TSN_DNS_CLASS_IN && q->qclass != TSN_DNS_TYPE_ANY)
    {
      answer->rcode = TSN_DNS_RCODE_REFUSED;
      return may_forward ? TSN_DNS_FORWARD : TSN_DNS_ANSWER;
    }
  char name[256];
  memcpy (name, q->name, sizeof (name));
  int ours = strip_domain (name);
  uint32_t reverse;
  if (q->qtype == TSN_DNS_TYPE_PTR && !ours && parse_reverse (name, &reverse) == 0)
    return lookup_ptr (cfg, &s, reverse, answer, may_forward);
  int known = name[0] == '\0' && ours;
  for (size_t i = 0; i < cfg->n_nets; i++)
    {
      if (!visible (cfg, i, &s))
        continue;
      const struct tsn_dns_network *net = &cfg->nets[i];
      for (size_t j = 0; j < net->n_entries; j++)
        for (size_t k = 0; k < net->entries[j].n_names; k++)
          if (strcmp (net->entries[j].names[k], name) == 0)
            {
              known = 1;
              if (q->qtype == TSN_DNS_TYPE_A || q->qtype == TSN_DNS_TYPE_ANY)
                add_addr (answer, net->entries[j].addr);
            }
    }
  if (known)
    {
      /* A name we know but a type we have nothing for (AAAA: IPv4-only networks) is NODATA:
       * NOERROR with no answer, so the stub does not try the upstreams for it. */
      rotate (answer, rr);
      return TSN_DNS_ANSWER;
    }
  if (ours || !may_forward)
    {
      answer->rcode = TSN_DNS_RCODE_NXDOMAIN;
      return TSN_DNS_ANSWER;
    }
  if (cfg->n_ups == 0)
    {
      answer->rcode = TSN_DNS_RCODE_SERVFAIL;
      return TSN_DNS_ANSWER;
    }
  return TSN_DNS_FORWARD;
}
