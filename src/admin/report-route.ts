import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../database/connection.ts';
import type { AdminSessionRow } from '../database/schema.ts';
import { computeIndicators } from '../reports/indicators.ts';
import { localDate } from '../tickets/deadlines.ts';
import type { Flash, SignedInClerk } from './admin-sessions.ts';
import { reportPage } from './pages/report-page.ts';

export interface ReportRouteContext {
  database: Database;
  townHallName: string;
  current(request: FastifyRequest): SignedInClerk;
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  takeFlash(session: AdminSessionRow): Promise<Flash | undefined>;
  departmentName(id: string): string;
  procedureTitle(slug: string): string | undefined;
}

/** The first year offered in the year list: the service did not exist before. */
const firstYear = 2025;

/** `/admin/report`: the indicators of issue 8 as charts, for clerks and the mayor's office. */
export function registerReportRoute(scope: FastifyInstance, context: ReportRouteContext): void {
  scope.get<{ Querystring: { year?: string } }>(
    '/report',
    { schema: { querystring: { type: 'object', properties: { year: { type: 'string', pattern: '^[0-9]{4}$' } } } } },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const now = new Date();
      const currentYear = Number(localDate(now).slice(0, 4));
      const years = Array.from({ length: Math.max(1, currentYear - firstYear + 1) }, (_, index) => currentYear - index);
      const asked = Number(request.query.year ?? currentYear);
      const year = asked >= firstYear && asked <= currentYear ? asked : currentYear;
      const indicators = await computeIndicators(context.database, { year, now, titleOf: context.procedureTitle });
      return context.sendPage(
        reply,
        200,
        reportPage({
          townHallName: context.townHallName,
          clerkName: clerk.name,
          csrfToken: session.csrfToken,
          flash: await context.takeFlash(session),
          indicators,
          years: years.includes(year) ? years : [year, ...years],
          departmentName: context.departmentName,
        }),
      );
    },
  );
}
