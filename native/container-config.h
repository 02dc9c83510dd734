/* The parts of an OCI runtime config.json (runtime-spec config.md, config-linux.md) that
 * tscompose-native acts on, as plain structs. Strings point into the parsed JSON document, which
 * the config owns; arrays are owned by the config. Unknown fields are ignored, as the spec asks. */
#ifndef TSN_CONTAINER_CONFIG_H
#define TSN_CONTAINER_CONFIG_H

#include "error.h"
#include "json.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tsn_rt_i64
{
  int set;
  int64_t v;
};

struct tsn_rt_u64
{
  int set;
  uint64_t v;
};

struct tsn_rt_mount
{
  const char *destination;
  const char *type;   /* may be NULL (bind mounts) */
  const char *source; /* may be NULL */
  const char **options;
  size_t n_options;
};

struct tsn_rt_namespace
{
  int flag;         /* CLONE_NEW* */
  const char *name; /* "pid", "network", ... as in the spec */
  const char *path; /* NULL: create a new one */
};

struct tsn_rt_rlimit
{
  int resource;
  const char *name;
  uint64_t soft;
  uint64_t hard;
};

struct tsn_rt_caps
{
  int set; /* process.capabilities present */
  uint64_t bounding, effective, permitted, inheritable, ambient;
};

struct tsn_rt_hook
{
  const char *path;
  const char **args; /* NULL-terminated */
  const char **env;  /* NULL-terminated */
  struct tsn_rt_i64 timeout;
};

struct tsn_rt_hooks
{
  struct tsn_rt_hook *items;
  size_t len;
};

enum tsn_rt_hook_kind
{
  TSN_HOOK_PRESTART,
  TSN_HOOK_CREATE_RUNTIME,
  TSN_HOOK_CREATE_CONTAINER,
  TSN_HOOK_START_CONTAINER,
  TSN_HOOK_POSTSTART,
  TSN_HOOK_POSTSTOP,
  TSN_HOOK_KINDS
};

struct tsn_rt_process
{
  int terminal;
  unsigned console_height, console_width;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  struct tsn_rt_i64 umask;
  const char **args; /* NULL-terminated */
  size_t n_args;
  const char **env; /* NULL-terminated */
  size_t n_env;
  const char *cwd;
  struct tsn_rt_caps caps;
  struct tsn_rt_rlimit *rlimits;
  size_t n_rlimits;
  int no_new_privileges;
  struct tsn_rt_i64 oom_score_adj;
};

/* A device node to create (linux.devices) or a device cgroup rule (linux.resources.devices). */
struct tsn_rt_device
{
  const char *path;
  char type; /* 'c', 'b', 'u', 'p' */
  int64_t major, minor;
  struct tsn_rt_i64 file_mode;
  struct tsn_rt_i64 uid, gid;
};

struct tsn_rt_device_rule
{
  int allow;
  char type;            /* 'a', 'c', 'b' */
  int64_t major, minor; /* -1 = wildcard */
  char access[4];       /* subset of "rwm" */
};

struct tsn_rt_kv
{
  const char *key;
  const char *value;
};

struct tsn_rt_resources
{
  struct tsn_rt_i64 memory_limit, memory_reservation, memory_swap;
  struct tsn_rt_u64 memory_swappiness;
  int disable_oom_killer;
  struct tsn_rt_u64 cpu_shares, cpu_period, cpu_rt_period;
  struct tsn_rt_i64 cpu_quota, cpu_rt_runtime;
  const char *cpus, *mems;
  struct tsn_rt_i64 pids_limit;
  struct tsn_rt_u64 blkio_weight;
  struct tsn_rt_device_rule *device_rules;
  size_t n_device_rules;
  struct tsn_rt_kv *unified;
  size_t n_unified;
};

struct tsn_rt_config
{
  struct tsn_json_doc *doc;
  const char *oci_version;
  const char *root_path;
  int root_readonly;
  const char *hostname;
  const char *domainname;
  struct tsn_rt_process process;
  int has_process;
  struct tsn_rt_mount *mounts;
  size_t n_mounts;
  struct tsn_rt_namespace *namespaces;
  size_t n_namespaces;
  int has_uid_mappings;
  const struct tsn_json *seccomp; /* linux.seccomp, or NULL (compiled by seccomp.c) */
  struct tsn_rt_device *devices;
  size_t n_devices;
  const char *cgroups_path;
  struct tsn_rt_resources resources;
  unsigned long rootfs_propagation; /* MS_* flags, 0 = default (rslave) */
  const char **masked_paths;
  size_t n_masked_paths;
  const char **readonly_paths;
  size_t n_readonly_paths;
  struct tsn_rt_kv *sysctls;
  size_t n_sysctls;
  const struct tsn_json *annotations; /* object or NULL */
  struct tsn_rt_hooks hooks[TSN_HOOK_KINDS];
};

/* Parses config.json text. */
int tsn_rt_config_parse (struct tsn_rt_config **out, const char *text, size_t len, tsn_err_t *err);
/* Reads and parses `dirfd`/`name` (e.g. the bundle's config.json). */
int tsn_rt_config_load (struct tsn_rt_config **out, int dirfd, const char *name, tsn_err_t *err);
void tsn_rt_config_free (struct tsn_rt_config *c);

/* Parses a runtime-spec "process" object (config.json's, or `exec --process FILE`). Arrays are
 * allocated; free with tsn_rt_process_release(). Strings borrow from the JSON document. */
int tsn_rt_process_parse (struct tsn_rt_process *p, const struct tsn_json *v, tsn_err_t *err);
void tsn_rt_process_release (struct tsn_rt_process *p);

/* The namespace of `flag`, or NULL when the config does not list it. */
const struct tsn_rt_namespace *tsn_rt_config_namespace (const struct tsn_rt_config *c, int flag);

/* Reads a whole file below dirfd (at most `max` bytes) into a NUL-terminated buffer. */
int tsn_rt_read_file_at (char **out, size_t *len, int dirfd, const char *name, size_t max, tsn_err_t *err);

/* A NULL-terminated array of the strings of a JSON array (absent → empty array); `what` names
 * the field in errors. The array is allocated, the strings borrowed. */
int tsn_rt_json_strings (const struct tsn_json *v, const char ***out, size_t *n, const char *what,
                         tsn_err_t *err);

/* Internal to the parser: mounts, hooks and `linux` (container-config-linux.c). */
int tsn_rt_config_parse_linux (struct tsn_rt_config *c, const struct tsn_json *linux_v, tsn_err_t *err);
int tsn_rt_config_parse_mounts (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err);
int tsn_rt_config_parse_hooks (struct tsn_rt_config *c, const struct tsn_json *v, tsn_err_t *err);
void tsn_rt_config_release_linux (struct tsn_rt_config *c);

static inline void
cleanup_configp (struct tsn_rt_config **c)
{
  if (*c)
    tsn_rt_config_free (*c);
}
#define cleanup_config __attribute__ ((cleanup (cleanup_configp)))

#endif
