/* Error reporting for the runtime verbs: stderr (text or JSON, see error.h) and, when --log FILE
 * was given (as conmon and containerd pass it), one line appended there too, runc-style. */
#ifndef TSN_REPORT_H
#define TSN_REPORT_H

#include "error.h"

/* Reports and releases `err`; returns the exit status (1). */
int tsn_rt_report (tsn_err_t *err);

#endif
