import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphApiClient, GraphApiError } from '../../channels/whatsapp/cloud/graph-api-client.ts';
import { DownloadTooLargeError, readBodyWithinLimit } from '../../src/security/bounded-download.ts';

// A media server that never says how big its file is (no Content-Length, chunked) and would send 40 MiB:
// the download must stop at the limit while streaming, and the server must see the connection dropped
// long before it has sent everything.

const mebibyte = 1024 * 1024;
const hostileSize = 40 * mebibyte;
const limit = 1 * mebibyte;

interface Served {
  bytesWritten: number;
  closedEarly: boolean;
}

let server: http.Server;
let root: string;
const served: Served[] = [];
const finished: (() => void)[] = [];

function nextFinished(): Promise<void> {
  return new Promise((resolve) => finished.push(resolve));
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const record: Served = { bytesWritten: 0, closedEarly: false };
    served.push(record);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const done = () => finished.shift()?.();
    response.writeHead(200, { 'content-type': request.url?.includes('small') ? 'text/plain' : 'application/octet-stream' });
    if (request.url?.includes('small')) {
      record.bytesWritten = 5;
      response.end('salut');
      response.on('close', done);
      return;
    }
    response.on('close', () => {
      record.closedEarly = record.bytesWritten < hostileSize;
      done();
    });
    const pump = () => {
      while (record.bytesWritten < hostileSize && !response.destroyed) {
        record.bytesWritten += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('downloads without Content-Length', () => {
  it('WhatsApp Cloud media: stops at the limit while streaming and drops the connection', async () => {
    const graph = new GraphApiClient({ root, token: 'token', phoneNumberId: '123' });
    const closed = nextFinished();
    const error = await graph.downloadMedia(`${root}/media/huge`, limit).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/exceeds 1048576 bytes/);
    await closed;
    const record = served.at(-1)!;
    expect(record.closedEarly).toBe(true);
    // What the server managed to push before the cut: the limit plus socket buffers, nowhere near 40 MiB.
    expect(record.bytesWritten).toBeLessThan(16 * mebibyte);
  });

  it('the shared reader: a small file comes through whole, a large one is refused with a coded error', async () => {
    const small = await readBodyWithinLimit(await fetch(`${root}/small`), limit);
    expect(Buffer.from(small).toString()).toBe('salut');

    const closed = nextFinished();
    const error = await readBodyWithinLimit(await fetch(`${root}/huge`), limit).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DownloadTooLargeError);
    expect(error).toMatchObject({ code: 'FV_ERR_DOWNLOAD_TOO_LARGE', maximumBytes: limit, announced: false });
    await closed;
    expect(served.at(-1)!.closedEarly).toBe(true);
  });
});
