/* config.json → struct tsn_rt_config; see container-config.h. */
#include "container-config.h"
#include "caps.h"
#include "namespaces.h"
#include "rlimits.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_BYTES (16u << 20)

int
tsn_rt_read_file_at (char **out, size_t *len, int dirfd, const char *name, size_t max, tsn_err_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open `%s`", name);
  size_t cap = 4096, n = 0;
  cleanup_free char *buf = xmalloc (cap);
  for (;;)
    {
      if (n + 1 >= cap)
        {
          if (cap >= max)
            return tsn_error (err, 0, "`%s` is larger than %zu bytes", name, max);
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      ssize_t r = TEMP_FAILURE_RETRY_INT (read (fd, buf + n, cap - n - 1));
      if (r < 0)
        return tsn_error (err, errno, "read `%s`", name);
      if (r == 0)
        break;
      n += (size_t)r;
    }
  buf[n] = '\0';
  *len = n;
  *out = get_and_reset_ptr ((void **)&buf);
  return 0;
}

int
tsn_rt_json_strings (const struct tsn_json *v, const char ***out, size_t *n, const char *what, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, what, err) < 0)
    return -1;
  size_t len = (v && v->type == TSN_JSON_ARRAY) ? v->u.array.len : 0;
  const char **arr = xmalloc0 ((len + 1) * sizeof (*arr));
  for (size_t i = 0; i < len; i++)
    {
      if (tsn_json_get_string (v->u.array.items[i], &arr[i], what, err) < 0)
        {
          free (arr);
          return -1;
        }
      if (arr[i] == NULL)
        {
          free (arr);
          return tsn_error (err, 0, "`%s`: null in array", what);
        }
    }
  *out = arr;
  if (n)
    *n = len;
  return 0;
}

static int
cap_set (const struct tsn_json *v, uint64_t *out, const char *what, tsn_err_t *err)
{
  cleanup_free const char **names = NULL;
  size_t n = 0;
  if (tsn_rt_json_strings (v, &names, &n, what, err) < 0)
    return -1;
  *out = 0;
  for (size_t i = 0; i < n; i++)
    {
      int cap = tsn_rt_cap_from_name (names[i]);
      if (cap < 0)
        return tsn_error (err, 0, "`%s`: unknown capability `%s`", what, names[i]);
      *out |= 1ULL << cap;
    }
  return 0;
}

static int
parse_caps (struct tsn_rt_caps *caps, const struct tsn_json *v, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  if (tsn_json_expect (v, TSN_JSON_OBJECT, "process.capabilities", err) < 0)
    return -1;
  caps->set = 1;
  if (cap_set (tsn_json_get (v, "bounding"), &caps->bounding, "process.capabilities.bounding", err) < 0
      || cap_set (tsn_json_get (v, "effective"), &caps->effective, "process.capabilities.effective", err) < 0
      || cap_set (tsn_json_get (v, "permitted"), &caps->permitted, "process.capabilities.permitted", err) < 0
      || cap_set (tsn_json_get (v, "inheritable"), &caps->inheritable, "process.capabilities.inheritable",
                  err)
             < 0
      || cap_set (tsn_json_get (v, "ambient"), &caps->ambient, "process.capabilities.ambient", err) < 0)
    return -1;
  return 0;
}

static int
parse_rlimits (struct tsn_rt_process *p, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, "process.rlimits", err) < 0 || v == NULL
      || v->type != TSN_JSON_ARRAY)
    return v && v->type != TSN_JSON_ARRAY && v->type != TSN_JSON_NULL ? -1 : 0;
  p->rlimits = xmalloc0 ((v->u.array.len + 1) * sizeof (*p->rlimits));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const struct tsn_json *r = v->u.array.items[i];
      struct tsn_rt_rlimit *l = &p->rlimits[p->n_rlimits];
      const char *type = NULL;
      if (tsn_json_get_string (tsn_json_get (r, "type"), &type, "process.rlimits[].type", err) < 0)
        return -1;
      if (type == NULL)
        return tsn_error (err, 0, "`process.rlimits[%zu]`: `type` is required", i);
      l->resource = tsn_rt_rlimit_from_name (type);
      if (l->resource < 0)
        return tsn_error (err, 0, "`process.rlimits[%zu]`: unknown rlimit `%s`", i, type);
      l->name = type;
      for (size_t k = 0; k < p->n_rlimits; k++)
        if (p->rlimits[k].resource == l->resource)
          return tsn_error (err, 0, "`process.rlimits`: `%s` is listed twice", type);
      if (tsn_json_get_uint64 (tsn_json_get (r, "soft"), &l->soft, "process.rlimits[].soft", err) < 0
          || tsn_json_get_uint64 (tsn_json_get (r, "hard"), &l->hard, "process.rlimits[].hard", err) < 0)
        return -1;
      p->n_rlimits++;
    }
  return 0;
}

static int
parse_user (struct tsn_rt_process *p, const struct tsn_json *user, tsn_err_t *err)
{
  int64_t uid = 0, gid = 0;
  if (tsn_json_get_int64 (tsn_json_get (user, "uid"), &uid, "process.user.uid", err) < 0
      || tsn_json_get_int64 (tsn_json_get (user, "gid"), &gid, "process.user.gid", err) < 0)
    return -1;
  if (uid < 0 || uid > UINT32_MAX - 1 || gid < 0 || gid > UINT32_MAX - 1)
    return tsn_error (err, 0, "`process.user`: uid/gid out of range");
  p->uid = (uid_t)uid;
  p->gid = (gid_t)gid;
  int64_t umask_v = 0;
  const struct tsn_json *um = tsn_json_get (user, "umask");
  if (um && um->type != TSN_JSON_NULL)
    {
      if (tsn_json_get_int64 (um, &umask_v, "process.user.umask", err) < 0)
        return -1;
      p->umask.set = 1;
      p->umask.v = umask_v & 07777;
    }
  const struct tsn_json *gids = tsn_json_get (user, "additionalGids");
  if (tsn_json_expect (gids, TSN_JSON_ARRAY, "process.user.additionalGids", err) < 0)
    return -1;
  if (gids && gids->type == TSN_JSON_ARRAY)
    {
      p->additional_gids = xmalloc0 ((gids->u.array.len + 1) * sizeof (gid_t));
      for (size_t i = 0; i < gids->u.array.len; i++)
        {
          int64_t g = 0;
          if (tsn_json_get_int64 (gids->u.array.items[i], &g, "process.user.additionalGids[]", err) < 0)
            return -1;
          if (g < 0 || g > UINT32_MAX - 1)
            return tsn_error (err, 0, "`process.user.additionalGids`: %lld out of range", (long long)g);
          p->additional_gids[p->n_additional_gids++] = (gid_t)g;
        }
    }
  return 0;
}

int
tsn_rt_process_parse (struct tsn_rt_process *p, const struct tsn_json *v, tsn_err_t *err)
{
  memset (p, 0, sizeof (*p));
  if (v == NULL || v->type != TSN_JSON_OBJECT)
    return tsn_error (err, 0, "`process` must be an object");
  if (tsn_json_get_bool (tsn_json_get (v, "terminal"), &p->terminal, "process.terminal", err) < 0)
    return -1;
  const struct tsn_json *cs = tsn_json_get (v, "consoleSize");
  if (cs)
    {
      uint64_t h = 0, w = 0;
      if (tsn_json_get_uint64 (tsn_json_get (cs, "height"), &h, "process.consoleSize.height", err) < 0
          || tsn_json_get_uint64 (tsn_json_get (cs, "width"), &w, "process.consoleSize.width", err) < 0)
        return -1;
      p->console_height = (unsigned)h;
      p->console_width = (unsigned)w;
    }
  const struct tsn_json *user = tsn_json_get (v, "user");
  if (tsn_json_expect (user, TSN_JSON_OBJECT, "process.user", err) < 0 || parse_user (p, user, err) < 0)
    return -1;
  if (tsn_rt_json_strings (tsn_json_get (v, "args"), &p->args, &p->n_args, "process.args", err) < 0
      || tsn_rt_json_strings (tsn_json_get (v, "env"), &p->env, &p->n_env, "process.env", err) < 0)
    return -1;
  p->cwd = "/";
  if (tsn_json_get_string (tsn_json_get (v, "cwd"), &p->cwd, "process.cwd", err) < 0)
    return -1;
  if (p->cwd[0] != '/')
    return tsn_error (err, 0, "`process.cwd` must be an absolute path, got `%s`", p->cwd);
  if (parse_caps (&p->caps, tsn_json_get (v, "capabilities"), err) < 0
      || parse_rlimits (p, tsn_json_get (v, "rlimits"), err) < 0)
    return -1;
  if (tsn_json_get_bool (tsn_json_get (v, "noNewPrivileges"), &p->no_new_privileges,
                         "process.noNewPrivileges", err)
      < 0)
    return -1;
  const struct tsn_json *oom = tsn_json_get (v, "oomScoreAdj");
  if (oom && oom->type != TSN_JSON_NULL)
    {
      if (tsn_json_get_int64 (oom, &p->oom_score_adj.v, "process.oomScoreAdj", err) < 0)
        return -1;
      if (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000)
        return tsn_error (err, 0, "`process.oomScoreAdj`: %lld is outside -1000..1000",
                          (long long)p->oom_score_adj.v);
      p->oom_score_adj.set = 1;
    }
  return 0;
}

void
tsn_rt_process_release (struct tsn_rt_process *p)
{
  free (p->additional_gids);
  free (p->args);
  free (p->env);
  free (p->rlimits);
  memset (p, 0, sizeof (*p));
}

int
tsn_rt_config_parse (struct tsn_rt_config **out, const char *text, size_t len, tsn_err_t *err)
{
  cleanup_config struct tsn_rt_config *c = xmalloc0 (sizeof (*c));
  if (tsn_json_parse (&c->doc, text, len, err) < 0)
    return tsn_error_wrap (err, "config.json");
  const struct tsn_json *root = tsn_json_root (c->doc);
  if (root->type != TSN_JSON_OBJECT)
    return tsn_error (err, 0, "config.json: expected an object");
  if (tsn_json_get_string (tsn_json_get (root, "ociVersion"), &c->oci_version, "ociVersion", err) < 0)
    return -1;
  if (c->oci_version == NULL)
    return tsn_error (err, 0, "config.json: `ociVersion` is required");
  const struct tsn_json *rootv = tsn_json_get (root, "root");
  if (tsn_json_expect (rootv, TSN_JSON_OBJECT, "root", err) < 0
      || tsn_json_get_string (tsn_json_get (rootv, "path"), &c->root_path, "root.path", err) < 0
      || tsn_json_get_bool (tsn_json_get (rootv, "readonly"), &c->root_readonly, "root.readonly", err) < 0)
    return -1;
  if (c->root_path == NULL || c->root_path[0] == '\0')
    return tsn_error (err, 0, "config.json: `root.path` is required");
  if (tsn_json_get_string (tsn_json_get (root, "hostname"), &c->hostname, "hostname", err) < 0
      || tsn_json_get_string (tsn_json_get (root, "domainname"), &c->domainname, "domainname", err) < 0)
    return -1;
  const struct tsn_json *proc = tsn_json_get (root, "process");
  if (proc && proc->type != TSN_JSON_NULL)
    {
      if (tsn_rt_process_parse (&c->process, proc, err) < 0)
        return -1;
      c->has_process = 1;
    }
  if (tsn_rt_config_parse_mounts (c, tsn_json_get (root, "mounts"), err) < 0
      || tsn_rt_config_parse_hooks (c, tsn_json_get (root, "hooks"), err) < 0
      || tsn_rt_config_parse_linux (c, tsn_json_get (root, "linux"), err) < 0)
    return -1;
  c->annotations = tsn_json_get (root, "annotations");
  if (tsn_json_expect (c->annotations, TSN_JSON_OBJECT, "annotations", err) < 0)
    return -1;
  if (c->annotations && c->annotations->type != TSN_JSON_OBJECT)
    c->annotations = NULL;
  *out = get_and_reset_ptr ((void **)&c);
  return 0;
}

int
tsn_rt_config_load (struct tsn_rt_config **out, int dirfd, const char *name, tsn_err_t *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (tsn_rt_read_file_at (&text, &len, dirfd, name, CONFIG_MAX_BYTES, err) < 0)
    return -1;
  return tsn_rt_config_parse (out, text, len, err);
}

void
tsn_rt_config_free (struct tsn_rt_config *c)
{
  if (c == NULL)
    return;
  tsn_rt_process_release (&c->process);
  tsn_rt_config_release_linux (c);
  tsn_json_doc_free (c->doc);
  free (c);
}

const struct tsn_rt_namespace *
tsn_rt_config_namespace (const struct tsn_rt_config *c, int flag)
{
  for (size_t i = 0; i < c->n_namespaces; i++)
    if (c->namespaces[i].flag == flag)
      return &c->namespaces[i];
  return NULL;
}
