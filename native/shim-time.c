/* Clocks and durations for the shim: monotonic milliseconds for deadlines (immune to clock
 * changes), wall-clock nanoseconds for the timestamps it records. */
#include "shim.h"

#include <errno.h>
#include <stdlib.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
tsn_shim_mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
tsn_shim_real_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
tsn_shim_format_time (int64_t ns, char out[40])
{
  /* gmtime_r, not localtime: UTC needs no tzdata (nothing to load into the shim's memory). */
  time_t sec = (time_t)(ns / 1000000000);
  long frac = (long)(ns % 1000000000);
  if (frac < 0)
    {
      frac += 1000000000;
      sec -= 1;
    }
  struct tm tm;
  gmtime_r (&sec, &tm);
  char buf[96]; /* the compiler cannot know the fields are small */
  snprintf (buf, sizeof (buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  snprintf (out, 40, "%.39s", buf);
}

int
tsn_shim_parse_duration (const char *s, int64_t *ms, tsn_err_t *err)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (end == s || errno != 0 || v < 0)
    return tsn_error (err, 0, "invalid duration `%s`", s);
  static const struct
  {
    const char *suffix;
    int64_t ms;
  } units[] = { { "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
  for (size_t i = 0; i < sizeof (units) / sizeof (units[0]); i++)
    if (strcmp (end, units[i].suffix) == 0)
      {
        if (v > INT64_MAX / units[i].ms)
          return tsn_error (err, 0, "duration `%s` is too long", s);
        *ms = (int64_t)v * units[i].ms;
        return 0;
      }
  return tsn_error (err, 0, "invalid duration `%s` (use ms, s, m or h)", s);
}
