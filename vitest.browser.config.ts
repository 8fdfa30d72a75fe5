import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: tests driving Debian's chromium (apt-get install chromium) with playwright-core. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    pool: 'forks',
    maxWorkers: 1,
    // A page with Swagger UI's 1.7 MB bundle, or the dashboard, takes 20-50 s on a 2-core machine
    // shared with other test runs; each step still fails on its own within 90 s (chromium.ts).
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
