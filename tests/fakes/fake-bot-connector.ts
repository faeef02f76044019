import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { closeLoopbackServer, listenOnLoopback } from './loopback-server.ts';

// A fake of the three Microsoft services a Teams bot talks to, on one real HTTP port:
// - the Bot Connector (Teams' serviceUrl): POST /v3/conversations/:id/activities and
//   /v3/conversations/:id/activities/:activityId, recorded with the bearer token they carried;
// - the Entra ID token endpoint: POST /:tenant/oauth2/v2.0/token (client-credentials grant);
// - the Bot Framework OpenID metadata and signing keys: GET /v1/.well-known/openidconfiguration and
//   /v1/.well-known/keys, so the fake can sign activities the way Teams does (RS256, iss
//   https://api.botframework.com, aud = the bot's app id, serviceurl claim) and the app checks them for real.

export interface RecordedActivity {
  conversationId: string;
  /** Set when the bot replied to an activity (POST …/activities/:activityId). */
  replyToId?: string;
  activity: Record<string, unknown>;
  authorization: string | undefined;
  /** The id the fake gave the posted activity. */
  id: string;
}

export interface TokenRequest {
  tenant: string;
  clientId: string | null;
  clientSecret: string | null;
  scope: string | null;
  grantType: string | null;
}

export interface FakeBotConnectorOptions {
  /** When set, the token endpoint refuses other client ids or secrets (as Entra ID does, with 401). */
  appId?: string;
  appPassword?: string;
}

interface ScriptedFailure {
  status: number;
  retryAfterSeconds?: number;
}

const channelTokenIssuer = 'https://api.botframework.com';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class FakeBotConnector {
  readonly activities: RecordedActivity[] = [];
  readonly tokenRequests: TokenRequest[] = [];
  /** Every request the fake answered, "METHOD path", for tests that assert something was never called. */
  readonly requestLog: string[] = [];
  readonly keyId = `fake-key-${randomBytes(4).toString('hex')}`;
  /** While true, the OpenID metadata and keys cannot be fetched: the connection is dropped, as when offline. */
  openIdOutage = false;

  private readonly issuedTokens = new Set<string>();
  private readonly failures: ScriptedFailure[] = [];
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private nextActivity = 1;

  private constructor(
    private readonly server: http.Server,
    /** Base URL; also the serviceUrl activities carry (with a trailing slash, as Teams sends it). */
    readonly url: string,
    private readonly options: FakeBotConnectorOptions,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  static async start(options: FakeBotConnectorOptions = {}): Promise<FakeBotConnector> {
    let fake: FakeBotConnector | undefined;
    const listening = await listenOnLoopback((request, response) => fake!.handle(request, response));
    fake = new FakeBotConnector(listening.server, listening.url, options);
    return fake;
  }

  /** The serviceUrl Teams would put on activities; the bot posts its answers there. */
  get serviceUrl(): string {
    return `${this.url}/`;
  }

  /**
   * The next `count` Bot Connector posts are refused with `status` (a 429 says when to retry); status 0
   * drops the connection after the request arrived, so the bot cannot know whether it was posted.
   */
  failNext(count: number, status: number, retryAfterSeconds?: number): void {
    for (let index = 0; index < count; index++) this.failures.push({ status, retryAfterSeconds });
  }

  /** A token as the Bot Framework signs it for activities it posts to the bot. */
  channelToken(claims: { appId: string; serviceUrl?: string; issuer?: string; expiresInSeconds?: number; signingKey?: KeyObject }): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.keyId, x5t: this.keyId };
    const payload = {
      serviceurl: claims.serviceUrl ?? this.serviceUrl,
      nbf: now - 60,
      exp: now + (claims.expiresInSeconds ?? 3600),
      iss: claims.issuer ?? channelTokenIssuer,
      aud: claims.appId,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = sign('RSA-SHA256', Buffer.from(signingInput), claims.signingKey ?? this.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }

  /** A key the fake never published: tokens signed with it are forgeries. */
  static foreignKey(): KeyObject {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  }

  activitiesIn(conversationId: string): RecordedActivity[] {
    return this.activities.filter((recorded) => recorded.conversationId === conversationId);
  }

  /** Whether a bearer token is one this fake's token endpoint issued. */
  issued(authorization: string | undefined): boolean {
    return authorization !== undefined && authorization.startsWith('Bearer ') && this.issuedTokens.has(authorization.slice('Bearer '.length));
  }

  async stop(): Promise<void> {
    await closeLoopbackServer(this.server);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const path = url.pathname;
    this.requestLog.push(`${request.method} ${path}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };

    if (this.openIdOutage && path.startsWith('/v1/.well-known/')) {
      request.socket.destroy();
      return;
    }
    if (request.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return json(200, {
        issuer: channelTokenIssuer,
        authorization_endpoint: `${this.url}/v1/.well-known/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (request.method === 'GET' && path === '/v1/.well-known/keys') {
      return json(200, { keys: [{ ...this.publicJwk, kid: this.keyId, x5t: this.keyId, use: 'sig', endorsements: ['msteams', 'emulator', 'webchat'] }] });
    }

    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (request.method === 'POST' && tokenMatch) {
      const form = new URLSearchParams(raw);
      const tokenRequest: TokenRequest = {
        tenant: decodeURIComponent(tokenMatch[1]!),
        clientId: form.get('client_id'),
        clientSecret: form.get('client_secret'),
        scope: form.get('scope'),
        grantType: form.get('grant_type'),
      };
      this.tokenRequests.push(tokenRequest);
      if (tokenRequest.grantType !== 'client_credentials') return json(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: unsupported grant type' });
      if ((this.options.appId && tokenRequest.clientId !== this.options.appId) || (this.options.appPassword && tokenRequest.clientSecret !== this.options.appPassword)) {
        return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      const token = `fake-connector-token-${randomBytes(12).toString('hex')}`;
      this.issuedTokens.add(token);
      return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }

    const activityMatch = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (activityMatch && (request.method === 'POST' || request.method === 'PUT')) {
      const failure = this.failures.shift();
      if (failure?.status === 0) {
        request.socket.destroy();
        return;
      }
      if (failure) {
        return json(
          failure.status,
          { error: { code: failure.status === 429 ? 'Throttled' : 'ServiceError', message: 'scripted failure' } },
          failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {},
        );
      }
      const id = `fake-activity-${this.nextActivity++}`;
      this.activities.push({
        conversationId: decodeURIComponent(activityMatch[1]!),
        replyToId: activityMatch[2] ? decodeURIComponent(activityMatch[2]) : undefined,
        activity: JSON.parse(raw || '{}') as Record<string, unknown>,
        authorization: request.headers.authorization,
        id,
      });
      return json(request.method === 'POST' ? 201 : 200, { id });
    }
    json(404, { error: { code: 'NotFound', message: `no route ${request.method} ${path}` } });
  }
}
