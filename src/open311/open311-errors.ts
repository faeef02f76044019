import { AppError } from '../errors.ts';

// GeoReport v2 answers errors as a list of {code, description}, where code is the HTTP status; these
// carry our stable code too, so logs and tests can tell the causes apart.

export class Open311Error extends AppError {
  constructor(code: string, message: string, statusCode: 400 | 403 | 404) {
    super(code, message, statusCode);
  }
}

export const missingApiKey = () => new Open311Error('FV_ERR_OPEN311_API_KEY', 'api_key is missing or not valid', 403);
export const unknownService = (code: string) => new Open311Error('FV_ERR_OPEN311_SERVICE_NOT_FOUND', `service_code "${code}" not found`, 404);
export const unknownRequest = (id: string) => new Open311Error('FV_ERR_OPEN311_REQUEST_NOT_FOUND', `service_request_id "${id}" not found`, 404);
export const badField = (message: string) => new Open311Error('FV_ERR_OPEN311_BAD_REQUEST', message, 400);
export const listingNeedsKey = () =>
  new Open311Error('FV_ERR_OPEN311_LIST_NEEDS_API_KEY', 'listing requests needs an api_key; without one, read a request by the service_request_id it was given', 403);
