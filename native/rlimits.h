/* Resource limits (process.rlimits). A limit is never raised above the current hard limit: that
 * needs CAP_SYS_RESOURCE, which tscompose-native must not rely on, so such a config is refused
 * with an error naming the limit and both values. */
#ifndef TSN_RLIMITS_H
#define TSN_RLIMITS_H

#include "container-config.h"
#include "error.h"

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int tsn_rt_rlimit_from_name (const char *name);

/* Checks every limit against the calling process's current limits (run before forking). */
int tsn_rt_rlimits_check (const struct tsn_rt_rlimit *limits, size_t n, tsn_err_t *err);
/* Applies them with setrlimit. */
int tsn_rt_rlimits_apply (const struct tsn_rt_rlimit *limits, size_t n, tsn_err_t *err);

#endif
