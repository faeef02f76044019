import type { FastifyInstance } from 'fastify';
import { takeFlash } from '../admin-sessions.ts';
import { inboxPageSize, inboxTickets, openedTicketIds, parseInboxFilters, type InboxQueryString } from '../inbox-query.ts';
import { inboxPage } from '../pages/inbox-page.ts';
import { listClerks } from '../../tickets/clerk-directory.ts';
import { localDate } from '../../tickets/deadlines.ts';
import type { AdminRouteContext } from './admin-context.ts';

/** `/admin/`: the ticket list with its filters, in the signed-in scope. */
export function registerInboxRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName } = context;
  scope.get<{ Querystring: InboxQueryString }>(
    '/',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', maxLength: 40 },
            department: { type: 'string', maxLength: 40 },
            assignee: { type: 'string', maxLength: 20 },
            overdue: { type: 'string', maxLength: 5 },
            // Longer input is cut to the search's maximum, not refused: a pasted sentence still searches.
            q: { type: 'string', maxLength: 1000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const now = new Date();
      const departmentList = context.departments();
      const filters = parseInboxFilters(request.query, departmentList.map((department) => department.id));
      const tickets = await inboxTickets(db, filters, clerk, now);
      return context.sendPage(
        reply,
        200,
        inboxPage({
          townHallName,
          clerk,
          csrfToken: session.csrfToken,
          flash: await takeFlash(db, session),
          filters,
          tickets,
          opened: await openedTicketIds(db, tickets.slice(0, inboxPageSize).map((ticket) => ticket.id)),
          departments: departmentList,
          clerks: await listClerks(db),
          today: localDate(now),
        }),
      );
    },
  );
}
