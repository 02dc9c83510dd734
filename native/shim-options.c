/* The shim's command line (see docs/native-shim.md): options into a tsn_shim_config, paths made
 * absolute (the supervisor runs with "/" as its cwd), values checked before anything starts. */
#include "shim.h"
#include "signals.h"
#include "utils.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char tsn_shim_usage[]
    = "usage: tscompose-native shim --runtime PATH [--runtime-root DIR] --bundle DIR --id ID --state-dir "
      "DIR\n"
      "         [--log-path FILE] [--log-max-size BYTES] [--log-max-files N] [--terminal] [--stdin]\n"
      "         [--restart no|always|unless-stopped|on-failure[:N]] [--backoff-initial D] [--backoff-max D]\n"
      "         [--backoff-reset D] [--stop-signal SIG] [--stop-timeout D]\n"
      "         [--health-interval D] [--health-timeout D] [--health-retries N] [--health-start-period D]\n"
      "         [--health-start-interval D] [--health-log-max N] [-- HEALTHCHECK-COMMAND ARGS...]\n"
      "durations (D): 500ms, 2s, 1m, 1h or milliseconds\n";

static char *
absolute (const char *path)
{
  if (path[0] == '/')
    return xstrdup (path);
  char cwd[PATH_MAX];
  char *out = NULL;
  if (getcwd (cwd, sizeof (cwd)) == NULL || asprintf (&out, "%s/%s", cwd, path) < 0)
    abort ();
  return out;
}

static int
parse_size (const char *v, uint64_t *out, tsn_err_t *err)
{
  char *end;
  errno = 0;
  unsigned long long n = strtoull (v, &end, 10);
  uint64_t mult = 1;
  if (*end == 'k' || *end == 'K')
    mult = 1024, end++;
  else if (*end == 'm' || *end == 'M')
    mult = 1024 * 1024, end++;
  else if (*end == 'g' || *end == 'G')
    mult = 1024ULL * 1024 * 1024, end++;
  if (end == v || *end != '\0' || errno != 0 || v[0] == '-')
    return tsn_error (err, 0, "invalid size `%s`", v);
  *out = (uint64_t)n * mult;
  return 0;
}

static int
parse_count (const char *v, unsigned *out, tsn_err_t *err)
{
  char *end;
  errno = 0;
  unsigned long n = strtoul (v, &end, 10);
  if (end == v || *end != '\0' || errno != 0 || v[0] == '-' || n > 1000000)
    return tsn_error (err, 0, "invalid count `%s`", v);
  *out = (unsigned)n;
  return 0;
}

static int
valid_id (const char *id)
{
  size_t n = strlen (id);
  if (n == 0 || n > 128 || id[0] == '.' || id[0] == '-')
    return 0;
  return strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* One option with a value; returns 1 when `name` matched (value checked), 0 otherwise, -1 on error. */
static int
option (int argc, char **argv, int *i, const char *name, const char **value, tsn_err_t *err)
{
  size_t n = strlen (name);
  if (strncmp (argv[*i], name, n) != 0 || (argv[*i][n] != '\0' && argv[*i][n] != '='))
    return 0;
  if (argv[*i][n] == '=')
    *value = argv[*i] + n + 1;
  else if (*i + 1 < argc)
    *value = argv[++*i];
  else
    return tsn_error (err, 0, "option `%s` needs a value", name);
  return 1;
}

static int
apply_option (struct tsn_shim_config *c, const char *name, const char *v, tsn_err_t *err)
{
  struct tsn_shim_health_config *h = &c->health;
  if (strcmp (name, "--runtime") == 0)
    c->runtime = absolute (v);
  else if (strcmp (name, "--runtime-root") == 0)
    c->runtime_root = absolute (v);
  else if (strcmp (name, "--bundle") == 0)
    {
      char *real = realpath (v, NULL);
      if (real == NULL)
        return tsn_error (err, errno, "bundle `%s`", v);
      c->bundle = real;
    }
  else if (strcmp (name, "--id") == 0)
    c->id = v;
  else if (strcmp (name, "--state-dir") == 0)
    c->state_dir = absolute (v);
  else if (strcmp (name, "--log-path") == 0)
    c->log_path = absolute (v);
  else if (strcmp (name, "--log-max-size") == 0)
    return parse_size (v, &c->log_max_size, err);
  else if (strcmp (name, "--log-max-files") == 0)
    return parse_count (v, &c->log_max_files, err);
  else if (strcmp (name, "--restart") == 0)
    return tsn_shim_restart_parse (v, &c->restart, err);
  else if (strcmp (name, "--backoff-initial") == 0)
    return tsn_shim_parse_duration (v, &c->backoff.initial_ms, err);
  else if (strcmp (name, "--backoff-max") == 0)
    return tsn_shim_parse_duration (v, &c->backoff.max_ms, err);
  else if (strcmp (name, "--backoff-reset") == 0)
    return tsn_shim_parse_duration (v, &c->backoff.reset_ms, err);
  else if (strcmp (name, "--stop-signal") == 0)
    return (c->stop_signal = tsn_rt_parse_signal (v, err)) < 0 ? -1 : 0;
  else if (strcmp (name, "--stop-timeout") == 0)
    return tsn_shim_parse_duration (v, &c->stop_timeout_ms, err);
  else if (strcmp (name, "--health-interval") == 0)
    return tsn_shim_parse_duration (v, &h->interval_ms, err);
  else if (strcmp (name, "--health-timeout") == 0)
    return tsn_shim_parse_duration (v, &h->timeout_ms, err);
  else if (strcmp (name, "--health-start-period") == 0)
    return tsn_shim_parse_duration (v, &h->start_period_ms, err);
  else if (strcmp (name, "--health-start-interval") == 0)
    return tsn_shim_parse_duration (v, &h->start_interval_ms, err);
  else if (strcmp (name, "--health-retries") == 0)
    return parse_count (v, &h->retries, err);
  else if (strcmp (name, "--health-log-max") == 0)
    return parse_count (v, &h->log_max, err);
  return 0;
}

static const char *const VALUE_OPTIONS[] = {
  "--runtime",
  "--runtime-root",
  "--bundle",
  "--id",
  "--state-dir",
  "--log-path",
  "--log-max-size",
  "--log-max-files",
  "--restart",
  "--backoff-initial",
  "--backoff-max",
  "--backoff-reset",
  "--stop-signal",
  "--stop-timeout",
  "--health-interval",
  "--health-timeout",
  "--health-start-period",
  "--health-start-interval",
  "--health-retries",
  "--health-log-max",
};

static void
config_defaults (struct tsn_shim_config *c)
{
  memset (c, 0, sizeof (*c));
  c->log_max_files = 1;
  c->backoff = (struct tsn_shim_backoff){ 100, 60000, 10000 };
  c->stop_signal = SIGTERM;
  c->stop_timeout_ms = 10000;
  /* Docker's healthcheck defaults */
  c->health = (struct tsn_shim_health_config){ NULL, 30000, 30000, 0, 5000, 3, 5 };
}

int
tsn_shim_parse_args (struct tsn_shim_config *c, int argc, char **argv, tsn_err_t *err)
{
  config_defaults (c);
  int i = 1;
  for (; i < argc; i++)
    {
      const char *v = NULL;
      int matched = 0;
      if (strcmp (argv[i], "--") == 0)
        {
          i++;
          break;
        }
      if (strcmp (argv[i], "--terminal") == 0)
        c->terminal = matched = 1;
      else if (strcmp (argv[i], "--stdin") == 0)
        c->stdin_open = matched = 1;
      for (size_t k = 0; !matched && k < sizeof (VALUE_OPTIONS) / sizeof (VALUE_OPTIONS[0]); k++)
        {
          int rc = option (argc, argv, &i, VALUE_OPTIONS[k], &v, err);
          if (rc < 0 || (rc > 0 && apply_option (c, VALUE_OPTIONS[k], v, err) < 0))
            return -1;
          matched = rc;
        }
      if (!matched)
        return tsn_error (err, 0, "unknown option `%s`", argv[i]);
    }
  if (i < argc)
    c->health.cmd = argv + i;
  if (!c->runtime || !c->bundle || !c->id || !c->state_dir)
    return tsn_error (err, 0, "--runtime, --bundle, --id and --state-dir are required");
  if (!valid_id (c->id))
    return tsn_error (err, 0, "invalid container id `%s`", c->id);
  if (access (c->runtime, X_OK) < 0)
    return tsn_error (err, errno, "runtime `%s`", c->runtime);
  if (c->backoff.initial_ms <= 0 || c->backoff.max_ms < c->backoff.initial_ms)
    return tsn_error (err, 0, "invalid backoff: initial must be > 0 and <= max");
  if (c->health.cmd
      && (c->health.interval_ms <= 0 || c->health.timeout_ms <= 0 || c->health.start_interval_ms <= 0))
    return tsn_error (err, 0, "healthcheck interval, timeout and start interval must be > 0");
  return 0;
}
