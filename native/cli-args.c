/* Verb option parsing; see cli-args.h. */
#include "cli-args.h"
#include "utils.h"

#include <stdio.h>
#include <string.h>

static struct tsn_opt *
find_long (struct tsn_opt *opts, const char *name, size_t len)
{
  for (struct tsn_opt *o = opts; o->name; o++)
    if (strlen (o->name) == len && strncmp (o->name, name, len) == 0)
      return o;
  return NULL;
}

static struct tsn_opt *
find_short (struct tsn_opt *opts, char c)
{
  for (struct tsn_opt *o = opts; o->name; o++)
    if (o->short_name == c)
      return o;
  return NULL;
}

static void
record (struct tsn_opt *o, const char *value)
{
  o->seen = 1;
  o->value = value;
  if (value)
    {
      o->values = xrealloc (o->values, (o->n_values + 2) * sizeof (char *));
      o->values[o->n_values++] = value;
      o->values[o->n_values] = NULL;
    }
}

int
tsn_args_parse (int argc, char **argv, struct tsn_opt *opts, int stop_at_positional, struct tsn_args *out,
                tsn_err_t *err)
{
  out->pos = xmalloc0 ((size_t)(argc + 1) * sizeof (char *));
  out->n_pos = 0;
  int only_pos = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (only_pos || a[0] != '-' || a[1] == '\0')
        {
          out->pos[out->n_pos++] = a;
          if (stop_at_positional)
            only_pos = 1;
          continue;
        }
      if (strcmp (a, "--") == 0)
        {
          only_pos = 1;
          continue;
        }
      const char *name = a + (a[1] == '-' ? 2 : 1);
      const char *eq = strchr (name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen (name);
      struct tsn_opt *o = find_long (opts, name, len);
      if (o == NULL && a[1] != '-' && len == 1)
        o = find_short (opts, name[0]);
      if (o == NULL)
        return tsn_error (err, 0, "unknown option `%s`", a);
      if (!o->has_value)
        {
          if (eq && strcmp (eq + 1, "true") != 0 && strcmp (eq + 1, "false") != 0)
            return tsn_error (err, 0, "option `%.*s` takes no value", (int)len, name);
          record (o, eq ? eq + 1 : NULL);
          continue;
        }
      if (eq)
        record (o, eq + 1);
      else if (i + 1 < argc)
        record (o, argv[++i]);
      else
        return tsn_error (err, 0, "option `%s` needs a value", a);
    }
  out->pos[out->n_pos] = NULL;
  return 0;
}

void
tsn_args_release (struct tsn_opt *opts, struct tsn_args *out)
{
  for (struct tsn_opt *o = opts; o && o->name; o++)
    free (o->values);
  free (out->pos);
}

int
tsn_opt_true (const struct tsn_opt *o)
{
  return o->seen && (o->value == NULL || strcmp (o->value, "false") != 0);
}

int
tsn_usage_error (const char *verb, tsn_err_t *err)
{
  fprintf (stderr, "tscompose-native %s: %s\n", verb, (err && *err) ? (*err)->msg : "usage error");
  tsn_error_release (err);
  return 2;
}
