// The JSON Schemas of event types: checked when saved, compiled once, applied at ingest.
//
// A schema is checked when an event type is saved (checkSchema: 422 invalid_schema with the reason)
// and compiled with ajv the first time an ingest meets its type: the compiled validator is kept per
// type name with the `updatedAt` it was compiled for (SchemaValidators, one per store), so a changed
// schema (a new updatedAt, read in the ingest's own transaction) is compiled again and an unchanged
// one never is. A type without a schema costs nothing here: the store hands planIngest no validator
// for it.
//
// Drafts: 2020-12 (the default, or `$schema` naming it) and draft-07 (`$schema` naming it). The
// options are the safe ones: strict (an unknown keyword or a misspelt one is an error, not ignored),
// the first error only, no `$data` references, no remote `$ref` (nothing is ever fetched: such a
// reference does not compile), formats checked (ajv-formats' fast ones). Schemas are at most
// SCHEMA_MAX_BYTES as JSON; every regular expression in one (`pattern`, `patternProperties`) must pass
// safe-regex2 (no nested quantifiers), and a string is matched against one only up to
// PATTERN_INPUT_MAX_CHARS (a longer one does not match), which bounds what backtracking can cost.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { fastFormats } from 'ajv-formats/dist/formats.js';
import safeRegex from 'safe-regex2';
import { HeraldError } from './errors.js';

export const SCHEMA_MAX_BYTES = 65_536; // of a schema as JSON text
export const EXAMPLE_MAX_BYTES = 65_536; // of an example as JSON text
export const PATTERN_INPUT_MAX_CHARS = 10_000; // longest string a schema `pattern` is tried on
const CACHE_MAX = 10_000; // compiled schemas kept per store; past it the cache starts over

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/** Where event data breaks its type's schema: the first error ajv finds. */
export interface SchemaViolation {
  /** JSON pointer into the data (`/order/total`; `` for the data itself); for a missing or an
   *  extra property, the pointer to that property. */
  path: string;
  /** What is wrong there, as ajv says it (`must be number`). */
  message: string;
  /** The schema keyword that failed and where it is in the schema. */
  keyword: string;
  schemaPath: string;
}

/** Checks event data given as JSON text; null when it matches. */
export type DataValidator = (dataJson: string) => SchemaViolation | null;

/** A regular-expression engine for ajv that gives up (no match) past PATTERN_INPUT_MAX_CHARS. ajv
 *  keys compiled patterns by their toString(), which must therefore be the expression's, as a RegExp's is. */
function cappedRegExp(pattern: string, flags: string): { test: (s: string) => boolean; toString: () => string } {
  const re = new RegExp(pattern, flags);
  return { test: (s: string) => s.length <= PATTERN_INPUT_MAX_CHARS && re.test(s), toString: () => re.toString() };
}
// ajv reads the engine's `code` to import it in standalone code, which Herald does not generate.
cappedRegExp.code = 'cappedRegExp';

const OPTIONS: Options = {
  strict: true,
  strictRequired: false, // `required` may name a property `properties` does not describe
  allowUnionTypes: true, // `"type": ["string", "null"]` is common and unambiguous
  strictTuples: false, // `prefixItems` without a bound on the rest is a valid, open tuple
  allErrors: false,
  $data: false,
  formats: fastFormats,
  validateFormats: true,
  addUsedSchema: false,
  inlineRefs: true,
  code: { regExp: cappedRegExp },
};

// One instance per draft, made when first needed. An instance keeps what it compiles (keyed by the
// schema object, and by `$id` unless addUsedSchema is off): compile() removes each schema again, so
// nothing accumulates and two schemas with the same `$id` do not collide. The validator compiled
// stays valid after the removal: it is a closure of its own.
let draft2020: Ajv2020 | undefined;
let draft07: Ajv | undefined;

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2020 {
  const declared = schema.$schema;
  if (declared === undefined || declared === DRAFT_2020 || declared === `${DRAFT_2020}#`) {
    draft2020 ??= new Ajv2020(OPTIONS);
    return draft2020;
  }
  if (declared === DRAFT_07 || declared === `${DRAFT_07}#`) {
    draft07 ??= new Ajv(OPTIONS);
    return draft07;
  }
  throw new HeraldError(
    'invalid_schema',
    `The schema's $schema must be ${DRAFT_2020} or ${DRAFT_07}# (or absent, for 2020-12); got ${JSON.stringify(declared).slice(0, 200)}`,
  );
}

/** Every regular expression of a schema (`pattern` values, `patternProperties` keys), at any depth. */
function regularExpressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) regularExpressions(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.push(value);
      if (key === 'patternProperties' && value !== null && typeof value === 'object') out.push(...Object.keys(value));
      regularExpressions(value, out);
    }
  }
  return out;
}

/** Compiles a schema; throws HeraldError('invalid_schema') with the reason when it is not one. */
function compile(schema: unknown): ValidateFunction {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new HeraldError('invalid_schema', 'A schema is a JSON object');
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > SCHEMA_MAX_BYTES) {
    throw new HeraldError('invalid_schema', `A schema is at most ${SCHEMA_MAX_BYTES} bytes as JSON; this one is ${bytes}`);
  }
  const id = (schema as Record<string, unknown>).$id;
  if (typeof id === 'string' && /^https?:\/\/json-schema\.org\//i.test(id)) {
    // compile() removes the schema by its $id afterwards, which would remove that meta-schema
    throw new HeraldError('invalid_schema', "A schema's $id must not be a json-schema.org address");
  }
  for (const pattern of regularExpressions(schema)) {
    let safe: boolean;
    try {
      new RegExp(pattern, 'u');
      safe = safeRegex(pattern);
    } catch (err) {
      throw new HeraldError(
        'invalid_schema',
        `The pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`,
      );
    }
    if (!safe) {
      throw new HeraldError(
        'invalid_schema',
        `The pattern ${JSON.stringify(pattern)} may take exponential time (nested quantifiers such as (a+)+); write it without them`,
      );
    }
  }
  const ajv = ajvFor(schema as Record<string, unknown>);
  try {
    return ajv.compile(schema as Record<string, unknown>);
  } catch (err) {
    throw new HeraldError('invalid_schema', `The schema does not compile: ${(err as Error).message}`);
  } finally {
    ajv.removeSchema(schema as Record<string, unknown>);
  }
}

/** The validator of `schema`; throws HeraldError('invalid_schema') with the reason when it is not a usable JSON Schema. */
export function checkSchema(schema: unknown): DataValidator {
  return validatorOf(compile(schema));
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The violation an ajv error describes. */
function violationOf(error: ErrorObject): SchemaViolation {
  let path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') path += `/${escapePointer(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${escapePointer(params.additionalProperty)}`;
  }
  if (error.keyword === 'unevaluatedProperties' && typeof params.unevaluatedProperty === 'string') {
    path += `/${escapePointer(params.unevaluatedProperty)}`;
  }
  return { path, message: error.message ?? `fails ${error.keyword}`, keyword: error.keyword, schemaPath: error.schemaPath };
}

/** The validator of a compiled schema. */
function validatorOf(validate: ValidateFunction): DataValidator {
  return (dataJson) => {
    if (validate(JSON.parse(dataJson))) return null;
    const first = validate.errors?.[0];
    return first ? violationOf(first) : { path: '', message: 'does not match the schema', keyword: '', schemaPath: '' };
  };
}

/** What `value` breaks in `schema` (checked to be a schema), or null. For examples, at save time. */
export function violationIn(schema: unknown, value: unknown): SchemaViolation | null {
  return validatorOf(compile(schema))(JSON.stringify(value));
}

/** "at /order/total: must be number", for messages. */
export function describeViolation(v: SchemaViolation): string {
  return `${v.path === '' ? 'at the top level' : `at ${v.path}`}: ${v.message}`;
}

/** The 422 an event whose data breaks its type's schema answers, naming where and why. */
export function schemaValidationError(type: string, v: SchemaViolation): HeraldError {
  return new HeraldError('schema_validation_failed', `The data does not match the schema of ${type} ${describeViolation(v)}`, {
    type,
    ...v,
  });
}

const accept: DataValidator = () => null;

/**
 * The compiled validators of one store's event types, each for the version of the schema it was
 * compiled from (the type's updatedAt, which every change moves). One per store, so two databases
 * in one process (tests) never share one.
 */
export class SchemaValidators {
  private readonly compiled = new Map<string, { updatedAt: number; validate: DataValidator }>();

  /** The validator compiled for this version of the type's schema, if one was. */
  cached(name: string, updatedAt: number): DataValidator | undefined {
    const entry = this.compiled.get(name);
    return entry?.updatedAt === updatedAt ? entry.validate : undefined;
  }

  /**
   * Compiles and keeps the validator of this version of the type's schema. A stored schema that
   * does not compile (saved before schemas were checked) validates nothing rather than refusing
   * every event of its type: saving the type again reports what is wrong with it.
   */
  compile(name: string, updatedAt: number, schema: unknown): DataValidator {
    let validate: DataValidator;
    try {
      validate = validatorOf(compile(schema));
    } catch {
      validate = accept;
    }
    if (this.compiled.size >= CACHE_MAX && !this.compiled.has(name)) this.compiled.clear();
    this.compiled.set(name, { updatedAt, validate });
    return validate;
  }

  /** The validator of a type's schema at `updatedAt`, compiled once; `load` gives the schema on a miss. */
  get(name: string, updatedAt: number, load: () => unknown): DataValidator {
    return this.cached(name, updatedAt) ?? this.compile(name, updatedAt, load());
  }
}

/**
 * Checks an example's size and, when there is a schema, compiles the schema (invalid_schema) and
 * checks the example against it; throws HeraldError('invalid_example') naming where it breaks it.
 */
export function checkExample(schema: unknown | null, example: unknown | null): void {
  const bytes = Buffer.byteLength(JSON.stringify(example));
  if (bytes > EXAMPLE_MAX_BYTES) {
    throw new HeraldError('invalid_example', `An example is at most ${EXAMPLE_MAX_BYTES} bytes as JSON; this one is ${bytes}`);
  }
  if (schema === null) return;
  const validate = checkSchema(schema);
  const violation = example === null ? null : validate(JSON.stringify(example));
  if (violation) {
    throw new HeraldError('invalid_example', `The example does not match the schema ${describeViolation(violation)}`, violation);
  }
}
