/* DNS messages (RFC 1035 §4): parse a query's single question, build a reply. Only what a
 * responder for stub resolvers needs; no compression in questions (stubs never send it), replies
 * point back at the question's name (0xc00c). */
#include "dns.h"

#include <ctype.h>
#include <string.h>

#define HEADER_LEN 12

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

static void
put16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void
put32 (uint8_t *p, uint32_t v)
{
  put16 (p, (uint16_t)(v >> 16));
  put16 (p + 2, (uint16_t)v);
}

int
tsn_dns_parse_query (const uint8_t *msg, size_t len, struct tsn_dns_question *q)
{
  if (len < HEADER_LEN)
    return TSN_DNS_RCODE_FORMERR;
  uint16_t flags = get16 (msg + 2);
  if (flags & 0x8000) /* a response, not a query */
    return TSN_DNS_RCODE_FORMERR;
  if (((flags >> 11) & 0xf) != 0) /* only QUERY */
    return TSN_DNS_RCODE_NOTIMP;
  if (get16 (msg + 4) != 1)
    return TSN_DNS_RCODE_FORMERR;
  size_t off = HEADER_LEN;
  size_t out = 0;
  for (;;)
    {
      if (off >= len)
        return TSN_DNS_RCODE_FORMERR;
      uint8_t label = msg[off++];
      if (label == 0)
        break;
      if (label > 63 || off + label > len || out + label + 1 >= sizeof (q->name))
        return TSN_DNS_RCODE_FORMERR;
      if (out > 0)
        q->name[out++] = '.';
      for (uint8_t i = 0; i < label; i++)
        {
          unsigned char c = msg[off + i];
          /* A dot or NUL inside a label cannot be represented in our dotted form. */
          if (c == '.' || c == '\0')
            return TSN_DNS_RCODE_FORMERR;
          q->name[out++] = (char)tolower (c);
        }
      off += label;
    }
  q->name[out] = '\0';
  if (off + 4 > len)
    return TSN_DNS_RCODE_FORMERR;
  q->qtype = get16 (msg + off);
  q->qclass = get16 (msg + off + 2);
  q->end = off + 4;
  return 0;
}

/* Encodes a dotted name as labels; returns the length or 0 when it does not fit. */
static size_t
encode_name (uint8_t *out, size_t cap, const char *name)
{
  size_t n = 0;
  while (*name)
    {
      const char *dot = strchr (name, '.');
      size_t label = dot ? (size_t)(dot - name) : strlen (name);
      if (label == 0 || label > 63 || n + label + 1 >= cap)
        return 0;
      out[n++] = (uint8_t)label;
      memcpy (out + n, name, label);
      n += label;
      name += label + (dot ? 1 : 0);
    }
  if (n + 1 > cap)
    return 0;
  out[n++] = 0;
  return n;
}

/* One resource record owned by the question's name, TTL 0. Returns its length or 0 (no room). */
static size_t
put_record (uint8_t *out, size_t room, uint16_t type, const uint8_t *rdata, size_t rdlen)
{
  if (room < 12 + rdlen)
    return 0;
  put16 (out, 0xc00c);
  put16 (out + 2, type);
  put16 (out + 4, TSN_DNS_CLASS_IN);
  put32 (out + 6, 0);
  put16 (out + 10, (uint16_t)rdlen);
  memcpy (out + 12, rdata, rdlen);
  return 12 + rdlen;
}

size_t
tsn_dns_build_reply (uint8_t *out, size_t cap, const uint8_t *query, size_t query_len,
                     const struct tsn_dns_question *q, const struct tsn_dns_answer *a)
{
  if (cap < HEADER_LEN || query_len < 2)
    return 0;
  memset (out, 0, HEADER_LEN);
  memcpy (out, query, 2); /* id */
  uint16_t qflags = query_len >= 4 ? get16 (query + 2) : 0;
  /* QR, AA, RD as asked, RA: we recurse on the client's behalf through the upstreams. */
  uint16_t flags = (uint16_t)(0x8000 | 0x0400 | (qflags & 0x0100) | 0x0080 | (a->rcode & 0xf));
  size_t len = HEADER_LEN;
  if (q == NULL || q->end > cap)
    {
      put16 (out + 2, flags);
      return len;
    }
  memcpy (out + HEADER_LEN, query + HEADER_LEN, q->end - HEADER_LEN);
  len = q->end;
  put16 (out + 4, 1);
  uint16_t count = 0;
  int truncated = 0;
  for (size_t i = 0; i < a->n_addrs; i++)
    {
      uint8_t rdata[4];
      put32 (rdata, a->addrs[i]);
      size_t n = put_record (out + len, cap - len, TSN_DNS_TYPE_A, rdata, 4);
      if (n == 0)
        {
          truncated = 1;
          break;
        }
      len += n;
      count++;
    }
  if (a->ptr_name != NULL && !truncated)
    {
      uint8_t rdata[256];
      size_t rdlen = encode_name (rdata, sizeof (rdata), a->ptr_name);
      size_t n = rdlen ? put_record (out + len, cap - len, TSN_DNS_TYPE_PTR, rdata, rdlen) : 0;
      if (n == 0)
        truncated = rdlen != 0;
      else
        {
          len += n;
          count++;
        }
    }
  if (truncated)
    flags |= 0x0200;
  put16 (out + 2, flags);
  put16 (out + 6, count);
  return len;
}
