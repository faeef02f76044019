import type { UnansweredQuestion } from '../../questions/unanswered-questions.ts';
import type { Flash } from '../admin-sessions.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDateTime } from '../labels.ts';
import { page } from './layout.ts';

export interface QuestionsPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  questions: UnansweredQuestion[];
  procedures: { slug: string; title: string }[];
}

const languageNames: Record<string, string> = { ro: 'română', hu: 'maghiară', en: 'engleză' };

function taughtLabel(question: UnansweredQuestion, titleOf: Map<string, string>): string {
  if (!question.taught) return question.outcome === 'clarified' ? 'a cerut lămuriri' : 'a refuzat';
  if (question.taught.kind === 'out_of_scope') return 'învățat: în afara competenței';
  return `învățat: ${titleOf.get(question.taught.slug) ?? question.taught.slug}`;
}

function teachForm(question: UnansweredQuestion, view: QuestionsPage): SafeHtml {
  const selectId = `procedura-${question.id}`;
  const current = question.taught?.kind === 'procedure' ? question.taught.slug : undefined;
  // One form, two buttons: the select only matters for "Învață".
  return html`<form method="post" action="/admin/questions/${question.id}" class="teach-form">
    <input type="hidden" name="_csrf" value="${view.csrfToken}">
    <label class="visually-hidden" for="${selectId}">Procedura pentru întrebarea ${question.id}</label>
    <select id="${selectId}" name="slug">
      ${[...view.procedures].sort((first, second) => first.title.localeCompare(second.title, 'ro')).map((procedure) => html`<option value="${procedure.slug}" ${procedure.slug === current ? html`selected` : ''}>${procedure.title}</option>`)}
    </select>
    <button class="button" type="submit" name="action" value="teach">Învață</button>
    <button class="button secondary" type="submit" name="action" value="out-of-scope">În afara competenței</button>
  </form>`;
}

/** `/admin/questions`: what citizens asked that the bot refused or had to ask back about, most asked first. */
export function questionsPage(view: QuestionsPage): string {
  const titleOf = new Map(view.procedures.map((procedure) => [procedure.slug, procedure.title]));
  const body = html`<h1>Întrebări fără răspuns</h1>
    <p class="hint">Întrebările refuzate sau la care asistentul a cerut lămuriri, cele mai frecvente întâi (CNP-ul, telefonul și e-mailul sunt ascunse). Legați o întrebare de procedura potrivită: de acum înainte aceeași formulare primește răspunsul acelei proceduri. Aceleași date le dă comanda <code>functionar questions list</code>.</p>
    ${
      view.questions.length === 0
        ? html`<p class="notice">Nicio întrebare fără răspuns.</p>`
        : html`<div class="table-scroll" role="region" aria-labelledby="intrebari" tabindex="0">
            <table class="data-table" data-testid="unanswered-questions">
              <caption id="intrebari">Întrebări fără răspuns, după frecvență</caption>
              <thead><tr><th scope="col">Întrebarea</th><th scope="col">Limba</th><th scope="col" class="number">De câte ori</th><th scope="col">Ultima dată</th><th scope="col">Stare</th><th scope="col">Învață</th></tr></thead>
              <tbody>${view.questions.map(
                (question) => html`<tr data-testid="unanswered-question" data-question="${question.id}">
                  <td>${question.text}</td>
                  <td>${languageNames[question.language] ?? question.language}</td>
                  <td class="number">${question.count}</td>
                  <td>${formatDateTime(question.lastAskedAt)}</td>
                  <td>${taughtLabel(question, titleOf)}</td>
                  <td>${teachForm(question, view)}</td>
                </tr>`,
              )}</tbody>
            </table>
          </div>`
    }`;
  return page({ title: 'Întrebări fără răspuns', townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'questions', flash: view.flash, body });
}
