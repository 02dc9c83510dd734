/* `tscompose-native shim`: command line, detaching, and the event loop (see shim.h and
 * docs/native-shim.md). The process the engine starts returns as soon as the container runs
 * (printing one JSON line) or failed to start (an error, exit 1); the supervisor itself lives on
 * as a grandchild in its own session, so the engine's exit does not touch it. */
#include "shim.h"
#include "utils.h"
#include "verbs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The state dir: created 0700 if missing; an existing one must be a directory we own, and is
 * tightened to 0700 (it holds the control socket). */
static int
open_state_dir (const char *path, tsn_err_t *err)
{
  if (mkdir (path, 0700) < 0 && errno != EEXIST)
    return tsn_error (err, errno, "mkdir `%s`", path);
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return tsn_error (err, errno, "open state dir `%s`", path);
  if (st.st_uid != geteuid () || fchmod (fd, 0700) < 0)
    {
      close (fd);
      return tsn_error (err, EPERM, "state dir `%s` must belong to us", path);
    }
  return fd;
}

/* ---- the supervisor ---- */

static void
reap (struct tsn_shim *s)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, WNOHANG);
      if (pid <= 0)
        return;
      if (pid == s->pid && s->pid > 0)
        tsn_shim_container_exited (s, status);
      else if (pid == s->health.pid && s->health.pid > 0)
        tsn_shim_health_exited (s, status);
      /* anything else: runtime helpers and orphans reparented to us, reaped and forgotten */
    }
}

static void
on_signals (struct tsn_shim *s)
{
  struct signalfd_siginfo si;
  while (read (s->sig.fd, &si, sizeof (si)) == sizeof (si))
    switch (si.ssi_signo)
      {
      case SIGCHLD:
        reap (s);
        break;
      case SIGTERM:
      case SIGINT:
        tsn_shim_stop (s, s->cfg.stop_timeout_ms);
        break;
      case SIGHUP:
        tsn_shim_log_reopen (&s->log);
        break;
      }
}

static int
next_timeout (const struct tsn_shim *s)
{
  int64_t next = -1;
  int64_t candidates[3] = {
    s->status == TSN_SHIM_RESTARTING ? s->next_restart_ms : -1,
    s->status == TSN_SHIM_STOPPING ? s->stop_deadline_ms : -1,
    tsn_shim_health_deadline (s),
  };
  for (int i = 0; i < 3; i++)
    if (candidates[i] >= 0 && (next < 0 || candidates[i] < next))
      next = candidates[i];
  if (next < 0)
    return -1;
  int64_t left = next - tsn_shim_mono_ms ();
  return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static void
on_timers (struct tsn_shim *s)
{
  int64_t now = tsn_shim_mono_ms ();
  if (s->status == TSN_SHIM_RESTARTING && s->next_restart_ms >= 0 && now >= s->next_restart_ms)
    tsn_shim_container_restart (s);
  if (s->status == TSN_SHIM_STOPPING && s->stop_deadline_ms >= 0 && now >= s->stop_deadline_ms)
    tsn_shim_stop_deadline (s);
  tsn_shim_health_tick (s, tsn_shim_mono_ms ());
}

static void
dispatch (struct tsn_shim *s, struct tsn_shim_source *src, uint32_t events)
{
  switch (src->kind)
    {
    case TSN_SHIM_SRC_SIGNAL:
      on_signals (s);
      break;
    case TSN_SHIM_SRC_LISTEN:
      tsn_shim_socket_accept (s);
      break;
    case TSN_SHIM_SRC_CLIENT:
      tsn_shim_client_event (s, (struct tsn_shim_client *)src, events);
      break;
    case TSN_SHIM_SRC_STDOUT:
    case TSN_SHIM_SRC_STDERR:
      tsn_shim_output (s, src);
      break;
    case TSN_SHIM_SRC_STDIN:
      tsn_shim_stdin_writable (s);
      break;
    case TSN_SHIM_SRC_HEALTH:
      tsn_shim_health_output (s);
      break;
    }
}

#define TRIM_IDLE_MS 250 /* sleeps at least this long start with a trim (shim-memory.c) */

static void
run_loop (struct tsn_shim *s)
{
  int busy = 1;
  while (!s->finished)
    {
      struct epoll_event ev[16];
      int timeout = next_timeout (s);
      if (busy && (timeout < 0 || timeout >= TRIM_IDLE_MS))
        {
          tsn_shim_memory_trim ();
          busy = 0;
        }
      int n = epoll_wait (s->epfd, ev, 16, timeout);
      busy = 1;
      for (int i = 0; i < n; i++)
        dispatch (s, ev[i].data.ptr, ev[i].events);
      tsn_shim_clients_sweep (s);
      if (!s->finished)
        on_timers (s);
    }
}

static int
setup (struct tsn_shim *s, tsn_err_t *err)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGHUP);
  sigprocmask (SIG_BLOCK, &set, NULL);
  signal (SIGPIPE, SIG_IGN); /* children get SIG_DFL back before exec (shim-runtime.c) */
  s->sig = (struct tsn_shim_source){ TSN_SHIM_SRC_SIGNAL, signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK) };
  s->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (s->sig.fd < 0 || s->epfd < 0)
    return tsn_error (err, errno, "signalfd/epoll");
  tsn_shim_watch (s, &s->sig, EPOLLIN);
  if (tsn_shim_log_open (&s->log, s->cfg.log_path, s->cfg.log_max_size, s->cfg.log_max_files, err) < 0)
    return -1;
  return tsn_shim_socket_listen (s, err);
}

/* Ready report to the waiting parent: 'O' + JSON line, or 'E' + message. */
static void
report (int fd, char kind, const char *text)
{
  if (fd < 0)
    return;
  size_t len = strlen (text);
  char *buf = xmalloc (len + 1);
  buf[0] = kind;
  memcpy (buf + 1, text, len);
  ssize_t w = write (fd, buf, len + 1); /* fails only when the parent is gone: nobody to tell */
  (void)w;
  free (buf);
}

static int
supervise (struct tsn_shim *s, int ready)
{
  /* Detached: stdio on /dev/null, "/" as cwd, our own files private, orphans come to us. */
  dup2 (s->devnull, 0);
  dup2 (s->devnull, 1);
  dup2 (s->devnull, 2);
  if (chdir ("/") < 0)
    _exit (1);
  umask (0077);
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  tsn_err_t err = NULL;
  if (setup (s, &err) < 0 || tsn_shim_container_start (s, &err) < 0)
    {
      tsn_shim_set_error (s, err ? err->msg : "unknown error");
      s->status = TSN_SHIM_EXITED;
      tsn_shim_state_write (s, 0);
      report (ready, 'E', s->error);
      tsn_error_release (&err);
      unlinkat (s->dir_fd, "shim.sock", 0);
      return 1;
    }
  char line[128];
  snprintf (line, sizeof (line), "{\"pid\":%d,\"shimPid\":%d}", (int)s->pid, (int)getpid ());
  report (ready, 'O', line);
  close (ready);
  tsn_shim_memory_init ();
  run_loop (s);
  tsn_shim_state_write (s, 0);
  tsn_shim_clients_final (s);
  tsn_shim_health_release (s);
  tsn_shim_log_close (&s->log);
  return 0;
}

/* The engine's side: wait for the supervisor's report, print it, exit accordingly. */
static int
wait_ready (int ready, pid_t first)
{
  char buf[4096];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof (buf) - 1
         && (n = TEMP_FAILURE_RETRY_INT (read (ready, buf + len, sizeof (buf) - 1 - len))) > 0)
    len += (size_t)n;
  buf[len] = '\0';
  TEMP_FAILURE_RETRY_INT (waitpid (first, NULL, 0));
  if (len > 0 && buf[0] == 'O')
    {
      printf ("%s\n", buf + 1);
      return fflush (stdout) == 0 ? 0 : 1;
    }
  tsn_err_t err = NULL;
  tsn_error (&err, 0, "shim: %s", len > 1 ? buf + 1 : "the supervisor exited before reporting");
  return tsn_error_report (&err);
}

int
tsn_verb_shim (int argc, char **argv)
{
  /* Nothing inherited from the engine may reach the container or stay open in the shim. */
  close_range (3, ~0U, 0);
  static struct tsn_shim s;
  s.pid = 0;
  s.listen.fd = s.out.fd = s.err.fd = s.in.fd = s.health.out.fd = s.oom.fd = -1;
  s.next_restart_ms = s.stop_deadline_ms = s.health.next_probe_ms = -1;
  tsn_err_t err = NULL;
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      fputs (tsn_shim_usage, stdout);
      return 0;
    }
  if (tsn_shim_parse_args (&s.cfg, argc, argv, &err) < 0)
    {
      fputs (tsn_shim_usage, stderr);
      tsn_error_report (&err);
      return 2;
    }
  s.dir_fd = open_state_dir (s.cfg.state_dir, &err);
  if (s.dir_fd < 0)
    return tsn_error_report (&err);
  s.devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (s.devnull < 0)
    return tsn_error_report ((tsn_error (&err, errno, "open /dev/null"), &err));
  /* One supervisor per state dir: the lock lives as long as the supervisor holds its fd. */
  int lock = openat (s.dir_fd, "shim.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0)
    return tsn_error_report ((tsn_error (&err, errno, "shim: lock `%s/shim.lock`", s.cfg.state_dir), &err));
  if (flock (lock, LOCK_EX | LOCK_NB) < 0)
    {
      tsn_error (&err, 0, "shim: state dir `%s` is already supervised by another shim", s.cfg.state_dir);
      return tsn_error_report (&err);
    }
  int ready[2];
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return tsn_error_report ((tsn_error (&err, errno, "pipe"), &err));
  pid_t first = fork ();
  if (first < 0)
    return tsn_error_report ((tsn_error (&err, errno, "fork"), &err));
  if (first > 0)
    {
      close (ready[1]);
      close (lock);
      return wait_ready (ready[0], first);
    }
  close (ready[0]);
  setsid ();
  pid_t second = fork ();
  if (second != 0)
    {
      if (second < 0)
        report (ready[1], 'E', "fork failed");
      _exit (second < 0);
    }
  _exit (supervise (&s, ready[1]));
}
