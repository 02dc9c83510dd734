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
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
