import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Every fake service is an HTTP server on a free port of 127.0.0.1; closing it also ends the
// connections clients keep alive, so a test never waits on a socket the app left open.

export async function listenOnLoopback(handle: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function closeLoopbackServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
