/**
 * The zero-overhead baseline: a bare HTTP server that waits the provider latency and answers the
 * body the API would (no queue, no Google client, no validation). `node dist/bench/baseline-server.js PORT LATENCY_MS`
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const latencyMs = Number(process.argv[3] ?? 0);

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    setTimeout(() => {
      let body: { src_text?: string; tgt_lang?: string; src_lang?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as typeof body;
      } catch {
        // answered anyway: the baseline measures transport and waiting only
      }
      const answer = JSON.stringify({
        job_id: '00000000-0000-4000-8000-000000000000',
        src_lang: body.src_lang ?? 'auto',
        src_text: body.src_text ?? '',
        tgt_lang: body.tgt_lang ?? '',
        tgt_text: `[${body.tgt_lang ?? ''}] ${body.src_text ?? ''}`,
      });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(answer);
    }, latencyMs);
  });
});
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`baseline listening on ${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
