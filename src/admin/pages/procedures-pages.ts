import type { KnowledgeVersionRow } from '../../database/schema.ts';
import type { Procedure } from '../../knowledge/knowledge-base.ts';
import { languages, type Language } from '../../language.ts';
import type { Flash } from '../admin-sessions.ts';
import { html, multiline, type SafeHtml } from '../html.ts';
import { formatDateTime } from '../labels.ts';
import { page } from './layout.ts';
import { languageNames, procedureForm, type FormProblem } from './procedures-form.ts';

// The procedure editor's pages: the list, the form, the preview with publishing, the history with
// restore, and the raw editor of town-hall.md, life-events.md and out-of-scope.md.

interface Shell {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
}

function shell(view: Shell, title: string, body: SafeHtml): string {
  return page({ title, townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'procedures', flash: view.flash, body });
}

export interface ProcedureListItem {
  procedure: Procedure;
  departmentName: string;
  askedLast30Days: number;
  refusedNear: number;
}

export const editableFiles = { 'town-hall': 'town-hall.md', 'life-events': 'life-events.md', 'out-of-scope': 'out-of-scope.md' } as const;
export type EditableFileName = keyof typeof editableFiles;
const editableFileTitles: Record<EditableFileName, string> = { 'town-hall': 'Primăria (program, adresă, contact, sate, compartimente)', 'life-events': 'Situații de viață', 'out-of-scope': 'Redirecționări (alte instituții)' };

export function proceduresListPage(view: Shell & { items: ProcedureListItem[]; unpublished: string[] }): string {
  const body = html`<h1>Proceduri</h1>
    <p class="hint">Ce știe asistentul: fiecare procedură este un fișier în <code>knowledge/procedures</code>. Modificați, previzualizați, publicați: asistentul răspunde cu textul nou în câteva secunde. „Întrebată” = răspunsuri ale asistentului care au citat procedura în ultimele 30 de zile; „refuzată în apropiere” = întrebări fără răspuns din ultimele 30 de zile care, căutate acum, o găsesc printre candidați (aproximare).</p>
    <form method="get" action="/admin/procedures/new" class="inline-form"><button class="button" type="submit" data-testid="procedure-new">Procedură nouă</button></form>
    <div class="table-scroll" role="region" aria-labelledby="proceduri" tabindex="0">
      <table class="data-table" data-testid="procedures">
        <caption id="proceduri">Procedurile publicate</caption>
        <thead><tr><th scope="col">Titlu (RO)</th><th scope="col">Titlu (HU)</th><th scope="col">Compartiment</th><th scope="col">Actualizată</th><th scope="col" class="number">De confirmat</th><th scope="col" class="number">Întrebată (30 zile)</th><th scope="col" class="number">Refuzată în apropiere</th></tr></thead>
        <tbody>${view.items.map(
          (item) => html`<tr data-testid="procedure-row" data-slug="${item.procedure.slug}">
            <td><a href="/admin/procedures/${item.procedure.slug}">${item.procedure.title.ro}</a></td>
            <td lang="hu">${item.procedure.title.hu}</td>
            <td>${item.departmentName}</td>
            <td>${item.procedure.updated}</td>
            <td class="number">${item.procedure.toConfirm.length}</td>
            <td class="number">${item.askedLast30Days}</td>
            <td class="number">${item.refusedNear}</td>
          </tr>`,
        )}</tbody>
      </table>
    </div>
    ${view.unpublished.length > 0 ? html`<h2>Retrase</h2><ul>${view.unpublished.map((slug) => html`<li><a href="/admin/procedures/${slug}/history">${slug}</a></li>`)}</ul>` : ''}
    <h2>Alte fișiere</h2>
    <ul>${(Object.keys(editableFiles) as EditableFileName[]).map((name) => html`<li><a href="/admin/knowledge/${name}">${editableFileTitles[name]}</a> (<code>${editableFiles[name]}</code>)</li>`)}</ul>`;
  return shell(view, 'Proceduri', body);
}

function problemList(problems: FormProblem[]): SafeHtml {
  if (problems.length === 0) return html``;
  return html`<div class="validation" data-testid="validation" role="${problems.some((problem) => problem.severity === 'error') ? 'alert' : 'status'}">
    <ul>${problems.map((problem) => html`<li class="${problem.severity}">${problem.severity === 'error' ? 'De corectat: ' : 'Atenție: '}${problem.message}</li>`)}</ul>
  </div>`;
}

export function procedureEditPage(view: Shell & { procedure: Procedure; isNew: boolean; problems: FormProblem[]; departmentNames: Map<string, string> }): string {
  const title = view.isNew ? 'Procedură nouă' : view.procedure.title.ro;
  const body = html`<p><a href="/admin/procedures">← Proceduri</a>${view.isNew ? '' : html` · <a href="/admin/procedures/${view.procedure.slug}/history">Istoric</a>`}</p>
    <h1>${title}</h1>
    ${problemList(view.problems)}
    ${procedureForm({ procedure: view.procedure, isNew: view.isNew, csrfToken: view.csrfToken, problems: view.problems, departmentNames: view.departmentNames })}
    ${
      view.isNew
        ? ''
        : html`<form method="post" action="/admin/procedures/${view.procedure.slug}/unpublish" class="danger-zone">
            <input type="hidden" name="_csrf" value="${view.csrfToken}">
            <p class="hint">Retragerea scoate procedura din răspunsurile asistentului (fișierul se mută în <code>knowledge/.unpublished/</code>); o puteți readuce din istoric.</p>
            <button class="button secondary" type="submit" data-testid="procedure-unpublish">Retrage procedura</button>
          </form>`
    }`;
  return shell(view, title, body);
}

export interface PreviewAnswer {
  language: Language;
  question: string;
  /** The card the bot would send; undefined when the sample question finds another procedure. */
  card: string | undefined;
  foundInstead?: string;
}

/** An example question of the draft and the procedure it finds first (none: the assistant would not answer). */
export interface ExampleCheck {
  language: Language;
  question: string;
  foundSlug?: string;
  foundTitle?: string;
}

function exampleList(slug: string, examples: ExampleCheck[]): SafeHtml {
  if (examples.length === 0) return html`<p class="notice">Nu ați scris exemple de întrebări (câmpul „Exemple de întrebări”, lângă cuvintele-cheie).</p>`;
  return html`<ul class="example-checks" data-testid="example-checks">${examples.map((example) => {
    const found = example.foundSlug === slug;
    return html`<li class="${found ? 'found' : 'not-found'}" data-testid="example-check" data-found="${example.foundSlug ?? ''}" lang="${example.language}">
      <span class="example-question">„${example.question}”</span> <span class="badge language">${example.language.toUpperCase()}</span>
      <span class="example-result" lang="ro">${found ? html`✓ găsește această procedură` : example.foundTitle ? html`✗ găsește altă procedură: <strong>${example.foundTitle}</strong>` : html`✗ nu găsește nicio procedură`}</span>
    </li>`;
  })}</ul>`;
}

function changes(removed: string[], added: string[]): SafeHtml {
  if (removed.length === 0 && added.length === 0) return html`<p class="notice">Nicio schimbare față de versiunea publicată.</p>`;
  return html`<div class="changes" data-testid="changes"><h2>Ce se schimbă</h2>
    <ul class="diff">${removed.map((line) => html`<li class="removed"><span class="visually-hidden">scos: </span>− ${line}</li>`)}${added.map((line) => html`<li class="added"><span class="visually-hidden">adăugat: </span>+ ${line}</li>`)}</ul></div>`;
}

export function procedurePreviewPage(
  view: Shell & {
    procedure: Procedure;
    isNew: boolean;
    problems: FormProblem[];
    answers: PreviewAnswer[];
    recentQuestions: string[];
    examples: ExampleCheck[];
    content: string;
    removed: string[];
    added: string[];
    departmentNames: Map<string, string>;
  },
): string {
  const blocked = view.problems.some((problem) => problem.severity === 'error');
  const body = html`<p><a href="/admin/procedures">← Proceduri</a></p>
    <h1>Previzualizare: ${view.procedure.title.ro || view.procedure.slug}</h1>
    ${problemList(view.problems)}
    ${
      blocked
        ? html`<p class="notice">Corectați mai întâi ce este marcat „De corectat”, apoi previzualizați din nou.</p>`
        : html`<section aria-labelledby="raspunsuri"><h2 id="raspunsuri">Răspunsul asistentului</h2>
            <div class="side-by-side">${view.answers.map(
              (answer) => html`<article class="answer-preview" data-testid="answer-preview" data-language="${answer.language}" lang="${answer.language}">
                <h3>${languageNames[answer.language]}</h3>
                <p class="hint">Întrebare exemplu: „${answer.question}”</p>
                ${answer.card ? html`<p class="bubble">${multiline(answer.card)}</p>` : html`<p class="field-problem warning">Întrebarea exemplu găsește acum altă procedură: ${answer.foundInstead ?? 'niciuna'}.</p>`}
              </article>`,
            )}</div></section>
            <section aria-labelledby="intrebari-exemplu"><h2 id="intrebari-exemplu">Exemplele de întrebări: ce procedură găsește fiecare</h2>
              ${exampleList(view.procedure.slug, view.examples)}
            </section>
            <section aria-labelledby="intrebari-recente"><h2 id="intrebari-recente">Întrebări recente ale cetățenilor care ar găsi procedura</h2>
              ${view.recentQuestions.length === 0 ? html`<p class="notice">Nicio întrebare recentă.</p>` : html`<ul data-testid="recent-questions">${view.recentQuestions.map((question) => html`<li>${question}</li>`)}</ul>`}
            </section>
            ${changes(view.removed, view.added)}
            <form method="post" action="/admin/procedures/${view.procedure.slug}/publish" class="publish-form">
              <input type="hidden" name="_csrf" value="${view.csrfToken}">
              <input type="hidden" name="content" value="${view.content}">
              <input type="hidden" name="isNew" value="${view.isNew ? '1' : ''}">
              <p class="form-row"><label for="summary">Ce ați schimbat (pentru istoric)</label><input id="summary" name="summary" maxlength="300"></p>
              <button class="button" type="submit" data-testid="procedure-publish">Publică</button>
            </form>`
    }
    <h2>Modificați din nou</h2>
    ${procedureForm({ procedure: view.procedure, isNew: view.isNew, csrfToken: view.csrfToken, problems: view.problems, departmentNames: view.departmentNames })}`;
  return shell(view, 'Previzualizare', body);
}

const actionNames: Record<string, string> = { create: 'creată', publish: 'publicată', restore: 'restaurată', unpublish: 'retrasă', disk: 'modificată pe disc' };

export function knowledgeHistoryPage(view: Shell & { title: string; file: string; restoreBase: string; editLink: string; versions: (KnowledgeVersionRow & { clerkName?: string; removed: number; added: number })[] }): string {
  const body = html`<p><a href="${view.editLink}">← Înapoi</a></p>
    <h1>Istoric: ${view.title}</h1>
    <p class="hint">Fișierul <code>${view.file}</code>. Fiecare publicare păstrează versiunea; „Restaurează” o publică din nou.</p>
    ${
      view.versions.length === 0
        ? html`<p class="notice">Nicio versiune publicată din editor încă.</p>`
        : html`<table class="data-table" data-testid="history"><caption>Versiuni, cea mai nouă întâi</caption>
            <thead><tr><th scope="col">Când</th><th scope="col">Cine</th><th scope="col">Ce</th><th scope="col">Rezumat</th><th scope="col">Rânduri</th><th scope="col">Restaurează</th></tr></thead>
            <tbody>${view.versions.map(
              (version, index) => html`<tr data-testid="history-row" data-version="${version.id}" data-action="${version.action}">
                <td>${formatDateTime(version.publishedAt)}</td>
                <td>${version.clerkName ?? (version.action === 'disk' ? 'pe server' : '—')}</td>
                <td>${actionNames[version.action] ?? version.action}</td>
                <td>${version.summary ?? ''}</td>
                <td>−${version.removed} +${version.added}</td>
                <td>${
                  index === 0 || version.content === ''
                    ? ''
                    : html`<form method="post" action="${view.restoreBase}/${version.id}"><input type="hidden" name="_csrf" value="${view.csrfToken}"><button class="button secondary" type="submit" data-testid="history-restore">Restaurează</button></form>`
                }</td>
              </tr>`,
            )}</tbody></table>`
    }`;
  return shell(view, `Istoric ${view.title}`, body);
}

export function rawFilePage(view: Shell & { name: EditableFileName; content: string; problems: { line?: number; message: string; severity: string }[]; preview?: SafeHtml; canPublish: boolean }): string {
  const file = editableFiles[view.name];
  const body = html`<p><a href="/admin/procedures">← Proceduri</a> · <a href="/admin/knowledge/${view.name}/history">Istoric</a></p>
    <h1>${editableFileTitles[view.name]}</h1>
    <p class="hint">Fișierul <code>${file}</code>, în formatul YAML descris în <code>knowledge/README.md</code>. Verificarea arată fiecare problemă cu numărul rândului.</p>
    ${
      view.problems.length > 0
        ? html`<div class="validation" data-testid="validation" role="alert"><ul>${view.problems.map((problem) => html`<li class="${problem.severity}">${problem.line ? `${file}:${problem.line}: ` : ''}${problem.message}</li>`)}</ul></div>`
        : ''
    }
    ${view.preview ?? ''}
    <form method="post" action="/admin/knowledge/${view.name}/preview">
      <input type="hidden" name="_csrf" value="${view.csrfToken}">
      <p class="form-row"><label for="content">Conținut</label><textarea id="content" name="content" rows="30" class="code" spellcheck="false">${view.content}</textarea></p>
      <p class="form-row"><label for="summary">Ce ați schimbat (pentru istoric)</label><input id="summary" name="summary" maxlength="300"></p>
      <p class="actions">
        <button class="button" type="submit" name="intent" value="preview" data-testid="raw-preview">Verifică și previzualizează</button>
        ${view.canPublish ? html`<button class="button" type="submit" name="intent" value="publish" data-testid="raw-publish">Publică</button>` : ''}
      </p>
    </form>`;
  return shell(view, editableFileTitles[view.name], body);
}

export function townHallPreview(cards: { language: Language; text: string }[]): SafeHtml {
  return html`<section aria-labelledby="previzualizare"><h2 id="previzualizare">Cum răspunde asistentul</h2><div class="side-by-side">${cards.map(
    (card) => html`<article class="answer-preview" data-testid="answer-preview" lang="${card.language}"><h3>${languageNames[card.language]}</h3><p class="bubble">${multiline(card.text)}</p></article>`,
  )}</div></section>`;
}

export { languages };
