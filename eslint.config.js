// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: 'No focused tests.',
        },
        {
          selector: "CallExpression[callee.property.name='skip'][callee.object.name=/^(it|test|describe)$/]",
          message: 'No skipped tests.',
        },
      ],
    },
  },
  {
    // Metrics by events: domain code emits (shared/events.ts) and never records a metric itself.
    // Only the metrics modules, their HTTP plumbing and the wiring that subscribes them may import these.
    files: ['api/**/*.ts', 'worker/**/*.ts'],
    ignores: [
      'api/metrics.ts',
      'worker/metrics.ts',
      'worker/metrics-server.ts',
      'api/http/http-metrics.ts',
      'api/routes/metrics-routes.ts',
      'api/create-api.ts',
      'worker/create-worker.ts',
      'worker/main.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'prom-client',
              message: 'Emit an event (shared/events.ts); the metrics modules subscribe.',
            },
          ],
          patterns: [
            {
              group: ['**/metrics.js'],
              message: 'Emit an event (shared/events.ts); the metrics modules subscribe.',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ is used by both processes and must not depend on either.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'prom-client', message: 'shared/ emits events (shared/events.ts), never metrics.' },
          ],
          patterns: [
            {
              group: ['**/api/**', '**/worker/**', '../api/*', '../worker/*'],
              message: 'shared/ must not import from api/ or worker/.',
            },
          ],
        },
      ],
    },
  },
);
