/* The control socket's clients (internal to shim-socket.c and shim-client.c). */
#ifndef TSN_SHIM_CLIENT_H
#define TSN_SHIM_CLIENT_H

#include "shim.h"

#include <stddef.h>
#include <sys/uio.h>

#define TSN_SHIM_REQUEST_MAX 256

enum tsn_shim_client_mode
{
  TSN_SHIM_CLIENT_REQUEST,   /* reading its request line */
  TSN_SHIM_CLIENT_ATTACH,    /* receiving output frames (and maybe sending stdin) */
  TSN_SHIM_CLIENT_WAIT_STOP, /* waiting for the final state after `stop` */
};

struct tsn_shim_client
{
  struct tsn_shim_source src; /* first: epoll hands us this pointer */
  struct tsn_shim_client *next;
  enum tsn_shim_client_mode mode;
  int attach_stdin, stdin_once, dead;
  int input_done;    /* the client shut down its writing side */
  int input_blocked; /* its stdin bytes wait for the container to read */
  int closing;       /* close once the queue is sent */
  char req[TSN_SHIM_REQUEST_MAX];
  size_t req_len;
  char *pending; /* stdin bytes the container has not taken yet */
  size_t pending_len, pending_off;
  char *queue; /* output the client's socket has not taken yet */
  size_t queue_len, queue_off;
};

void tsn_shim_client_close (struct tsn_shim *s, struct tsn_shim_client *c);
/* Closes the client once everything queued for it is sent. */
void tsn_shim_client_close_after_flush (struct tsn_shim *s, struct tsn_shim_client *c);
/* One line ("\n" added); `{"ok":true}` or `{"ok":false,"error":…}`. */
void tsn_shim_client_line (struct tsn_shim *s, struct tsn_shim_client *c, const char *line);
void tsn_shim_client_reply (struct tsn_shim *s, struct tsn_shim_client *c, const char *error);
/* Bytes of an attached client (after its request line): stdin for the container, or ignored. */
void tsn_shim_client_input (struct tsn_shim *s, struct tsn_shim_client *c);
/* shim-exec.c: `exec NAME` — a detached exec run by the shim, so that the shim reaps it. */
void tsn_shim_request_exec (struct tsn_shim *s, struct tsn_shim_client *c, const char *name);
/* EPOLLOUT: sends from the client's queue; returns 1 once it is empty. */
int tsn_shim_client_flush (struct tsn_shim *s, struct tsn_shim_client *c);

#endif
