import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

// A tiny browser stand-in over app.inject: keeps cookies, reads the CSRF token out of the page and
// posts forms the way a browser does (application/x-www-form-urlencoded).

export class AdminClient {
  private readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (cookie.value === '' || cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.ip });
    this.remember(response);
    if (response.headers['content-type']?.toString().startsWith('text/html')) this.lastPage = response.body;
    return response;
  }

  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
      remoteAddress: this.ip,
    });
    this.remember(response);
    if (response.headers['content-type']?.toString().startsWith('text/html')) this.lastPage = response.body;
    return response;
  }

  /** Posts and, like a browser, follows the 303 to the page it points to. */
  async submit(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const response = await this.post(url, fields);
    const location = response.headers.location;
    if (response.statusCode === 303 && typeof location === 'string') return this.get(location);
    return response;
  }

  /** A hidden field's value in the last page (the first form carrying it). */
  field(name: string): string {
    const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(this.lastPage);
    if (!match?.[1]) throw new Error(`no field ${name} in the last page`);
    return match[1];
  }

  async logIn(name: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/admin/login');
    return this.post('/admin/login', { _csrf: this.field('_csrf'), next: '/admin', name, password });
  }
}

/** Visible text of a page, without tags, with whitespace collapsed. */
export function textOf(page: string): string {
  return page
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
