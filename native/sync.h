/* Messages between a runtime verb and the child it forked, over an AF_UNIX SOCK_SEQPACKET pair
 * (message boundaries kept, EOF when the peer dies): the parent says GO once the child is in its
 * cgroups, the child says READY or ERROR (with the message), the parent may say START (`run`). */
#ifndef TSN_SYNC_H
#define TSN_SYNC_H

#include "error.h"

#include <stdint.h>

enum tsn_sync_type
{
  TSN_SYNC_GO = 1,
  TSN_SYNC_READY,
  TSN_SYNC_ERROR,
  TSN_SYNC_START,
  TSN_SYNC_HOOKS, /* child: mounts are done, run prestart/createRuntime now; answered by GO */
};

struct tsn_sync_msg
{
  uint32_t type;
  int32_t value;
  char text[4088];
};

int tsn_sync_pair (int fds[2], tsn_err_t *err);
int tsn_sync_send (int fd, enum tsn_sync_type type, int32_t value, const char *text);
/* Receives one message; EOF is an error ("the container process exited during setup"). */
int tsn_sync_recv (int fd, struct tsn_sync_msg *m, tsn_err_t *err);
/* Receives and expects `type`; an ERROR message becomes the returned error. */
int tsn_sync_expect (int fd, enum tsn_sync_type type, struct tsn_sync_msg *m, tsn_err_t *err);

#endif
