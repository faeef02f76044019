import { and, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { firstRow, inTransaction, type Database } from '../../database/connection.ts';
import { clerks, ticketEvents } from '../../database/schema.ts';
import { listClerks } from '../../tickets/clerk-directory.ts';
import { setFlash, takeFlash } from '../admin-sessions.ts';
import { clerksPage } from '../pages/clerks-page.ts';
import type { AdminRouteContext } from './admin-context.ts';

// /admin/clerks: every signed-in clerk sees who the clerks are; a clerk with the editor right grants or
// takes away that right (the same right `functionar clerks add … --editor` gives). Each change is audited
// in ticket_events without a ticket. The town hall never ends up without an editor: the last one cannot
// give up the right.

const clerksPath = '/admin/clerks';

export type EditorRightOutcome = 'granted' | 'revoked' | 'unchanged' | 'last-editor' | 'unknown-clerk';

/** Sets the editor right of a clerk, audited, in one transaction (two editors clicking at once stay consistent). */
export function setEditorRight(db: Database, change: { clerkId: number; editor: boolean; byClerkId: number }, now: Date): Promise<EditorRightOutcome> {
  return inTransaction(db, async (transaction): Promise<EditorRightOutcome> => {
    const target = await firstRow(transaction.select().from(clerks).where(eq(clerks.id, change.clerkId)));
    if (!target) return 'unknown-clerk';
    if (target.editor === change.editor) return 'unchanged';
    if (!change.editor) {
      const otherEditor = await firstRow(
        transaction
          .select({ id: clerks.id })
          .from(clerks)
          .where(and(eq(clerks.editor, true), eq(clerks.active, true), ne(clerks.id, target.id)))
          .limit(1),
      );
      if (!otherEditor) return 'last-editor';
    }
    await transaction.update(clerks).set({ editor: change.editor }).where(eq(clerks.id, target.id));
    await transaction.insert(ticketEvents).values({
      ticketId: null,
      kind: change.editor ? 'editor_right_granted' : 'editor_right_revoked',
      actorType: 'clerk',
      actorId: String(change.byClerkId),
      channel: 'web',
      detail: { clerkId: target.id, clerkName: target.name },
      createdAt: now.toISOString(),
    });
    return change.editor ? 'granted' : 'revoked';
  });
}

export function registerClerksRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName } = context;

  scope.get('/clerks', async (request, reply) => {
    const { session, clerk } = context.current(request);
    const departmentNames = new Map(context.departments().map((department) => [department.id, department.name]));
    return context.sendPage(reply, 200, clerksPage({ townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash: await takeFlash(db, session), currentClerkId: clerk.id, canEdit: clerk.editor, clerks: await listClerks(db), departmentNames }));
  });

  scope.post<{ Params: { id: string }; Body: { _csrf: string; editor: 'on' | 'off' } }>(
    '/clerks/:id/editor',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,12}$' } } },
        body: { type: 'object', required: ['_csrf', 'editor'], properties: { _csrf: { type: 'string', maxLength: 100 }, editor: { type: 'string', enum: ['on', 'off'] } } },
      },
    },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      if (!clerk.editor) return context.sendError(request, reply, 403, 'Fără drept de editare', 'Doar un funcționar cu drept de editor poate da sau lua acest drept.');
      const clerkId = Number(request.params.id);
      const outcome = await setEditorRight(db, { clerkId, editor: request.body.editor === 'on', byClerkId: clerk.id }, new Date());
      if (outcome === 'unknown-clerk') return context.sendError(request, reply, 404, 'Nu există', 'Funcționarul nu există.');
      const name = (await firstRow(db.select({ name: clerks.name }).from(clerks).where(eq(clerks.id, clerkId))))?.name ?? '';
      if (outcome === 'granted' || outcome === 'revoked') request.log.info({ clerkId, byClerkId: clerk.id, outcome }, 'editor right changed');
      await setFlash(
        db,
        session.id,
        outcome === 'granted'
          ? { kind: 'success', text: `${name} poate de acum edita procedurile.` }
          : outcome === 'revoked'
            ? { kind: 'success', text: `${name} nu mai poate edita procedurile.` }
            : outcome === 'last-editor'
              ? { kind: 'error', text: `${name} este singurul editor activ: dați întâi dreptul de editor altui funcționar, apoi îl puteți lua.` }
              : { kind: 'success', text: `Nimic de schimbat: ${name} ${request.body.editor === 'on' ? 'are deja' : 'nu are'} dreptul de editor.` },
      );
      return reply.redirect(clerksPath, 303);
    },
  );
}
