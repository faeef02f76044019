import net from 'node:net';
import { percentile } from './bench-result.ts';

// A small closed-loop HTTP/1.1 load generator for loopback benchmarks (autocannon is not a dependency):
// N keep-alive connections, each sending its next request as soon as the previous answer is complete.
// Raw sockets and a minimal response parser keep the client's own cost low, so the server is measured.

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** http://127.0.0.1:port — loopback only. */
  url: string;
  connections: number;
  /** Stop after this long… */
  durationMs?: number;
  /** …or after this many requests, whichever comes first. */
  maxRequests?: number;
  request: (index: number) => LoadRequest;
}

export interface LoadResult {
  /** Answers received, whatever their status. */
  requests: number;
  /** Answers with a 2xx status: what the rates count. */
  succeeded: number;
  durationMs: number;
  perSecond: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

function encode(request: LoadRequest, host: string): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body) lines.push(`content-length: ${body.byteLength}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  return body ? Buffer.concat([head, body]) : head;
}

/** Length of the first complete response in `buffer` and its status, or undefined if incomplete. */
function completeResponse(buffer: Buffer): { length: number; status: number; close: boolean } | undefined {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = buffer.subarray(0, headerEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection: *close/i.test(head);
  const contentLength = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (contentLength) {
    const length = headerEnd + 4 + Number(contentLength[1]);
    return buffer.length >= length ? { length, status, close } : undefined;
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const end = buffer.indexOf('\r\n0\r\n\r\n', headerEnd);
    return end >= 0 ? { length: end + 7, status, close } : undefined;
  }
  return { length: headerEnd + 4, status, close };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error('load tests only target 127.0.0.1');
  const port = Number(target.port);
  const host = `${target.hostname}:${port}`;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + (options.durationMs ?? 60_000);
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;

  const connection = () =>
    new Promise<void>((resolve) => {
      let socket: net.Socket;
      let buffer: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const sendNext = () => {
        if (performance.now() >= deadline || issued >= maxRequests) {
          socket.end();
          resolve();
          return;
        }
        const index = issued++;
        sentAt = performance.now();
        socket.write(encode(options.request(index), host));
      };
      const open = () => {
        buffer = Buffer.alloc(0);
        socket = net.connect(port, target.hostname);
        socket.setNoDelay(true);
        socket.on('connect', sendNext);
        socket.on('data', (chunk: Buffer) => {
          buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
          for (;;) {
            const response = completeResponse(buffer);
            if (!response) return;
            buffer = buffer.subarray(response.length);
            latencies.push(performance.now() - sentAt);
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
            if (response.close) {
              socket.destroy();
              open();
              return;
            }
            sendNext();
          }
        });
        socket.on('error', () => {
          errors += 1;
          socket.destroy();
          if (performance.now() < deadline && issued < maxRequests) setTimeout(open, 10);
          else resolve();
        });
      };
      open();
    });

  await Promise.all(Array.from({ length: options.connections }, connection));
  const durationMs = performance.now() - started;
  latencies.sort((left, right) => left - right);
  const requests = latencies.length;
  const succeeded = Object.entries(statuses).reduce((sum, [status, count]) => sum + (status.startsWith('2') ? count : 0), 0);
  return { requests, succeeded, durationMs, perSecond: (succeeded / durationMs) * 1000, statuses, p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), errors };
}
