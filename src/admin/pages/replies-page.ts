import type { SavedReplyRow } from '../../database/schema.ts';
import { languages } from '../../language.ts';
import type { Flash } from '../admin-sessions.ts';
import { html, multiline } from '../html.ts';
import { savedReplyTitleMaximumLength } from '../saved-replies.ts';
import type { Department } from './inbox-page.ts';
import { page } from './layout.ts';
import { replyMaximumLength } from './ticket-page.ts';

export interface RepliesPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  replies: SavedReplyRow[];
  departments: Department[];
}

const languageNames: Record<string, string> = { ro: 'română', hu: 'maghiară', en: 'engleză' };

/** `/admin/replies`: the saved replies clerks pick in a ticket's reply box — list, add, delete. */
export function repliesPage(view: RepliesPage): string {
  const departmentNames = new Map(view.departments.map((department) => [department.id, department.name]));
  const body = html`<h1>Răspunsuri salvate</h1>
    <p class="hint">Texte folosite des, pe care le alegeți în caseta de răspuns a unui tichet. Scrieți-le în limba cetățeanului (română sau maghiară): pe pagina tichetului apar întâi cele în limba în care scrie cetățeanul, pentru compartimentul tichetului.</p>
    <section class="card" aria-labelledby="adauga">
      <h2 id="adauga">Adaugă un răspuns</h2>
      <form method="post" action="/admin/replies" data-testid="saved-reply-form">
        <input type="hidden" name="_csrf" value="${view.csrfToken}">
        <div class="filters">
          <div>
            <label for="reply-language">Limba</label>
            <select id="reply-language" name="language" required>
              ${languages.map((language) => html`<option value="${language}">${languageNames[language]}</option>`)}
            </select>
          </div>
          <div>
            <label for="reply-department">Compartiment</label>
            <select id="reply-department" name="department">
              <option value="">toate compartimentele</option>
              ${view.departments.map((department) => html`<option value="${department.id}">${department.name}</option>`)}
            </select>
          </div>
        </div>
        <div class="field">
          <label for="reply-title">Titlu (îl vedeți în listă)</label>
          <input type="text" id="reply-title" name="title" required maxlength="${savedReplyTitleMaximumLength}">
        </div>
        <div class="field">
          <label for="reply-body">Textul pentru cetățean</label>
          <textarea id="reply-body" name="text" required maxlength="${replyMaximumLength}"></textarea>
        </div>
        <div class="actions"><button class="button" type="submit">Salvează</button></div>
      </form>
    </section>
    <section class="card" aria-labelledby="lista">
      <h2 id="lista">Răspunsurile salvate</h2>
      ${view.replies.length === 0
        ? html`<p class="notice">Niciun răspuns salvat încă.</p>`
        : html`<ul class="saved-reply-list" data-testid="saved-replies">${view.replies.map(
            (reply) => html`<li data-testid="saved-reply" data-reply="${reply.id}" lang="${reply.language}">
              <p><strong>${reply.title}</strong> <span class="notice">(${languageNames[reply.language] ?? reply.language}, ${reply.department ? (departmentNames.get(reply.department) ?? reply.department) : 'toate compartimentele'})</span></p>
              <p>${multiline(reply.text)}</p>
              <form method="post" action="/admin/replies/${reply.id}/delete" data-confirm="Ștergeți răspunsul salvat „${reply.title}”?">
                <input type="hidden" name="_csrf" value="${view.csrfToken}">
                <button class="button danger" type="submit">Șterge</button>
              </form>
            </li>`,
          )}</ul>`}
    </section>`;
  return page({ title: 'Răspunsuri salvate', townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'replies', flash: view.flash, body });
}
