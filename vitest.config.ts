import { defineConfig } from 'vitest/config';

/**
 * Two projects, both run by `npm test`:
 * - `unit` (`npm run test:unit`): pure modules, no Redis, no build; milliseconds per file.
 * - `stack`: the real stack (Redis, BullMQ, the emulator over HTTP, child processes started from
 *   `dist/`, which the global setup compiles first).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores: files run two at a time; each stack test uses its own queue prefix on the shared Redis.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
          // Pure modules keep no state between files, so they share one module graph (a third of the
          // CPU of isolated files). A unit test therefore mocks no module (vi.mock) and restores
          // whatever global it changes (fake timers, env).
          isolate: false,
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
