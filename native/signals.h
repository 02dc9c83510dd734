/* Signal names as kill(1) and runc accept them: "KILL", "SIGKILL", "9", "RTMIN+3". */
#ifndef TSN_SIGNALS_H
#define TSN_SIGNALS_H

#include "error.h"

int tsn_rt_parse_signal (const char *s, tsn_err_t *err);

#endif
