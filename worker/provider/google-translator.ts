/**
 * The Google Cloud Translation v2 (Basic) client, one per worker process.
 * Retries are off here: they happen once, in the queue (see shared/queues.ts).
 */
import { v2 } from '@google-cloud/translate';
import { providerSettings, type Config } from '../../shared/config.js';
import type { TextFormat } from '../../shared/schemas.js';

export interface ProviderRequest {
  /** Up to 128 segments; the caller respects Google's per-request limits. */
  texts: string[];
  target: string;
  /** Absent: Google detects the source language of each segment. */
  source?: string;
  format: TextFormat;
  model?: string;
}

export interface ProviderTranslation {
  text: string;
  detectedSource?: string;
}

export interface Translator {
  translate(request: ProviderRequest): Promise<ProviderTranslation[]>;
}

type RequestFn = (reqOpts: Record<string, unknown>, callback: (...args: unknown[]) => void) => void;

interface V2Response {
  data?: { translations?: { translatedText: string; detectedSourceLanguage?: string }[] };
}

export class GoogleTranslator implements Translator {
  private readonly client: v2.Translate;

  constructor(config: Config) {
    const provider = providerSettings(config);
    this.client = new v2.Translate({
      ...(provider.key ? { key: provider.key } : {}),
      autoRetry: false,
      maxRetries: 0,
    });
    // The client reads GOOGLE_CLOUD_TRANSLATE_ENDPOINT from process.env itself; setting the base URL
    // here keeps config.ts the only reader of the environment and lets one process hold several clients.
    if (provider.endpoint) this.client.baseUrl = provider.endpoint.replace(/\/+$/, '');
    // The client has no per-call timeout option; every request it makes passes through `request`.
    const timeout = config.PROVIDER_TIMEOUT_MS;
    const client = this.client as unknown as { request: RequestFn };
    const request = client.request.bind(this.client);
    client.request = (reqOpts, callback) => request({ ...reqOpts, timeout }, callback);
  }

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const [, apiResponse] = await this.client.translate(request.texts, {
      to: request.target,
      // Always explicit: the client would otherwise guess html/text from the first segment only.
      format: request.format,
      ...(request.source ? { from: request.source } : {}),
      ...(request.model ? { model: request.model } : {}),
    });
    const translations = (apiResponse as V2Response).data?.translations ?? [];
    if (translations.length !== request.texts.length) {
      throw new Error(
        `provider returned ${translations.length} translations for ${request.texts.length} segments`,
      );
    }
    return translations.map((t) => ({
      text: t.translatedText,
      ...(t.detectedSourceLanguage ? { detectedSource: t.detectedSourceLanguage } : {}),
    }));
  }
}
