/* Verb options in runc's (urfave/cli) shape: "--name value", "--name=value", "-n value", single-dash
 * long names ("-bundle"), boolean flags with an optional "=true|false", repeatable options, and
 * "--" ending the options. Options may follow positional arguments unless the verb stops at its
 * first positional one (`exec ID CMD...`, where the command's own flags must stay untouched). */
#ifndef TSN_CLI_ARGS_H
#define TSN_CLI_ARGS_H

#include "error.h"

#include <stddef.h>

struct tsn_opt
{
  const char *name; /* long name without dashes */
  char short_name;  /* or 0 */
  int has_value;
  /* results */
  int seen;
  const char *value;   /* last value */
  const char **values; /* all values (repeatable options), NULL-terminated */
  size_t n_values;
};

struct tsn_args
{
  const char **pos; /* positional arguments, NULL-terminated */
  size_t n_pos;
};

/* argv[0] is the verb. `stop_at_positional`: everything after the first positional argument is
 * positional (exec). Unknown options are usage errors. */
int tsn_args_parse (int argc, char **argv, struct tsn_opt *opts, int stop_at_positional, struct tsn_args *out,
                    tsn_err_t *err);
void tsn_args_release (struct tsn_opt *opts, struct tsn_args *out);

/* A boolean option's value ("--detach", "--detach=true", "--detach=false"). */
int tsn_opt_true (const struct tsn_opt *o);

/* Prints "tscompose-native VERB: <msg>" style usage errors and returns exit status 2. */
int tsn_usage_error (const char *verb, tsn_err_t *err);

#endif
