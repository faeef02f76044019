import type { FastifyInstance } from 'fastify';
import { takeFlash } from '../admin-sessions.ts';
import { registerReportRoute } from '../report-route.ts';
import type { AdminRouteContext } from './admin-context.ts';

/** `/admin/report`: the indicators, in the signed-in scope (the page itself is in report-route.ts). */
export function registerReportRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName, answering, current, sendPage } = context;
  const departments = context.departments;
  registerReportRoute(scope, {
    database: db,
    townHallName,
    current,
    sendPage,
    takeFlash: (session) => takeFlash(db, session),
    departmentName: (id) => departments().find((department) => department.id === id)?.name ?? id,
    procedureTitle: (slug) => answering.knowledge?.procedure(slug)?.title.ro,
  });
}
