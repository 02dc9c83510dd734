/* Restart policies and the restart backoff, as Docker applies them (moby restartmanager):
 * `no`, `always`, `unless-stopped`, `on-failure[:N]`; the delay starts at 100 ms, doubles after
 * each restart up to 1 min, and starts over once a run lasted 10 s. An explicit stop disables
 * every policy (the shim is told to stop: it does not restart). Within one shim `always` and
 * `unless-stopped` behave the same; they differ only when the engine decides, at its own start,
 * whether to start a container whose last state says stopRequested (see docs/native-shim.md). */
#include "shim.h"

#include <errno.h>
#include <stdlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
tsn_shim_restart_parse (const char *s, struct tsn_shim_restart_policy *p, tsn_err_t *err)
{
  p->max_retries = 0;
  if (strcmp (s, "no") == 0 || strcmp (s, "") == 0)
    p->kind = TSN_SHIM_RESTART_NO;
  else if (strcmp (s, "always") == 0)
    p->kind = TSN_SHIM_RESTART_ALWAYS;
  else if (strcmp (s, "unless-stopped") == 0)
    p->kind = TSN_SHIM_RESTART_UNLESS_STOPPED;
  else if (strcmp (s, "on-failure") == 0)
    p->kind = TSN_SHIM_RESTART_ON_FAILURE;
  else if (strncmp (s, "on-failure:", 11) == 0)
    {
      char *end;
      errno = 0;
      unsigned long n = strtoul (s + 11, &end, 10);
      if (s[11] == '\0' || *end != '\0' || errno != 0 || n > 1000000 || s[11] == '-')
        return tsn_error (err, 0, "invalid restart policy `%s`: expected on-failure:<count>", s);
      p->kind = TSN_SHIM_RESTART_ON_FAILURE;
      p->max_retries = (unsigned)n;
    }
  else
    return tsn_error (err, 0, "invalid restart policy `%s` (no, always, unless-stopped, on-failure[:N])", s);
  return 0;
}

void
tsn_shim_restart_format (const struct tsn_shim_restart_policy *p, char out[32])
{
  switch (p->kind)
    {
    case TSN_SHIM_RESTART_NO:
      snprintf (out, 32, "no");
      return;
    case TSN_SHIM_RESTART_ALWAYS:
      snprintf (out, 32, "always");
      return;
    case TSN_SHIM_RESTART_UNLESS_STOPPED:
      snprintf (out, 32, "unless-stopped");
      return;
    case TSN_SHIM_RESTART_ON_FAILURE:
      if (p->max_retries)
        snprintf (out, 32, "on-failure:%u", p->max_retries);
      else
        snprintf (out, 32, "on-failure");
      return;
    }
}

int
tsn_shim_restart_wanted (const struct tsn_shim_restart_policy *p, int exit_code, unsigned restarts)
{
  switch (p->kind)
    {
    case TSN_SHIM_RESTART_NO:
      return 0;
    case TSN_SHIM_RESTART_ALWAYS:
    case TSN_SHIM_RESTART_UNLESS_STOPPED:
      return 1;
    case TSN_SHIM_RESTART_ON_FAILURE:
      return exit_code != 0 && (p->max_retries == 0 || restarts < p->max_retries);
    }
  return 0;
}

int64_t
tsn_shim_backoff_next (const struct tsn_shim_backoff *b, int64_t *current, int64_t ran_ms)
{
  if (ran_ms >= b->reset_ms)
    *current = 0;
  if (*current == 0)
    *current = b->initial_ms;
  else
    *current = *current > b->max_ms / 2 ? b->max_ms : *current * 2;
  if (*current > b->max_ms)
    *current = b->max_ms;
  return *current;
}
