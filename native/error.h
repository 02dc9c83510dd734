/* Errors in tscompose-native, crun-style: a fallible function returns int (< 0 on failure) and
 * takes `tsn_err_t *err` as its last parameter; tsn_error() fills it and returns -1, so a failure
 * is one line. Only a verb's top level prints an error and exits. */
#ifndef TSN_ERROR_H
#define TSN_ERROR_H

#include <stdarg.h>

struct tsn_err_s
{
  int status; /* errno value, or 0 when none applies */
  char *msg;  /* full message, owned */
};
typedef struct tsn_err_s *tsn_err_t;

/* Records an error (with strerror(errnum) appended when errnum != 0); returns -1. */
int tsn_error (tsn_err_t *err, int errnum, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Prefixes context to an existing error ("create `id`: " + old message); returns -1. */
int tsn_error_wrap (tsn_err_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void tsn_error_release (tsn_err_t *err);

/* Prints "tscompose-native: <msg>" to stderr (or as a JSON line when TSN_LOG_JSON is set by
 * --log-format json) and releases the error. Returns the exit status to use (1). */
int tsn_error_report (tsn_err_t *err);

#endif
