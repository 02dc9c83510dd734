/* Lifecycle hooks; see hooks.h. */
#include "hooks.h"
#include "status.h"
#include "fds.h"
#include "json.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const kind_names[TSN_HOOK_KINDS] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

char *
tsn_rt_hook_state (const struct tsn_rt_config *c, const char *id, const char *status, int pid,
                   const char *bundle)
{
  struct tsn_json_writer w;
  tsn_json_w_init (&w);
  tsn_json_w_begin_object (&w);
  tsn_json_w_key (&w, "ociVersion");
  tsn_json_w_string (&w, c->oci_version);
  tsn_json_w_key (&w, "id");
  tsn_json_w_string (&w, id);
  tsn_json_w_key (&w, "status");
  tsn_json_w_string (&w, status);
  tsn_json_w_key (&w, "pid");
  tsn_json_w_int64 (&w, pid);
  tsn_json_w_key (&w, "bundle");
  tsn_json_w_string (&w, bundle);
  if (c->annotations)
    {
      tsn_json_w_key (&w, "annotations");
      tsn_json_w_value (&w, c->annotations);
    }
  tsn_json_w_end_object (&w);
  return w.buf;
}

static int
run_one (const struct tsn_rt_hook *h, const char *kind, const char *state, tsn_err_t *err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return tsn_error (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return tsn_error (err, errno, "fork hook `%s`", h->path);
    }
  if (pid == 0)
    {
      static const char *const no_env[] = { NULL };
      const char *argv0[] = { h->path, NULL };
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      dup2 (p[0], 0);
      signal (SIGPIPE, SIG_DFL);
      tsn_rt_cloexec_from (3, NULL);
      execve (h->path, (char *const *)(h->args && h->args[0] ? h->args : argv0),
              (char *const *)(h->env ? h->env : no_env));
      fprintf (stderr, "tscompose-native: %s hook `%s`: %s\n", kind, h->path, strerror (errno));
      _exit (127);
    }
  close (p[0]);
  /* A hook that never reads stdin must not kill us with SIGPIPE. */
  void (*old) (int) = signal (SIGPIPE, SIG_IGN);
  size_t left = strlen (state);
  for (const char *s = state; left;)
    {
      ssize_t n = TEMP_FAILURE_RETRY_INT (write (p[1], s, left));
      if (n <= 0)
        break;
      s += n;
      left -= (size_t)n;
    }
  close (p[1]);
  signal (SIGPIPE, old);
  int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)
    {
      struct pollfd pf = { .fd = pidfd, .events = POLLIN };
      int ms = h->timeout.set ? (int)h->timeout.v * 1000 : -1;
      int r = (int)TEMP_FAILURE_RETRY_INT (poll (&pf, 1, ms));
      close (pidfd);
      if (r == 0)
        {
          kill (pid, SIGKILL);
          TEMP_FAILURE_RETRY_INT (waitpid (pid, NULL, 0));
          return tsn_error (err, 0, "%s hook `%s` timed out after %lld s", kind, h->path,
                            (long long)h->timeout.v);
        }
    }
  int status;
  if (TEMP_FAILURE_RETRY_INT (waitpid (pid, &status, 0)) < 0)
    return tsn_error (err, errno, "wait for %s hook `%s`", kind, h->path);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return tsn_error (err, 0, "%s hook `%s` failed (%s %d)", kind, h->path,
                      WIFEXITED (status) ? "exit status" : "signal",
                      WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
  return 0;
}

int
tsn_rt_run_hooks (const struct tsn_rt_config *c, enum tsn_rt_hook_kind kind, const char *state,
                  tsn_err_t *err)
{
  const struct tsn_rt_hooks *hooks = &c->hooks[kind];
  for (size_t i = 0; i < hooks->len; i++)
    if (run_one (&hooks->items[i], kind_names[kind], state, err) < 0)
      return -1;
  return 0;
}

void
tsn_rt_run_hooks_warn (const struct tsn_rt_config *c, enum tsn_rt_hook_kind kind, const char *state)
{
  const struct tsn_rt_hooks *hooks = &c->hooks[kind];
  for (size_t i = 0; i < hooks->len; i++)
    {
      tsn_err_t err = NULL;
      if (run_one (&hooks->items[i], kind_names[kind], state, &err) < 0)
        fprintf (stderr, "tscompose-native: warning: %s\n", err->msg);
      tsn_error_release (&err);
    }
}

void
tsn_rt_run_post_hooks (const struct tsn_rt_state *st, enum tsn_rt_hook_kind kind)
{
  int bit = kind == TSN_HOOK_POSTSTART ? 1 : 2;
  if (!(st->post_hooks & bit))
    return;
  tsn_err_t err = NULL;
  cleanup_config struct tsn_rt_config *c = NULL;
  cleanup_close int bfd = open (st->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0 || tsn_rt_config_load (&c, bfd, "config.json", &err) < 0)
    {
      fprintf (stderr, "tscompose-native: warning: %s hooks of `%s`: cannot read the bundle's config.json\n",
               kind_names[kind], st->id);
      tsn_error_release (&err);
      return;
    }
  cleanup_free char *state = tsn_rt_hook_state (c, st->id, kind == TSN_HOOK_POSTSTART ? "running" : "stopped",
                                                kind == TSN_HOOK_POSTSTART ? st->pid : 0, st->bundle);
  tsn_rt_run_hooks_warn (c, kind, state);
}
