import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs without root or host I/O and in parallel; `integration` needs root and a
// real kernel, so its files run in separate processes with limited concurrency (each file uses its
// own engine root and names, but the host's CPU and network stack are shared).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Unit tests run first; the two projects use different worker limits, which vitest
          // only allows in separate groups.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
