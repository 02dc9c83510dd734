/* Creating a container (shared by `create` and `run`) and tearing one down (`delete`, `run`). */
#ifndef TSN_CREATE_H
#define TSN_CREATE_H

#include "cli-args.h"
#include "error.h"
#include "status.h"

#include <sys/types.h>

struct tsn_rt_create_opts
{
  const char *id;
  const char *bundle; /* default "." */
  const char *pid_file;
  const char *console_socket;
  int no_pivot;
  int no_new_keyring;
  int preserve_fds;
  int use_fifo; /* create: the init waits on exec.fifo; run: it waits for a START message */
};

struct tsn_rt_created
{
  pid_t pid;
  int sync_fd; /* parent end; the caller sends START on it when use_fifo is 0 */
};

int tsn_rt_create_container (const struct tsn_rt_create_opts *o, struct tsn_rt_created *out, tsn_err_t *err);

/* The options `create` and `run` share: the first entries of both option tables, in this order. */
#define TSN_RT_CREATE_OPTIONS                                                                                \
  { .name = "bundle", .short_name = 'b', .has_value = 1 }, { .name = "console-socket", .has_value = 1 },     \
      { .name = "pid-file", .has_value = 1 }, { .name = "no-pivot" }, { .name = "no-new-keyring" },          \
  {                                                                                                          \
    .name = "preserve-fds", .has_value = 1                                                                   \
  }

/* The creation options from a table that starts with TSN_RT_CREATE_OPTIONS. */
struct tsn_rt_create_opts tsn_rt_create_opts_of (const struct tsn_opt *opts, const char *id, int use_fifo);

/* Kills what is left of a container (its init, or every process of its cgroup when it shares the
 * host's pid namespace), waits for the init to exit, then removes its cgroups and state dir. */
int tsn_rt_destroy_container (int rootfd, int dirfd, const struct tsn_rt_state *st, tsn_err_t *err);

/* Sends `sig` to the init of `st` through a pidfd (no reused-pid accident). */
int tsn_rt_signal_init (const struct tsn_rt_state *st, int sig, tsn_err_t *err);

/* Writes a pid file atomically (temp file beside it, then rename), as runc does. */
int tsn_rt_write_pid_file (const char *path, pid_t pid, tsn_err_t *err);

#endif
