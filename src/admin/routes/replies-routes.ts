import type { FastifyInstance } from 'fastify';
import { isLanguage } from '../../language.ts';
import { setFlash, takeFlash } from '../admin-sessions.ts';
import { repliesPage } from '../pages/replies-page.ts';
import { replyMaximumLength } from '../pages/ticket-page.ts';
import { addSavedReply, deleteSavedReply, listSavedReplies, savedReplyTitleMaximumLength } from '../saved-replies.ts';
import type { AdminRouteContext } from './admin-context.ts';

interface AddBody {
  _csrf: string;
  language?: string;
  department?: string;
  title?: string;
  text?: string;
}

const repliesPath = '/admin/replies';

/**
 * `/admin/replies`: saved replies, managed by any signed-in clerk (post/redirect/get; the signed-in
 * scope's hook has checked the session and the CSRF token).
 */
export function registerRepliesRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName } = context;

  scope.get('/replies', async (request, reply) => {
    const { session, clerk } = context.current(request);
    return context.sendPage(
      reply,
      200,
      repliesPage({ townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash: await takeFlash(db, session), replies: await listSavedReplies(db), departments: context.departments() }),
    );
  });

  scope.post<{ Body: AddBody }>(
    '/replies',
    {
      schema: {
        body: {
          type: 'object',
          required: ['_csrf'],
          properties: {
            _csrf: { type: 'string', maxLength: 100 },
            language: { type: 'string', maxLength: 5 },
            department: { type: 'string', maxLength: 40 },
            title: { type: 'string', maxLength: savedReplyTitleMaximumLength + 50 },
            text: { type: 'string', maxLength: replyMaximumLength + 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const title = (request.body.title ?? '').trim();
      const text = (request.body.text ?? '').replace(/\r\n?/g, '\n').trim();
      const department = request.body.department ?? '';
      const language = request.body.language;
      const error = !isLanguage(language)
        ? 'Alegeți limba răspunsului.'
        : department !== '' && !context.departments().some((known) => known.id === department)
          ? 'Alegeți un compartiment din listă.'
          : !title || !text
            ? 'Scrieți titlul și textul răspunsului.'
            : title.length > savedReplyTitleMaximumLength || text.length > replyMaximumLength
              ? `Titlul are cel mult ${savedReplyTitleMaximumLength} caractere, textul cel mult ${replyMaximumLength}.`
              : undefined;
      if (error || !isLanguage(language)) {
        await setFlash(db, session.id, { kind: 'error', text: error ?? 'Alegeți limba răspunsului.' });
        return reply.redirect(repliesPath, 303);
      }
      const saved = await addSavedReply(db, { department, language, title, text });
      request.log.info({ savedReplyId: saved.id, clerkId: clerk.id }, 'saved reply added');
      await setFlash(db, session.id, { kind: 'success', text: `Răspunsul „${title}” a fost salvat.` });
      return reply.redirect(repliesPath, 303);
    },
  );

  scope.post<{ Params: { id: string }; Body: { _csrf: string } }>(
    '/replies/:id/delete',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,12}$' } } },
        body: { type: 'object', required: ['_csrf'], properties: { _csrf: { type: 'string', maxLength: 100 } } },
      },
    },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const deleted = await deleteSavedReply(db, Number(request.params.id));
      if (deleted) request.log.info({ savedReplyId: Number(request.params.id), clerkId: clerk.id }, 'saved reply deleted');
      await setFlash(db, session.id, deleted ? { kind: 'success', text: 'Răspunsul salvat a fost șters.' } : { kind: 'error', text: 'Răspunsul nu mai există.' });
      return reply.redirect(repliesPath, 303);
    },
  );
}
