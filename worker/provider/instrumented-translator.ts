/**
 * Translator decorator recording provider metrics: request duration by outcome, segments per
 * request and characters sent. Sits right above the quota limiter and the Google client in the
 * chain, so it sees each real provider request (after batching, without quota waits).
 */
import {
  providerCharacters,
  providerOutcome,
  providerRequestDuration,
  providerSegments,
} from '../metrics.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

export class InstrumentedTranslator implements Translator {
  constructor(private readonly inner: Translator) {}

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const end = providerRequestDuration.startTimer();
    let characters = 0;
    for (const text of request.texts) characters += codePoints(text);
    providerSegments.observe(request.texts.length);
    try {
      const result = await this.inner.translate(request);
      end({ outcome: 'ok' });
      providerCharacters.inc({ outcome: 'ok' }, characters);
      return result;
    } catch (err) {
      const outcome = providerOutcome(err);
      end({ outcome });
      providerCharacters.inc({ outcome }, characters);
      throw err;
    }
  }
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
