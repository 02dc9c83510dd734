/* Error reporting for the runtime verbs: stderr (text or JSON, see error.h) and, when --log FILE
 * was given (as conmon and containerd pass it), one line appended there too, runc-style. */
#ifndef TSN_REPORT_H
#define TSN_REPORT_H

#include "error.h"

/* Reports and releases `err`; returns the exit status (1). */
int tsn_rt_report (tsn_err_t *err);

/* A warning: to --log FILE when one was given (a shim or an engine reads it there; the runtime's
 * stderr may be the container's own, where it must not land), else to stderr. */
void tsn_rt_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif
