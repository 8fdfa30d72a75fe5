/** The usage report in the OpenAPI document: GET /v1/usage. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../shared/config.js';
import { USAGE_KEPT_DAYS } from '../../shared/usage/usage-days.js';
import { usageQuery, usageResponse } from '../../shared/usage/usage-report.js';
import { error, json, requestIdHeader } from './openapi-parts.js';
import { v1Access } from './security-schemes.js';

export function registerUsagePaths(registry: OpenAPIRegistry, config: Config): void {
  const { security, unauthorized } = v1Access(config);
  registry.registerPath({
    method: 'get',
    path: '/v1/usage',
    summary: "The asking key's usage per UTC day",
    description:
      `Requests and characters (code points) of the API key asking, per UTC day; no key sees another's. ` +
      `Days are kept ${USAGE_KEPT_DAYS} days; one report covers at most ${USAGE_KEPT_DAYS}. ` +
      'Without API keys every client is the key `open`.',
    ...(security && { security }),
    request: { query: usageQuery, headers: requestIdHeader },
    responses: {
      200: { description: 'Every day of the range, oldest first.', content: json(usageResponse) },
      400: error(
        `\`validation_failed\`: a date that is not YYYY-MM-DD, \`from\` after \`to\`, or more than ${USAGE_KEPT_DAYS} days.`,
      ),
      ...unauthorized,
      405: error('`method_not_allowed`.'),
      429: error('`rate_limited`.'),
      503: error('`unavailable`: Redis unreachable or shutting down (with Retry-After).'),
    },
  });
}
