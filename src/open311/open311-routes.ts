import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { isLanguage, type Language } from '../language.ts';
import { staffChatsOf } from '../gateway/channel-contract.ts';
import { matchApiKey } from './api-keys.ts';
import { endpointUrl } from './endpoint-url.ts';
import { open311DeliveryAdapter } from './open311-delivery.ts';
import { badField, listingNeedsKey, missingApiKey, unknownRequest, unknownService } from './open311-errors.ts';
import { requestToken, ticketIdOfToken } from './request-tokens.ts';
import { findOpen311Procedure, open311Services } from './service-catalog.ts';
import {
  createServiceRequest,
  findServiceRequests,
  open311Channel,
  parseServiceRequestId,
  serviceRequestId,
  toServiceRequestView,
  type NewServiceRequest,
  type ServiceRequestQuery,
  type ViewOptions,
} from './service-requests.ts';
import type { TicketRow } from '../database/schema.ts';
import { listToXml, objectToXml } from './xml.ts';
import { UnavailableError } from '../errors.ts';

// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) at /open311/v2/: JSON and XML, errors as the
// spec's list of {code, description}. POST needs an api_key from OPEN311_API_KEYS. Reads follow
// OPEN311_READ_ACCESS: "token" (default) gives each request an unguessable service_request_id that reads
// it without a key, while listing and reading by registration number N-YYYY need the api_key; "open"
// lets anyone list and read by number. Free text is published as OPEN311_PUBLISH says (publication.ts).

type Format = 'json' | 'xml';
const formats: Format[] = ['json', 'xml'];
const prefix = '/open311/v2';
const defaultWindowDays = 90;
const maximumResults = 1000;

type Fields = Record<string, unknown>;

function formatOf(request: FastifyRequest): Format {
  return /\.xml(?:\?|$)/.test(request.url) ? 'xml' : 'json';
}

function send(reply: FastifyReply, format: Format, body: object, xml: () => string): FastifyReply {
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(xml());
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function sendErrors(reply: FastifyReply, format: Format, status: number, description: string): FastifyReply {
  const errors = [{ code: status, description }];
  return send(reply.code(status), format, errors, () => listToXml('errors', 'error', errors));
}

/** A single text value: repeated form fields and objects are bad input, numbers from JSON bodies are fine. */
function textField(fields: Fields, name: string, maximum = 500): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw badField(`${name} must be a single value`);
  const text = String(value).trim();
  if (text.length > maximum) throw badField(`${name} is longer than ${maximum} characters`);
  return text === '' ? undefined : text;
}

function numberField(fields: Fields, name: string, minimum: number, maximum: number): number | undefined {
  const text = textField(fields, name, 40);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < minimum || value > maximum) throw badField(`${name} must be a number between ${minimum} and ${maximum}`);
  return value;
}

function listField(fields: Fields, name: string): string[] | undefined {
  const text = textField(fields, name, 4000);
  return text?.split(',').map((item) => item.trim()).filter(Boolean);
}

function dateField(fields: Fields, name: string): string | undefined {
  const text = textField(fields, name, 40);
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw badField(`${name} must be an ISO 8601 date, e.g. 2026-03-01T00:00:00Z`);
  }
  return new Date(text).toISOString();
}

function languageOf(fields: Fields): Language {
  const locale = textField(fields, 'locale', 10)?.slice(0, 2).toLowerCase();
  return isLanguage(locale) ? locale : 'ro';
}

const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,24}$/;

/** A request id as a client may present it: our token, or the registration number where allowed. */
function resolveRequestIds(texts: string[], dataDirectory: string, numbersAllowed: boolean): Pick<ServiceRequestQuery, 'ids' | 'ticketIds'> {
  const ids: { number: number; year: number }[] = [];
  const ticketIds: number[] = [];
  for (const text of texts) {
    const ticketId = ticketIdOfToken(dataDirectory, text.trim());
    if (ticketId !== undefined) ticketIds.push(ticketId);
    const number = numbersAllowed ? parseServiceRequestId(text) : undefined;
    if (number) ids.push(number);
  }
  return { ids, ticketIds };
}

export async function open311Routes(app: FastifyInstance): Promise<void> {
  const { functionar } = app;
  const { config, database } = functionar;
  if (!functionar.channels.has(open311Channel)) functionar.channels.set(open311Channel, open311DeliveryAdapter);
  const openReads = config.open311.readAccess === 'open';
  const publicId = (ticket: TicketRow) => (openReads ? serviceRequestId(ticket) : requestToken(config.dataDirectory, ticket.id));
  const viewOptions = (): ViewOptions => ({ knowledge: functionar.answering.knowledge, townHallName: config.townHallName, publish: config.open311.publish, publicId });
  /** The public view of each request found, in the order found. */
  const viewsOf = async (rows: Awaited<ReturnType<typeof findServiceRequests>>) => {
    const views = [];
    for (const row of rows) views.push(await toServiceRequestView(database.db, row, viewOptions()));
    return views;
  };
  /** A registered client (api_key in the query) may list and use registration numbers whatever the access mode. */
  const hasReadKey = (request: FastifyRequest) => Boolean(matchApiKey(config.open311.apiKeys, textField(request.query as Fields, 'api_key', 200)));

  const knowledge = () => {
    const base = functionar.answering.knowledge;
    if (!base) throw new UnavailableError('FV_ERR_KNOWLEDGE_UNAVAILABLE', 'The knowledge base is not loaded');
    return base;
  };

  await app.register(
    async (scope) => {
      // Form bodies only here: the spec posts application/x-www-form-urlencoded; the rest of the app speaks JSON.
      await scope.register(formbody);

      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const format = formatOf(request);
        if (error instanceof AppError) {
          if (error.statusCode >= 500) request.log.error({ err: error }, 'open311 request failed');
          return sendErrors(reply, format, error.statusCode, error.message);
        }
        if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendErrors(reply, format, error.statusCode, error.message);
        request.log.error({ err: error }, 'open311 request failed');
        return sendErrors(reply, format, 500, 'Internal error; the request was logged.');
      });
      scope.setNotFoundHandler((request, reply) => sendErrors(reply, formatOf(request), 404, `No Open311 resource ${request.method} ${request.url.split('?')[0]}`));

      for (const format of formats) {
        scope.get(`/discovery.${format}`, async (request, reply) => {
          const base = endpointUrl(request, config.publicUrl, prefix, `localhost:${config.port}`);
          const discovery = {
            changeset: '2026-01-01T00:00:00Z',
            contact: `${config.townHallName}${knowledge().townHall().email ? `, ${knowledge().townHall().email}` : ''}`,
            key_service: 'Cheile API se cer primăriei; administratorul le pune în OPEN311_API_KEYS.',
            endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset: '2026-01-01T00:00:00Z', type: 'production', formats: ['application/json', 'text/xml'] }],
          };
          return send(reply, format, discovery, () => objectToXml('discovery', discovery));
        });

        scope.get(`/services.${format}`, async (request, reply) => {
          const services = open311Services(knowledge(), languageOf(request.query as Fields));
          return send(reply, format, services, () => listToXml('services', 'service', services));
        });

        scope.get(`/requests.${format}`, async (request, reply) => {
          const fields = request.query as Fields;
          const ids = listField(fields, 'service_request_id');
          const query: ServiceRequestQuery = { limit: maximumResults };
          const keyed = openReads || hasReadKey(request);
          if (ids) {
            Object.assign(query, resolveRequestIds(ids, config.dataDirectory, keyed));
          } else {
            if (!keyed) throw listingNeedsKey();
            query.serviceCodes = listField(fields, 'service_code');
            query.startDate = dateField(fields, 'start_date');
            query.endDate = dateField(fields, 'end_date');
            // The spec's default window: the last 90 days when no date is given.
            if (!query.startDate && !query.endDate) query.startDate = new Date(Date.now() - defaultWindowDays * 86_400_000).toISOString();
            const statuses = listField(fields, 'status');
            if (statuses?.some((status) => status !== 'open' && status !== 'closed')) throw badField('status must be open, closed or both');
            query.statuses = statuses as ServiceRequestQuery['statuses'];
          }
          const views = await viewsOf(await findServiceRequests(database.db, query));
          return send(reply, format, views, () => listToXml('service_requests', 'request', views));
        });

        scope.post(`/requests.${format}`, async (request, reply) => {
          const fields = (request.body ?? {}) as Fields;
          if (typeof fields !== 'object' || Array.isArray(fields)) throw badField('the body must be form fields');
          const client = matchApiKey(config.open311.apiKeys, textField(fields, 'api_key', 200));
          if (!client) throw missingApiKey();
          const serviceCode = textField(fields, 'service_code', 100);
          if (!serviceCode) throw badField('service_code was not provided');
          const procedure = findOpen311Procedure(knowledge(), serviceCode);
          if (!procedure) throw unknownService(serviceCode);
          const latitude = numberField(fields, 'lat', -90, 90);
          const longitude = numberField(fields, 'long', -180, 180);
          if ((latitude === undefined) !== (longitude === undefined)) throw badField('lat and long must be given together');
          const address = textField(fields, 'address_string', 300) ?? textField(fields, 'address_id', 100);
          if (latitude === undefined && !address) throw badField('a location is required: lat and long, or address_string');
          // Optional in GeoReport v2: a client may send only the service and the location (the ticket then reads as the service's name).
          const description = textField(fields, 'description', 4000);
          const email = textField(fields, 'email', 254)?.toLowerCase();
          if (email && !emailPattern.test(email)) throw badField('email is not a valid address');
          const phone = textField(fields, 'phone', 30);
          if (phone && !/^\+?[\d\s().-]{6,30}$/.test(phone)) throw badField('phone is not a valid number');
          const mediaUrl = textField(fields, 'media_url', 2000);
          if (mediaUrl && !/^https?:\/\/\S+$/i.test(mediaUrl)) throw badField('media_url must be an http(s) URL');

          const input: NewServiceRequest = {
            client,
            procedure,
            description,
            address,
            latitude,
            longitude,
            mediaUrl,
            email,
            phone: phone?.replace(/[\s().-]/g, ''),
            firstName: textField(fields, 'first_name', 100),
            lastName: textField(fields, 'last_name', 100),
            deviceId: textField(fields, 'device_id', 200),
            accountId: textField(fields, 'account_id', 200),
          };
          const staff = await staffChatsOf(functionar.channels.values());
          const { ticket } = await createServiceRequest(database.db, input, staff, new Date());
          void functionar.outbox.kick();
          request.log.info({ ticket: serviceRequestId(ticket), client, serviceCode }, 'open311 request registered');
          const created = [{ service_request_id: publicId(ticket), service_notice: `Înregistrată cu nr. ${ticket.number}/${ticket.year}; termen legal de răspuns ${ticket.dueDate}.`, account_id: input.accountId ?? null }];
          return send(reply, format, created, () => listToXml('service_requests', 'request', created));
        });
      }

      // services/{code}.{format} and requests/{id}.{format}: the format is part of the last path segment.
      scope.get<{ Params: { file: string } }>('/services/:file', async (request, reply) => {
        const match = /^(.+)\.(json|xml)$/.exec(request.params.file);
        if (!match) throw badField('use services/{service_code}.json or .xml');
        const format = match[2] as Format;
        const procedure = findOpen311Procedure(knowledge(), match[1] ?? '');
        if (!procedure) throw unknownService(match[1] ?? '');
        // metadata is false for every service: no extra attributes to fill in.
        const definition = { service_code: procedure.slug, attributes: [] as object[] };
        return send(reply, format, definition, () => objectToXml('service_definition', definition));
      });

      scope.get<{ Params: { file: string } }>('/requests/:file', async (request, reply) => {
        const match = /^(.+)\.(json|xml)$/.exec(request.params.file);
        if (!match) throw badField('use requests/{service_request_id}.json or .xml');
        const format = match[2] as Format;
        const presented = decodeURIComponent(match[1] ?? '');
        const ids = resolveRequestIds([presented], config.dataDirectory, openReads || hasReadKey(request));
        const rows = await findServiceRequests(database.db, { ...ids, limit: 1 });
        // The same answer for a number without a key as for an id that does not exist: nothing to probe.
        if (rows.length === 0) throw unknownRequest(presented.slice(0, 40));
        const views = await viewsOf(rows);
        return send(reply, format, views, () => listToXml('service_requests', 'request', views));
      });
    },
    { prefix },
  );
}
