// An API key (seed 004): `<header>: <value>`, e.g. `X-API-Key: ...`. It replaces a custom header
// of the same name.
import type { ApiKeyAuth } from '../../domain/glossary.js';
import { type Authorizer, setCredential } from './authorizer.js';

export const apiKey: Authorizer<ApiKeyAuth> = {
  authorize(_job, { header, value }, request) {
    setCredential(request, header, value);
    return null;
  },
};
