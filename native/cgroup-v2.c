/* linux.resources on cgroup v2 (runtime-spec config-linux.md; conversions as runc's
 * ConvertCPUSharesToCgroupV2Value and ConvertMemorySwapToCgroupV2Value). The device rules are not
 * enforced on v2: that needs an eBPF program (BPF_CGROUP_DEVICE), which is not written yet; the
 * default capability set has no CAP_MKNOD-free way to reach a device node we did not create. */
#include "cgroup.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enables the controllers we write to in every ancestor's cgroup.subtree_control. */
static int
enable_controllers (const struct tsn_cgroup *cg, tsn_err_t *err)
{
  static const char *const wanted[] = { "cpu", "cpuset", "io", "memory", "pids", "hugetlb" };
  size_t base = strlen (cg->unified_mount);
  cleanup_free char *path = xstrdup (cg->unified_dir);
  char avail[512];
  for (char *p = path + base;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char c = *p;
      *p = '\0';
      const char *dir = *path ? path : "/";
      /* stop at the leaf: controllers are enabled for children, not in the container's own dir */
      if (c == '\0')
        break;
      cleanup_free char *ctl = NULL;
      if (asprintf (&ctl, "%s/cgroup.controllers", dir) < 0)
        abort ();
      cleanup_file FILE *f = fopen (ctl, "re");
      if (f && fgets (avail, sizeof avail, f))
        for (size_t i = 0; i < sizeof (wanted) / sizeof (wanted[0]); i++)
          {
            char want[32];
            snprintf (want, sizeof want, "+%s", wanted[i]);
            char *hit = strstr (avail, wanted[i]);
            size_t n = strlen (wanted[i]);
            if (hit && (hit == avail || hit[-1] == ' ')
                && (hit[n] == ' ' || hit[n] == '\n' || hit[n] == '\0'))
              (void)tsn_cgroup_write (dir, "cgroup.subtree_control", want, NULL);
          }
      *p = c;
    }
  (void)err;
  return 0;
}

static int
write_i64_or_max (const char *dir, const char *file, int64_t v, tsn_err_t *err)
{
  char num[24];
  if (v < 0)
    snprintf (num, sizeof num, "max");
  else
    snprintf (num, sizeof num, "%" PRId64, v);
  return tsn_cgroup_write (dir, file, num, err);
}

static int
apply_memory (const char *dir, const struct tsn_rt_resources *r, tsn_err_t *err)
{
  if (r->memory_limit.set && write_i64_or_max (dir, "memory.max", r->memory_limit.v, err) < 0)
    return -1;
  if (r->memory_swap.set && r->memory_swap.v != 0)
    {
      /* OCI swap is memory + swap; v2's memory.swap.max is swap alone. */
      int64_t swap = -1;
      if (r->memory_swap.v > 0)
        {
          if (!r->memory_limit.set || r->memory_limit.v < 0)
            return tsn_error (err, 0, "memory.swap needs a memory.limit on cgroup v2");
          if (r->memory_swap.v < r->memory_limit.v)
            return tsn_error (err, 0, "memory.swap %" PRId64 " is below memory.limit %" PRId64,
                              r->memory_swap.v, r->memory_limit.v);
          swap = r->memory_swap.v - r->memory_limit.v;
        }
      if (write_i64_or_max (dir, "memory.swap.max", swap, err) < 0)
        return -1;
    }
  if (r->memory_reservation.set && write_i64_or_max (dir, "memory.low", r->memory_reservation.v, err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu (const char *dir, const struct tsn_rt_resources *r, tsn_err_t *err)
{
  char buf[64];
  if (r->cpu_shares.set && r->cpu_shares.v)
    {
      uint64_t weight = 1 + ((r->cpu_shares.v - 2) * 9999) / 262142;
      snprintf (buf, sizeof buf, "%" PRIu64, weight);
      if (tsn_cgroup_write (dir, "cpu.weight", buf, err) < 0)
        return -1;
    }
  if ((r->cpu_quota.set && r->cpu_quota.v) || (r->cpu_period.set && r->cpu_period.v))
    {
      uint64_t period = r->cpu_period.set && r->cpu_period.v ? r->cpu_period.v : 100000;
      if (r->cpu_quota.set && r->cpu_quota.v > 0)
        snprintf (buf, sizeof buf, "%" PRId64 " %" PRIu64, r->cpu_quota.v, period);
      else
        snprintf (buf, sizeof buf, "max %" PRIu64, period);
      if (tsn_cgroup_write (dir, "cpu.max", buf, err) < 0)
        return -1;
    }
  if (r->cpus && r->cpus[0] && tsn_cgroup_write (dir, "cpuset.cpus", r->cpus, err) < 0)
    return -1;
  if (r->mems && r->mems[0] && tsn_cgroup_write (dir, "cpuset.mems", r->mems, err) < 0)
    return -1;
  return 0;
}

int
tsn_cgroup_apply_v2 (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err)
{
  const struct tsn_rt_resources *r = &config->resources;
  const char *dir = cg->unified_dir;
  if (enable_controllers (cg, err) < 0 || apply_memory (dir, r, err) < 0 || apply_cpu (dir, r, err) < 0)
    return -1;
  if (r->pids_limit.set && r->pids_limit.v != 0
      && write_i64_or_max (dir, "pids.max", r->pids_limit.v, err) < 0)
    return -1;
  if (r->blkio_weight.set)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "default %" PRIu64, r->blkio_weight.v);
      if (tsn_cgroup_write (dir, "io.bfq.weight", buf, NULL) < 0
          && tsn_cgroup_write (dir, "io.weight", buf, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < r->n_unified; i++)
    if (tsn_cgroup_write (dir, r->unified[i].key, r->unified[i].value, err) < 0)
      return tsn_error_wrap (err, "linux.resources.unified");
  return 0;
}
