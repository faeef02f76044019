import type { ClerkRow } from '../../database/schema.ts';
import type { Flash } from '../admin-sessions.ts';
import { html } from '../html.ts';
import { page } from './layout.ts';

export interface ClerksPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  currentClerkId: number;
  /** The signed-in clerk has the editor right: the grant and revoke buttons are shown. */
  canEdit: boolean;
  clerks: ClerkRow[];
  departmentNames: Map<string, string>;
}

/** Where a clerk can be reached: the chats they are registered on, and the web inbox if they have a password. */
function channelsOf(clerk: ClerkRow): string[] {
  return [clerk.telegramId ? 'Telegram' : '', clerk.teamsId ? 'Teams' : '', clerk.whatsapp ? 'WhatsApp' : '', clerk.passwordHash ? 'web' : ''].filter((name) => name !== '');
}

/** `/admin/clerks`: the clerks, and for an editor the buttons that give or take the editor right. */
export function clerksPage(view: ClerksPage): string {
  const body = html`<h1>Funcționari</h1>
    <p class="hint">Funcționarii se adaugă pe server cu <code>functionar clerks add</code>. Dreptul de editor permite modificarea și publicarea procedurilor; ${
      view.canEdit ? 'îl puteți da sau lua aici. Ultimul editor activ nu își poate lua singur dreptul.' : 'îl dă un funcționar care este deja editor.'
    }</p>
    <div class="table-scroll" role="region" aria-labelledby="functionari" tabindex="0">
      <table class="data-table clerks-table" data-testid="clerks">
        <caption id="functionari">Funcționarii înregistrați</caption>
        <thead><tr><th scope="col">Nume</th><th scope="col">Compartiment</th><th scope="col">Canale</th><th scope="col">Activ</th><th scope="col">Editor</th>${view.canEdit ? html`<th scope="col">Drept de editor</th>` : ''}</tr></thead>
        <tbody>${view.clerks.map((clerk) => {
          const channels = channelsOf(clerk);
          return html`<tr data-testid="clerk-row" data-clerk="${clerk.id}" data-editor="${clerk.editor ? 'yes' : 'no'}">
            <td>${clerk.name}${clerk.id === view.currentClerkId ? html` <span class="notice">(dvs.)</span>` : ''}</td>
            <td>${view.departmentNames.get(clerk.department) ?? clerk.department}</td>
            <td>${channels.length > 0 ? channels.join(', ') : html`<span class="notice">niciunul</span>`}</td>
            <td>${clerk.active ? 'da' : 'nu'}</td>
            <td>${clerk.editor ? html`<span class="badge status">editor</span>` : 'nu'}</td>
            ${
              view.canEdit
                ? html`<td><form method="post" action="/admin/clerks/${clerk.id}/editor" class="inline-form">
                    <input type="hidden" name="_csrf" value="${view.csrfToken}">
                    <input type="hidden" name="editor" value="${clerk.editor ? 'off' : 'on'}">
                    ${
                      clerk.editor
                        ? html`<button class="button secondary" type="submit" data-testid="editor-revoke" data-confirm="Luați dreptul de editor al lui ${clerk.name}?">Ia dreptul</button>`
                        : html`<button class="button secondary" type="submit" data-testid="editor-grant">Dă dreptul</button>`
                    }
                  </form></td>`
                : ''
            }
          </tr>`;
        })}</tbody>
      </table>
    </div>`;
  return page({ title: 'Funcționari', townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'clerks', flash: view.flash, body });
}
