/* Runtime error reporting; see report.h. */
#include "report.h"
#include "json.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One line appended to --log FILE, runc-style (JSON with --log-format json); 0 when there is none. */
static int
append_log (const char *level, const char *msg)
{
  if (tsn_globals.log_path == NULL)
    return 0;
  cleanup_close int fd = open (tsn_globals.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return 0;
  char now[48];
  tsn_rt_now_rfc3339 (now, sizeof now);
  cleanup_json_writer struct tsn_json_writer w;
  tsn_json_w_init (&w);
  if (tsn_globals.log_json)
    {
      tsn_json_w_begin_object (&w);
      tsn_json_w_key (&w, "level");
      tsn_json_w_string (&w, level);
      tsn_json_w_key (&w, "msg");
      tsn_json_w_string (&w, msg);
      tsn_json_w_key (&w, "time");
      tsn_json_w_string (&w, now);
      tsn_json_w_end_object (&w);
      dprintf (fd, "%s\n", tsn_json_w_str (&w));
    }
  else
    dprintf (fd, "time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
  return 1;
}

int
tsn_rt_report (tsn_err_t *err)
{
  append_log ("error", (err && *err) ? (*err)->msg : "unknown error");
  return tsn_error_report (err);
}

void
tsn_rt_warn (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg && !append_log ("warning", msg))
    fprintf (stderr, "tscompose-native: warning: %s\n", msg);
}
