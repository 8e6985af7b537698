// Payload templates (DESIGN.md §5, seed 004): a JSON document whose string values hold `{{ expr }}`
// holes, each a CEL expression over the same variables as filters (src/domain/cel.ts). A string that
// is exactly one hole (spaces around it allowed) becomes the value itself, its JSON type kept
// (`"{{ order.items }}"` stays a list, `"{{ order.total }}"` a number); any other string with holes
// interpolates, each value written as text (strings as they are, everything else as compact JSON,
// null as `null`, timestamps RFC 3339). Only values are templated: a key holding `{{` is refused,
// as is an unclosed `{{`. A hole ends at the first `}}`, so an expression cannot contain `}}`
// (write `} }` in a nested map literal).
//
// compileTemplate checks the whole document when it is saved (every refusal names the JSON path,
// the expression and the position in it); renderTemplate writes the body for one event, or throws a
// TemplateRenderError (a FormatError: the attempt fails for good) naming the path whose expression
// failed.
import {
  type CelInput,
  type CelPosition,
  type CelProgram,
  type CelVariables,
  celVariables,
  compileExpression,
  evaluationMessage,
  isCompileError,
  type JsonValue,
  positionAt,
  toJsonText,
  toText,
} from '../../domain/cel.js';
import { FormatError } from './format.js';

export const TEMPLATE_MAX_BYTES = 64 * 1024; // the document as compact JSON, UTF-8
export const TEMPLATE_MAX_HOLES = 200;
export const TEMPLATE_MAX_DEPTH = 32; // nested arrays and objects

/** Why a template was refused when saved. `path` is a JSON path: `$.blocks[0].text`. */
export interface TemplateError {
  path: string;
  expression: string;
  code: string;
  message: string;
  /** Where in the expression (or, for an unclosed hole, in the string). */
  position: CelPosition;
}

/** An expression of a template failed on an event: the message cannot be given this body. */
export class TemplateRenderError extends FormatError {
  constructor(
    readonly path: string,
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`template ${path}: {{ ${expression} }}: ${reason}`);
    this.name = 'TemplateRenderError';
  }
}

type Part = string | Hole;
interface Hole {
  program: CelProgram;
}
// Parts of the document without holes are written as JSON text once, when compiled.
type Node =
  | { kind: 'literal'; json: string }
  | { kind: 'value'; path: string; hole: Hole }
  | { kind: 'text'; path: string; parts: Part[] }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; entries: [string, Node][] }; // [the key as JSON text, its value]

/** A template checked and ready to render. */
export interface CompiledTemplate {
  readonly document: unknown;
  readonly holes: number;
  /** @internal */
  readonly root: Node;
}

const START = { offset: 0, line: 1, column: 1 };
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SINGLE_HOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

const childPath = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** Compile a template document (any JSON value): the compiled template, or every refusal. */
export function compileTemplate(document: unknown): CompiledTemplate | TemplateError[] {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(document) ?? '');
  } catch {
    return [{ path: '$', expression: '', code: 'not_json', message: 'the template is not a JSON document', position: START }];
  }
  if (size > TEMPLATE_MAX_BYTES) {
    return [
      {
        path: '$',
        expression: '',
        code: 'too_large',
        message: `the template is ${size} bytes, more than ${TEMPLATE_MAX_BYTES}`,
        position: START,
      },
    ];
  }
  const errors: TemplateError[] = [];
  let holes = 0;

  const compileString = (s: string, path: string): Node => {
    if (!s.includes('{{')) return literal(s);
    const single = SINGLE_HOLE.exec(s);
    if (single !== null && !single[1]!.includes('{{')) {
      const hole = compileHole(single[1]!, path);
      return hole === null ? literal(null) : { kind: 'value', path, hole };
    }
    const parts: Part[] = [];
    let at = 0;
    while (at < s.length) {
      const open = s.indexOf('{{', at);
      if (open < 0) {
        parts.push(s.slice(at));
        break;
      }
      if (open > at) parts.push(s.slice(at, open));
      const close = s.indexOf('}}', open + 2);
      if (close < 0) {
        const unclosed = s.slice(open);
        errors.push({ path, expression: unclosed, code: 'unclosed_hole', message: 'a {{ without its }}', position: positionAt(s, open) });
        return literal(null);
      }
      const hole = compileHole(s.slice(open + 2, close), path);
      if (hole !== null) parts.push(hole);
      at = close + 2;
    }
    return { kind: 'text', path, parts };
  };

  const compileHole = (source: string, path: string): Hole | null => {
    holes++;
    const expression = source.trim();
    const compiled = compileExpression(expression);
    if (isCompileError(compiled)) {
      errors.push({ path, expression, ...compiled });
      return null;
    }
    return { program: compiled };
  };

  const compileNode = (value: unknown, path: string, depth: number): Node => {
    if (depth > TEMPLATE_MAX_DEPTH) {
      errors.push({ path, expression: '', code: 'too_deep', message: `nested more than ${TEMPLATE_MAX_DEPTH} deep`, position: START });
      return literal(null);
    }
    if (typeof value === 'string') return compileString(value, path);
    if (Array.isArray(value)) {
      const items = value.map((v, i) => compileNode(v, childPath(path, i), depth + 1));
      return items.every((n) => n.kind === 'literal') ? literal(value as JsonValue) : { kind: 'array', items };
    }
    if (value !== null && typeof value === 'object') {
      const entries: [string, Node][] = [];
      for (const [key, v] of Object.entries(value)) {
        const p = childPath(path, key);
        if (key.includes('{{')) {
          errors.push({
            path: p,
            expression: key,
            code: 'templated_key',
            message: 'keys cannot hold {{ }}: only values are templated',
            position: START,
          });
        }
        entries.push([JSON.stringify(key), compileNode(v, p, depth + 1)]);
      }
      return entries.every(([, n]) => n.kind === 'literal') ? literal(value as JsonValue) : { kind: 'object', entries };
    }
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      errors.push({ path, expression: '', code: 'not_json', message: `a ${typeof value} is not a JSON value`, position: START });
      return literal(null);
    }
    return literal(value as JsonValue);
  };

  const root = compileNode(document, '$', 0);
  if (holes > TEMPLATE_MAX_HOLES) {
    errors.unshift({
      path: '$',
      expression: '',
      code: 'too_many_holes',
      message: `${holes} {{ }} holes, more than ${TEMPLATE_MAX_HOLES}`,
      position: START,
    });
  }
  return errors.length > 0 ? errors : { document, holes, root };
}

export function isTemplateErrors(x: CompiledTemplate | TemplateError[]): x is TemplateError[] {
  return Array.isArray(x);
}

/** The body `template` gives one event, as JSON text. Throws TemplateRenderError. */
export function renderTemplate(template: CompiledTemplate, input: CelInput | CelVariables): string {
  return render(template.root, celVariables(input));
}

// Module-level functions rather than closures per call: rendering runs once per attempt.
function render(node: Node, variables: CelVariables): string {
  switch (node.kind) {
    case 'literal':
      return node.json;
    case 'value':
      return runHole(node.hole, node.path, variables, toJsonText);
    case 'text': {
      let out = '';
      for (const part of node.parts) out += typeof part === 'string' ? part : runHole(part, node.path, variables, toText);
      return JSON.stringify(out);
    }
    case 'array': {
      let out = '[';
      for (let i = 0; i < node.items.length; i++) out += (i > 0 ? ',' : '') + render(node.items[i]!, variables);
      return out + ']';
    }
    case 'object': {
      let out = '{';
      for (let i = 0; i < node.entries.length; i++) {
        const [key, child] = node.entries[i]!;
        out += (i > 0 ? ',' : '') + key + ':' + render(child, variables);
      }
      return out + '}';
    }
  }
}

function runHole(hole: Hole, path: string, variables: CelVariables, write: (value: unknown) => string): string {
  let value: unknown;
  try {
    value = hole.program.run(variables);
  } catch (err) {
    throw new TemplateRenderError(path, hole.program.source, evaluationMessage(err));
  }
  try {
    return write(value);
  } catch (err) {
    throw new TemplateRenderError(path, hole.program.source, (err as Error).message);
  }
}

/** The body as a JSON value (for a preview that shows it structured). Throws TemplateRenderError. */
export function renderValue(template: CompiledTemplate, input: CelInput | CelVariables): JsonValue {
  return JSON.parse(renderTemplate(template, input)) as JsonValue;
}

const literal = (value: JsonValue): Node => ({ kind: 'literal', json: JSON.stringify(value) });
