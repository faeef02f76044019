import type { ReceiptRow, TicketRow } from '../database/schema.ts';
import { formatDate } from '../tickets/deadlines.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';
import { romanianDateTime } from './receipt-dates.ts';

// GET /verify/<code> for people: a small page in Romanian (with a Hungarian line) saying whether the code
// belongs to a receipt the town hall issued. It names the request by number, date and type — never the
// person or what they wrote.

export interface VerifiedReceipt {
  code: string;
  ticket: TicketRow;
  receipt: ReceiptRow;
  typeName: string;
  departmentName: string;
  statusName: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);
}

function dateTime(iso: string): string {
  const { date, time } = romanianDateTime(new Date(iso));
  return `${date}, ora ${time}`;
}

const style =
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2733}' +
  'h1{font-size:1.4rem}.verdict{padding:1rem;border-radius:.4rem;border:2px solid}.valid{border-color:#1b6e3a;background:#eef8f1}' +
  '.unknown,.revoked{border-color:#a61b1b;background:#fdeeee}.verdict p{margin:.2rem 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}' +
  'dt{color:#4a5663}dd{margin:0;overflow-wrap:anywhere}code{font-size:.95em}label{display:block;font-weight:600;margin-top:1.5rem}' +
  'input{font:inherit;padding:.4rem;width:16rem;max-width:100%}button{font:inherit;padding:.4rem .9rem;margin-left:.4rem}small{color:#4a5663}';

const receiptHeading = { ro: 'Verificarea confirmării de înregistrare', hu: 'Iktatási igazolás ellenőrzése' };

function page(title: string, body: string, townHallName: string, heading = receiptHeading): string {
  return `<!doctype html>
<html lang="ro">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — ${escapeHtml(townHallName)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(heading.ro)}</h1>
<p lang="hu"><small>${escapeHtml(heading.hu)}</small></p>
${body}
<form method="get" action="/verify">
<label for="code">Verificați un cod / Kód ellenőrzése</label>
<input id="code" name="code" autocomplete="off" spellcheck="false" maxlength="40" placeholder="XXXXX-XXXXX-XXXXX-XXXXX" required>
<button type="submit">Verifică</button>
</form>
</main>
<footer><p><small>${escapeHtml(townHallName)} — Funcționar Virtual</small></p></footer>
</body>
</html>
`;
}

export function renderVerifiedPage(found: VerifiedReceipt, townHallName: string): string {
  const { ticket, receipt } = found;
  // [term, value as HTML]
  const rows: [string, string][] = [
    ['Număr de înregistrare', escapeHtml(ticketLabel(ticket))],
    ['Înregistrată la', escapeHtml(dateTime(ticket.createdAt))],
    ['Tipul', escapeHtml(found.typeName)],
    ['Compartimentul', escapeHtml(found.departmentName)],
    ['Termen legal de răspuns', escapeHtml(formatDate(ticket.dueDate))],
    ['Stadiul', escapeHtml(found.statusName)],
    ['Confirmare emisă la', escapeHtml(dateTime(receipt.issuedAt))],
    ['Semnătură electronică', escapeHtml(receipt.signed ? `da — ${receipt.signer ?? ''}` : 'nu (document nesemnat electronic)')],
    ['Amprenta SHA-256 a fișierului emis', `<code>${escapeHtml(receipt.sha256)}</code>`],
  ];
  const body = `<section class="verdict valid" role="status" aria-live="polite">
<p><strong>✔ Cod valid.</strong> Codul <code>${escapeHtml(found.code)}</code> aparține unei confirmări de înregistrare emise de ${escapeHtml(townHallName)}.</p>
<p lang="hu"><small>Érvényes kód: a hivatal által kiadott iktatási igazoláshoz tartozik.</small></p>
</section>
<dl>
${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('\n')}
</dl>
<p>Ca să verificați că fișierul pe care îl aveți nu a fost modificat, comparați amprenta lui SHA-256 (de exemplu cu <code>sha256sum</code>) cu cea de mai sus; semnătura electronică se vede în panoul de semnături al cititorului PDF.</p>`;
  return page(`Cod valid ${ticketLabel(ticket)}`, body, townHallName);
}

export function renderUnknownPage(code: string, townHallName: string): string {
  const body = `<section class="verdict unknown" role="alert">
<p><strong>✘ Cod necunoscut.</strong> Codul <code>${escapeHtml(code)}</code> nu corespunde niciunei confirmări emise de ${escapeHtml(townHallName)}. Verificați că l-ați copiat corect; dacă da, documentul nu este autentic.</p>
<p lang="hu"><small>Ismeretlen kód: nem tartozik a hivatal által kiadott igazoláshoz.</small></p>
</section>`;
  return page('Cod necunoscut', body, townHallName);
}

export function renderFormPage(townHallName: string): string {
  return page('Verificare', '<p>Introduceți codul de verificare tipărit pe confirmarea de înregistrare.</p>', townHallName);
}

/** What /verify/<code> shows for a document the town hall issued (adeverință, certificat, răspuns). */
export interface VerifiedDocument {
  code: string;
  label: string;
  title: string;
  issuedAt: string;
  issuer: string;
  ticketLabel: string;
  signed: boolean;
  signer: string | null;
  sha256: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

const documentHeading = { ro: 'Verificarea unui document emis de primărie', hu: 'A hivatal által kiadott dokumentum ellenőrzése' };

export function renderVerifiedDocumentPage(found: VerifiedDocument, townHallName: string): string {
  const rows: [string, string][] = [
    ['Număr de ieșire', escapeHtml(found.label)],
    ['Data emiterii', escapeHtml(dateTime(found.issuedAt))],
    ['Tipul documentului', escapeHtml(found.title)],
    ['Emitent', escapeHtml(found.issuer)],
    ['La cererea nr.', escapeHtml(found.ticketLabel)],
    ['Semnătură electronică', escapeHtml(found.signed ? `da — ${found.signer ?? ''}` : 'nu (document nesemnat electronic)')],
    ['Amprenta SHA-256 a fișierului emis', found.sha256 ? `<code>${escapeHtml(found.sha256)}</code>` : 'în curs de emitere'],
    ['Stare', found.revokedAt ? `<strong>REVOCAT</strong> la ${escapeHtml(dateTime(found.revokedAt))}${found.revokedReason ? ` — ${escapeHtml(found.revokedReason)}` : ''}` : 'valabil (nerevocat)'],
  ];
  const verdict = found.revokedAt
    ? `<section class="verdict revoked" role="alert">
<p><strong>✘ Document revocat.</strong> Codul <code>${escapeHtml(found.code)}</code> aparține documentului nr. ${escapeHtml(found.label)} emis de ${escapeHtml(found.issuer)}, dar documentul a fost revocat și nu mai produce efecte.</p>
<p lang="hu"><small>Visszavont dokumentum: már nem érvényes.</small></p>
</section>`
    : `<section class="verdict valid" role="status" aria-live="polite">
<p><strong>✔ Cod valid.</strong> Codul <code>${escapeHtml(found.code)}</code> aparține documentului nr. ${escapeHtml(found.label)} emis de ${escapeHtml(found.issuer)}.</p>
<p lang="hu"><small>Érvényes kód: a hivatal által kiadott dokumentumhoz tartozik.</small></p>
</section>`;
  const body = `${verdict}
<dl>
${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('\n')}
</dl>
<p>Ca să verificați că fișierul pe care îl aveți nu a fost modificat, comparați amprenta lui SHA-256 cu cea de mai sus; semnătura electronică se vede în panoul de semnături al cititorului PDF.</p>`;
  return page(`${found.revokedAt ? 'Document revocat' : 'Cod valid'} ${found.label}`, body, townHallName, documentHeading);
}
