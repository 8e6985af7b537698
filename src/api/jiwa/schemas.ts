// Documentation schemas shared by the Jiwa resources. They only describe the routes in the
// OpenAPI document: the Jiwa scope validates nothing itself (see index.ts).
import { type TSchema, Type } from 'typebox';
import { ErrorSchema } from '../schemas.js';

export const Webhooks = ['Webhooks'];
export const formatQuery = {
  format: Type.Optional(
    Type.Union(
      ['json', 'xml', 'csv', 'html'].map((f) => Type.Literal(f)),
      { description: 'Overrides Accept' },
    ),
  ),
};
export const SubscriberParams = Type.Object({ SubscriberID: Type.String() });
/** Jiwa errors carry Herald's {code, message} and ServiceStack's ResponseStatus. */
const JiwaErrorSchema = Type.Object({
  ...ErrorSchema.properties,
  ResponseStatus: Type.Optional(Type.Object({ ErrorCode: Type.String(), Message: Type.String(), Errors: Type.Array(Type.Unknown()) })),
});
export const errors = { '4xx': JiwaErrorSchema, '5xx': JiwaErrorSchema };
export const operatorSecurity: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
export const noSecurity: Record<string, string[]>[] = []; // subscriber-facing: the SubscriberID is the credential

/** A route's query string: its fields, every one optional, since ServiceStack binds each from the
 *  query or the body (seed 001's tutorial fills in the body and leaves `Name` in the query empty,
 *  which Swagger UI would refuse were it required); the handler says what is missing. */
export function queryString<T extends Record<string, TSchema>>(properties: T) {
  const optional = Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, Type.Optional(schema)]));
  return Type.Object({ ...optional, ...formatQuery });
}
