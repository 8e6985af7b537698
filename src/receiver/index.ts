// herald/receiver: what a webhook receiver needs to trust Herald's requests (DESIGN.md §12):
// `verify` (Standard Webhooks signatures and JWT bearer, from the raw body and headers), adapters
// for node:http, express and fastify that keep the raw body, and the reasons a request is refused.
// README.md, "Receiving webhooks", shows each in use.
export {
  type AdapterOptions,
  BodyTooLargeError,
  DEFAULT_BODY_LIMIT_BYTES,
  type ExpressLikeRequest,
  expressVerifier,
  fastifyVerifier,
  nodeHandler,
  RawBodyUnavailableError,
  rawBodyParser,
  readRawBody,
  sendRefusal,
  statusFor,
  verifyNodeRequest,
  webhookOf,
} from './adapters.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type HeaderBag,
  type HeraldJwtClaims,
  headerValue,
  JWT_CLOCK_TOLERANCE_SECONDS,
  type Refused,
  type Verified,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
  verify,
  verifyGithubSignature,
  verifyJwt,
  verifyStandardWebhooks,
} from './verify.js';
