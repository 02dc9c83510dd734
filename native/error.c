#include "error.h"
#include "utils.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tsn_log_json = 0;

static char *
vformat (const char *fmt, va_list ap)
{
  char *out = NULL;
  if (vasprintf (&out, fmt, ap) < 0)
    abort ();
  return out;
}

int
tsn_error (tsn_err_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *msg = vformat (fmt, ap);
  va_end (ap);
  if (err == NULL)
    return -1;
  tsn_error_release (err);
  *err = xmalloc0 (sizeof (**err));
  (*err)->status = errnum;
  if (errnum != 0)
    {
      if (asprintf (&(*err)->msg, "%s: %s", msg, strerror (errnum)) < 0)
        abort ();
    }
  else
    (*err)->msg = get_and_reset_ptr ((void **)&msg);
  return -1;
}

int
tsn_error_wrap (tsn_err_t *err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *prefix = vformat (fmt, ap);
  va_end (ap);
  char *joined = NULL;
  if (asprintf (&joined, "%s: %s", prefix, (*err)->msg) < 0)
    abort ();
  free ((*err)->msg);
  (*err)->msg = joined;
  return -1;
}

void
tsn_error_release (tsn_err_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

static void
write_json_string (FILE *out, const char *s)
{
  fputc ('"', out);
  for (; *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if (c == '"' || c == '\\')
        fprintf (out, "\\%c", c);
      else if (c < 0x20)
        fprintf (out, "\\u%04x", c);
      else
        fputc (c, out);
    }
  fputc ('"', out);
}

int
tsn_error_report (tsn_err_t *err)
{
  const char *msg = (err && *err) ? (*err)->msg : "unknown error";
  if (tsn_log_json)
    {
      fputs ("{\"level\":\"error\",\"msg\":", stderr);
      write_json_string (stderr, msg);
      fputs ("}\n", stderr);
    }
  else
    fprintf (stderr, "tscompose-native: %s\n", msg);
  tsn_error_release (err);
  return 1;
}
