/**
 * POST /v1/translate requests written on one connection in a single write, so the API reads them
 * in one turn of its event loop and packs those of one shape into one job. Each request may carry
 * its own headers (e.g. its own API key).
 */
import { connect } from 'node:net';

export interface PipelinedRequest {
  body: unknown;
  headers?: Record<string, string>;
}

export interface PipelinedAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export function pipelined(url: string, requests: PipelinedRequest[]): Promise<PipelinedAnswer[]> {
  const { hostname, port } = new URL(url);
  const wire = requests
    .map(({ body, headers = {} }) => {
      const json = JSON.stringify(body);
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      return (
        `POST /v1/translate HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(json)}\r\n${extra}\r\n${json}`
      );
    })
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let buffer = Buffer.alloc(0);
    const answers: PipelinedAnswer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) break;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        answers.push({ status: Number(head.split(' ')[1]), body: body ? JSON.parse(body) : undefined });
        buffer = buffer.subarray(end + 4 + length);
      }
      if (answers.length === requests.length) {
        socket.end();
        resolve(answers);
      }
    });
    socket.on('error', reject);
    socket.write(wire);
  });
}
