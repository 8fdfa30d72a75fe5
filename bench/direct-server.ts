/**
 * The direct server the queue is measured against: what a user would write instead of the service.
 * The same Express body parsing, validation and response as the API's POST /v1/translate, calling
 * the same Google client once per request in the handler (no queue, no worker, no batcher).
 * `node dist/bench/direct-server.js PORT [--coalescing]` with the service's environment.
 * `--coalescing` (by hand only; no scenario uses it) puts the worker's provider batcher in front of
 * the client: the best a single process without a queue can do.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { toJobText } from '../api/sync/translation-service.js';
import { errorHandler } from '../api/http/error-handler.js';
import { jsonBody } from '../api/http/json-body.js';
import { validate } from '../api/http/validate.js';
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { translateRequestSchema, type TranslateResponse } from '../shared/schemas.js';
import { ProviderBatcher, providerBatcherOptions } from '../worker/provider/provider-batcher.js';
import { GoogleTranslator, type Translator } from '../worker/provider/google-translator.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'direct');
const google = new GoogleTranslator(config);
const translator: Translator = process.argv.includes('--coalescing')
  ? new ProviderBatcher(google, providerBatcherOptions(config))
  : google;
const schema = translateRequestSchema(config.MAX_TEXT_CHARS);

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/v1/translate', ...jsonBody(config.MAX_BODY_BYTES), async (req, res) => {
  const request = validate(schema, req.body);
  const data = toJobText(request);
  const [translation] = await translator.translate({
    texts: [data.text],
    target: data.target,
    // The baseline is plain translation: protected formats go through the service only.
    format: data.format === 'html' ? 'html' : 'text',
    ...(data.source ? { source: data.source } : {}),
  });
  const body: TranslateResponse = {
    job_id: randomUUID(),
    src_lang: request.src_lang ?? 'auto',
    src_text: data.text,
    tgt_lang: data.target,
    tgt_text: translation?.text ?? '',
    ...(translation?.detectedSource ? { detected_src_lang: translation.detectedSource } : {}),
  };
  res.json(body);
});
app.use(errorHandler(logger));

const port = Number(process.argv[2] ?? 0);
const server = app.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`direct listening on ${port}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => process.exit(0));
