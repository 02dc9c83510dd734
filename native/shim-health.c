/* The healthcheck, with Docker's semantics (moby daemon/health.go):
 * - the probe is `<runtime> exec ID CMD...` (inside the container's namespaces and cgroup, with
 *   the container process's env, user and cwd), stdout and stderr together, the first 4096 bytes
 *   kept as its output;
 * - status `starting` from each (re)start; exit 0 → `healthy` and the failing streak resets;
 *   anything else is a failure, which counts towards `retries` (→ `unhealthy`) except while the
 *   status is still `starting` inside the start period;
 * - probes run every `interval`, or every `start_interval` while starting inside the start
 *   period; the first one comes one (start) interval after the start;
 * - a probe running longer than `timeout` is killed and recorded with exit code -1 and the output
 *   "Health check exceeded timeout (<timeout>)". Killing `<runtime> exec` alone would leave the
 *   process it started running in the container (runc puts it in its own process group, and it
 *   is then reparented to us), so the whole process tree under the exec is killed, leaves first;
 * - the last `log_max` results (start, end, exit code, output) go to the state file. */
#include "shim.h"
#include "utils.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static int
in_start_period (const struct tsn_shim *s, int64_t now)
{
  const struct tsn_shim_health_config *h = &s->cfg.health;
  return s->health.status == TSN_SHIM_HEALTH_STARTING && h->start_period_ms > 0
         && now - s->started_ms < h->start_period_ms;
}

static void
schedule (struct tsn_shim *s, int64_t now)
{
  const struct tsn_shim_health_config *h = &s->cfg.health;
  s->health.next_probe_ms = now + (in_start_period (s, now) ? h->start_interval_ms : h->interval_ms);
}

static void
clear_log (struct tsn_shim_health *h)
{
  for (unsigned i = 0; i < h->n_log; i++)
    free (h->log[i].output);
  h->n_log = 0;
}

/* Valid UTF-8 without NUL, as JSON needs: other bytes become U+FFFD. */
static char *
sanitize_utf8 (const unsigned char *in, size_t len)
{
  char *out = xmalloc (len * 3 + 1);
  size_t o = 0;
  for (size_t i = 0; i < len;)
    {
      unsigned char c = in[i];
      size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
      int ok = n > 0 && i + n <= len && c != 0 && !(n == 2 && c < 0xc2) && !(n == 4 && c > 0xf4);
      for (size_t k = 1; ok && k < n; k++)
        ok = (in[i + k] & 0xc0) == 0x80;
      if (ok && n == 3)
        ok = !(c == 0xe0 && in[i + 1] < 0xa0) && !(c == 0xed && in[i + 1] >= 0xa0);
      if (ok && n == 4)
        ok = !(c == 0xf0 && in[i + 1] < 0x90) && !(c == 0xf4 && in[i + 1] >= 0x90);
      if (ok)
        {
          memcpy (out + o, in + i, n);
          o += n;
          i += n;
        }
      else
        {
          memcpy (out + o, "\xef\xbf\xbd", 3);
          o += 3;
          i++;
        }
    }
  out[o] = '\0';
  return out;
}

/* SIGKILL to `pid` and every descendant (found through /proc/<pid>/task/<tid>/children; the
 * children of a multi-threaded runtime hang off the thread that forked them). */
static void
kill_tree (pid_t pid, int depth)
{
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/task", (int)pid);
  cleanup_dir DIR *tasks = depth < 8 ? opendir (path) : NULL;
  for (struct dirent *t; tasks && (t = readdir (tasks));)
    {
      if (t->d_name[0] == '.')
        continue;
      char file[96];
      snprintf (file, sizeof (file), "/proc/%d/task/%.16s/children", (int)pid, t->d_name);
      cleanup_file FILE *f = fopen (file, "re");
      for (long child; f && fscanf (f, "%ld", &child) == 1;)
        kill_tree ((pid_t)child, depth + 1);
    }
  kill (pid, SIGKILL);
}

static void
record (struct tsn_shim *s, int exit_code, char *output)
{
  struct tsn_shim_health *h = &s->health;
  unsigned max = s->cfg.health.log_max;
  if (max == 0 || max > TSN_SHIM_HEALTH_LOG_MAX)
    max = TSN_SHIM_HEALTH_LOG_MAX;
  while (h->n_log >= max)
    {
      free (h->log[0].output);
      memmove (h->log, h->log + 1, (h->n_log - 1) * sizeof (h->log[0]));
      h->n_log--;
    }
  h->log[h->n_log++]
      = (struct tsn_shim_health_result){ h->probe_start_ns, tsn_shim_real_ns (), exit_code, output };
  int64_t now = tsn_shim_mono_ms ();
  if (exit_code == 0)
    {
      h->failing_streak = 0;
      h->status = TSN_SHIM_HEALTH_HEALTHY;
    }
  else if (!in_start_period (s, now))
    {
      h->failing_streak++;
      if (h->failing_streak >= (s->cfg.health.retries ? s->cfg.health.retries : 1))
        h->status = TSN_SHIM_HEALTH_UNHEALTHY;
    }
  schedule (s, now);
  tsn_shim_state_write (s, 1);
}

static void
start_probe (struct tsn_shim *s, int64_t now)
{
  struct tsn_shim_health *h = &s->health;
  int p[2];
  tsn_err_t err = NULL;
  h->probe_start_ns = tsn_shim_real_ns ();
  h->next_probe_ms = -1;
  if (pipe2 (p, O_CLOEXEC) < 0)
    {
      tsn_error (&err, errno, "healthcheck: pipe");
      record (s, -1, xstrdup (err->msg));
      tsn_error_release (&err);
      return;
    }
  pid_t pid = tsn_shim_runtime_exec (s, s->cfg.health.cmd, p[1], &err);
  close (p[1]);
  if (pid < 0)
    {
      close (p[0]);
      record (s, -1, xstrdup (err->msg));
      tsn_error_release (&err);
      return;
    }
  fcntl (p[0], F_SETFL, O_NONBLOCK);
  h->pid = pid;
  h->out = (struct tsn_shim_source){ TSN_SHIM_SRC_HEALTH, p[0] };
  h->buf = xmalloc (TSN_SHIM_HEALTH_OUTPUT_MAX);
  h->len = 0;
  h->timed_out = 0;
  h->probe_deadline_ms = now + s->cfg.health.timeout_ms;
  tsn_shim_watch (s, &h->out, EPOLLIN);
}

void
tsn_shim_health_output (struct tsn_shim *s)
{
  struct tsn_shim_health *h = &s->health;
  for (;;)
    {
      char scratch[1024];
      if (h->out.fd < 0)
        return;
      size_t room = h->buf ? TSN_SHIM_HEALTH_OUTPUT_MAX - h->len : 0;
      char *dst = room ? h->buf + h->len : scratch;
      ssize_t n = TEMP_FAILURE_RETRY_INT (read (h->out.fd, dst, room ? room : sizeof (scratch)));
      if (n > 0)
        {
          if (room)
            h->len += (size_t)n; /* beyond the limit the output is read and dropped */
          continue;
        }
      if (n < 0 && errno == EAGAIN)
        return;
      tsn_shim_unwatch (s, &h->out);
      return;
    }
}

void
tsn_shim_health_exited (struct tsn_shim *s, int wstatus)
{
  struct tsn_shim_health *h = &s->health;
  tsn_shim_health_output (s);
  tsn_shim_unwatch (s, &h->out);
  h->pid = 0;
  char *output;
  int code;
  if (h->timed_out)
    {
      code = -1;
      if (asprintf (&output, "Health check exceeded timeout (%lldms)", (long long)s->cfg.health.timeout_ms)
          < 0)
        abort ();
    }
  else
    {
      code = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : 128 + WTERMSIG (wstatus);
      output = sanitize_utf8 ((const unsigned char *)h->buf, h->len);
    }
  free (h->buf);
  h->buf = NULL;
  record (s, code, output);
}

void
tsn_shim_health_cancel (struct tsn_shim *s)
{
  struct tsn_shim_health *h = &s->health;
  if (h->pid > 0)
    kill_tree (h->pid, 0); /* reaped later as an unknown child */
  h->pid = 0;
  tsn_shim_unwatch (s, &h->out);
  free (h->buf);
  h->buf = NULL;
  h->next_probe_ms = -1;
}

void
tsn_shim_health_reset (struct tsn_shim *s)
{
  tsn_shim_health_cancel (s);
  clear_log (&s->health);
  s->health.failing_streak = 0;
  if (s->cfg.health.cmd == NULL)
    {
      s->health.status = TSN_SHIM_HEALTH_NONE;
      return;
    }
  s->health.status = TSN_SHIM_HEALTH_STARTING;
  schedule (s, tsn_shim_mono_ms ());
}

void
tsn_shim_health_tick (struct tsn_shim *s, int64_t now)
{
  struct tsn_shim_health *h = &s->health;
  if (s->cfg.health.cmd == NULL || s->status != TSN_SHIM_RUNNING)
    return;
  if (h->pid > 0)
    {
      if (!h->timed_out && now >= h->probe_deadline_ms)
        {
          h->timed_out = 1;
          kill_tree (h->pid, 0);
        }
      return;
    }
  if (h->next_probe_ms >= 0 && now >= h->next_probe_ms)
    start_probe (s, now);
}

int64_t
tsn_shim_health_deadline (const struct tsn_shim *s)
{
  const struct tsn_shim_health *h = &s->health;
  if (s->cfg.health.cmd == NULL || s->status != TSN_SHIM_RUNNING)
    return -1;
  if (h->pid > 0)
    return h->timed_out ? -1 : h->probe_deadline_ms;
  return h->next_probe_ms;
}

void
tsn_shim_health_release (struct tsn_shim *s)
{
  tsn_shim_health_cancel (s);
  clear_log (&s->health);
}
