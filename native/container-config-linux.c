/* config.json: `mounts`, `hooks` and `linux` (config-linux.md). */
#include "container-config.h"
#include "namespaces.h"
#include "utils.h"

#include <string.h>
#include <sys/mount.h>

int
tsn_rt_config_parse_mounts (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, "mounts", err) < 0)
    return -1;
  if (v == NULL || v->type != TSN_JSON_ARRAY)
    return 0;
  c->mounts = xmalloc0 ((v->u.array.len + 1) * sizeof (*c->mounts));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const struct tsn_json *m = v->u.array.items[i];
      struct tsn_rt_mount *out = &c->mounts[c->n_mounts++];
      if (tsn_json_expect (m, TSN_JSON_OBJECT, "mounts[]", err) < 0
          || tsn_json_get_string (tsn_json_get (m, "destination"), &out->destination, "mounts[].destination",
                                  err)
                 < 0
          || tsn_json_get_string (tsn_json_get (m, "type"), &out->type, "mounts[].type", err) < 0
          || tsn_json_get_string (tsn_json_get (m, "source"), &out->source, "mounts[].source", err) < 0
          || tsn_rt_json_strings (tsn_json_get (m, "options"), &out->options, &out->n_options,
                                  "mounts[].options", err)
                 < 0)
        return -1;
      if (out->destination == NULL || out->destination[0] == '\0')
        return tsn_error (err, 0, "`mounts[%zu]`: `destination` is required", i);
    }
  return 0;
}

static const char *const hook_names[TSN_HOOK_KINDS] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

int
tsn_rt_config_parse_hooks (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_OBJECT, "hooks", err) < 0)
    return -1;
  for (int k = 0; k < TSN_HOOK_KINDS; k++)
    {
      const struct tsn_json *list = tsn_json_get (v, hook_names[k]);
      if (tsn_json_expect (list, TSN_JSON_ARRAY, hook_names[k], err) < 0)
        return -1;
      if (list == NULL || list->type != TSN_JSON_ARRAY)
        continue;
      struct tsn_rt_hooks *hooks = &c->hooks[k];
      hooks->items = xmalloc0 ((list->u.array.len + 1) * sizeof (*hooks->items));
      for (size_t i = 0; i < list->u.array.len; i++)
        {
          const struct tsn_json *h = list->u.array.items[i];
          struct tsn_rt_hook *out = &hooks->items[hooks->len++];
          if (tsn_json_get_string (tsn_json_get (h, "path"), &out->path, "hooks[].path", err) < 0
              || tsn_rt_json_strings (tsn_json_get (h, "args"), &out->args, NULL, "hooks[].args", err) < 0
              || tsn_rt_json_strings (tsn_json_get (h, "env"), &out->env, NULL, "hooks[].env", err) < 0)
            return -1;
          const struct tsn_json *t = tsn_json_get (h, "timeout");
          if (t && t->type != TSN_JSON_NULL)
            {
              if (tsn_json_get_int64 (t, &out->timeout.v, "hooks[].timeout", err) < 0)
                return -1;
              if (out->timeout.v <= 0)
                return tsn_error (err, 0, "`hooks.%s[%zu].timeout` must be positive", hook_names[k], i);
              out->timeout.set = 1;
            }
          if (out->path == NULL)
            return tsn_error (err, 0, "`hooks.%s[%zu]`: `path` is required", hook_names[k], i);
        }
    }
  return 0;
}

static int
parse_namespaces (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, "linux.namespaces", err) < 0 || v == NULL
      || v->type != TSN_JSON_ARRAY)
    return v && v->type != TSN_JSON_ARRAY && v->type != TSN_JSON_NULL ? -1 : 0;
  c->namespaces = xmalloc0 ((v->u.array.len + 1) * sizeof (*c->namespaces));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const char *type = NULL, *path = NULL;
      const struct tsn_json *n = v->u.array.items[i];
      if (tsn_json_get_string (tsn_json_get (n, "type"), &type, "linux.namespaces[].type", err) < 0
          || tsn_json_get_string (tsn_json_get (n, "path"), &path, "linux.namespaces[].path", err) < 0)
        return -1;
      const struct tsn_rt_ns_kind *kind = type ? tsn_rt_ns_by_spec_name (type) : NULL;
      if (kind == NULL)
        return tsn_error (err, 0, "`linux.namespaces[%zu]`: unknown namespace type `%s`", i,
                          type ? type : "");
      if (tsn_rt_config_namespace (c, kind->flag))
        return tsn_error (err, 0, "`linux.namespaces`: `%s` is listed twice", type);
      struct tsn_rt_namespace *ns = &c->namespaces[c->n_namespaces++];
      ns->flag = kind->flag;
      ns->name = kind->spec_name;
      ns->path = (path && path[0]) ? path : NULL;
    }
  return 0;
}

static int
dev_number (const struct tsn_json *v, int64_t *out, const char *what, tsn_err_t *err)
{
  *out = -1;
  return tsn_json_get_int64 (v, out, what, err);
}

static int
parse_devices (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, "linux.devices", err) < 0 || v == NULL || v->type != TSN_JSON_ARRAY)
    return v && v->type != TSN_JSON_ARRAY && v->type != TSN_JSON_NULL ? -1 : 0;
  c->devices = xmalloc0 ((v->u.array.len + 1) * sizeof (*c->devices));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const struct tsn_json *d = v->u.array.items[i];
      struct tsn_rt_device *out = &c->devices[c->n_devices++];
      const char *type = NULL;
      if (tsn_json_get_string (tsn_json_get (d, "path"), &out->path, "linux.devices[].path", err) < 0
          || tsn_json_get_string (tsn_json_get (d, "type"), &type, "linux.devices[].type", err) < 0
          || dev_number (tsn_json_get (d, "major"), &out->major, "linux.devices[].major", err) < 0
          || dev_number (tsn_json_get (d, "minor"), &out->minor, "linux.devices[].minor", err) < 0)
        return -1;
      if (out->path == NULL || out->path[0] != '/')
        return tsn_error (err, 0, "`linux.devices[%zu]`: `path` must be absolute", i);
      if (type == NULL || strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
        return tsn_error (err, 0, "`linux.devices[%zu]`: `type` must be c, b, u or p", i);
      out->type = type[0];
      if (out->type != 'p' && (out->major < 0 || out->minor < 0))
        return tsn_error (err, 0, "`linux.devices[%zu]`: `major` and `minor` are required", i);
      const struct tsn_json *m = tsn_json_get (d, "fileMode");
      if (m && m->type != TSN_JSON_NULL)
        {
          out->file_mode.set = 1;
          if (tsn_json_get_int64 (m, &out->file_mode.v, "linux.devices[].fileMode", err) < 0)
            return -1;
        }
      const struct tsn_json *uid = tsn_json_get (d, "uid"), *gid = tsn_json_get (d, "gid");
      out->uid.set = uid && uid->type != TSN_JSON_NULL;
      out->gid.set = gid && gid->type != TSN_JSON_NULL;
      if (tsn_json_get_int64 (uid, &out->uid.v, "linux.devices[].uid", err) < 0
          || tsn_json_get_int64 (gid, &out->gid.v, "linux.devices[].gid", err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_device_rules (struct tsn_rt_resources *r, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_ARRAY, "linux.resources.devices", err) < 0 || v == NULL
      || v->type != TSN_JSON_ARRAY)
    return v && v->type != TSN_JSON_ARRAY && v->type != TSN_JSON_NULL ? -1 : 0;
  r->device_rules = xmalloc0 ((v->u.array.len + 1) * sizeof (*r->device_rules));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const struct tsn_json *d = v->u.array.items[i];
      struct tsn_rt_device_rule *out = &r->device_rules[r->n_device_rules++];
      const char *type = "a", *access = "rwm";
      if (tsn_json_get_bool (tsn_json_get (d, "allow"), &out->allow, "linux.resources.devices[].allow", err)
              < 0
          || tsn_json_get_string (tsn_json_get (d, "type"), &type, "linux.resources.devices[].type", err) < 0
          || tsn_json_get_string (tsn_json_get (d, "access"), &access, "linux.resources.devices[].access",
                                  err)
                 < 0
          || dev_number (tsn_json_get (d, "major"), &out->major, "linux.resources.devices[].major", err) < 0
          || dev_number (tsn_json_get (d, "minor"), &out->minor, "linux.resources.devices[].minor", err) < 0)
        return -1;
      if (strlen (type) != 1 || strchr ("acb", type[0]) == NULL)
        return tsn_error (err, 0, "`linux.resources.devices[%zu]`: `type` must be a, c or b", i);
      out->type = type[0];
      if (strlen (access) > 3 || strspn (access, "rwm") != strlen (access))
        return tsn_error (err, 0, "`linux.resources.devices[%zu]`: bad access `%s`", i, access);
      strcpy (out->access, access);
    }
  return 0;
}

static int
opt_i64 (const struct tsn_json *v, struct tsn_rt_i64 *out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  out->set = 1;
  return tsn_json_get_int64 (v, &out->v, what, err);
}

static int
opt_u64 (const struct tsn_json *v, struct tsn_rt_u64 *out, const char *what, tsn_err_t *err)
{
  if (v == NULL || v->type == TSN_JSON_NULL)
    return 0;
  out->set = 1;
  return tsn_json_get_uint64 (v, &out->v, what, err);
}

/* The spec: a property the runtime cannot apply is an error, not something to drop silently. */
static int
refuse_unsupported (const struct tsn_json *v, tsn_err_t *err)
{
  static const char *const unsupported[][2] = {
    { NULL, "network" },
    { NULL, "hugepageLimits" },
    { NULL, "rdma" },
    { "blockIO", "weightDevice" },
    { "blockIO", "throttleReadBpsDevice" },
    { "blockIO", "throttleWriteBpsDevice" },
    { "blockIO", "throttleReadIOPSDevice" },
    { "blockIO", "throttleWriteIOPSDevice" },
  };
  for (size_t i = 0; i < sizeof (unsupported) / sizeof (unsupported[0]); i++)
    {
      const struct tsn_json *parent = unsupported[i][0] ? tsn_json_get (v, unsupported[i][0]) : v;
      const struct tsn_json *x = tsn_json_get (parent, unsupported[i][1]);
      int empty = x == NULL || x->type == TSN_JSON_NULL || (x->type == TSN_JSON_ARRAY && x->u.array.len == 0)
                  || (x->type == TSN_JSON_OBJECT && x->u.object.len == 0);
      if (!empty)
        return tsn_error (err, 0, "linux.resources.%s%s%s is not supported by tscompose-native",
                          unsupported[i][0] ? unsupported[i][0] : "", unsupported[i][0] ? "." : "",
                          unsupported[i][1]);
    }
  return 0;
}

static int
parse_resources (struct tsn_rt_resources *r, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_OBJECT, "linux.resources", err) < 0 || refuse_unsupported (v, err) < 0)
    return -1;
  const struct tsn_json *mem = tsn_json_get (v, "memory"), *cpu = tsn_json_get (v, "cpu");
  if (opt_i64 (tsn_json_get (mem, "limit"), &r->memory_limit, "memory.limit", err) < 0
      || opt_i64 (tsn_json_get (mem, "reservation"), &r->memory_reservation, "memory.reservation", err) < 0
      || opt_i64 (tsn_json_get (mem, "swap"), &r->memory_swap, "memory.swap", err) < 0
      || opt_u64 (tsn_json_get (mem, "swappiness"), &r->memory_swappiness, "memory.swappiness", err) < 0
      || tsn_json_get_bool (tsn_json_get (mem, "disableOOMKiller"), &r->disable_oom_killer,
                            "memory.disableOOMKiller", err)
             < 0)
    return -1;
  if (opt_u64 (tsn_json_get (cpu, "shares"), &r->cpu_shares, "cpu.shares", err) < 0
      || opt_i64 (tsn_json_get (cpu, "quota"), &r->cpu_quota, "cpu.quota", err) < 0
      || opt_u64 (tsn_json_get (cpu, "period"), &r->cpu_period, "cpu.period", err) < 0
      || opt_i64 (tsn_json_get (cpu, "realtimeRuntime"), &r->cpu_rt_runtime, "cpu.realtimeRuntime", err) < 0
      || opt_u64 (tsn_json_get (cpu, "realtimePeriod"), &r->cpu_rt_period, "cpu.realtimePeriod", err) < 0
      || tsn_json_get_string (tsn_json_get (cpu, "cpus"), &r->cpus, "cpu.cpus", err) < 0
      || tsn_json_get_string (tsn_json_get (cpu, "mems"), &r->mems, "cpu.mems", err) < 0)
    return -1;
  if (opt_i64 (tsn_json_get (tsn_json_get (v, "pids"), "limit"), &r->pids_limit, "pids.limit", err) < 0
      || opt_u64 (tsn_json_get (tsn_json_get (v, "blockIO"), "weight"), &r->blkio_weight, "blockIO.weight",
                  err)
             < 0
      || parse_device_rules (r, tsn_json_get (v, "devices"), err) < 0)
    return -1;
  const struct tsn_json *unified = tsn_json_get (v, "unified");
  if (tsn_json_expect (unified, TSN_JSON_OBJECT, "linux.resources.unified", err) < 0)
    return -1;
  if (unified && unified->type == TSN_JSON_OBJECT)
    {
      r->unified = xmalloc0 ((unified->u.object.len + 1) * sizeof (*r->unified));
      for (size_t i = 0; i < unified->u.object.len; i++)
        {
          const struct tsn_json_member *m = &unified->u.object.members[i];
          if (strchr (m->key, '/') || m->key[0] == '.' || strchr (m->key, '.') == NULL)
            return tsn_error (err, 0, "`linux.resources.unified`: invalid file name `%s`", m->key);
          r->unified[r->n_unified].key = m->key;
          if (tsn_json_get_string (m->value, &r->unified[r->n_unified].value, "linux.resources.unified", err)
              < 0)
            return -1;
          if (r->unified[r->n_unified].value == NULL)
            return tsn_error (err, 0, "`linux.resources.unified.%s`: expected a string", m->key);
          r->n_unified++;
        }
    }
  return 0;
}

static const struct
{
  const char *name;
  unsigned long flags;
} propagations[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int
parse_kv (const struct tsn_json *v, struct tsn_rt_kv **out, size_t *n, const char *what, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_OBJECT, what, err) < 0)
    return -1;
  if (v == NULL || v->type != TSN_JSON_OBJECT)
    return 0;
  *out = xmalloc0 ((v->u.object.len + 1) * sizeof (**out));
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      (*out)[*n].key = v->u.object.members[i].key;
      if (tsn_json_get_string (v->u.object.members[i].value, &(*out)[*n].value, what, err) < 0)
        return -1;
      if ((*out)[*n].value == NULL)
        return tsn_error (err, 0, "`%s.%s`: expected a string", what, (*out)[*n].key);
      (*n)++;
    }
  return 0;
}

int
tsn_rt_config_parse_linux (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err)
{
  if (tsn_json_expect (v, TSN_JSON_OBJECT, "linux", err) < 0)
    return -1;
  if (parse_namespaces (c, tsn_json_get (v, "namespaces"), err) < 0
      || parse_devices (c, tsn_json_get (v, "devices"), err) < 0
      || parse_resources (&c->resources, tsn_json_get (v, "resources"), err) < 0
      || tsn_json_get_string (tsn_json_get (v, "cgroupsPath"), &c->cgroups_path, "linux.cgroupsPath", err) < 0
      || tsn_rt_json_strings (tsn_json_get (v, "maskedPaths"), &c->masked_paths, &c->n_masked_paths,
                              "linux.maskedPaths", err)
             < 0
      || tsn_rt_json_strings (tsn_json_get (v, "readonlyPaths"), &c->readonly_paths, &c->n_readonly_paths,
                              "linux.readonlyPaths", err)
             < 0
      || parse_kv (tsn_json_get (v, "sysctl"), &c->sysctls, &c->n_sysctls, "linux.sysctl", err) < 0)
    return -1;
  const struct tsn_json *seccomp = tsn_json_get (v, "seccomp");
  c->seccomp = seccomp != NULL && seccomp->type != TSN_JSON_NULL ? seccomp : NULL;
  const struct tsn_json *uidm = tsn_json_get (v, "uidMappings"), *gidm = tsn_json_get (v, "gidMappings");
  c->has_uid_mappings = (uidm && uidm->type == TSN_JSON_ARRAY && uidm->u.array.len)
                        || (gidm && gidm->type == TSN_JSON_ARRAY && gidm->u.array.len);
  const char *prop = NULL;
  if (tsn_json_get_string (tsn_json_get (v, "rootfsPropagation"), &prop, "linux.rootfsPropagation", err) < 0)
    return -1;
  if (prop && prop[0])
    {
      size_t i;
      for (i = 0; i < sizeof (propagations) / sizeof (propagations[0]); i++)
        if (strcmp (propagations[i].name, prop) == 0)
          break;
      if (i == sizeof (propagations) / sizeof (propagations[0]))
        return tsn_error (err, 0, "`linux.rootfsPropagation`: unknown value `%s`", prop);
      c->rootfs_propagation = propagations[i].flags;
    }
  return 0;
}

void
tsn_rt_config_release_linux (struct tsn_rt_config *c)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    free (c->mounts[i].options);
  free (c->mounts);
  for (int k = 0; k < TSN_HOOK_KINDS; k++)
    {
      for (size_t i = 0; i < c->hooks[k].len; i++)
        {
          free (c->hooks[k].items[i].args);
          free (c->hooks[k].items[i].env);
        }
      free (c->hooks[k].items);
    }
  free (c->namespaces);
  free (c->devices);
  free (c->resources.device_rules);
  free (c->resources.unified);
  free (c->masked_paths);
  free (c->readonly_paths);
  free (c->sysctls);
}
