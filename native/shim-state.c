/* The state file `<state-dir>/state.json`, the engine's view of the container (schema in
 * docs/native-shim.md). Rewritten on every change through a temp file, fsync and rename, so a
 * reader sees either the old or the new whole file, never a torn one. */
#include "json.h"
#include "shim.h"
#include "utils.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const STATUS_NAMES[] = { "created", "running", "stopping", "restarting", "exited" };
static const char *const HEALTH_NAMES[] = { "none", "starting", "healthy", "unhealthy" };

const char *
tsn_shim_signal_name (int sig, char buf[16])
{
  const char *abbrev = sigabbrev_np (sig);
  if (abbrev)
    snprintf (buf, 16, "SIG%s", abbrev);
  else
    snprintf (buf, 16, "%d", sig);
  return buf;
}

void
tsn_shim_set_error (struct tsn_shim *s, const char *msg)
{
  free (s->error);
  s->error = msg ? xstrdup (msg) : NULL;
}

static void
w_time (struct tsn_json_writer *w, const char *key, int64_t ns)
{
  tsn_json_w_key (w, key);
  if (ns == 0)
    {
      tsn_json_w_null (w);
      return;
    }
  char ts[40];
  tsn_shim_format_time (ns, ts);
  tsn_json_w_string (w, ts);
}

static void
w_restarts (struct tsn_json_writer *w, const struct tsn_shim *s)
{
  tsn_json_w_key (w, "restarts");
  tsn_json_w_begin_array (w);
  for (unsigned i = 0; i < s->n_restarts; i++)
    {
      tsn_json_w_begin_object (w);
      w_time (w, "at", s->restarts[i].at_ns);
      tsn_json_w_key (w, "delayMs");
      tsn_json_w_int64 (w, s->restarts[i].delay_ms);
      tsn_json_w_key (w, "exitCode");
      tsn_json_w_int64 (w, s->restarts[i].exit_code);
      tsn_json_w_end_object (w);
    }
  tsn_json_w_end_array (w);
}

static void
w_stop (struct tsn_json_writer *w, const struct tsn_shim *s)
{
  tsn_json_w_key (w, "stop");
  if (!s->stop_requested)
    {
      tsn_json_w_null (w);
      return;
    }
  char sig[16];
  tsn_json_w_begin_object (w);
  w_time (w, "requestedAt", s->stop_requested_ns);
  tsn_json_w_key (w, "signal");
  tsn_json_w_string (w, tsn_shim_signal_name (s->cfg.stop_signal, sig));
  tsn_json_w_key (w, "timeoutMs");
  tsn_json_w_int64 (w, s->stop_timeout_ms);
  tsn_json_w_key (w, "killed");
  tsn_json_w_bool (w, s->stop_killed);
  tsn_json_w_end_object (w);
}

static void
w_health (struct tsn_json_writer *w, const struct tsn_shim *s)
{
  tsn_json_w_key (w, "health");
  if (s->cfg.health.cmd == NULL)
    {
      tsn_json_w_null (w);
      return;
    }
  const struct tsn_shim_health *h = &s->health;
  tsn_json_w_begin_object (w);
  tsn_json_w_key (w, "status");
  tsn_json_w_string (w, HEALTH_NAMES[h->status]);
  tsn_json_w_key (w, "failingStreak");
  tsn_json_w_int64 (w, h->failing_streak);
  tsn_json_w_key (w, "log");
  tsn_json_w_begin_array (w);
  for (unsigned i = 0; i < h->n_log; i++)
    {
      tsn_json_w_begin_object (w);
      w_time (w, "start", h->log[i].start_ns);
      w_time (w, "end", h->log[i].end_ns);
      tsn_json_w_key (w, "exitCode");
      tsn_json_w_int64 (w, h->log[i].exit_code);
      tsn_json_w_key (w, "output");
      tsn_json_w_string (w, h->log[i].output);
      tsn_json_w_end_object (w);
    }
  tsn_json_w_end_array (w);
  tsn_json_w_end_object (w);
}

static void
w_exit (struct tsn_json_writer *w, const struct tsn_shim *s)
{
  char sig[16];
  tsn_json_w_key (w, "exitCode");
  if (s->has_exit)
    tsn_json_w_int64 (w, s->exit_code);
  else
    tsn_json_w_null (w);
  tsn_json_w_key (w, "signal");
  if (s->has_exit && s->exit_signal)
    tsn_json_w_string (w, tsn_shim_signal_name (s->exit_signal, sig));
  else
    tsn_json_w_null (w);
  tsn_json_w_key (w, "oomKilled");
  tsn_json_w_bool (w, s->has_exit && s->oom_killed);
}

char *
tsn_shim_state_json (const struct tsn_shim *s, int shim_running)
{
  cleanup_json_writer struct tsn_json_writer w;
  tsn_json_w_init (&w);
  char policy[32];
  tsn_shim_restart_format (&s->cfg.restart, policy);
  tsn_json_w_begin_object (&w);
  tsn_json_w_key (&w, "version");
  tsn_json_w_int64 (&w, 1);
  tsn_json_w_key (&w, "id");
  tsn_json_w_string (&w, s->cfg.id);
  tsn_json_w_key (&w, "bundle");
  tsn_json_w_string (&w, s->cfg.bundle);
  tsn_json_w_key (&w, "shimPid");
  tsn_json_w_int64 (&w, getpid ());
  tsn_json_w_key (&w, "shimRunning");
  tsn_json_w_bool (&w, shim_running);
  tsn_json_w_key (&w, "status");
  tsn_json_w_string (&w, STATUS_NAMES[s->status]);
  tsn_json_w_key (&w, "pid");
  tsn_json_w_int64 (&w, s->pid);
  w_time (&w, "startedAt", s->started_ns);
  w_time (&w, "finishedAt", s->finished_ns);
  w_exit (&w, s);
  tsn_json_w_key (&w, "error");
  if (s->error)
    tsn_json_w_string (&w, s->error);
  else
    tsn_json_w_null (&w);
  tsn_json_w_key (&w, "restartPolicy");
  tsn_json_w_string (&w, policy);
  tsn_json_w_key (&w, "restartCount");
  tsn_json_w_int64 (&w, s->restart_count);
  w_restarts (&w, s);
  int64_t next_ns = 0;
  if (s->status == TSN_SHIM_RESTARTING && s->next_restart_ms >= 0)
    next_ns = tsn_shim_real_ns () + (s->next_restart_ms - tsn_shim_mono_ms ()) * 1000000;
  w_time (&w, "nextRestartAt", next_ns);
  tsn_json_w_key (&w, "stopRequested");
  tsn_json_w_bool (&w, s->stop_requested);
  w_stop (&w, s);
  w_health (&w, s);
  w_time (&w, "updatedAt", tsn_shim_real_ns ());
  tsn_json_w_end_object (&w);
  return xstrdup (tsn_json_w_str (&w));
}

void
tsn_shim_state_write (struct tsn_shim *s, int shim_running)
{
  cleanup_free char *json = tsn_shim_state_json (s, shim_running);
  size_t len = strlen (json);
  int fd = openat (s->dir_fd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  int ok = 1;
  for (size_t off = 0; ok && off < len;)
    {
      ssize_t n = TEMP_FAILURE_RETRY_INT (write (fd, json + off, len - off));
      ok = n > 0;
      off += ok ? (size_t)n : 0;
    }
  ok = ok && TEMP_FAILURE_RETRY_INT (write (fd, "\n", 1)) == 1 && fsync (fd) == 0;
  close (fd);
  if (ok)
    renameat (s->dir_fd, "state.json.tmp", s->dir_fd, "state.json");
}
