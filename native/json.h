/* A small JSON reader and writer for tscompose-native (no third-party code).
 *
 * Reader: tsn_json_parse() builds an immutable tree in one arena owned by a tsn_json_doc; every
 * node and string lives until tsn_json_doc_free(). Strings are NUL-terminated and never contain
 * an embedded NUL (a "\u0000" escape is refused: every string we read ends up in a C API).
 * Nesting is limited to TSN_JSON_MAX_DEPTH so a hostile config cannot exhaust the stack.
 *
 * Writer: tsn_json_writer appends compact JSON to a growable buffer; commas are inserted by the
 * writer, so callers only say begin/key/value/end. */
#ifndef TSN_JSON_H
#define TSN_JSON_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

#define TSN_JSON_MAX_DEPTH 128

enum tsn_json_type
{
  TSN_JSON_NULL,
  TSN_JSON_BOOL,
  TSN_JSON_NUMBER,
  TSN_JSON_STRING,
  TSN_JSON_ARRAY,
  TSN_JSON_OBJECT,
};

struct tsn_json;

struct tsn_json_member
{
  const char *key;
  const struct tsn_json *value;
};

struct tsn_json
{
  enum tsn_json_type type;
  union
  {
    int boolean;
    struct
    {
      const char *text; /* the number as written, for exact 64-bit integers */
      double value;
    } number;
    struct
    {
      const char *s;
      size_t len;
    } string;
    struct
    {
      const struct tsn_json *const *items;
      size_t len;
    } array;
    struct
    {
      const struct tsn_json_member *members;
      size_t len;
    } object;
  } u;
};

struct tsn_json_doc;

/* Parses `len` bytes of `text` (one JSON value, optional surrounding whitespace). */
int tsn_json_parse (struct tsn_json_doc **doc, const char *text, size_t len, tsn_err_t *err);
const struct tsn_json *tsn_json_root (const struct tsn_json_doc *doc);
void tsn_json_doc_free (struct tsn_json_doc *doc);

static inline void
cleanup_json_docp (struct tsn_json_doc **doc)
{
  if (*doc)
    tsn_json_doc_free (*doc);
}
#define cleanup_json_doc __attribute__ ((cleanup (cleanup_json_docp)))

/* Member `key` of an object, or NULL when `obj` is NULL, not an object, or has no such key. */
const struct tsn_json *tsn_json_get (const struct tsn_json *obj, const char *key);

/* Typed accessors: return 0 on success, -1 with an error naming `what` on a type mismatch.
 * A NULL value is "absent": the output is left untouched and 0 is returned (optional fields). */
int tsn_json_get_string (const struct tsn_json *v, const char **out, const char *what, tsn_err_t *err);
int tsn_json_get_bool (const struct tsn_json *v, int *out, const char *what, tsn_err_t *err);
int tsn_json_get_int64 (const struct tsn_json *v, int64_t *out, const char *what, tsn_err_t *err);
int tsn_json_get_uint64 (const struct tsn_json *v, uint64_t *out, const char *what, tsn_err_t *err);
/* A required type check (absent is accepted too): array or object. */
int tsn_json_expect (const struct tsn_json *v, enum tsn_json_type type, const char *what, tsn_err_t *err);

/* ---- writer ---- */
struct tsn_json_writer
{
  char *buf;
  size_t len;
  size_t cap;
  int depth;
  unsigned char need_comma[TSN_JSON_MAX_DEPTH + 1];
  int after_key;
};

void tsn_json_w_init (struct tsn_json_writer *w);
void tsn_json_w_release (struct tsn_json_writer *w);
void tsn_json_w_begin_object (struct tsn_json_writer *w);
void tsn_json_w_end_object (struct tsn_json_writer *w);
void tsn_json_w_begin_array (struct tsn_json_writer *w);
void tsn_json_w_end_array (struct tsn_json_writer *w);
void tsn_json_w_key (struct tsn_json_writer *w, const char *key);
void tsn_json_w_string (struct tsn_json_writer *w, const char *s);
void tsn_json_w_int64 (struct tsn_json_writer *w, int64_t v);
void tsn_json_w_bool (struct tsn_json_writer *w, int v);
void tsn_json_w_null (struct tsn_json_writer *w);
/* Writes a parsed value back out (compact). */
void tsn_json_w_value (struct tsn_json_writer *w, const struct tsn_json *v);
/* The buffer (NUL-terminated); still owned by the writer. */
const char *tsn_json_w_str (struct tsn_json_writer *w);

static inline void
cleanup_json_writerp (struct tsn_json_writer *w)
{
  tsn_json_w_release (w);
}
#define cleanup_json_writer __attribute__ ((cleanup (cleanup_json_writerp)))

#endif
