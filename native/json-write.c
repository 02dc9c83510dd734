/* JSON writer: compact output into a growable buffer. See json.h for the contract. */
#include "json.h"
#include "utils.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
w_put (struct tsn_json_writer *w, const char *s, size_t n)
{
  if (w->len + n + 1 > w->cap)
    {
      size_t cap = w->cap ? w->cap : 256;
      while (w->len + n + 1 > cap)
        cap *= 2;
      w->buf = xrealloc (w->buf, cap);
      w->cap = cap;
    }
  memcpy (w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = '\0';
}

static void
w_sep (struct tsn_json_writer *w)
{
  if (w->after_key)
    {
      w->after_key = 0;
      return;
    }
  if (w->need_comma[w->depth])
    w_put (w, ",", 1);
  w->need_comma[w->depth] = 1;
}

void
tsn_json_w_init (struct tsn_json_writer *w)
{
  memset (w, 0, sizeof (*w));
  w_put (w, "", 0);
}

void
tsn_json_w_release (struct tsn_json_writer *w)
{
  free (w->buf);
  w->buf = NULL;
  w->len = w->cap = 0;
}

static void
w_open (struct tsn_json_writer *w, const char *c)
{
  w_sep (w);
  w_put (w, c, 1);
  if (w->depth < TSN_JSON_MAX_DEPTH)
    w->depth++;
  w->need_comma[w->depth] = 0;
}

static void
w_close (struct tsn_json_writer *w, const char *c)
{
  if (w->depth > 0)
    w->depth--;
  w_put (w, c, 1);
}

void
tsn_json_w_begin_object (struct tsn_json_writer *w)
{
  w_open (w, "{");
}

void
tsn_json_w_end_object (struct tsn_json_writer *w)
{
  w_close (w, "}");
}

void
tsn_json_w_begin_array (struct tsn_json_writer *w)
{
  w_open (w, "[");
}

void
tsn_json_w_end_array (struct tsn_json_writer *w)
{
  w_close (w, "]");
}

static void
w_quoted (struct tsn_json_writer *w, const char *s)
{
  w_put (w, "\"", 1);
  const char *run = s;
  for (; *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      w_put (w, run, (size_t)(s - run));
      char esc[8];
      if (c == '"' || c == '\\')
        snprintf (esc, sizeof esc, "\\%c", c);
      else if (c == '\n')
        snprintf (esc, sizeof esc, "\\n");
      else if (c == '\t')
        snprintf (esc, sizeof esc, "\\t");
      else
        snprintf (esc, sizeof esc, "\\u%04x", c);
      w_put (w, esc, strlen (esc));
      run = s + 1;
    }
  w_put (w, run, (size_t)(s - run));
  w_put (w, "\"", 1);
}

void
tsn_json_w_key (struct tsn_json_writer *w, const char *key)
{
  w_sep (w);
  w_quoted (w, key);
  w_put (w, ":", 1);
  w->after_key = 1;
}

void
tsn_json_w_string (struct tsn_json_writer *w, const char *s)
{
  w_sep (w);
  w_quoted (w, s);
}

void
tsn_json_w_int64 (struct tsn_json_writer *w, int64_t v)
{
  char num[32];
  int n = snprintf (num, sizeof num, "%" PRId64, v);
  w_sep (w);
  w_put (w, num, (size_t)n);
}

void
tsn_json_w_bool (struct tsn_json_writer *w, int v)
{
  w_sep (w);
  w_put (w, v ? "true" : "false", v ? 4 : 5);
}

void
tsn_json_w_null (struct tsn_json_writer *w)
{
  w_sep (w);
  w_put (w, "null", 4);
}

void
tsn_json_w_value (struct tsn_json_writer *w, const struct tsn_json *v)
{
  switch (v->type)
    {
    case TSN_JSON_NULL:
      tsn_json_w_null (w);
      break;
    case TSN_JSON_BOOL:
      tsn_json_w_bool (w, v->u.boolean);
      break;
    case TSN_JSON_NUMBER:
      w_sep (w);
      w_put (w, v->u.number.text, strlen (v->u.number.text));
      break;
    case TSN_JSON_STRING:
      tsn_json_w_string (w, v->u.string.s);
      break;
    case TSN_JSON_ARRAY:
      tsn_json_w_begin_array (w);
      for (size_t i = 0; i < v->u.array.len; i++)
        tsn_json_w_value (w, v->u.array.items[i]);
      tsn_json_w_end_array (w);
      break;
    case TSN_JSON_OBJECT:
      tsn_json_w_begin_object (w);
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          tsn_json_w_key (w, v->u.object.members[i].key);
          tsn_json_w_value (w, v->u.object.members[i].value);
        }
      tsn_json_w_end_object (w);
      break;
    }
}

const char *
tsn_json_w_str (struct tsn_json_writer *w)
{
  return w->buf ? w->buf : "";
}
