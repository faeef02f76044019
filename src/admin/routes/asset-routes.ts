import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AdminRouteContext } from './admin-context.ts';

const assetDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const assets: Record<string, { file: string; type: string }> = {
  'admin.css': { file: 'admin.css', type: 'text/css; charset=utf-8' },
  'admin.js': { file: 'admin.js', type: 'application/javascript; charset=utf-8' },
};

/** `/admin/assets/:file`: the inbox's one stylesheet and one script, read once at start. */
export function registerAssetRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const assetBodies = Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, fs.readFileSync(path.join(assetDirectory, asset.file))]));
  scope.get<{ Params: { file: string } }>(
    '/assets/:file',
    { schema: { params: { type: 'object', required: ['file'], properties: { file: { type: 'string', enum: Object.keys(assets) } } } } },
    async (request, reply) => {
      const asset = assets[request.params.file];
      const body = assetBodies[request.params.file];
      if (!asset || !body) return context.sendError(request, reply, 404, 'Pagina nu există', 'Fișierul nu există.');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(body);
    },
  );
}
