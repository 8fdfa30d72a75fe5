/**
 * The worker's Google client: the v2 module imported on its own (without the package index and its
 * gRPC clients) must still be the package's v2 client, pointed at GOOGLE_CLOUD_TRANSLATE_ENDPOINT,
 * with the client's own retries off.
 */
import { v2 } from '@google-cloud/translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { loadConfig } from '../shared/config.js';
import { Translate } from '@google-cloud/translate/build/src/v2/index.js';
import { GoogleTranslator } from '../worker/provider/google-translator.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
});

afterAll(async () => {
  await emulator.close();
});

describe('GoogleTranslator', () => {
  it('uses the package v2 client', () => {
    expect(Translate).toBe(v2.Translate);
  });

  it('sends to the configured endpoint and does not retry a 503 itself', async () => {
    const translator = new GoogleTranslator(
      loadConfig({ GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint }),
    );
    const request = { texts: ['zz qq'], target: 'en', source: 'fr', format: 'text' as const };
    emulator.resetStats();
    expect(await translator.translate(request)).toEqual([{ text: '[en] zz qq' }]);
    expect(emulator.stats().requests).toBe(1);

    emulator.setOptions({ failNext: { count: 1, kind: '503' } });
    await expect(translator.translate(request)).rejects.toMatchObject({ code: 503 });
    expect(emulator.stats()).toMatchObject({ requests: 1, faultsInjected: 1 });
  });
});
