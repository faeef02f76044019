import type { Department, Procedure, RequestType } from '../../knowledge/knowledge-base.ts';
import { languages, type Language, type Localized } from '../../language.ts';
import { html, type SafeHtml } from '../html.ts';

// The procedure editor's form: every field of a procedure, Romanian and Hungarian side by side, English
// optional. One module reads the posted fields into a draft procedure, checks it the way a clerk needs
// (a fee without its source, a deadline without a legal basis, a language left empty) and renders it.

export const departmentChoices: Department[] = ['urbanism', 'taxe-impozite', 'registru-agricol', 'stare-civila', 'asistenta-sociala', 'registratura', 'secretariat'];
export const requestTypeChoices: RequestType[] = ['cerere', 'sesizare', 'petitie', 'informatii-publice', 'declaratie', 'audienta'];
export const languageNames: Record<Language, string> = { ro: 'Română', hu: 'Maghiară', en: 'Engleză (opțional)' };

export type ProcedureFormFields = Record<string, string | string[] | undefined>;

/** Blank rows offered under the documents, for adding new ones without a script. */
const blankDocumentRows = 2;

function field(fields: ProcedureFormFields, name: string): string {
  const value = fields[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).replace(/\r\n?/g, '\n').trim();
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * English is optional: left empty, the Romanian text stands in (the schema wants all three), and the
 * form marks it as a missing translation. Hungarian is required and checked.
 */
function localized(fields: ProcedureFormFields, name: string): Localized {
  const ro = field(fields, `${name}_ro`);
  const hu = field(fields, `${name}_hu`);
  const en = field(fields, `${name}_en`);
  return { ro, hu, en: en === '' ? ro : en };
}

function localizedLines(fields: ProcedureFormFields, name: string): Localized<string[]> {
  return { ro: lines(field(fields, `${name}_ro`)), hu: lines(field(fields, `${name}_hu`)), en: lines(field(fields, `${name}_en`)) };
}

function documentsOf(fields: ProcedureFormFields): Localized[] {
  const rows: { position: number; index: number; document: Localized }[] = [];
  for (let index = 0; index < 200; index++) {
    if (fields[`document_${index}_ro`] === undefined && fields[`document_${index}_hu`] === undefined) {
      if (index > 0 && fields[`document_${index + 1}_ro`] === undefined) break;
      continue;
    }
    if (field(fields, `document_${index}_remove`) !== '') continue;
    const document = localized(fields, `document_${index}`);
    if (document.ro === '' && document.hu === '' && field(fields, `document_${index}_en`) === '') continue;
    const position = Number(field(fields, `document_${index}_position`));
    rows.push({ position: Number.isFinite(position) && position > 0 ? position : index + 1, index, document });
  }
  // Reordering: the clerk types the new position; ties keep the order they had.
  return rows.sort((left, right) => left.position - right.position || left.index - right.index).map((row) => row.document);
}

/** The draft procedure from the posted form; `base` gives what the form does not edit (file, body when absent). */
export function procedureFromForm(fields: ProcedureFormFields, base: { slug: string; file: string; updated: string }): Procedure {
  const days = field(fields, 'deadline_days');
  const examples = localizedLines(fields, 'examples');
  const department = field(fields, 'department') as Department;
  const requestType = field(fields, 'request_type') as RequestType;
  return {
    slug: base.slug,
    title: localized(fields, 'title'),
    department: departmentChoices.includes(department) ? department : 'registratura',
    requestType: requestTypeChoices.includes(requestType) ? requestType : 'cerere',
    legalBasis: lines(field(fields, 'legal_basis')),
    deadline: { days: /^\d{1,4}$/.test(days) ? Number(days) : null, workingDays: field(fields, 'deadline_working_days') !== '', text: localized(fields, 'deadline') },
    documents: documentsOf(fields),
    fee: localized(fields, 'fee'),
    where: localized(fields, 'where'),
    online: field(fields, 'online'),
    keywords: localizedLines(fields, 'keywords'),
    ...(Object.values(examples).some((questions) => questions.length > 0) ? { examples } : {}),
    updated: base.updated,
    source: lines(field(fields, 'source')),
    toConfirm: lines(field(fields, 'to_confirm')),
    body: field(fields, 'body'),
    file: base.file,
  };
}

export interface FormProblem {
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/** A fee names where it comes from: a council decision (HCL), a law, the Fiscal Code — or says it is free. */
const feeSource = /\b(hcl|hot[aă]r[aâ]r\w*|leg(e|ea|ii)|cod(ul)?\s+fiscal|art\.|o\.?u?\.?g\.?|ordonan\w*|gratuit\w*|scutit\w*|nu se (percepe|pl[aă]te[sș]te|achit[aă])|f[aă]r[aă] tax[aă]|nu exist[aă] tax[aă])/iu;
const amount = /\d+([.,]\d+)?\s*(lei|ron)\b/iu;

/** What a clerk must fix before publishing (errors) and what they should know (warnings). */
export function checkProcedure(procedure: Procedure): FormProblem[] {
  const problems: FormProblem[] = [];
  const error = (name: string, message: string) => problems.push({ field: name, message, severity: 'error' });
  const warning = (name: string, message: string) => problems.push({ field: name, message, severity: 'warning' });
  for (const [name, label, value] of [
    ['title', 'Titlul', procedure.title],
    ['where', 'Unde se depune', procedure.where],
    ['deadline', 'Termenul', procedure.deadline.text],
    ['fee', 'Taxa', procedure.fee],
  ] as const) {
    if (value.ro === '') error(`${name}_ro`, `${label} lipsește în limba română.`);
    if (value.hu === '') error(`${name}_hu`, `${label} lipsește în limba maghiară.`);
  }
  if (procedure.documents.length > 0) {
    if (procedure.documents.every((document) => document.hu === '')) error('documents', 'Lista de acte este goală în limba maghiară.');
    else if (procedure.documents.every((document) => document.ro === '')) error('documents', 'Lista de acte este goală în limba română.');
    else
      procedure.documents.forEach((document, index) => {
        if (document.ro === '') error(`document_${index}_ro`, `Actul ${index + 1} nu are text în limba română.`);
        if (document.hu === '') error(`document_${index}_hu`, `Actul ${index + 1} nu are text în limba maghiară.`);
      });
  }
  if (procedure.legalBasis.length === 0) error('legal_basis', 'Termenul și procedura nu au temei legal: scrieți cel puțin o lege (câte una pe rând).');
  if (procedure.source.length === 0) error('source', 'Scrieți cel puțin o sursă (de unde sunt informațiile).');
  if (procedure.fee.ro !== '' && !feeSource.test(procedure.fee.ro)) {
    const message = 'Taxa nu spune de unde vine: scrieți HCL-ul (hotărârea Consiliului Local, cu număr și an) sau legea; dacă nu se plătește nimic, scrieți „gratuit”.';
    if (amount.test(procedure.fee.ro)) error('fee_ro', message);
    else warning('fee_ro', message);
  }
  if (procedure.deadline.days !== null && procedure.deadline.text.ro !== '' && !procedure.deadline.text.ro.includes(String(procedure.deadline.days)))
    warning('deadline_ro', `Termenul are ${procedure.deadline.days} zile, dar textul nu pomenește numărul.`);
  if (procedure.online !== '' && !/^https?:\/\/\S+$/.test(procedure.online)) error('online', 'Adresa online trebuie să înceapă cu https:// (sau lăsați câmpul gol).');
  if (procedure.keywords.ro.length === 0) warning('keywords_ro', 'Nu există cuvinte-cheie în română: cetățenii găsesc procedura mai greu.');
  if (procedure.keywords.hu.length === 0) warning('keywords_hu', 'Nu există cuvinte-cheie în maghiară: cetățenii găsesc procedura mai greu.');
  return problems;
}

/**
 * A translation is missing when empty or when it is the Romanian text copied unchanged; a field with no
 * Romanian text either (a blank row for a new document) has nothing to translate yet.
 */
function missingTranslation(value: string, romanian: string, language: Language): boolean {
  return language !== 'ro' && romanian !== '' && (value === '' || value === romanian);
}

function languageInput(name: string, label: string, value: Localized, options: { multiline?: boolean; problems: FormProblem[] }): SafeHtml {
  return html`<fieldset class="localized" data-field="${name}">
    <legend>${label}</legend>
    <div class="side-by-side">
      ${languages.map((language) => {
        const id = `${name}_${language}`;
        const missing = missingTranslation(value[language], value.ro, language);
        const problem = options.problems.find((candidate) => candidate.field === id);
        return html`<div class="language-column">
          <label for="${id}">${languageNames[language]} ${missing ? html`<span class="missing-translation" data-testid="missing-translation">lipsește traducerea</span>` : ''}</label>
          ${
            options.multiline
              ? html`<textarea id="${id}" name="${id}" rows="3">${language === 'en' && value.en === value.ro ? '' : value[language]}</textarea>`
              : html`<input id="${id}" name="${id}" value="${language === 'en' && value.en === value.ro ? '' : value[language]}">`
          }
          ${problem ? html`<p class="field-problem ${problem.severity}">${problem.message}</p>` : ''}
        </div>`;
      })}
    </div>
  </fieldset>`;
}

function linesInput(name: string, label: string, values: string[], hint: string): SafeHtml {
  return html`<p class="form-row"><label for="${name}">${label}</label><small class="hint">${hint}</small><textarea id="${name}" name="${name}" rows="${Math.max(2, values.length + 1)}">${values.join('\n')}</textarea></p>`;
}

function documentRows(procedure: Procedure, problems: FormProblem[]): SafeHtml {
  const rows = [...procedure.documents, ...Array.from({ length: blankDocumentRows }, () => ({ ro: '', hu: '', en: '' }))];
  return html`<fieldset class="documents" data-field="documents">
    <legend>Acte necesare</legend>
    <p class="hint">Câte un act pe rând, în fiecare limbă. Schimbați ordinea scriind alt număr la „Poziția”; bifați „Șterge” ca să scoateți un act; rândurile goale de la sfârșit adaugă acte noi.</p>
    ${problems.filter((problem) => problem.field === 'documents').map((problem) => html`<p class="field-problem ${problem.severity}">${problem.message}</p>`)}
    ${rows.map(
      (document, index) => html`<div class="document-row" data-testid="document-row">
        <p class="form-row small"><label for="document_${index}_position">Poziția</label><input id="document_${index}_position" name="document_${index}_position" inputmode="numeric" size="3" value="${index < procedure.documents.length ? index + 1 : ''}"></p>
        ${languageInput(`document_${index}`, `Actul ${index + 1}`, document, { problems })}
        ${index < procedure.documents.length ? html`<p class="form-row small"><label><input type="checkbox" name="document_${index}_remove" value="1"> Șterge</label></p>` : ''}
      </div>`,
    )}
  </fieldset>`;
}

/** The whole editing form; it posts to the preview, never straight to publishing. */
export function procedureForm(view: { procedure: Procedure; isNew: boolean; csrfToken: string; problems: FormProblem[]; departmentNames: Map<string, string> }): SafeHtml {
  const { procedure, problems } = view;
  const action = view.isNew ? '/admin/procedures/new/preview' : `/admin/procedures/${procedure.slug}/preview`;
  const problemFor = (name: string) => problems.find((problem) => problem.field === name);
  const problemNote = (name: string) => {
    const problem = problemFor(name);
    return problem ? html`<p class="field-problem ${problem.severity}">${problem.message}</p>` : '';
  };
  return html`<form method="post" action="${action}" class="procedure-form" data-testid="procedure-form">
    <input type="hidden" name="_csrf" value="${view.csrfToken}">
    ${
      view.isNew
        ? html`<p class="form-row"><label for="slug">Identificator (slug)</label><small class="hint">litere mici fără diacritice, cuvinte legate cu cratimă, de ex. „autorizatie-foraj”; nu se mai schimbă după publicare</small><input id="slug" name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${procedure.slug}"></p>${problemNote('slug')}`
        : html`<input type="hidden" name="slug" value="${procedure.slug}">`
    }
    ${languageInput('title', 'Titlul', procedure.title, { problems })}
    <p class="form-row"><label for="department">Compartimentul</label><select id="department" name="department">${departmentChoices.map((id) => html`<option value="${id}" ${id === procedure.department ? html`selected` : ''}>${view.departmentNames.get(id) ?? id}</option>`)}</select></p>
    <p class="form-row"><label for="request_type">Tipul cererii</label><select id="request_type" name="request_type">${requestTypeChoices.map((id) => html`<option value="${id}" ${id === procedure.requestType ? html`selected` : ''}>${id}</option>`)}</select></p>
    ${documentRows(procedure, problems)}
    ${languageInput('where', 'Unde se depune (birou, program)', procedure.where, { multiline: true, problems })}
    <fieldset class="deadline">
      <legend>Termen</legend>
      <p class="form-row small"><label for="deadline_days">Zile (gol dacă nu e un număr fix)</label><input id="deadline_days" name="deadline_days" inputmode="numeric" size="4" value="${procedure.deadline.days ?? ''}"></p>
      <p class="form-row small"><label><input type="checkbox" name="deadline_working_days" value="1" ${procedure.deadline.workingDays ? html`checked` : ''}> zile lucrătoare</label></p>
      ${languageInput('deadline', 'Termenul, explicat', procedure.deadline.text, { multiline: true, problems })}
    </fieldset>
    ${languageInput('fee', 'Taxa (cu HCL-ul sau legea din care vine)', procedure.fee, { multiline: true, problems })}
    ${linesInput('legal_basis', 'Temei legal', procedure.legalBasis, 'câte o lege pe rând')}${problemNote('legal_basis')}
    <p class="form-row"><label for="online">Online (adresă, de ex. Ghișeul.ro)</label><input id="online" name="online" value="${procedure.online}"></p>${problemNote('online')}
    <fieldset class="localized" data-field="keywords">
      <legend>Cuvinte-cheie și exemple de întrebări</legend>
      <p class="hint">Cuvintele-cheie (câte unul pe rând, și fără diacritice) ajută asistentul să găsească procedura. Exemplele de întrebări, scrise cum le pune un cetățean, nu schimbă căutarea: la previzualizare vedeți ce procedură găsește fiecare.</p>
      <div class="side-by-side">
        ${languages.map(
          (language) => html`<div class="language-column">
            <label for="keywords_${language}">Cuvinte-cheie: ${languageNames[language]} ${language !== 'en' && procedure.keywords[language].length === 0 ? html`<span class="missing-translation" data-testid="missing-translation">lipsește traducerea</span>` : ''}</label>
            <textarea id="keywords_${language}" name="keywords_${language}" rows="6">${procedure.keywords[language].join('\n')}</textarea>
            ${problemNote(`keywords_${language}`)}
            <label for="examples_${language}">Exemple de întrebări: ${languageNames[language]}</label>
            <textarea id="examples_${language}" name="examples_${language}" rows="4" data-testid="examples-${language}">${(procedure.examples?.[language] ?? []).join('\n')}</textarea>
          </div>`,
        )}
      </div>
    </fieldset>
    ${linesInput('source', 'Surse', procedure.source, 'câte una pe rând (lege, HCL, pagină oficială)')}${problemNote('source')}
    ${linesInput('to_confirm', 'De confirmat', procedure.toConfirm, 'ce trebuie încă verificat; asistentul spune cetățeanului că aceste date se confirmă la ghișeu')}
    <p class="form-row"><label for="body">Textul explicativ (Markdown: română, apoi rezumat în maghiară)</label><textarea id="body" name="body" rows="12">${procedure.body}</textarea></p>
    <p class="actions"><button class="button" type="submit" data-testid="procedure-preview">Previzualizează</button></p>
  </form>`;
}

/** A blank procedure for "Procedură nouă": every field empty, the body laid out as the existing files. */
export function blankProcedure(slug: string, today: string): Procedure {
  const empty = { ro: '', hu: '', en: '' };
  return {
    slug,
    title: empty,
    department: 'registratura',
    requestType: 'cerere',
    legalBasis: [],
    deadline: { days: null, workingDays: false, text: empty },
    documents: [],
    fee: empty,
    where: empty,
    online: '',
    keywords: { ro: [], hu: [], en: [] },
    updated: today,
    source: [],
    toConfirm: [],
    body: '## Ce este\n\n\n\n## Acte necesare\n\n\n\n## Termen\n\n\n\n## Taxă\n\n\n\n## Magyarul röviden\n\n',
    file: `procedures/${slug}.md`,
  };
}
