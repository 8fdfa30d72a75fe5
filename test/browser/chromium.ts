/**
 * Debian's chromium driven by playwright-core (no browser download), with the flags this sandbox
 * needs. Each context gets a fresh profile under one temporary folder, removed by `closeAll`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the screenshots kept in the repository go. */
export const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs');

export interface Browser {
  open(options?: { httpCredentials?: { username: string; password: string } }): Promise<BrowserContext>;
  closeAll(): Promise<void>;
}

export function browser(): Browser {
  let profile: Promise<string> | undefined;
  const contexts: BrowserContext[] = [];
  return {
    async open(options = {}) {
      profile ??= mkdtemp(join(tmpdir(), 'translation-queue-browser-'));
      // A fresh profile per context: launchPersistentContext owns --user-data-dir.
      const dir = await mkdtemp(join(await profile, 'ctx-'));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1280, height: 800 },
        ...options,
      });
      // Playwright's 30 s default is short for a machine shared by parallel test runs.
      context.setDefaultTimeout(90_000);
      contexts.push(context);
      return context;
    },
    async closeAll() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      if (profile) await rm(await profile, { recursive: true, force: true });
    },
  };
}
