/* The per-container supervisor (`tscompose-native shim`), conmon's role: see docs/native-shim.md
 * for the command line, the state file, the log format and the control protocol.
 *
 * One single-threaded process per container, detached from the engine (double fork + setsid),
 * child subreaper so the container's init (a child of `<runtime> create`) becomes its child. It
 * drives the runtime only through its CLI (runc's shape), so runc and tscompose-native's own
 * runtime verbs are interchangeable. Everything is driven by one epoll loop: a signalfd (SIGCHLD,
 * SIGTERM, SIGINT, SIGHUP), the container's output, the control socket and its clients, and the
 * healthcheck's output; timers are deadlines on the monotonic clock turned into the epoll timeout.
 * Memory is kept small on purpose (static binary, fixed small buffers, nothing cached). */
#ifndef TSN_SHIM_H
#define TSN_SHIM_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tsn_shim_restart_kind
{
  TSN_SHIM_RESTART_NO,
  TSN_SHIM_RESTART_ALWAYS,
  TSN_SHIM_RESTART_ON_FAILURE,
  TSN_SHIM_RESTART_UNLESS_STOPPED,
};

struct tsn_shim_restart_policy
{
  enum tsn_shim_restart_kind kind;
  unsigned max_retries; /* on-failure:N; 0 = no limit */
};

struct tsn_shim_backoff
{
  int64_t initial_ms; /* first delay (100 ms) */
  int64_t max_ms;     /* cap (1 min) */
  int64_t reset_ms;   /* a run at least this long resets the delay (10 s) */
};

struct tsn_shim_health_config
{
  char **cmd; /* NULL: no healthcheck */
  int64_t interval_ms, timeout_ms, start_period_ms, start_interval_ms;
  unsigned retries;
  unsigned log_max; /* results kept in the state file */
};

struct tsn_shim_config
{
  const char *runtime;      /* runtime binary (runc's CLI shape) */
  const char *runtime_root; /* its --root, or NULL */
  const char *bundle;
  const char *id;
  const char *state_dir; /* state.json, shim.sock, init.pid, runtime.log */
  const char *log_path;  /* container output log, or NULL */
  uint64_t log_max_size; /* bytes; 0 = unlimited */
  unsigned log_max_files;
  int terminal;
  int stdin_open;
  struct tsn_shim_restart_policy restart;
  struct tsn_shim_backoff backoff;
  int stop_signal;
  int64_t stop_timeout_ms;
  struct tsn_shim_health_config health;
};

/* shim-memory.c: once running, find the read-only file mappings of our executable that were
 * never written; trim() drops them from our page tables (they stay in the page cache). */
void tsn_shim_memory_init (void);
void tsn_shim_memory_trim (void);

/* shim-options.c: the command line */
extern const char tsn_shim_usage[];
int tsn_shim_parse_args (struct tsn_shim_config *c, int argc, char **argv, tsn_err_t *err);

/* ---- epoll sources: every registered pointer starts with this ---- */
enum tsn_shim_source_kind
{
  TSN_SHIM_SRC_SIGNAL,
  TSN_SHIM_SRC_LISTEN,
  TSN_SHIM_SRC_CLIENT,
  TSN_SHIM_SRC_STDOUT,
  TSN_SHIM_SRC_STDERR,
  TSN_SHIM_SRC_STDIN, /* writable notification for the container's stdin */
  TSN_SHIM_SRC_HEALTH,
};

struct tsn_shim_source
{
  enum tsn_shim_source_kind kind;
  int fd;
};

/* ---- container output log (shim-log.c) ---- */
struct tsn_shim_log
{
  int fd;
  const char *path;
  uint64_t size, max_size;
  unsigned max_files;
};

int tsn_shim_log_open (struct tsn_shim_log *l, const char *path, uint64_t max_size, unsigned max_files,
                       tsn_err_t *err);
/* Appends `len` bytes of one stream (1 stdout, 2 stderr) as log records (see docs). */
void tsn_shim_log_write (struct tsn_shim_log *l, int stream, const char *data, size_t len);
void tsn_shim_log_reopen (struct tsn_shim_log *l);
void tsn_shim_log_close (struct tsn_shim_log *l);

/* ---- time (shim-time.c) ---- */
int64_t tsn_shim_mono_ms (void);
int64_t tsn_shim_real_ns (void);
/* RFC 3339 with nanoseconds, UTC: "2026-01-02T03:04:05.123456789Z" (31 bytes + NUL). */
void tsn_shim_format_time (int64_t ns, char out[40]);
/* "500ms", "2s", "1m", "1h" or plain milliseconds. */
int tsn_shim_parse_duration (const char *s, int64_t *ms, tsn_err_t *err);

/* ---- restart policy and backoff (shim-restart.c), pure ---- */
int tsn_shim_restart_parse (const char *s, struct tsn_shim_restart_policy *p, tsn_err_t *err);
void tsn_shim_restart_format (const struct tsn_shim_restart_policy *p, char out[32]);
/* Whether the policy restarts after an exit with `exit_code` when `restarts` were already made. */
int tsn_shim_restart_wanted (const struct tsn_shim_restart_policy *p, int exit_code, unsigned restarts);
/* The next delay: `*current` doubles from initial up to max, back to initial after a run of at
 * least reset_ms. Returns the new *current. */
int64_t tsn_shim_backoff_next (const struct tsn_shim_backoff *b, int64_t *current, int64_t ran_ms);

/* ---- OOM kills, from the container's memory cgroup (shim-oom.c) ---- */
struct tsn_shim_oom
{
  int fd;           /* memory.oom_control (v1) or memory.events (v2), or -1 */
  int64_t baseline; /* oom_kill count when the container was created */
};
void tsn_shim_oom_watch (struct tsn_shim_oom *o, pid_t init_pid);
int tsn_shim_oom_killed (const struct tsn_shim_oom *o);
void tsn_shim_oom_close (struct tsn_shim_oom *o);

/* ---- the supervisor's state ---- */
enum tsn_shim_status
{
  TSN_SHIM_CREATED,
  TSN_SHIM_RUNNING,
  TSN_SHIM_STOPPING,
  TSN_SHIM_RESTARTING,
  TSN_SHIM_EXITED,
};

enum tsn_shim_health_status
{
  TSN_SHIM_HEALTH_NONE,
  TSN_SHIM_HEALTH_STARTING,
  TSN_SHIM_HEALTH_HEALTHY,
  TSN_SHIM_HEALTH_UNHEALTHY,
};

#define TSN_SHIM_HEALTH_OUTPUT_MAX 4096 /* as Docker keeps */
#define TSN_SHIM_HEALTH_LOG_MAX 32
#define TSN_SHIM_RESTART_HISTORY 10

struct tsn_shim_health_result
{
  int64_t start_ns, end_ns;
  int exit_code;
  char *output; /* owned */
};

struct tsn_shim_health
{
  enum tsn_shim_health_status status;
  unsigned failing_streak;
  struct tsn_shim_health_result log[TSN_SHIM_HEALTH_LOG_MAX];
  unsigned n_log;
  /* the probe in flight */
  pid_t pid;
  struct tsn_shim_source out;
  char *buf; /* TSN_SHIM_HEALTH_OUTPUT_MAX bytes while a probe runs */
  size_t len;
  int64_t probe_start_ns, probe_deadline_ms;
  int timed_out;
  int64_t next_probe_ms; /* monotonic; -1 when none is scheduled */
};

struct tsn_shim_restart_record
{
  int64_t at_ns;
  int64_t delay_ms;
  int exit_code;
};

struct tsn_shim_client;

struct tsn_shim
{
  struct tsn_shim_config cfg;
  int dir_fd; /* state dir (O_PATH | O_DIRECTORY) */
  int devnull;
  int epfd;
  struct tsn_shim_source sig;
  struct tsn_shim_source listen;
  struct tsn_shim_source out, err; /* container output (read ends; `out` is the pty with a terminal) */
  struct tsn_shim_source in;       /* write end of the container's stdin (pipe or pty), or -1 */
  struct tsn_shim_client *stdin_writer;
  struct tsn_shim_client *clients;
  struct tsn_shim_log log;
  struct tsn_shim_oom oom;

  enum tsn_shim_status status;
  pid_t pid;
  int64_t started_ns, finished_ns, started_ms;
  int has_exit;
  int exit_code, exit_signal, oom_killed;
  char *error; /* last runtime failure, owned */
  unsigned restart_count;
  int64_t backoff_ms;
  int64_t next_restart_ms; /* -1: none pending */
  struct tsn_shim_restart_record restarts[TSN_SHIM_RESTART_HISTORY];
  unsigned n_restarts;

  int stop_requested;
  int64_t stop_requested_ns, stop_timeout_ms, stop_deadline_ms;
  int stop_killed;

  struct tsn_shim_health health;
  int finished; /* the loop ends */
};

/* shim-runtime.c: the runtime's CLI. `args` is NULL-terminated and starts with the verb. With
 * `capture`, the runtime's stderr is collected for the error message; otherwise its stdio are
 * `in`/`out`/`errfd` (the container's, for `create`). Returns 0 on exit status 0. */
int tsn_shim_runtime (struct tsn_shim *s, const char *const *args, int in, int out, int errfd,
                      tsn_err_t *err);
/* Starts `<runtime> exec ID cmd...` with stdout+stderr on `out`, in its own process group. */
pid_t tsn_shim_runtime_exec (struct tsn_shim *s, char *const *cmd, int out, tsn_err_t *err);

/* shim-console.c: terminal mode. The socket path fits sun_path (a private /tmp dir when the
 * state dir's path is too long); after `create`, receive() returns the pty master. */
struct tsn_shim_console
{
  int fd;
  char path[108];
  char tmpdir[32];
};
int tsn_shim_console_listen (struct tsn_shim *s, struct tsn_shim_console *c, tsn_err_t *err);
int tsn_shim_console_receive (struct tsn_shim_console *c, tsn_err_t *err);
void tsn_shim_console_close (struct tsn_shim_console *c);

/* shim-container.c: lifecycle */
int tsn_shim_container_start (struct tsn_shim *s, tsn_err_t *err);
void tsn_shim_container_exited (struct tsn_shim *s, int wstatus);
void tsn_shim_container_restart (struct tsn_shim *s);
void tsn_shim_stop (struct tsn_shim *s, int64_t timeout_ms);
void tsn_shim_stop_deadline (struct tsn_shim *s);
int tsn_shim_kill (struct tsn_shim *s, int sig, tsn_err_t *err);
void tsn_shim_output (struct tsn_shim *s, struct tsn_shim_source *src);
void tsn_shim_watch (struct tsn_shim *s, struct tsn_shim_source *src, uint32_t events);
void tsn_shim_unwatch (struct tsn_shim *s, struct tsn_shim_source *src);

/* shim-health.c */
void tsn_shim_health_reset (struct tsn_shim *s);
void tsn_shim_health_cancel (struct tsn_shim *s);
void tsn_shim_health_tick (struct tsn_shim *s, int64_t now_ms);
void tsn_shim_health_output (struct tsn_shim *s);
void tsn_shim_health_exited (struct tsn_shim *s, int wstatus);
int64_t tsn_shim_health_deadline (const struct tsn_shim *s);
void tsn_shim_health_release (struct tsn_shim *s);

/* shim-socket.c: control socket and its clients */
int tsn_shim_socket_listen (struct tsn_shim *s, tsn_err_t *err);
void tsn_shim_socket_accept (struct tsn_shim *s);
void tsn_shim_client_event (struct tsn_shim *s, struct tsn_shim_client *c, uint32_t events);
void tsn_shim_clients_output (struct tsn_shim *s, int stream, const char *data, size_t len);
/* At each container exit: attach clients get an exit frame and are closed. */
void tsn_shim_clients_exit (struct tsn_shim *s);
/* When the shim ends: stop waiters get the final state; everyone is closed; the socket goes. */
void tsn_shim_clients_final (struct tsn_shim *s);
/* Frees clients closed while handling the last batch of events (never while it is handled). */
void tsn_shim_clients_sweep (struct tsn_shim *s);
void tsn_shim_stdin_writable (struct tsn_shim *s);

/* shim-state.c: the state file and its JSON (also the `state` reply). Returns a malloc'd line. */
char *tsn_shim_state_json (const struct tsn_shim *s, int shim_running);
void tsn_shim_state_write (struct tsn_shim *s, int shim_running);
void tsn_shim_set_error (struct tsn_shim *s, const char *msg);
const char *tsn_shim_signal_name (int sig, char buf[16]);

#endif
