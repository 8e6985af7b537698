// HTTP Basic (RFC 7617, seed 004): `Authorization: Basic base64(username:password)`, UTF-8.
import type { BasicAuth } from '../../domain/glossary.js';
import { type Authorizer, setCredential } from './authorizer.js';

export const basic: Authorizer<BasicAuth> = {
  authorize(_job, { username, password }, request) {
    setCredential(request, 'authorization', `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
    return null;
  },
};
