/* JSON reader: recursive descent into one arena. See json.h for the contract. */
#include "json.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena: nodes and strings of one document, freed at once ---- */
struct arena_chunk
{
  struct arena_chunk *next;
  size_t used;
  size_t size;
  _Alignas(max_align_t) unsigned char data[];
};

struct tsn_json_doc
{
  struct arena_chunk *chunks;
  const struct tsn_json *root;
};

static void *
arena_alloc (struct tsn_json_doc *doc, size_t size)
{
  size = (size + 15) & ~(size_t)15;
  struct arena_chunk *c = doc->chunks;
  if (c == NULL || c->size - c->used < size)
    {
      size_t want = size > 16384 ? size : 16384;
      c = xmalloc (sizeof (*c) + want);
      c->size = want;
      c->used = 0;
      c->next = doc->chunks;
      doc->chunks = c;
    }
  void *p = c->data + c->used;
  c->used += size;
  return p;
}

void
tsn_json_doc_free (struct tsn_json_doc *doc)
{
  if (doc == NULL)
    return;
  for (struct arena_chunk *c = doc->chunks, *n; c; c = n)
    {
      n = c->next;
      free (c);
    }
  free (doc);
}

const struct tsn_json *
tsn_json_root (const struct tsn_json_doc *doc)
{
  return doc->root;
}

/* ---- parser ---- */
struct parser
{
  struct tsn_json_doc *doc;
  const char *p;
  const char *end;
  const char *start;
  int depth;
  /* scratch vector reused for strings */
  char *scratch;
  size_t scratch_cap;
};

static int
perr (struct parser *ps, tsn_err_t *err, const char *what)
{
  return tsn_error (err, 0, "invalid JSON at offset %zu: %s", (size_t)(ps->p - ps->start), what);
}

static void
skip_ws (struct parser *ps)
{
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int parse_value (struct parser *ps, const struct tsn_json **out, tsn_err_t *err);

static void
scratch_put (struct parser *ps, size_t *n, char c)
{
  if (*n + 1 >= ps->scratch_cap)
    {
      ps->scratch_cap = ps->scratch_cap ? ps->scratch_cap * 2 : 256;
      ps->scratch = xrealloc (ps->scratch, ps->scratch_cap);
    }
  ps->scratch[(*n)++] = c;
}

static void
put_utf8 (struct parser *ps, size_t *n, uint32_t cp)
{
  if (cp < 0x80)
    scratch_put (ps, n, (char)cp);
  else if (cp < 0x800)
    {
      scratch_put (ps, n, (char)(0xc0 | (cp >> 6)));
      scratch_put (ps, n, (char)(0x80 | (cp & 0x3f)));
    }
  else if (cp < 0x10000)
    {
      scratch_put (ps, n, (char)(0xe0 | (cp >> 12)));
      scratch_put (ps, n, (char)(0x80 | ((cp >> 6) & 0x3f)));
      scratch_put (ps, n, (char)(0x80 | (cp & 0x3f)));
    }
  else
    {
      scratch_put (ps, n, (char)(0xf0 | (cp >> 18)));
      scratch_put (ps, n, (char)(0x80 | ((cp >> 12) & 0x3f)));
      scratch_put (ps, n, (char)(0x80 | ((cp >> 6) & 0x3f)));
      scratch_put (ps, n, (char)(0x80 | (cp & 0x3f)));
    }
}

static int
hex4 (struct parser *ps, uint32_t *out)
{
  if (ps->end - ps->p < 4)
    return -1;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++)
    {
      char c = ps->p[i];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= (uint32_t)(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= (uint32_t)(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= (uint32_t)(c - 'A' + 10);
      else
        return -1;
    }
  ps->p += 4;
  *out = v;
  return 0;
}

static int
parse_escape (struct parser *ps, size_t *n, tsn_err_t *err)
{
  char c = *ps->p++;
  switch (c)
    {
    case '"':
    case '\\':
    case '/':
      scratch_put (ps, n, c);
      return 0;
    case 'b':
      scratch_put (ps, n, '\b');
      return 0;
    case 'f':
      scratch_put (ps, n, '\f');
      return 0;
    case 'n':
      scratch_put (ps, n, '\n');
      return 0;
    case 'r':
      scratch_put (ps, n, '\r');
      return 0;
    case 't':
      scratch_put (ps, n, '\t');
      return 0;
    case 'u':
      break;
    default:
      return perr (ps, err, "bad escape in string");
    }
  uint32_t cp;
  if (hex4 (ps, &cp) < 0)
    return perr (ps, err, "bad \\u escape");
  if (cp >= 0xd800 && cp < 0xdc00)
    {
      uint32_t lo;
      if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
        return perr (ps, err, "unpaired surrogate");
      ps->p += 2;
      if (hex4 (ps, &lo) < 0 || lo < 0xdc00 || lo >= 0xe000)
        return perr (ps, err, "unpaired surrogate");
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
  else if (cp >= 0xdc00 && cp < 0xe000)
    return perr (ps, err, "unpaired surrogate");
  if (cp == 0)
    return perr (ps, err, "\\u0000 in a string is not supported");
  put_utf8 (ps, n, cp);
  return 0;
}

/* Parses a string at ps->p (which points at the opening quote) into the arena. */
static int
parse_string (struct parser *ps, const char **out, size_t *out_len, tsn_err_t *err)
{
  size_t n = 0;
  ps->p++;
  for (;;)
    {
      if (ps->p >= ps->end)
        return perr (ps, err, "unterminated string");
      unsigned char c = (unsigned char)*ps->p;
      if (c == '"')
        {
          ps->p++;
          break;
        }
      if (c < 0x20)
        return perr (ps, err, "control character in string");
      if (c == '\\')
        {
          ps->p++;
          if (ps->p >= ps->end)
            return perr (ps, err, "unterminated string");
          if (parse_escape (ps, &n, err) < 0)
            return -1;
          continue;
        }
      if (c == 0)
        return perr (ps, err, "NUL byte in string");
      scratch_put (ps, &n, (char)c);
      ps->p++;
    }
  char *s = arena_alloc (ps->doc, n + 1);
  if (n)
    memcpy (s, ps->scratch, n);
  s[n] = '\0';
  *out = s;
  *out_len = n;
  return 0;
}

static int
parse_number (struct parser *ps, struct tsn_json *v, tsn_err_t *err)
{
  const char *s = ps->p;
  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
    return perr (ps, err, "bad number");
  if (*ps->p == '0')
    ps->p++;
  else
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ps->p++;
  if (ps->p < ps->end && *ps->p == '.')
    {
      ps->p++;
      if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
        return perr (ps, err, "bad number");
      while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E'))
    {
      ps->p++;
      if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
        ps->p++;
      if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
        return perr (ps, err, "bad number");
      while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    }
  size_t n = (size_t)(ps->p - s);
  char *text = arena_alloc (ps->doc, n + 1);
  memcpy (text, s, n);
  text[n] = '\0';
  v->type = TSN_JSON_NUMBER;
  v->u.number.text = text;
  v->u.number.value = strtod (text, NULL);
  return 0;
}

static int
literal (struct parser *ps, const char *word)
{
  size_t n = strlen (word);
  if ((size_t)(ps->end - ps->p) < n || memcmp (ps->p, word, n) != 0)
    return -1;
  ps->p += n;
  return 0;
}

struct vec
{
  void **items;
  size_t len, cap;
};

static void
vec_push (struct vec *v, void *item)
{
  if (v->len == v->cap)
    {
      v->cap = v->cap ? v->cap * 2 : 8;
      v->items = xrealloc (v->items, v->cap * sizeof (void *));
    }
  v->items[v->len++] = item;
}

static void
cleanup_vecp (struct vec *v)
{
  free (v->items);
}

static int
parse_array (struct parser *ps, struct tsn_json *v, tsn_err_t *err)
{
  __attribute__ ((cleanup (cleanup_vecp))) struct vec vec = { 0 };
  ps->p++;
  skip_ws (ps);
  if (ps->p < ps->end && *ps->p == ']')
    ps->p++;
  else
    for (;;)
      {
        const struct tsn_json *item;
        if (parse_value (ps, &item, err) < 0)
          return -1;
        vec_push (&vec, (void *)item);
        skip_ws (ps);
        if (ps->p < ps->end && *ps->p == ',')
          {
            ps->p++;
            continue;
          }
        if (ps->p < ps->end && *ps->p == ']')
          {
            ps->p++;
            break;
          }
        return perr (ps, err, "expected `,` or `]`");
      }
  const struct tsn_json **arr = arena_alloc (ps->doc, vec.len * sizeof (*arr) + 1);
  if (vec.len)
    memcpy (arr, vec.items, vec.len * sizeof (*arr));
  v->type = TSN_JSON_ARRAY;
  v->u.array.items = arr;
  v->u.array.len = vec.len;
  return 0;
}

static int
parse_object (struct parser *ps, struct tsn_json *v, tsn_err_t *err)
{
  cleanup_free struct tsn_json_member *members = NULL;
  size_t len = 0, cap = 0;
  ps->p++;
  skip_ws (ps);
  if (ps->p < ps->end && *ps->p == '}')
    ps->p++;
  else
    for (;;)
      {
        skip_ws (ps);
        if (ps->p >= ps->end || *ps->p != '"')
          return perr (ps, err, "expected a string key");
        const char *key;
        size_t key_len;
        if (parse_string (ps, &key, &key_len, err) < 0)
          return -1;
        skip_ws (ps);
        if (ps->p >= ps->end || *ps->p != ':')
          return perr (ps, err, "expected `:`");
        ps->p++;
        const struct tsn_json *value;
        if (parse_value (ps, &value, err) < 0)
          return -1;
        if (len == cap)
          {
            cap = cap ? cap * 2 : 8;
            members = xrealloc (members, cap * sizeof (*members));
          }
        members[len].key = key;
        members[len].value = value;
        len++;
        skip_ws (ps);
        if (ps->p < ps->end && *ps->p == ',')
          {
            ps->p++;
            continue;
          }
        if (ps->p < ps->end && *ps->p == '}')
          {
            ps->p++;
            break;
          }
        return perr (ps, err, "expected `,` or `}`");
      }
  struct tsn_json_member *m = arena_alloc (ps->doc, len * sizeof (*m) + 1);
  if (len)
    memcpy (m, members, len * sizeof (*m));
  v->type = TSN_JSON_OBJECT;
  v->u.object.members = m;
  v->u.object.len = len;
  return 0;
}

static int
parse_value (struct parser *ps, const struct tsn_json **out, tsn_err_t *err)
{
  skip_ws (ps);
  if (ps->p >= ps->end)
    return perr (ps, err, "unexpected end of input");
  struct tsn_json *v = arena_alloc (ps->doc, sizeof (*v));
  memset (v, 0, sizeof (*v));
  *out = v;
  switch (*ps->p)
    {
    case '{':
    case '[':
      {
        if (++ps->depth > TSN_JSON_MAX_DEPTH)
          return perr (ps, err, "nesting too deep");
        int r = *ps->p == '{' ? parse_object (ps, v, err) : parse_array (ps, v, err);
        ps->depth--;
        return r;
      }
    case '"':
      v->type = TSN_JSON_STRING;
      return parse_string (ps, &v->u.string.s, &v->u.string.len, err);
    case 't':
      v->type = TSN_JSON_BOOL;
      v->u.boolean = 1;
      return literal (ps, "true") < 0 ? perr (ps, err, "bad literal") : 0;
    case 'f':
      v->type = TSN_JSON_BOOL;
      return literal (ps, "false") < 0 ? perr (ps, err, "bad literal") : 0;
    case 'n':
      v->type = TSN_JSON_NULL;
      return literal (ps, "null") < 0 ? perr (ps, err, "bad literal") : 0;
    default:
      return parse_number (ps, v, err);
    }
}

int
tsn_json_parse (struct tsn_json_doc **out, const char *text, size_t len, tsn_err_t *err)
{
  struct tsn_json_doc *doc = xmalloc0 (sizeof (*doc));
  struct parser ps = { .doc = doc, .p = text, .end = text + len, .start = text };
  const struct tsn_json *root = NULL;
  int r = parse_value (&ps, &root, err);
  if (r == 0)
    {
      skip_ws (&ps);
      if (ps.p != ps.end)
        r = perr (&ps, err, "trailing data after the value");
    }
  free (ps.scratch);
  if (r < 0)
    {
      tsn_json_doc_free (doc);
      return -1;
    }
  doc->root = root;
  *out = doc;
  return 0;
}
