import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../database/connection.ts';
import { AppError } from '../../errors.ts';
import { listUnansweredQuestions, teachQuestion, type TaughtAnswer } from '../../questions/unanswered-questions.ts';
import { setFlash, takeFlash, type SignedInClerk } from '../admin-sessions.ts';
import { questionsPage } from '../pages/questions-page.ts';

export interface QuestionsRouteContext {
  database: Database;
  townHallName: string;
  current(request: FastifyRequest): SignedInClerk;
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  /** The procedures that exist now, in the order the select offers them. */
  procedures(): { slug: string; title: string }[];
}

interface TeachBody {
  _csrf: string;
  slug?: string;
  action?: string;
}

const questionsPath = '/admin/questions';

/**
 * `/admin/questions`: the questions the bot could not answer, most asked first; a clerk links one to a
 * procedure or marks it out of scope (post/redirect/get, the outcome shown at the top of the list).
 * Registered inside the signed-in scope, whose hook has already checked the session and the CSRF token.
 */
export function registerQuestionsRoutes(scope: FastifyInstance, context: QuestionsRouteContext): void {
  const db = context.database;

  scope.get('/questions', async (request, reply) => {
    const { session, clerk } = context.current(request);
    const flash = await takeFlash(db, session);
    return context.sendPage(
      reply,
      200,
      questionsPage({ townHallName: context.townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash, questions: await listUnansweredQuestions(db), procedures: context.procedures() }),
    );
  });

  scope.post<{ Params: { id: string }; Body: TeachBody }>(
    '/questions/:id',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,12}$' } } },
        body: {
          type: 'object',
          required: ['_csrf', 'action'],
          properties: { _csrf: { type: 'string', maxLength: 100 }, slug: { type: 'string', maxLength: 200 }, action: { type: 'string', enum: ['teach', 'out-of-scope'] } },
        },
      },
    },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const procedures = context.procedures();
      const taught: TaughtAnswer = request.body.action === 'out-of-scope' ? { kind: 'out_of_scope' } : { kind: 'procedure', slug: request.body.slug ?? '' };
      try {
        const question = await teachQuestion(db, { id: Number(request.params.id), taught, clerkId: clerk.id, channel: 'web', knownSlugs: new Set(procedures.map((procedure) => procedure.slug)) }, new Date());
        request.log.info({ questionId: question.id, clerkId: clerk.id, taught }, 'unanswered question taught');
        const title = taught.kind === 'procedure' ? procedures.find((procedure) => procedure.slug === taught.slug)?.title : undefined;
        await setFlash(db, session.id, {
          kind: 'success',
          text: title ? `„${question.text}” primește de acum răspunsul procedurii „${title}”.` : `„${question.text}” primește de acum răspunsul „în afara competenței primăriei”.`,
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        await setFlash(db, session.id, { kind: 'error', text: error.code === 'FV_ERR_UNKNOWN_PROCEDURE' ? 'Alegeți o procedură din listă.' : 'Întrebarea nu mai există.' });
      }
      return reply.redirect(questionsPath, 303);
    },
  );
}
