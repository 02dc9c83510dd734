/* Typed access to a parsed JSON tree. See json.h for the contract. */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct tsn_json *
tsn_json_get (const struct tsn_json *obj, const char *key)
{
  if (obj == NULL || obj->type != TSN_JSON_OBJECT)
    return NULL;
  /* Last one wins on duplicate keys, like most JSON decoders (Go's included). */
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.members[i - 1].key, key) == 0)
      return obj->u.object.members[i - 1].value;
  return NULL;
}

static const char *
type_name (enum tsn_json_type t)
{
  static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
  return names[t];
}

int
tsn_json_expect (const struct tsn_json *v, enum tsn_json_type type, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL || v->type == type)
    return 0;
  return tsn_error (err, 0, "`%s`: expected %s, got %s", what, type_name (type), type_name (v->type));
}

int
tsn_json_get_string (const struct tsn_json *v, const char **out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  if (v->type != TSN_JSON_STRING)
    return tsn_error (err, 0, "`%s`: expected a string, got %s", what, type_name (v->type));
  *out = v->u.string.s;
  return 0;
}

int
tsn_json_get_bool (const struct tsn_json *v, int *out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  if (v->type != TSN_JSON_BOOL)
    return tsn_error (err, 0, "`%s`: expected a boolean, got %s", what, type_name (v->type));
  *out = v->u.boolean;
  return 0;
}

static int
is_plain_integer (const char *text)
{
  return strpbrk (text, ".eE") == NULL;
}

int
tsn_json_get_int64 (const struct tsn_json *v, int64_t *out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  if (v->type != TSN_JSON_NUMBER)
    return tsn_error (err, 0, "`%s`: expected a number, got %s", what, type_name (v->type));
  if (is_plain_integer (v->u.number.text))
    {
      errno = 0;
      long long r = strtoll (v->u.number.text, NULL, 10);
      if (errno == ERANGE)
        return tsn_error (err, 0, "`%s`: %s is out of range", what, v->u.number.text);
      *out = r;
      return 0;
    }
  double d = v->u.number.value;
  if (d < -9.2e18 || d > 9.2e18 || d != (double)(int64_t)d)
    return tsn_error (err, 0, "`%s`: expected an integer, got %s", what, v->u.number.text);
  *out = (int64_t)d;
  return 0;
}

int
tsn_json_get_uint64 (const struct tsn_json *v, uint64_t *out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  if (v->type != TSN_JSON_NUMBER)
    return tsn_error (err, 0, "`%s`: expected a number, got %s", what, type_name (v->type));
  const char *t = v->u.number.text;
  if (*t == '-')
    return tsn_error (err, 0, "`%s`: expected a non-negative integer, got %s", what, t);
  if (is_plain_integer (t))
    {
      errno = 0;
      unsigned long long r = strtoull (t, NULL, 10);
      if (errno == ERANGE)
        return tsn_error (err, 0, "`%s`: %s is out of range", what, t);
      *out = r;
      return 0;
    }
  double d = v->u.number.value;
  if (d > 1.8e19 || d != (double)(uint64_t)d)
    return tsn_error (err, 0, "`%s`: expected an integer, got %s", what, t);
  *out = (uint64_t)d;
  return 0;
}
