import type { Flash } from '../admin-sessions.ts';
import { html, type SafeHtml } from '../html.ts';

export interface PageShell {
  title: string;
  townHallName: string;
  /** Absent on the login page. */
  signedIn?: { clerkName: string; csrfToken: string };
  current?: 'inbox' | 'report' | 'questions' | 'procedures' | 'replies' | 'documents' | 'clerks';
  flash?: Flash;
  body: SafeHtml;
}

export function flashMessage(flash: Flash | undefined): SafeHtml {
  if (!flash) return html``;
  // Errors interrupt (alert); confirmations are announced politely (status).
  return html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}" data-flash data-testid="admin-flash">${flash.text}</p>`;
}

export function page(shell: PageShell): string {
  const navigation = shell.signedIn
    ? html`<nav aria-label="Meniu principal">
        <ul>
          <li><a href="/admin" ${shell.current === 'inbox' ? html`aria-current="page"` : ''}>Tichete</a></li>
          <li><a href="/admin/report" ${shell.current === 'report' ? html`aria-current="page"` : ''}>Indicatori</a></li>
          <li><a href="/admin/questions" ${shell.current === 'questions' ? html`aria-current="page"` : ''}>Întrebări fără răspuns</a></li>
          <li><a href="/admin/replies" ${shell.current === 'replies' ? html`aria-current="page"` : ''}>Răspunsuri salvate</a></li>
          <li><a href="/admin/procedures" ${shell.current === 'procedures' ? html`aria-current="page"` : ''}>Proceduri</a></li>
          <li><a href="/admin/documents" ${shell.current === 'documents' ? html`aria-current="page"` : ''}>Registre</a></li>
          <li><a href="/admin/clerks" ${shell.current === 'clerks' ? html`aria-current="page"` : ''}>Funcționari</a></li>
        </ul>
      </nav>
      <form class="account" method="post" action="/admin/logout">
        <span>Conectat: <strong data-testid="admin-clerk-name">${shell.signedIn.clerkName}</strong></span>
        <input type="hidden" name="_csrf" value="${shell.signedIn.csrfToken}">
        <button type="submit">Ieșire</button>
      </form>`
    : html``;
  return `<!doctype html>
${html`<html lang="ro">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <title>${shell.title} — Funcționar Virtual</title>
  <link rel="stylesheet" href="/admin/assets/admin.css">
  <script src="/admin/assets/admin.js" defer></script>
</head>
<body>
  <a class="skip-link" href="#continut">Salt la conținut</a>
  <header class="top-bar">
    <p class="brand">${shell.townHallName}<small>Funcționar Virtual · inbox funcționari</small></p>
    ${navigation}
  </header>
  <main id="continut" tabindex="-1">
    ${flashMessage(shell.flash)}
    ${shell.body}
  </main>
</body>
</html>`.value}
`;
}
