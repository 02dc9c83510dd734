/* Driving the OCI runtime through its command line, exactly as conmon does, so any runtime with
 * runc's CLI works: `<runtime> [--root R] --log <state>/runtime.log --log-format json VERB ...`.
 * Children start with every signal at its default disposition and unblocked (ignored signals and
 * the mask survive execve, and the container inherits what the runtime had), stdio on the fds
 * given, and nothing else open (close_range). Calls are synchronous with a deadline (a hung
 * runtime is killed); only the healthcheck's `exec` runs asynchronously. */
#include "shim.h"
#include "utils.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNTIME_TIMEOUT_MS 60000
#define TAIL_MAX 2048

static void
child_exec (char *const *argv, int in, int out, int errfd, int own_pgrp)
{
  if (own_pgrp)
    setpgid (0, 0);
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL); /* fails harmlessly for KILL, STOP and libc-reserved signals */
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (errfd, 2) < 0)
    _exit (127);
  close_range (3, ~0U, 0);
  execv (argv[0], argv);
  _exit (127);
}

/* runtime [--root R] [--log F --log-format json] args... (NULL-terminated, malloc'd array). */
static char **
build_argv (const struct tsn_shim *s, const char *const *args, int with_log, char **log_path)
{
  size_t n = 0;
  while (args[n])
    n++;
  char **argv = xmalloc ((n + 8) * sizeof (char *));
  size_t i = 0;
  argv[i++] = (char *)s->cfg.runtime;
  if (s->cfg.runtime_root)
    {
      argv[i++] = (char *)"--root";
      argv[i++] = (char *)s->cfg.runtime_root;
    }
  if (with_log)
    {
      if (asprintf (log_path, "%s/runtime.log", s->cfg.state_dir) < 0)
        abort ();
      argv[i++] = (char *)"--log";
      argv[i++] = *log_path;
      argv[i++] = (char *)"--log-format";
      argv[i++] = (char *)"json";
    }
  for (size_t k = 0; k < n; k++)
    argv[i++] = (char *)args[k];
  argv[i] = NULL;
  return argv;
}

/* Waits for `pid` until the deadline, then kills it. Returns the wait status or -1. */
static int
wait_child (pid_t pid, int64_t deadline_ms)
{
  int pfd = pidfd_open (pid, 0);
  if (pfd >= 0)
    {
      struct pollfd p = { .fd = pfd, .events = POLLIN };
      int64_t left = deadline_ms - tsn_shim_mono_ms ();
      int rc = TEMP_FAILURE_RETRY_INT (poll (&p, 1, left > 0 ? (int)left : 0));
      if (rc == 0)
        kill (pid, SIGKILL);
      close (pfd);
    }
  int status;
  if (TEMP_FAILURE_RETRY_INT (waitpid (pid, &status, 0)) < 0)
    return -1;
  return status;
}

/* The value of "msg" in a JSON log line (runc's and ours), unescaped enough for a message. */
static void
json_msg (const char *line, char *out, size_t len)
{
  const char *p = strstr (line, "\"msg\":\"");
  if (p == NULL)
    {
      snprintf (out, len, "%s", line);
      return;
    }
  size_t o = 0;
  for (p += 7; *p && *p != '"' && o + 1 < len; p++)
    {
      if (*p == '\\' && p[1])
        {
          p++;
          out[o++] = *p == 'n' ? ' ' : *p == 't' ? ' ' : *p;
        }
      else
        out[o++] = *p;
    }
  out[o] = '\0';
}

/* The last non-empty line of `text` that is an error (or any last line when none says so). */
static void
last_error_line (char *text, char *out, size_t len)
{
  char *best = NULL, *last = NULL, *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      if (line[0] == '\0')
        continue;
      last = line;
      if (strstr (line, "\"level\":\"error\"") || strstr (line, "\"level\":\"fatal\""))
        best = line;
    }
  out[0] = '\0';
  if (best || last)
    json_msg (best ? best : last, out, len);
}

static void
runtime_log_tail (struct tsn_shim *s, char *out, size_t len)
{
  out[0] = '\0';
  cleanup_close int fd = openat (s->dir_fd, "runtime.log", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return;
  char buf[TAIL_MAX + 1];
  off_t end = lseek (fd, 0, SEEK_END);
  off_t start = end > TAIL_MAX ? end - TAIL_MAX : 0;
  ssize_t n = pread (fd, buf, TAIL_MAX, start);
  if (n <= 0)
    return;
  buf[n] = '\0';
  last_error_line (buf, out, len);
}

/* Reads the child's stderr until EOF (or the deadline), keeping the last TAIL_MAX bytes. */
static void
read_tail (int fd, char *tail, size_t *len, int64_t deadline_ms)
{
  char buf[512];
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int64_t left = deadline_ms - tsn_shim_mono_ms ();
      if (left <= 0 || TEMP_FAILURE_RETRY_INT (poll (&p, 1, (int)left)) <= 0)
        return;
      ssize_t n = TEMP_FAILURE_RETRY_INT (read (fd, buf, sizeof (buf)));
      if (n <= 0)
        return;
      if (*len + (size_t)n > TAIL_MAX)
        {
          size_t drop = *len + (size_t)n - TAIL_MAX;
          drop = drop > *len ? *len : drop;
          memmove (tail, tail + drop, *len - drop);
          *len -= drop;
        }
      size_t take = (size_t)n > TAIL_MAX ? TAIL_MAX : (size_t)n;
      memcpy (tail + *len, buf + n - take, take);
      *len += take;
    }
}

int
tsn_shim_runtime (struct tsn_shim *s, const char *const *args, int in, int out, int errfd, tsn_err_t *err)
{
  cleanup_free char *log_path = NULL;
  cleanup_free char **argv = build_argv (s, args, 1, &log_path);
  int cap[2] = { -1, -1 };
  if (errfd < 0)
    {
      if (pipe2 (cap, O_CLOEXEC) < 0)
        return tsn_error (err, errno, "pipe");
      in = out = s->devnull;
      errfd = cap[1];
    }
  int64_t deadline = tsn_shim_mono_ms () + RUNTIME_TIMEOUT_MS;
  pid_t pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      if (cap[0] >= 0)
        close (cap[0]), close (cap[1]);
      return tsn_error (err, e, "fork");
    }
  if (pid == 0)
    child_exec (argv, in, out, errfd, 0);
  char tail[TAIL_MAX + 1];
  size_t tail_len = 0;
  if (cap[0] >= 0)
    {
      close (cap[1]);
      read_tail (cap[0], tail, &tail_len, deadline);
      close (cap[0]);
    }
  tail[tail_len] = '\0';
  int status = wait_child (pid, deadline);
  if (status == 0)
    return 0;
  char msg[1024];
  last_error_line (tail, msg, sizeof (msg));
  if (msg[0] == '\0')
    runtime_log_tail (s, msg, sizeof (msg));
  char how[64];
  if (status < 0)
    snprintf (how, sizeof (how), "could not be waited for");
  else if (WIFSIGNALED (status))
    snprintf (how, sizeof (how), "killed by signal %d", WTERMSIG (status));
  else
    snprintf (how, sizeof (how), "exit status %d", WEXITSTATUS (status));
  return tsn_error (err, 0, "`%s %s` failed (%s)%s%s", s->cfg.runtime, args[0], how, msg[0] ? ": " : "", msg);
}

pid_t
tsn_shim_runtime_exec (struct tsn_shim *s, char *const *cmd, int out, tsn_err_t *err)
{
  size_t n = 0;
  while (cmd[n])
    n++;
  cleanup_free const char **args = xmalloc ((n + 3) * sizeof (char *));
  args[0] = "exec";
  args[1] = s->cfg.id;
  for (size_t i = 0; i <= n; i++)
    args[2 + i] = cmd[i];
  cleanup_free char **argv = build_argv (s, args, 0, NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return tsn_error (err, errno, "fork");
  if (pid == 0)
    child_exec (argv, s->devnull, out, out, 1);
  /* Also from the parent: a timeout may kill the group before the child ran setpgid. */
  setpgid (pid, pid);
  return pid;
}
