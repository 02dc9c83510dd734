/* Resource limits; see rlimits.h. */
#include "rlimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
tsn_rt_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof (rlimit_names) / sizeof (rlimit_names[0]); i++)
    if (strcmp (rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

static void
format_limit (char *buf, size_t size, uint64_t v)
{
  if (v == (uint64_t)RLIM_INFINITY)
    snprintf (buf, size, "unlimited");
  else
    snprintf (buf, size, "%" PRIu64, v);
}

int
tsn_rt_rlimits_check (const struct tsn_rt_rlimit *limits, size_t n, tsn_err_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct tsn_rt_rlimit *l = &limits[i];
      char soft[24], hard[24], cur[24];
      format_limit (soft, sizeof soft, l->soft);
      format_limit (hard, sizeof hard, l->hard);
      if (l->soft > l->hard)
        return tsn_error (err, 0, "rlimit `%s`: soft limit %s is above its hard limit %s", l->name, soft,
                          hard);
      struct rlimit now;
      if (getrlimit (l->resource, &now) < 0)
        return tsn_error (err, errno, "getrlimit `%s`", l->name);
      if (now.rlim_max != RLIM_INFINITY && (l->hard == (uint64_t)RLIM_INFINITY || l->hard > now.rlim_max))
        {
          format_limit (cur, sizeof cur, now.rlim_max);
          return tsn_error (err, 0,
                            "rlimit `%s`: requested hard limit %s is above the current hard limit %s "
                            "(raising a hard limit needs CAP_SYS_RESOURCE; ask for at most %s)",
                            l->name, hard, cur, cur);
        }
    }
  return 0;
}

int
tsn_rt_rlimits_apply (const struct tsn_rt_rlimit *limits, size_t n, tsn_err_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      struct rlimit r = { .rlim_cur = limits[i].soft, .rlim_max = limits[i].hard };
      if (setrlimit (limits[i].resource, &r) < 0)
        return tsn_error (err, errno, "setrlimit `%s`", limits[i].name);
    }
  return 0;
}
