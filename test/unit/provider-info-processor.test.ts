/**
 * The worker side of languages and detection, without Redis: the provider-info processor (detect
 * texts packed under the limits, answers in order; a fetched list cached; failures through the
 * policy) and the limits every detect/languages call takes (slot, then quota, then the call).
 */
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../shared/events.js';
import { decodeJobFailure } from '../../shared/jobs/job-failure.js';
import type { Detection, LanguageEntry } from '../../shared/language-schemas.js';
import { FailurePolicy } from '../../worker/processors/failure-policy.js';
import { createProviderInfoProcessor } from '../../worker/processors/provider-info-processor.js';
import { QuotaBackoff } from '../../worker/processors/quota-backoff.js';
import { BoundedLanguageProvider } from '../../worker/provider/bounded-language-provider.js';
import type { LanguageProvider } from '../../worker/provider/google-translator.js';
import { createLogger } from '../../shared/logger.js';
import { loadConfig } from '../../shared/config.js';
import { providerError } from './fake-translator.js';

/** Detects by the text's first letter; records every call. */
class FakeLanguageProvider implements LanguageProvider {
  readonly calls: string[][] = [];
  failure: Error | undefined;
  async detect(texts: string[]): Promise<Detection[]> {
    this.calls.push(texts);
    if (this.failure) throw this.failure;
    return texts.map((t) => ({ language: t.startsWith('가') ? 'ko' : 'en', confidence: 0.5 }));
  }
  async languages(target: string): Promise<LanguageEntry[]> {
    this.calls.push([`languages:${target}`]);
    if (this.failure) throw this.failure;
    return [{ code: 'ko', name: `Korean in ${target}` }];
  }
}

const logger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }), 'test');

function setup(maxChars = 100) {
  const provider = new FakeLanguageProvider();
  const cached: [string, LanguageEntry[]][] = [];
  const pauses: number[] = [];
  const processor = createProviderInfoProcessor({
    provider,
    logger,
    failures: new FailurePolicy({
      rateLimit: async (ms) => void pauses.push(ms),
      quotaBackoff: new QuotaBackoff(1000),
      maxQuotaRequeues: 2,
    }),
    languages: { set: async (target, list) => void cached.push([target, list]) },
    packLimits: { maxSegments: 2, maxChars },
  });
  return { provider, cached, pauses, processor };
}

const job = (data: unknown, attemptsMade = 0): Job =>
  ({
    id: 'j1',
    data,
    attemptsMade,
    attemptsStarted: attemptsMade + 1,
    opts: { attempts: 3 },
  }) as unknown as Job;

/** The encoded failure a processor's rejection carries. */
async function failureOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!err) throw new Error('expected a failure');
  return { name: err.name, ...decodeJobFailure(err.message) };
}

describe('provider-info processor', () => {
  it('detect: packs the texts under the limits, answers in order', async () => {
    const { provider, processor } = setup(10);
    const texts = ['가나', 'abc', '가', 'abcdefghij', 'x'];
    expect(await processor(job({ kind: 'detect', texts }))).toEqual({
      detections: ['ko', 'en', 'ko', 'en', 'en'].map((language) => ({ language, confidence: 0.5 })),
    });
    // At most 2 texts and 10 characters a request; a text at the limit goes alone.
    expect(provider.calls).toEqual([['가나', 'abc'], ['가'], ['abcdefghij'], ['x']]);
  });

  it('languages: asks the provider for the target and caches the list', async () => {
    const { provider, cached, processor } = setup();
    const list = [{ code: 'ko', name: 'Korean in de' }];
    expect(await processor(job({ kind: 'languages', target: 'de' }))).toEqual({ languages: list });
    expect(provider.calls).toEqual([['languages:de']]);
    expect(cached).toEqual([['de', list]]);
  });

  it('a refused target fails at once with the code’s own message; a 503 is retried', async () => {
    const { provider, processor } = setup();
    provider.failure = providerError(400, 'Invalid Value');
    expect(await failureOf(processor(job({ kind: 'languages', target: 'xx' })))).toEqual({
      name: 'UnrecoverableError',
      code: 'unsupported_language',
      message: 'The provider does not support this language.',
    });
    provider.failure = providerError(503, 'unavailable');
    expect(await failureOf(processor(job({ kind: 'detect', texts: ['a'] })))).toEqual({
      name: 'Error',
      code: 'provider_error',
      message: 'The provider failed (503).',
    });
  });

  it('malformed job data fails without retry', async () => {
    const { provider, processor } = setup();
    expect(await failureOf(processor(job({ kind: 'detect', texts: [] })))).toMatchObject({
      name: 'UnrecoverableError',
      code: 'validation_failed',
    });
    expect(provider.calls).toEqual([]);
  });
});

describe('BoundedLanguageProvider', () => {
  it('takes a provider slot, then the fleet quota for the characters, then calls; reports each call', async () => {
    const steps: string[] = [];
    const inner = new FakeLanguageProvider();
    const events = new EventBus();
    const reported: unknown[] = [];
    events.on('provider:request', (e) => reported.push({ ...e, seconds: typeof e.seconds }));
    const bounded = new BoundedLanguageProvider(
      {
        detect: (texts) => (steps.push('call'), inner.detect(texts)),
        languages: (target) => (steps.push('call'), inner.languages(target)),
      },
      {
        runInSlot: (call) => (steps.push('slot'), call()),
        admit: async (chars) => void steps.push(`admit ${chars}`),
      },
      { events },
    );
    await bounded.detect(['가나다', '😀x']);
    await bounded.languages('ko');
    expect(steps).toEqual(['slot', 'admit 5', 'call', 'slot', 'admit 0', 'call']);
    inner.failure = providerError(429, 'Too many');
    await expect(bounded.detect(['a'])).rejects.toMatchObject({ code: 429 });
    expect(reported).toEqual([
      { outcome: 'ok', seconds: 'number', segments: 2, characters: 5 },
      { outcome: 'ok', seconds: 'number', segments: 0, characters: 0 },
      { outcome: 'rate_limited', seconds: 'number', segments: 1, characters: 1 },
    ]);
  });
});
