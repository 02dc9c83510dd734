/* The container's lifecycle under the shim: create + start through the runtime, its stdio (pipes,
 * or the pty the runtime sends over a console socket), its exit (status, signal, OOM), the
 * restart policy with backoff (a restart is delete + create + start of the same bundle), and
 * stop (stop signal, then SIGKILL after the grace period; an explicit stop disables restarts). */
#include "shim.h"
#include "utils.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

void
tsn_shim_watch (struct tsn_shim *s, struct tsn_shim_source *src, uint32_t events)
{
  struct epoll_event ev = { .events = events, .data.ptr = src };
  if (epoll_ctl (s->epfd, EPOLL_CTL_ADD, src->fd, &ev) < 0 && errno == EEXIST)
    epoll_ctl (s->epfd, EPOLL_CTL_MOD, src->fd, &ev);
}

void
tsn_shim_unwatch (struct tsn_shim *s, struct tsn_shim_source *src)
{
  if (src->fd < 0)
    return;
  epoll_ctl (s->epfd, EPOLL_CTL_DEL, src->fd, NULL);
  close (src->fd);
  src->fd = -1;
}

/* One read of the container's output (level-triggered epoll calls again while more is there);
 * returns 0 when the stream ended or has nothing more right now. */
static int
read_output (struct tsn_shim *s, struct tsn_shim_source *src)
{
  static char buf[16384];
  ssize_t n = TEMP_FAILURE_RETRY_INT (read (src->fd, buf, sizeof (buf)));
  if (n > 0)
    {
      int stream = src->kind == TSN_SHIM_SRC_STDERR ? 2 : 1;
      tsn_shim_log_write (&s->log, stream, buf, (size_t)n);
      tsn_shim_clients_output (s, stream, buf, (size_t)n);
      return 1;
    }
  if (n < 0 && errno == EAGAIN)
    return 0;
  /* EOF, or EIO from a pty master once the last slave fd closed */
  if (src == &s->out && s->in.fd >= 0 && s->cfg.terminal)
    tsn_shim_unwatch (s, &s->in);
  tsn_shim_unwatch (s, src);
  return 0;
}

void
tsn_shim_output (struct tsn_shim *s, struct tsn_shim_source *src)
{
  if (src->fd >= 0)
    read_output (s, src);
}

static void
drain_outputs (struct tsn_shim *s)
{
  while (s->out.fd >= 0 && read_output (s, &s->out))
    ;
  while (s->err.fd >= 0 && read_output (s, &s->err))
    ;
}

static void
close_stdio (struct tsn_shim *s)
{
  tsn_shim_unwatch (s, &s->out);
  tsn_shim_unwatch (s, &s->err);
  if (s->in.fd >= 0)
    {
      epoll_ctl (s->epfd, EPOLL_CTL_DEL, s->in.fd, NULL);
      close (s->in.fd);
      s->in.fd = -1;
    }
}

static int
set_nonblock (int fd)
{
  int fl = fcntl (fd, F_GETFL);
  return fl < 0 ? -1 : fcntl (fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- create + start ---- */

struct stdio_fds
{
  int in[2], out[2], err[2]; /* [0] read end, [1] write end */
};

static void
close_pair (int p[2])
{
  for (int i = 0; i < 2; i++)
    if (p[i] >= 0)
      close (p[i]), p[i] = -1;
}

static int
make_pipes (struct tsn_shim *s, struct stdio_fds *io, tsn_err_t *err)
{
  if (pipe2 (io->out, O_CLOEXEC) < 0 || pipe2 (io->err, O_CLOEXEC) < 0
      || (s->cfg.stdin_open && pipe2 (io->in, O_CLOEXEC) < 0))
    return tsn_error (err, errno, "pipe");
  set_nonblock (io->out[0]);
  set_nonblock (io->err[0]);
  if (io->in[1] >= 0)
    set_nonblock (io->in[1]);
  return 0;
}

static int
read_pid_file (struct tsn_shim *s, pid_t *pid, tsn_err_t *err)
{
  cleanup_close int fd = openat (s->dir_fd, "init.pid", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  char buf[32];
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof (buf) - 1);
  if (n <= 0)
    return tsn_error (err, fd < 0 ? errno : 0, "read the runtime's pid file `init.pid`");
  buf[n] = '\0';
  long v = strtol (buf, NULL, 10);
  if (v <= 0)
    return tsn_error (err, 0, "invalid pid `%s` in `init.pid`", buf);
  *pid = (pid_t)v;
  return 0;
}

static void
runtime_delete (struct tsn_shim *s)
{
  const char *args[] = { "delete", "--force", s->cfg.id, NULL };
  tsn_err_t err = NULL;
  if (tsn_shim_runtime (s, args, -1, -1, -1, &err) < 0)
    tsn_error_release (&err); /* nothing to delete after a failed create is the usual case */
}

/* Appends what the runtime printed on the container's stderr pipe (runc and ours report create
 * errors there when they are given the container's stdio). */
static void
wrap_with_stderr (int fd, tsn_err_t *err)
{
  char buf[1024];
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof (buf) - 1);
  if (n <= 0 || err == NULL || *err == NULL)
    return;
  buf[n] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  if (buf[0] && strstr ((*err)->msg, buf) == NULL)
    {
      char *joined = NULL;
      if (asprintf (&joined, "%s: %s", (*err)->msg, buf) < 0)
        abort ();
      free ((*err)->msg);
      (*err)->msg = joined;
    }
}

static int
create (struct tsn_shim *s, struct stdio_fds *io, tsn_err_t *err)
{
  cleanup_free char *pid_file = NULL, *console_path = NULL;
  if (asprintf (&pid_file, "%s/init.pid", s->cfg.state_dir) < 0)
    abort ();
  unlinkat (s->dir_fd, "init.pid", 0);
  unlinkat (s->dir_fd, "runtime.log", 0);
  struct tsn_shim_console con = { .fd = -1 };
  const char *args[]
      = { "create", "--bundle", s->cfg.bundle, "--pid-file", pid_file, s->cfg.id, NULL, NULL, NULL };
  if (s->cfg.terminal)
    {
      if (tsn_shim_console_listen (s, &con, err) < 0)
        {
          tsn_shim_console_close (&con);
          return -1;
        }
      args[5] = "--console-socket";
      args[6] = con.path;
      args[7] = s->cfg.id;
    }
  int rc = s->cfg.terminal ? tsn_shim_runtime (s, args, -1, -1, -1, err)
                           : tsn_shim_runtime (s, args, io->in[0] >= 0 ? io->in[0] : s->devnull, io->out[1],
                                               io->err[1], err);
  /* Only the container holds its ends now. */
  if (io->in[0] >= 0)
    close (io->in[0]), io->in[0] = -1;
  if (io->out[1] >= 0)
    close (io->out[1]), io->out[1] = -1;
  if (io->err[1] >= 0)
    close (io->err[1]), io->err[1] = -1;
  if (rc < 0)
    wrap_with_stderr (io->err[0], err);
  if (rc == 0 && s->cfg.terminal)
    {
      int master = tsn_shim_console_receive (&con, err);
      rc = master < 0 ? -1 : 0;
      if (master >= 0)
        {
          set_nonblock (master);
          io->out[0] = master;
          if (s->cfg.stdin_open)
            io->in[1] = fcntl (master, F_DUPFD_CLOEXEC, 3);
        }
    }
  tsn_shim_console_close (&con);
  return rc;
}

int
tsn_shim_container_start (struct tsn_shim *s, tsn_err_t *err)
{
  struct stdio_fds io = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
  s->status = TSN_SHIM_CREATED;
  if ((!s->cfg.terminal && make_pipes (s, &io, err) < 0) || create (s, &io, err) < 0
      || read_pid_file (s, &s->pid, err) < 0)
    goto fail;
  tsn_shim_oom_watch (&s->oom, s->pid);
  s->out = (struct tsn_shim_source){ TSN_SHIM_SRC_STDOUT, io.out[0] };
  s->err = (struct tsn_shim_source){ TSN_SHIM_SRC_STDERR, io.err[0] };
  s->in = (struct tsn_shim_source){ TSN_SHIM_SRC_STDIN, io.in[1] };
  io.out[0] = io.err[0] = io.in[1] = -1;
  tsn_shim_watch (s, &s->out, EPOLLIN);
  if (s->err.fd >= 0)
    tsn_shim_watch (s, &s->err, EPOLLIN);
  const char *args[] = { "start", s->cfg.id, NULL };
  if (tsn_shim_runtime (s, args, -1, -1, -1, err) < 0)
    {
      close_stdio (s);
      goto fail;
    }
  s->status = TSN_SHIM_RUNNING;
  s->started_ns = tsn_shim_real_ns ();
  s->started_ms = tsn_shim_mono_ms ();
  s->has_exit = 0;
  s->oom_killed = 0;
  tsn_shim_health_reset (s);
  tsn_shim_state_write (s, 1);
  return 0;
fail:
  close_pair (io.in);
  close_pair (io.out);
  close_pair (io.err);
  tsn_shim_oom_close (&s->oom);
  s->pid = 0;
  runtime_delete (s);
  return -1;
}

/* ---- exit, restart ---- */

/* After a run (or a failed restart) of `ran_ms`: restart later, or be done. */
static void
after_run (struct tsn_shim *s, int exit_code, int64_t ran_ms)
{
  if (!s->stop_requested && tsn_shim_restart_wanted (&s->cfg.restart, exit_code, s->restart_count))
    {
      int64_t delay = tsn_shim_backoff_next (&s->cfg.backoff, &s->backoff_ms, ran_ms);
      s->next_restart_ms = tsn_shim_mono_ms () + delay;
      s->status = TSN_SHIM_RESTARTING;
    }
  else
    {
      s->status = TSN_SHIM_EXITED;
      s->finished = 1;
    }
  tsn_shim_state_write (s, 1);
}

void
tsn_shim_container_exited (struct tsn_shim *s, int wstatus)
{
  drain_outputs (s);
  s->oom_killed = tsn_shim_oom_killed (&s->oom);
  tsn_shim_oom_close (&s->oom);
  s->has_exit = 1;
  s->exit_signal = WIFSIGNALED (wstatus) ? WTERMSIG (wstatus) : 0;
  s->exit_code = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : 128 + s->exit_signal;
  s->finished_ns = tsn_shim_real_ns ();
  s->pid = 0;
  s->stop_deadline_ms = -1;
  tsn_shim_health_cancel (s);
  close_stdio (s);
  runtime_delete (s);
  after_run (s, s->exit_code, tsn_shim_mono_ms () - s->started_ms);
  tsn_shim_clients_exit (s); /* after after_run: their exit frame says what happens next */
}

void
tsn_shim_container_restart (struct tsn_shim *s)
{
  s->next_restart_ms = -1;
  struct tsn_shim_restart_record rec
      = { tsn_shim_real_ns (), s->backoff_ms, s->has_exit ? s->exit_code : -1 };
  if (s->n_restarts == TSN_SHIM_RESTART_HISTORY)
    {
      memmove (s->restarts, s->restarts + 1, (TSN_SHIM_RESTART_HISTORY - 1) * sizeof (rec));
      s->n_restarts--;
    }
  s->restarts[s->n_restarts++] = rec;
  s->restart_count++;
  tsn_err_t err = NULL;
  if (tsn_shim_container_start (s, &err) == 0)
    return;
  /* A restart that cannot even start counts as a failed run: the policy decides again, with
   * a longer delay, so a broken bundle cannot make the shim spin. */
  tsn_shim_set_error (s, err ? err->msg : "restart failed");
  tsn_error_release (&err);
  s->has_exit = 1;
  s->exit_code = -1;
  s->exit_signal = s->oom_killed = 0;
  s->finished_ns = tsn_shim_real_ns ();
  after_run (s, -1, 0);
}

/* ---- stop, kill ---- */

int
tsn_shim_kill (struct tsn_shim *s, int sig, tsn_err_t *err)
{
  if (s->status != TSN_SHIM_RUNNING && s->status != TSN_SHIM_STOPPING)
    return tsn_error (err, 0, "container `%s` is not running", s->cfg.id);
  char num[16];
  snprintf (num, sizeof (num), "%d", sig);
  const char *args[] = { "kill", s->cfg.id, num, NULL };
  return tsn_shim_runtime (s, args, -1, -1, -1, err);
}

void
tsn_shim_stop (struct tsn_shim *s, int64_t timeout_ms)
{
  int64_t now = tsn_shim_mono_ms ();
  if (!s->stop_requested)
    {
      s->stop_requested = 1;
      s->stop_requested_ns = tsn_shim_real_ns ();
      s->stop_timeout_ms = timeout_ms;
    }
  switch (s->status)
    {
    case TSN_SHIM_RESTARTING:
      s->next_restart_ms = -1;
      s->status = TSN_SHIM_EXITED;
      s->finished = 1;
      break;
    case TSN_SHIM_RUNNING:
      {
        s->status = TSN_SHIM_STOPPING;
        s->stop_deadline_ms = now + timeout_ms;
        tsn_err_t err = NULL;
        if (timeout_ms > 0 && tsn_shim_kill (s, s->cfg.stop_signal, &err) < 0)
          tsn_error_release (&err); /* it may have exited already: its SIGCHLD is pending */
        break;
      }
    case TSN_SHIM_STOPPING:
      if (now + timeout_ms < s->stop_deadline_ms)
        s->stop_deadline_ms = now + timeout_ms; /* a shorter grace period wins */
      break;
    case TSN_SHIM_CREATED:
    case TSN_SHIM_EXITED:
      break;
    }
  tsn_shim_state_write (s, 1);
}

void
tsn_shim_stop_deadline (struct tsn_shim *s)
{
  s->stop_deadline_ms = -1;
  s->stop_killed = 1;
  tsn_err_t err = NULL;
  if (tsn_shim_kill (s, SIGKILL, &err) < 0)
    tsn_error_release (&err);
  tsn_shim_state_write (s, 1);
}
