/* The runtime's state directory (`--root`, default /run/tscompose-native, mode 0700):
 *
 *   <root>/<id>/            0700, one per container; flock()ed by verbs that change it
 *   <root>/<id>/state.json  written atomically (temp + fsync + rename) once `create` succeeded
 *   <root>/<id>/exec.fifo   exists between `create` and `start`: the container's init blocks
 *                           opening it for writing; `start` opens it for reading, then unlinks it
 *
 * A directory without state.json is a container being created ("creating"). Ids are validated
 * before they become path components. */
#ifndef TSN_STATUS_H
#define TSN_STATUS_H

#include "error.h"
#include "json.h"

#include <stdint.h>

#define TSN_RT_STATE_FILE "state.json"
#define TSN_RT_EXEC_FIFO "exec.fifo"
/* the cgroup path, written before the cgroups are made: lets `delete` clean up after a `create`
 * that was killed before it could write state.json */
#define TSN_RT_CGROUP_FILE "cgroup.path"

enum tsn_rt_status
{
  TSN_RT_CREATING,
  TSN_RT_CREATED,
  TSN_RT_RUNNING,
  TSN_RT_PAUSED,
  TSN_RT_STOPPED,
};

struct tsn_rt_state
{
  struct tsn_json_doc *doc; /* owns the strings below when read from disk */
  const char *id;
  const char *oci_version;
  int pid;
  uint64_t start_time; /* /proc/PID/stat field 22, to tell a reused pid apart */
  const char *bundle;
  const char *rootfs;
  const char *created; /* RFC 3339 with nanoseconds, UTC */
  const char *cgroup_path;
  int cgroup_v2;     /* the container's cgroup is a v2 one (unified host) */
  int cgroup_hybrid; /* v1 host with a v2 hierarchy the process also joined */
  int own_pidns;     /* the container has its own pid namespace */
  int ns_flags;      /* CLONE_NEW* of every namespace the config lists */
  int post_hooks;    /* 1: config has poststart hooks, 2: poststop hooks (read from the bundle) */
  int no_process;    /* config.json has no `process`: `start` must fail */
  const struct tsn_json *annotations;
};

const char *tsn_rt_status_name (enum tsn_rt_status s);

int tsn_rt_validate_id (const char *id, tsn_err_t *err);

/* Opens (creating with mode 0700 when `create`) the state root given by --root. */
int tsn_rt_open_root (int create, tsn_err_t *err);

/* Opens <root>/<id>; a missing one is "container `id` does not exist". */
int tsn_rt_open_container_dir (int rootfd, const char *id, tsn_err_t *err);

/* Takes an exclusive flock on a container dir (released when the fd closes). */
int tsn_rt_lock (int dirfd, tsn_err_t *err);

int tsn_rt_state_write (int dirfd, const struct tsn_rt_state *st, tsn_err_t *err);
/* Reads state.json; returns -ENOENT (no error set) when it does not exist yet (creating). */
int tsn_rt_state_read (int dirfd, struct tsn_rt_state *st, tsn_err_t *err);
void tsn_rt_state_release (struct tsn_rt_state *st);

/* Reads /proc/PID/stat: start time and whether it is a zombie. -1 when the pid is gone. */
int tsn_rt_proc_stat (int pid, uint64_t *start_time, int *zombie);

/* 1 when st->pid is still the container's init (alive, not a zombie, same start time). */
int tsn_rt_init_alive (const struct tsn_rt_state *st);

/* The status as `state` reports it. */
enum tsn_rt_status tsn_rt_status_of (int dirfd, const struct tsn_rt_state *st);

/* Writes the `state` JSON (runtime-spec runtime.md "State", plus runc's rootfs/created/owner). */
void tsn_rt_state_json (struct tsn_json_writer *w, const struct tsn_rt_state *st, enum tsn_rt_status status,
                        int64_t oom_kills);

/* Writes a small file in a container dir (no fsync: /run state, rewritten by every create). */
int tsn_rt_write_small_file (int dirfd, const char *name, const char *content, tsn_err_t *err);

/* Removes <root>/<id> and what it holds. */
int tsn_rt_remove_container_dir (int rootfd, const char *id, tsn_err_t *err);

/* Current time as RFC 3339 with nanoseconds (UTC) into buf (>= 40 bytes). */
void tsn_rt_now_rfc3339 (char *buf, size_t size);

static inline void
cleanup_statep (struct tsn_rt_state *st)
{
  tsn_rt_state_release (st);
}
#define cleanup_state __attribute__ ((cleanup (cleanup_statep)))

#endif
