import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: tests driving Debian's chromium (apt-get install chromium) with playwright-core. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
