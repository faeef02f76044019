import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import { errorBody } from '../../../src/errors.ts';
import { safeEqual } from '../cloud/webhook-signature.ts';
import type { WebDriverStatus } from './web-driver.ts';

// The pairing QR code grants control of the town hall's WhatsApp account to whoever scans it first,
// so the page opens only from this machine (an SSH tunnel does it remotely) unless WHATSAPP_QR_TOKEN
// is set; then other machines log in with HTTP Basic auth, password = the token. Basic auth rather
// than ?token=… because request logs record URLs but redact the Authorization header.

export const pairingPagePath = '/admin/whatsapp/qr';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** A proxy on the same machine would make every visitor look local: then only the token admits. */
function cameThroughProxy(request: FastifyRequest): boolean {
  return ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((header) => request.headers[header] !== undefined);
}

function basicPassword(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator >= 0 ? decoded.slice(separator + 1) : undefined;
}

export function pairingPageAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (isLoopback(request.socket.remoteAddress ?? request.ip) && !cameThroughProxy(request)) return true;
  const password = basicPassword(request);
  return token !== undefined && password !== undefined && safeEqual(password, token);
}

const stateLabels: Record<WebDriverStatus['state'], string> = {
  stopped: 'oprit',
  starting: 'pornește WhatsApp Web…',
  pairing: 'așteaptă asocierea: scanați codul',
  authenticated: 'asociat, se conectează…',
  ready: 'conectat',
  reconnecting: 'deconectat, se reîncearcă',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

async function renderPage(status: WebDriverStatus): Promise<string> {
  const image = status.qr ? await QRCode.toDataURL(status.qr, { errorCorrectionLevel: 'M', margin: 2, width: 320 }) : undefined;
  return `<!doctype html>
<html lang="ro">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${status.state === 'ready' ? 60 : 10}">
<title>WhatsApp – asociere</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2933}img{display:block;margin:1rem 0;border:1px solid #ccd}code{background:#eef;padding:0 .2rem}</style>
</head>
<body>
<h1>WhatsApp Web – asociere</h1>
<p>Stare: <strong id="state" data-state="${status.state}">${escapeHtml(stateLabels[status.state])}</strong></p>
${image ? `<img id="qr" alt="Cod QR de asociere" width="320" height="320" src="${image}">
<p>Pe telefonul primăriei: WhatsApp → Setări → Dispozitive asociate → Asociază un dispozitiv, apoi scanați codul. Codul se schimbă la câteva secunde; pagina se reîncarcă singură.</p>` : ''}
${status.lastError ? `<p>Ultima eroare: <code id="last-error">${escapeHtml(status.lastError)}</code></p>` : ''}
</body>
</html>`;
}

export function registerPairingPage(app: FastifyInstance, status: () => WebDriverStatus, token: string | undefined): void {
  app.get(pairingPagePath, async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    if (!pairingPageAllowed(request, token)) {
      if (token) reply.header('www-authenticate', 'Basic realm="WhatsApp pairing", charset="UTF-8"');
      return reply
        .code(token ? 401 : 403)
        .send(errorBody('FV_ERR_PAIRING_PAGE_FORBIDDEN', 'The WhatsApp pairing page opens only from this machine (for example through an SSH tunnel to localhost), or with the password WHATSAPP_QR_TOKEN'));
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
      .send(await renderPage(status()));
  });
}

/** The QR code on the server's console (stderr: stdout carries the JSON log lines). */
export function printQrToTerminal(qr: string): void {
  qrcodeTerminal.generate(qr, { small: true }, (output) => {
    process.stderr.write(`\nWhatsApp: scanați codul cu telefonul primăriei (WhatsApp → Dispozitive asociate):\n${output}\n`);
  });
}
