/**
 * The Google Cloud Translation v2 (Basic) client, one per worker process.
 * Retries are off here: they happen once, in the queue (see shared/queues.ts).
 */
// The v2 module alone: the package index also loads the v3/v3beta1 gRPC clients (google-gax,
// grpc-js, protobufjs and the protos), about 20 MB of RSS a worker never uses. The package has no
// `exports` map, so the path is importable; test/google-translator.test.ts checks it is v2.Translate.
import { Translate } from '@google-cloud/translate/build/src/v2/index.js';
import { providerSettings, type Config } from '../../shared/config.js';
import type { Detection, LanguageEntry } from '../../shared/language-schemas.js';
import type { TextFormat } from '../../shared/schemas.js';
import { withTimeout } from '../../shared/timeout.js';

export interface ProviderRequest {
  /** Up to 128 segments; the caller respects Google's per-request limits. */
  texts: string[];
  target: string;
  /** Absent: Google detects the source language of each segment. */
  source?: string;
  format: TextFormat;
  model?: string;
}

/**
 * What a provider request's texts share. Text protection (worker/protection/) has already turned
 * a request's format and settings into this: text or html, nothing else.
 */
export type ProviderShape = Omit<ProviderRequest, 'texts'>;

export interface ProviderTranslation {
  text: string;
  detectedSource?: string;
}

export interface Translator {
  translate(request: ProviderRequest): Promise<ProviderTranslation[]>;
}

/** The provider's calls that are not translations (the `provider-info` queue's jobs). */
export interface LanguageProvider {
  /** The language of each text, in order; the caller respects Google's per-request limits. */
  detect(texts: string[]): Promise<Detection[]>;
  /** The languages the provider supports, with names in `target`. */
  languages(target: string): Promise<LanguageEntry[]>;
}

interface V2Response {
  data?: { translations?: { translatedText: string; detectedSourceLanguage?: string }[] };
}

export class GoogleTranslator implements Translator, LanguageProvider {
  private readonly client: Translate;

  constructor(config: Config) {
    const provider = providerSettings(config);
    this.client = new Translate({
      ...(provider.key ? { key: provider.key } : {}),
      autoRetry: false,
      maxRetries: 0,
    });
    // The client reads GOOGLE_CLOUD_TRANSLATE_ENDPOINT from process.env itself; setting the base URL
    // here keeps config.ts the only reader of the environment and lets one process hold several clients.
    if (provider.endpoint) this.client.baseUrl = provider.endpoint.replace(/\/+$/, '');
    this.timeoutMs = config.PROVIDER_TIMEOUT_MS;
  }

  private readonly timeoutMs: number;

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    // The client's `timeout` option is dropped on the way down (teeny-request hands it to node-fetch 3,
    // which no longer has one), so the call is bounded here. The socket of a call given up on stays
    // open until the provider answers or closes it; the job is free to be retried at once.
    return this.bounded(this.call(request));
  }

  detect(texts: string[]): Promise<Detection[]> {
    return this.bounded(this.callDetect(texts));
  }

  languages(target: string): Promise<LanguageEntry[]> {
    return this.bounded(this.callLanguages(target));
  }

  private bounded<T>(call: Promise<T>): Promise<T> {
    return withTimeout(call, this.timeoutMs, () => {
      throw new ProviderTimeoutError(this.timeoutMs);
    });
  }

  private async callDetect(texts: string[]): Promise<Detection[]> {
    const [results] = await this.client.detect(texts);
    if (results.length !== texts.length) {
      throw new Error(`provider returned ${results.length} detections for ${texts.length} texts`);
    }
    // Google's best guess per text; the client drops the deprecated `isReliable`.
    return results.map(({ language, confidence }) => ({ language, confidence }));
  }

  private async callLanguages(target: string): Promise<LanguageEntry[]> {
    const [languages] = await this.client.getLanguages(target);
    // With a target Google names every language; a nameless entry would only be a code.
    return languages.map(({ code, name }) => ({ code, name: name ?? code }));
  }

  private async call(request: ProviderRequest): Promise<ProviderTranslation[]> {
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

/** A provider call that took longer than PROVIDER_TIMEOUT_MS (classified as transient). */
export class ProviderTimeoutError extends Error {
  readonly type = 'request-timeout';
  constructor(timeoutMs: number) {
    super(`provider call timeout after ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
  }
}
