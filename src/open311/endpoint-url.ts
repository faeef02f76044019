import type { FastifyRequest } from 'fastify';

/**
 * The absolute address of the GeoReport v2 endpoint for discovery.json. Clients resolve every other
 * resource from it, and some (Code for America's open311 client) throw on a relative URL: PUBLIC_URL
 * when the town hall set it, otherwise the address this request reached (protocol and Host header,
 * as forwarded by a trusted proxy when TRUST_PROXY is on).
 */
export function endpointUrl(request: FastifyRequest, publicUrl: string | undefined, prefix: string, fallbackHost: string): string {
  const origin = publicUrl ?? `${request.protocol}://${request.host || fallbackHost}`;
  return `${origin.replace(/\/+$/, '')}${prefix}/`;
}
