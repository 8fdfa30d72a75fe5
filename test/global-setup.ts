/**
 * Builds once before the suite (`npm run build`: the TypeScript, and the Lua scripts copied next
 * to it): tests that run the API, a worker or the CLI as real child processes start them from
 * `dist/` like production does, instead of paying for on-the-fly TypeScript compilation in every
 * child (slow on a busy 2-core machine). Incremental, so a run after `npm run build` costs little.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
