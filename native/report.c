/* Runtime error reporting; see report.h. */
#include "report.h"
#include "json.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
tsn_rt_report (tsn_err_t *err)
{
  const char *msg = (err && *err) ? (*err)->msg : "unknown error";
  if (tsn_globals.log_path)
    {
      cleanup_close int fd = open (tsn_globals.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          char now[48];
          tsn_rt_now_rfc3339 (now, sizeof now);
          cleanup_json_writer struct tsn_json_writer w;
          tsn_json_w_init (&w);
          if (tsn_globals.log_json)
            {
              tsn_json_w_begin_object (&w);
              tsn_json_w_key (&w, "level");
              tsn_json_w_string (&w, "error");
              tsn_json_w_key (&w, "msg");
              tsn_json_w_string (&w, msg);
              tsn_json_w_key (&w, "time");
              tsn_json_w_string (&w, now);
              tsn_json_w_end_object (&w);
              dprintf (fd, "%s\n", tsn_json_w_str (&w));
            }
          else
            dprintf (fd, "time=\"%s\" level=error msg=\"%s\"\n", now, msg);
        }
    }
  return tsn_error_report (err);
}
