/* `exec NAME`: a detached exec (`docker exec -d`) started by the shim. The runtime's `exec
 * --detach` returns once the process runs, and the process is then an orphan: reparented to the
 * nearest subreaper among its ancestors, or the host's init. Started by the CLI, that is init,
 * and an init that reaps late (or never) leaves a zombie in the container's pid cgroup. Started
 * by us, we are that subreaper and reap it at once (reap() in shim.c), as containerd's shim does.
 *
 * NAME is a file in the state dir (`exec-*.json`, written by the engine; requests are one short
 * line, an environment is not): {"options":["--env","K=V",…],"command":["prog","arg",…]}. The
 * shim runs `<runtime> exec --detach OPTIONS ID COMMAND...`, removes the file, and answers
 * {"ok":true} or the runtime's error. */
#include "json.h"
#include "shim-client.h"
#include "utils.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define EXEC_FILE_MAX (1024 * 1024)

static int
valid_name (const char *name)
{
  size_t n = name ? strlen (name) : 0;
  return n > strlen ("exec-.json") && strncmp (name, "exec-", 5) == 0 && strcmp (name + n - 5, ".json") == 0
         && strchr (name, '/') == NULL;
}

/* Reads and removes the request file; the text is NUL-terminated. */
static char *
take_file (struct tsn_shim *s, const char *name, size_t *len, tsn_err_t *err)
{
  cleanup_close int fd = openat (s->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return tsn_error (err, errno, "open %s", name), NULL;
  unlinkat (s->dir_fd, name, 0);
  cleanup_free char *buf = xmalloc (EXEC_FILE_MAX + 1);
  size_t n = 0;
  for (;;)
    {
      ssize_t r = TEMP_FAILURE_RETRY_INT (read (fd, buf + n, EXEC_FILE_MAX + 1 - n));
      if (r < 0)
        return tsn_error (err, errno, "read %s", name), NULL;
      if (r == 0)
        break;
      n += (size_t)r;
      if (n > EXEC_FILE_MAX)
        return tsn_error (err, 0, "%s: larger than %d bytes", name, EXEC_FILE_MAX), NULL;
    }
  buf[n] = '\0';
  *len = n;
  return get_and_reset_ptr ((void **)&buf);
}

/* Appends the strings of array `key` to args; returns the new count or -1. */
static int
append_strings (const struct tsn_json *root, const char *key, const char **args, size_t at, size_t max,
                tsn_err_t *err)
{
  const struct tsn_json *a = tsn_json_get (root, key);
  if (a == NULL || a->type != TSN_JSON_ARRAY)
    return tsn_error (err, 0, "`%s`: expected an array of strings", key);
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      if (at >= max)
        return tsn_error (err, 0, "`%s`: too many arguments", key);
      if (a->u.array.items[i]->type != TSN_JSON_STRING)
        return tsn_error (err, 0, "`%s`: expected an array of strings", key);
      args[at++] = a->u.array.items[i]->u.string.s;
    }
  return (int)at;
}

static int
run_detached (struct tsn_shim *s, const char *name, tsn_err_t *err)
{
  if (!valid_name (name))
    return tsn_error (err, 0, "usage: exec exec-NAME.json (a file in the state dir)");
  size_t len = 0;
  cleanup_free char *text = take_file (s, name, &len, err);
  if (text == NULL)
    return -1;
  if (s->status != TSN_SHIM_RUNNING)
    return tsn_error (err, 0, "the container is not running");
  cleanup_json_doc struct tsn_json_doc *doc = NULL;
  if (tsn_json_parse (&doc, text, len, err) < 0)
    return -1;
  const struct tsn_json *root = tsn_json_root (doc);
  if (root->type != TSN_JSON_OBJECT)
    return tsn_error (err, 0, "%s: expected an object", name);
  /* Every element of the file is at most one argument: a bound well above any real request. */
  size_t max = len + 4;
  cleanup_free const char **args = xmalloc ((max + 1) * sizeof (char *));
  size_t n = 0;
  args[n++] = "exec";
  args[n++] = "--detach";
  int r = append_strings (root, "options", args, n, max, err);
  if (r < 0)
    return -1;
  n = (size_t)r;
  args[n++] = s->cfg.id;
  size_t before = n;
  if ((r = append_strings (root, "command", args, n, max, err)) < 0)
    return -1;
  if ((size_t)r == before)
    return tsn_error (err, 0, "`command`: empty");
  args[r] = NULL;
  /* The process gets the runtime's stdio: /dev/null (Docker discards a detached exec's output;
   * a pipe would also hold this call until the process ends). Errors come from runtime.log. */
  return tsn_shim_runtime (s, args, s->devnull, s->devnull, s->devnull, err);
}

void
tsn_shim_request_exec (struct tsn_shim *s, struct tsn_shim_client *c, const char *name)
{
  tsn_err_t err = NULL;
  if (run_detached (s, name, &err) == 0)
    tsn_shim_client_reply (s, c, NULL);
  else
    tsn_shim_client_reply (s, c, err ? err->msg : "exec failed");
  tsn_error_release (&err);
  tsn_shim_client_close_after_flush (s, c);
}
