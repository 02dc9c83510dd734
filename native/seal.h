/* CVE-2019-5736: a container whose /bin/sh is "#!/proc/self/exe" makes the runtime execute its own
 * host binary inside the container, which can then reopen it for writing. Verbs that exec into a
 * container (create, run, exec) first re-execute themselves from a sealed memfd copy, so
 * /proc/self/exe is never the host file. */
#ifndef TSN_SEAL_H
#define TSN_SEAL_H

#include "error.h"

/* Returns 0 when already running from a sealed copy; otherwise re-executes (does not return on
 * success). */
int tsn_rt_ensure_sealed (tsn_err_t *err);

#endif
