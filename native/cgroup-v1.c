/* linux.resources on cgroup v1 (runtime-spec config-linux.md "Control groups"; file names per
 * the kernel's cgroup-v1 documentation). */
#include "cgroup.h"
#include "utils.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The devices runc and Docker always allow (besides linux.devices): mknod of anything, the
 * default nodes, ptmx and pts, and /dev/net/tun. */
static const char *const default_allowed_devices[] = {
  "c *:* m",   "b *:* m",   "c 1:3 rwm", "c 1:5 rwm",    "c 1:7 rwm",   "c 1:8 rwm",
  "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm",
};

static void
format_rule (char *buf, size_t size, char type, int64_t major, int64_t minor, const char *access)
{
  char ma[24] = "*", mi[24] = "*";
  if (major >= 0)
    snprintf (ma, sizeof ma, "%" PRId64, major);
  if (minor >= 0)
    snprintf (mi, sizeof mi, "%" PRId64, minor);
  if (type == 'a')
    snprintf (buf, size, "a");
  else
    snprintf (buf, size, "%c %s:%s %s", type, ma, mi, access);
}

static int
apply_devices (const char *dir, const struct tsn_rt_config *config, tsn_err_t *err)
{
  const struct tsn_rt_resources *r = &config->resources;
  char rule[96];
  for (size_t i = 0; i < r->n_device_rules; i++)
    {
      const struct tsn_rt_device_rule *d = &r->device_rules[i];
      format_rule (rule, sizeof rule, d->type, d->major, d->minor, d->access);
      if (tsn_cgroup_write (dir, d->allow ? "devices.allow" : "devices.deny", rule, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < sizeof (default_allowed_devices) / sizeof (default_allowed_devices[0]); i++)
    if (tsn_cgroup_write (dir, "devices.allow", default_allowed_devices[i], err) < 0)
      return -1;
  for (size_t i = 0; i < config->n_devices; i++)
    {
      const struct tsn_rt_device *d = &config->devices[i];
      if (d->type != 'c' && d->type != 'b' && d->type != 'u')
        continue;
      format_rule (rule, sizeof rule, d->type == 'u' ? 'c' : d->type, d->major, d->minor, "rwm");
      if (tsn_cgroup_write (dir, "devices.allow", rule, err) < 0)
        return -1;
    }
  return 0;
}

static int
write_i64 (const char *dir, const char *file, int64_t v, tsn_err_t *err)
{
  char num[24];
  snprintf (num, sizeof num, "%" PRId64, v);
  return tsn_cgroup_write (dir, file, num, err);
}

static int
apply_memory (const char *dir, const struct tsn_rt_resources *r, tsn_err_t *err)
{
  /* memory.memsw (memory + swap) must stay >= memory.limit at every step: write the limit
   * first when it shrinks below the current memsw (always the case in a new cgroup). */
  if (r->memory_limit.set && write_i64 (dir, "memory.limit_in_bytes", r->memory_limit.v, err) < 0)
    return -1;
  if (r->memory_swap.set && write_i64 (dir, "memory.memsw.limit_in_bytes", r->memory_swap.v, err) < 0)
    return tsn_error_wrap (err, "memory.swap (memory + swap, must be >= memory.limit)");
  if (r->memory_reservation.set
      && write_i64 (dir, "memory.soft_limit_in_bytes", r->memory_reservation.v, err) < 0)
    return -1;
  if (r->memory_swappiness.set && r->memory_swappiness.v <= 100
      && write_i64 (dir, "memory.swappiness", (int64_t)r->memory_swappiness.v, err) < 0)
    return -1;
  if (r->disable_oom_killer && tsn_cgroup_write (dir, "memory.oom_control", "1", err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu (const char *dir, const struct tsn_rt_resources *r, tsn_err_t *err)
{
  if (r->cpu_shares.set && r->cpu_shares.v
      && write_i64 (dir, "cpu.shares", (int64_t)r->cpu_shares.v, err) < 0)
    return -1;
  if (r->cpu_period.set && r->cpu_period.v
      && write_i64 (dir, "cpu.cfs_period_us", (int64_t)r->cpu_period.v, err) < 0)
    return -1;
  if (r->cpu_quota.set && r->cpu_quota.v && write_i64 (dir, "cpu.cfs_quota_us", r->cpu_quota.v, err) < 0)
    return -1;
  if (r->cpu_rt_period.set && r->cpu_rt_period.v
      && write_i64 (dir, "cpu.rt_period_us", (int64_t)r->cpu_rt_period.v, err) < 0)
    return -1;
  if (r->cpu_rt_runtime.set && r->cpu_rt_runtime.v
      && write_i64 (dir, "cpu.rt_runtime_us", r->cpu_rt_runtime.v, err) < 0)
    return -1;
  return 0;
}

int
tsn_cgroup_apply_v1 (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err)
{
  const struct tsn_rt_resources *r = &config->resources;
  const struct tsn_cgroup_hier *h;
  if (r->n_unified)
    return tsn_error (err, 0, "linux.resources.unified needs a cgroup v2 host");
  if ((h = tsn_cgroup_hier_for (cg, "memory")) && apply_memory (h->dir, r, err) < 0)
    return -1;
  if ((h = tsn_cgroup_hier_for (cg, "cpu")) && apply_cpu (h->dir, r, err) < 0)
    return -1;
  if ((h = tsn_cgroup_hier_for (cg, "cpuset")))
    {
      if (r->cpus && r->cpus[0] && tsn_cgroup_write (h->dir, "cpuset.cpus", r->cpus, err) < 0)
        return -1;
      if (r->mems && r->mems[0] && tsn_cgroup_write (h->dir, "cpuset.mems", r->mems, err) < 0)
        return -1;
    }
  if (r->pids_limit.set && r->pids_limit.v != 0 && (h = tsn_cgroup_hier_for (cg, "pids")))
    {
      if (r->pids_limit.v < 0 ? tsn_cgroup_write (h->dir, "pids.max", "max", err) < 0
                              : write_i64 (h->dir, "pids.max", r->pids_limit.v, err) < 0)
        return -1;
    }
  if (r->blkio_weight.set && (h = tsn_cgroup_hier_for (cg, "blkio")))
    {
      tsn_err_t first = NULL;
      if (write_i64 (h->dir, "blkio.weight", (int64_t)r->blkio_weight.v, &first) < 0
          && write_i64 (h->dir, "blkio.bfq.weight", (int64_t)r->blkio_weight.v, NULL) < 0)
        {
          *err = first;
          return tsn_error_wrap (err, "linux.resources.blockIO.weight");
        }
      tsn_error_release (&first);
    }
  if ((h = tsn_cgroup_hier_for (cg, "devices")) && apply_devices (h->dir, config, err) < 0)
    return -1;
  return 0;
}
