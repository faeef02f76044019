// How the bot proves itself to the Bot Connector when it posts to Teams: an Entra ID access token from
// the OAuth 2.0 client-credentials grant (the app id and its client secret), sent as a bearer token.
// botbuilder's own factory hands this to MSAL, which only accepts https authorities and asks
// login.microsoftonline.com about any other host first; the grant itself is one form POST, so it is
// done here against `${MICROSOFT_LOGIN_API_ROOT}/<tenant>/oauth2/v2.0/token` — the same endpoint MSAL
// ends up calling, and one that tests and sovereign clouds can point elsewhere.

/** What the Bot Connector client asks of credentials: to sign each outgoing request. */
export interface RequestSigner {
  signRequest<Resource extends { headers: { set(name: string, value: string): void } }>(resource: Resource): Promise<Resource>;
}

export class BotTokenError extends Error {
  readonly code = 'FV_ERR_TEAMS_TOKEN';
  constructor(
    message: string,
    /** Whether asking again later can help (the token endpoint was unreachable or overloaded). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Tokens live an hour; renewing five minutes early keeps a request from leaving with a token about to lapse. */
const renewBeforeExpiryMs = 5 * 60_000;
const tokenRequestTimeoutMs = 15_000;

const anonymous: RequestSigner = { signRequest: async (resource) => resource };

class ClientSecretCredentials implements RequestSigner {
  constructor(
    private readonly tokens: TokenSource,
    private readonly tokenEndpoint: string,
    private readonly scope: string,
  ) {}

  async signRequest<Resource extends { headers: { set(name: string, value: string): void } }>(resource: Resource): Promise<Resource> {
    resource.headers.set('authorization', `Bearer ${await this.tokens.token(this.tokenEndpoint, this.scope)}`);
    return resource;
  }
}

/** One cache per app: concurrent sends share one token request. */
class TokenSource {
  private readonly cache = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly appId: string,
    private readonly clientSecret: string,
  ) {}

  async token(tokenEndpoint: string, scope: string): Promise<string> {
    const key = `${tokenEndpoint} ${scope}`;
    const cached = this.cache.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt - renewBeforeExpiryMs > Date.now()) return token.accessToken;
      if (this.cache.get(key) !== cached) return this.token(tokenEndpoint, scope);
    }
    const request = this.request(tokenEndpoint, scope);
    this.cache.set(key, request);
    try {
      return (await request).accessToken;
    } catch (error) {
      if (this.cache.get(key) === request) this.cache.delete(key);
      throw error;
    }
  }

  private async request(tokenEndpoint: string, scope: string): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.appId,
      client_secret: this.clientSecret,
      scope: scope.endsWith('/.default') ? scope : `${scope}/.default`,
    });
    let response: Response;
    try {
      response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(tokenRequestTimeoutMs),
      });
    } catch (error) {
      throw new BotTokenError(`token endpoint unreachable: ${(error as Error).message}`, true);
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      // The description names the problem (wrong secret, unknown tenant) and never contains the secret.
      const reason = typeof body.error_description === 'string' ? body.error_description.split('\n')[0] : `HTTP ${response.status}`;
      throw new BotTokenError(`token request refused: ${String(body.error ?? response.status)} — ${reason}`, response.status === 429 || response.status >= 500);
    }
    const lifetimeSeconds = Number(body.expires_in);
    return { accessToken: body.access_token, expiresAt: Date.now() + (Number.isFinite(lifetimeSeconds) && lifetimeSeconds > 0 ? lifetimeSeconds : 3600) * 1000 };
  }
}

/**
 * Implements botbuilder's ServiceClientCredentialsFactory contract (structurally, so the app does not
 * import botframework-connector itself). Without an app id authentication is disabled: local mode.
 */
export class BotCredentialsFactory {
  private readonly tokens: TokenSource | undefined;

  constructor(
    private readonly appId: string | undefined,
    clientSecret: string | undefined,
  ) {
    this.tokens = appId ? new TokenSource(appId, clientSecret ?? '') : undefined;
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return Boolean(this.appId) && appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return !this.appId;
  }

  /** `loginEndpoint` is ToChannelFromBotLoginUrl: the login root followed by the tenant. */
  async createCredentials(appId: string, audience: string | undefined, loginEndpoint: string): Promise<RequestSigner> {
    if (!this.tokens) return anonymous;
    if (appId !== this.appId) throw new BotTokenError(`credentials asked for another app id (${appId})`, false);
    return new ClientSecretCredentials(this.tokens, `${loginEndpoint.replace(/\/+$/, '')}/oauth2/v2.0/token`, audience ?? botConnectorScope);
  }
}

export const botConnectorScope = 'https://api.botframework.com';
