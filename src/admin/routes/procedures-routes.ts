import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, gte, isNotNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clerks, messages, unansweredQuestions } from '../../database/schema.ts';
import { renderProcedureCard, renderTownHallFact } from '../../knowledge/answer-cards.ts';
import type { KnowledgeBase, Procedure } from '../../knowledge/knowledge-base.ts';
import { formatProblem, parseKnowledgeFile, type KnowledgeProblem } from '../../knowledge/knowledge-loader.ts';
import { procedureToMarkdown } from '../../knowledge/knowledge-writer.ts';
import { languages, type Language } from '../../language.ts';
import { sourcesOf, type MessagePart } from '../../messages.ts';
import { setFlash, takeFlash } from '../admin-sessions.ts';
import { blankProcedure, checkProcedure, procedureFromForm, type FormProblem, type ProcedureFormFields } from '../pages/procedures-form.ts';
import { editableFiles, knowledgeHistoryPage, procedureEditPage, procedurePreviewPage, proceduresListPage, rawFilePage, townHallPreview, type EditableFileName, type ExampleCheck, type PreviewAnswer } from '../pages/procedures-pages.ts';
import type { AdminRouteContext } from './admin-context.ts';
import { changedLines, findVersion, publishKnowledgeFile, readKnowledgeFile, recordDiskChanges, unpublishedDirectory, versionsOf } from './procedures-publishing.ts';

// /admin/procedures and /admin/knowledge: the town hall edits its own knowledge. Only clerks with the
// editor right get past this scope's hook (403 otherwise); the signed-in scope already checked the
// session and the CSRF token. Every publish writes the file, keeps the version, is audited and reloads
// the running knowledge base before the clerk is redirected.

const dayMs = 86_400_000;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Knowledge files are up to ~40 KB of UTF-8; form-encoded they triple. */
const knowledgeBodyLimit = 1024 * 1024;
const formBody = { type: 'object', required: ['_csrf'], additionalProperties: { type: 'string', maxLength: 300_000 }, maxProperties: 600 } as const;
const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: '^(?:new|[a-z0-9]+(?:-[a-z0-9]+)*)$', maxLength: 100 } } } as const;
const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', enum: Object.keys(editableFiles) } } } as const;

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function procedureFile(slug: string): string {
  return path.join('procedures', `${slug}.md`);
}

/** The bot's procedure answers of the last 30 days, counted per cited slug (messages keep their sources). */
async function askedCounts(context: AdminRouteContext, now: Date): Promise<Map<string, number>> {
  const rows = await context.database
    .select({ parts: messages.parts })
    .from(messages)
    .where(and(eq(messages.author, 'bot'), isNotNull(messages.parts), gte(messages.createdAt, new Date(now.getTime() - 30 * dayMs).toISOString())));
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const slug of new Set(sourcesOf(row.parts as MessagePart[] | null).map((source) => source.slug))) counts.set(slug, (counts.get(slug) ?? 0) + 1);
  }
  return counts;
}

/**
 * Refused near a procedure (an approximation, documented in docs/procedure-editor.md): the questions of
 * the last 30 days the bot could not answer that, searched now by keywords and text, have it among the
 * candidates. At most the 200 most recent, each counted by how often it was asked.
 */
async function refusedNearCounts(context: AdminRouteContext, knowledge: KnowledgeBase, now: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const first = knowledge.procedures()[0];
  if (!first) return counts;
  const rows = await context.database
    .select()
    .from(unansweredQuestions)
    .where(gte(unansweredQuestions.lastAskedAt, new Date(now.getTime() - 30 * dayMs).toISOString()))
    .orderBy(desc(unansweredQuestions.lastAskedAt), desc(unansweredQuestions.id))
    .limit(200);
  const retrieve = knowledge.draftRetrieval(first);
  for (const row of rows) {
    const language = (languages as readonly string[]).includes(row.language) ? (row.language as Language) : 'ro';
    const retrieval = await retrieve(row.text, language);
    for (const candidate of retrieval.candidates.slice(0, 3)) counts.set(candidate.procedure.slug, (counts.get(candidate.procedure.slug) ?? 0) + row.count);
  }
  return counts;
}

/** Recent citizen questions that would find this draft first (the preview's "who would now get it"). */
async function recentQuestionsFor(context: AdminRouteContext, knowledge: KnowledgeBase, draft: Procedure): Promise<string[]> {
  const rows = await context.database.select({ text: messages.text }).from(messages).where(eq(messages.author, 'citizen')).orderBy(desc(messages.id)).limit(200);
  const retrieve = knowledge.draftRetrieval(draft);
  const found: string[] = [];
  for (const { text } of rows) {
    if (text.length < 6 || text.length > 300 || found.includes(text)) continue;
    for (const language of ['ro', 'hu'] as const) {
      const retrieval = await retrieve(text, language);
      if (retrieval.decision !== 'out_of_scope' && retrieval.candidates[0]?.procedure.slug === draft.slug) {
        found.push(text);
        break;
      }
    }
    if (found.length === 5) break;
  }
  return found;
}

/**
 * The clerk's example questions, each run through retrieval as if the draft were published: which
 * procedure it finds first (a quick check that the keywords work; the examples themselves do not score).
 */
async function exampleChecks(knowledge: KnowledgeBase, draft: Procedure): Promise<ExampleCheck[]> {
  if (!draft.examples) return [];
  const retrieve = knowledge.draftRetrieval(draft);
  const checks: ExampleCheck[] = [];
  for (const language of languages) {
    for (const question of draft.examples[language]) {
      const retrieval = await retrieve(question, language);
      const top = retrieval.decision === 'out_of_scope' ? undefined : retrieval.candidates[0]?.procedure;
      checks.push({ language, question, ...(top ? { foundSlug: top.slug, foundTitle: top.slug === draft.slug ? draft.title.ro : top.title.ro } : {}) });
    }
  }
  return checks;
}

async function previewAnswers(knowledge: KnowledgeBase, draft: Procedure): Promise<PreviewAnswer[]> {
  const retrieve = knowledge.draftRetrieval(draft);
  const answers: PreviewAnswer[] = [];
  for (const language of languages) {
    // The sample question: the first keyword a citizen types, else the title.
    const question = draft.keywords[language][0] ?? draft.title[language];
    const retrieval = await retrieve(question, language);
    const top = retrieval.candidates[0]?.procedure;
    answers.push(
      top?.slug === draft.slug || retrieval.candidates.some((candidate) => candidate.procedure.slug === draft.slug)
        ? { language, question, card: renderProcedureCard(draft, language) }
        : { language, question, card: undefined, ...(top ? { foundInstead: top.title.ro } : {}) },
    );
  }
  return answers;
}

function fileProblems(content: string, file: string): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  parseKnowledgeFile(content, file, problems);
  return problems;
}

export function registerProcedureRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const db = context.database;
  const knowledge = context.answering.knowledge;

  // Changes made by hand on the server become `disk` versions of the history.
  if (knowledge) {
    const unsubscribe = knowledge.onReloaded((reload) => {
      if (reload.trigger !== 'disk') return;
      recordDiskChanges(db, knowledge.knowledgeDirectory(), reload.files, new Date()).catch((error: unknown) =>
        scope.log.warn({ err: error, files: reload.files }, 'knowledge history: a change made on disk could not be recorded'),
      );
    });
    scope.addHook('onClose', async () => {
      unsubscribe();
    });
  }

  void scope.register(async (editorScope) => {
    editorScope.addHook('preHandler', async (request, reply) => {
      const { clerk } = context.current(request);
      if (!clerk.editor) return context.sendError(request, reply, 403, 'Fără drept de editare', 'Editarea procedurilor cere dreptul de editor. Îl dă administratorul: functionar clerks add … --editor.');
      if (!knowledge) return context.sendError(request, reply, 503, 'Cunoștințe indisponibile', 'Baza de cunoștințe nu este încărcată.');
    });
    const kb = (): KnowledgeBase => knowledge!;
    const shellOf = async (request: FastifyRequest) => {
      const { session, clerk } = context.current(request);
      return { townHallName: context.townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash: await takeFlash(db, session) };
    };
    const departmentNames = () => new Map(context.departments().map((department) => [department.id, department.name]));
    const clerkNames = async () => new Map((await db.select({ id: clerks.id, name: clerks.name }).from(clerks)).map((row) => [row.id, row.name]));

    editorScope.get('/procedures', async (request, reply) => {
      const now = new Date();
      const asked = await askedCounts(context, now);
      const refused = await refusedNearCounts(context, kb(), now);
      const names = departmentNames();
      const items = kb()
        .procedures()
        .sort((left, right) => left.title.ro.localeCompare(right.title.ro, 'ro'))
        .map((procedure) => ({ procedure, departmentName: names.get(procedure.department) ?? procedure.department, askedLast30Days: asked.get(procedure.slug) ?? 0, refusedNear: refused.get(procedure.slug) ?? 0 }));
      const hidden = path.join(kb().knowledgeDirectory(), unpublishedDirectory);
      const unpublished = fs.existsSync(hidden) ? fs.readdirSync(hidden).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3)).filter((slug) => !kb().procedure(slug)) : [];
      return context.sendPage(reply, 200, proceduresListPage({ ...(await shellOf(request)), items, unpublished }));
    });

    editorScope.get<{ Params: { slug: string } }>('/procedures/:slug', { schema: { params: slugParams } }, async (request, reply) => {
      const { slug } = request.params;
      if (slug === 'new') return context.sendPage(reply, 200, procedureEditPage({ ...(await shellOf(request)), procedure: blankProcedure('', today(new Date())), isNew: true, problems: [], departmentNames: departmentNames() }));
      const procedure = kb().procedure(slug);
      if (!procedure) return context.sendError(request, reply, 404, 'Nu există', 'Procedura nu există sau a fost retrasă (vedeți istoricul ei).');
      return context.sendPage(reply, 200, procedureEditPage({ ...(await shellOf(request)), procedure, isNew: false, problems: [], departmentNames: departmentNames() }));
    });

    editorScope.post<{ Params: { slug: string }; Body: ProcedureFormFields }>('/procedures/:slug/preview', { schema: { params: slugParams, body: formBody }, bodyLimit: knowledgeBodyLimit }, async (request, reply) => {
      const isNew = request.params.slug === 'new';
      const slug = isNew ? String(request.body.slug ?? '').trim() : request.params.slug;
      const existing = isNew ? undefined : kb().procedure(slug);
      if (!isNew && !existing) return context.sendError(request, reply, 404, 'Nu există', 'Procedura nu există.');
      const file = existing?.file ?? procedureFile(slug);
      const draft = procedureFromForm(request.body, { slug, file, updated: today(new Date()) });
      if (isNew && draft.body === '') draft.body = blankProcedure(slug, draft.updated).body;
      const problems: FormProblem[] = checkProcedure(draft);
      if (isNew && !slugPattern.test(slug)) problems.unshift({ field: 'slug', message: 'Identificatorul: litere mici fără diacritice și cratime, de ex. „autorizatie-foraj”.', severity: 'error' });
      else if (isNew && (kb().procedure(slug) || readKnowledgeFile(kb().knowledgeDirectory(), file) !== undefined)) problems.unshift({ field: 'slug', message: 'Există deja o procedură cu acest identificator.', severity: 'error' });
      const content = procedureToMarkdown(draft);
      // The loader's own check (the zod schema): what it refuses would be skipped at the next start.
      if (!problems.some((problem) => problem.severity === 'error')) {
        for (const problem of fileProblems(content, file).filter((candidate) => candidate.severity === 'error')) problems.push({ field: 'file', message: formatProblem(problem), severity: 'error' });
      }
      const blocked = problems.some((problem) => problem.severity === 'error');
      const before = readKnowledgeFile(kb().knowledgeDirectory(), file) ?? '';
      const { removed, added } = changedLines(before, content);
      return context.sendPage(
        reply,
        blocked ? 400 : 200,
        procedurePreviewPage({
          ...(await shellOf(request)),
          procedure: draft,
          isNew,
          problems,
          answers: blocked ? [] : await previewAnswers(kb(), draft),
          recentQuestions: blocked ? [] : await recentQuestionsFor(context, kb(), draft),
          examples: blocked ? [] : await exampleChecks(kb(), draft),
          content,
          removed,
          added,
          departmentNames: departmentNames(),
        }),
      );
    });

    editorScope.post<{ Params: { slug: string }; Body: { content?: string; summary?: string; isNew?: string } }>(
      '/procedures/:slug/publish',
      { schema: { params: slugParams, body: formBody }, bodyLimit: knowledgeBodyLimit },
      async (request, reply) => {
        const { slug } = request.params;
        const { clerk, session } = context.current(request);
        const file = procedureFile(slug);
        const content = String(request.body.content ?? '');
        const problems = fileProblems(content, file);
        const parsed = parseKnowledgeFile(content, file, []);
        if (slug === 'new' || problems.some((problem) => problem.severity === 'error') || parsed.kind !== 'procedure' || parsed.procedure.slug !== slug) {
          return context.sendError(request, reply, 400, 'Nu s-a publicat', `Procedura nu este validă: ${problems.map(formatProblem).join('; ') || 'identificatorul nu se potrivește'}. Previzualizați din nou.`);
        }
        const exists = readKnowledgeFile(kb().knowledgeDirectory(), file) !== undefined;
        const action = exists ? 'publish' : (await versionsOf(db, file)).length > 0 ? 'restore' : 'create';
        const version = await publishKnowledgeFile(db, kb(), { file, content, action, summary: String(request.body.summary ?? '').trim(), clerkId: clerk.id }, new Date());
        request.log.info({ file, versionId: version.id, clerkId: clerk.id, action }, 'knowledge file published');
        await setFlash(db, session.id, { kind: 'success', text: `„${parsed.procedure.title.ro}” a fost publicată; asistentul răspunde de acum cu textul nou.` });
        return reply.redirect(`/admin/procedures/${slug}`, 303);
      },
    );

    editorScope.post<{ Params: { slug: string } }>('/procedures/:slug/unpublish', { schema: { params: slugParams, body: formBody } }, async (request, reply) => {
      const { slug } = request.params;
      const { clerk, session } = context.current(request);
      const procedure = kb().procedure(slug);
      if (!procedure) return context.sendError(request, reply, 404, 'Nu există', 'Procedura nu este publicată.');
      await publishKnowledgeFile(db, kb(), { file: procedure.file, content: '', action: 'unpublish', summary: 'retrasă', clerkId: clerk.id }, new Date());
      await setFlash(db, session.id, { kind: 'success', text: `„${procedure.title.ro}” a fost retrasă; o puteți readuce din istoric.` });
      return reply.redirect('/admin/procedures', 303);
    });

    const historyPage = async (request: FastifyRequest, title: string, file: string, restoreBase: string, editLink: string) => {
      const names = await clerkNames();
      const versions = await versionsOf(db, file);
      return knowledgeHistoryPage({
        ...(await shellOf(request)),
        title,
        file,
        restoreBase,
        editLink,
        versions: versions.map((version, index) => {
          const older = versions[index + 1]?.content ?? '';
          const { removed, added } = changedLines(older, version.content);
          return { ...version, ...(version.publishedByClerkId ? { clerkName: names.get(version.publishedByClerkId) } : {}), removed: removed.length, added: added.length };
        }),
      });
    };

    editorScope.get<{ Params: { slug: string } }>('/procedures/:slug/history', { schema: { params: slugParams } }, async (request, reply) => {
      const { slug } = request.params;
      const title = kb().procedure(slug)?.title.ro ?? slug;
      return context.sendPage(reply, 200, await historyPage(request, title, procedureFile(slug), `/admin/procedures/${slug}/restore`, kb().procedure(slug) ? `/admin/procedures/${slug}` : '/admin/procedures'));
    });

    const restore = async (request: FastifyRequest, file: string, versionId: number) => {
      const { clerk, session } = context.current(request);
      const version = await findVersion(db, file, versionId);
      if (!version || version.content === '') return false;
      const problems = fileProblems(version.content, file).filter((problem) => problem.severity === 'error');
      if (problems.length > 0) {
        await setFlash(db, session.id, { kind: 'error', text: `Versiunea nu mai este validă: ${problems.map(formatProblem).join('; ')}` });
        return true;
      }
      await publishKnowledgeFile(db, kb(), { file, content: version.content, action: 'restore', summary: `restaurată versiunea ${version.id}`, clerkId: clerk.id }, new Date());
      await setFlash(db, session.id, { kind: 'success', text: `Versiunea din ${version.publishedAt.slice(0, 16).replace('T', ' ')} a fost restaurată și publicată.` });
      return true;
    };

    editorScope.post<{ Params: { slug: string; id: string } }>(
      '/procedures/:slug/restore/:id',
      { schema: { params: { type: 'object', required: ['slug', 'id'], properties: { slug: slugParams.properties.slug, id: { type: 'string', pattern: '^[0-9]{1,12}$' } } }, body: formBody } },
      async (request, reply) => {
        const { slug, id } = request.params;
        if (!(await restore(request, procedureFile(slug), Number(id)))) return context.sendError(request, reply, 404, 'Nu există', 'Versiunea nu există.');
        return reply.redirect(`/admin/procedures/${slug}/history`, 303);
      },
    );

    // ---- town-hall.md, life-events.md, out-of-scope.md: the raw file, checked by the loader's schemas ----
    editorScope.get<{ Params: { name: EditableFileName } }>('/knowledge/:name', { schema: { params: nameParams } }, async (request, reply) => {
      const content = readKnowledgeFile(kb().knowledgeDirectory(), editableFiles[request.params.name]) ?? '';
      return context.sendPage(reply, 200, rawFilePage({ ...(await shellOf(request)), name: request.params.name, content, problems: [], canPublish: false }));
    });

    editorScope.post<{ Params: { name: EditableFileName }; Body: { content?: string; summary?: string; intent?: string } }>(
      '/knowledge/:name/preview',
      { schema: { params: nameParams, body: formBody }, bodyLimit: knowledgeBodyLimit },
      async (request, reply) => {
        const { name } = request.params;
        const file = editableFiles[name];
        const { clerk, session } = context.current(request);
        const content = String(request.body.content ?? '').replace(/\r\n?/g, '\n');
        const problems: KnowledgeProblem[] = [];
        const parsed = parseKnowledgeFile(content, file, problems);
        const expectedKind = name === 'town-hall' ? 'town-hall' : name;
        if (parsed.kind !== expectedKind && !problems.some((problem) => problem.severity === 'error')) problems.push({ file, line: 1, message: `kind: must be "${expectedKind}"`, severity: 'error' });
        const blocked = problems.some((problem) => problem.severity === 'error');
        if (!blocked && request.body.intent === 'publish') {
          await publishKnowledgeFile(db, kb(), { file, content, action: 'publish', summary: String(request.body.summary ?? '').trim(), clerkId: clerk.id }, new Date());
          await setFlash(db, session.id, { kind: 'success', text: `${file} a fost publicat; asistentul folosește de acum textul nou.` });
          return reply.redirect(`/admin/knowledge/${name}`, 303);
        }
        const preview =
          !blocked && parsed.kind === 'town-hall'
            ? townHallPreview(languages.map((language) => ({ language, text: renderTownHallFact('hours', parsed.townHall, language) })))
            : undefined;
        return context.sendPage(
          reply,
          blocked ? 400 : 200,
          rawFilePage({ ...(await shellOf(request)), name, content, problems: problems.map((problem) => ({ ...(problem.line ? { line: problem.line } : {}), message: problem.message, severity: problem.severity })), ...(preview ? { preview } : {}), canPublish: !blocked }),
        );
      },
    );

    editorScope.get<{ Params: { name: EditableFileName } }>('/knowledge/:name/history', { schema: { params: nameParams } }, async (request, reply) => {
      const { name } = request.params;
      return context.sendPage(reply, 200, await historyPage(request, editableFiles[name], editableFiles[name], `/admin/knowledge/${name}/restore`, `/admin/knowledge/${name}`));
    });

    editorScope.post<{ Params: { name: EditableFileName; id: string } }>(
      '/knowledge/:name/restore/:id',
      { schema: { params: { type: 'object', required: ['name', 'id'], properties: { name: nameParams.properties.name, id: { type: 'string', pattern: '^[0-9]{1,12}$' } } }, body: formBody } },
      async (request, reply) => {
        const { name, id } = request.params;
        if (!(await restore(request, editableFiles[name], Number(id)))) return context.sendError(request, reply, 404, 'Nu există', 'Versiunea nu există.');
        return reply.redirect(`/admin/knowledge/${name}/history`, 303);
      },
    );
  });
}

