import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The OpenAPI document the API is held to: `openapi.json` at the root of the repository. */
export const OPENAPI_DOCUMENT_PATH = fileURLToPath(new URL('../../../openapi.json', import.meta.url));

// ajv-formats is CommonJS: its plugin is both the module and its `default`, which TypeScript sees.
const addFormats = addFormatsModule.default;

/** One answer of the API, as the contract checks it. */
export interface ObservedResponse {
  method: string;
  /** The request's path, with its query string if it had one. */
  path: string;
  status: number;
  /** The `Content-Type` header, null when there was none. */
  contentType: string | null;
  /** The body as text ('' when empty). */
  text: string;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  $ref?: string;
}

interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, ResponseObject> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** A path template of the document and the paths it matches. */
interface Route {
  template: string;
  pattern: RegExp;
  /** Templated segments: a literal route (`/v1/jobs/batch`) is tried before a templated one. */
  parameters: number;
}

/**
 * Checks the API's answers against its OpenAPI document, as a client generated from it expects them:
 * the operation of the method and path must document the status (or a `default`), the answer's
 * Content-Type must be one the response lists, and its body must match that content's schema
 * (JSON Schema 2020-12, with ajv). Paths and methods the document has no operation for (the
 * Swagger UI, Bull Board, an unknown route) are not its business and pass.
 */
export class ApiContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    // Not strict: the document's schemas carry OpenAPI's own words (`example`) beside JSON Schema's.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^/}]+\}/g, '[^/]+')}$`),
        parameters: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** The contract of the document at `path`. */
  static load(path: string = OPENAPI_DOCUMENT_PATH): ApiContract {
    return new ApiContract(JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument);
  }

  /** What is wrong with the answer against the document, or null if nothing is. */
  violation(observed: ObservedResponse): string | null {
    const method = observed.method.toLowerCase();
    const path = observed.path.split('?', 1)[0] ?? '';
    const route = this.routes.find(
      (candidate) => candidate.pattern.test(path) && this.document.paths[candidate.template]?.[method] !== undefined,
    );
    if (route === undefined || !(METHODS as readonly string[]).includes(method)) {
      return null;
    }
    const operation = this.document.paths[route.template]?.[method] as Operation;
    const name = `${operation.operationId ?? '?'} (${method.toUpperCase()} ${route.template})`;
    const describe = (problem: string) =>
      `${name} answered ${observed.status}: ${problem}\nbody: ${observed.text.slice(0, 2000)}`;

    const statusKey = String(observed.status);
    const declared =
      operation.responses[statusKey] ?? operation.responses[`${statusKey[0]}XX`] ?? operation.responses.default;
    if (declared === undefined) {
      return describe(`the document lists no such status (it lists ${Object.keys(operation.responses).join(', ')})`);
    }
    const [response, pointer] = this.resolve(declared, route.template, method, statusKey);
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      return observed.text === '' ? null : describe('the document says no body, but one came');
    }
    const mediaType = observed.contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? null;
    if (mediaType === null || !mediaTypes.includes(mediaType)) {
      return describe(`Content-Type ${mediaType ?? '(none)'}, where the document says ${mediaTypes.join(' or ')}`);
    }
    if (content[mediaType]?.schema === undefined) {
      return null;
    }
    let body: unknown = observed.text;
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
      try {
        body = JSON.parse(observed.text);
      } catch {
        return describe(`the body is not JSON though its Content-Type is ${mediaType}`);
      }
    }
    const validate = this.validator(`${pointer}/content/${escape(mediaType)}/schema`);
    if (validate(body)) {
      return null;
    }
    return describe(`the body does not match the ${mediaType} schema of the document:\n${formatErrors(validate)}`);
  }

  /** What is wrong with `value` as a value of the named schema `name`, or null if nothing is. */
  schemaViolation(name: string, value: unknown): string | null {
    const validate = this.validator(`/components/schemas/${escape(name)}`);
    return validate(value) ? null : formatErrors(validate);
  }

  /** Throws, with what is wrong, when the answer breaks the document. */
  check(observed: ObservedResponse): void {
    const problem = this.violation(observed);
    if (problem !== null) {
      throw new Error(`Answer outside the OpenAPI contract: ${problem}`);
    }
  }

  /** A response of the document, a shared one (`$ref`) followed, with its JSON pointer. */
  private resolve(
    response: ResponseObject,
    template: string,
    method: string,
    status: string,
  ): [ResponseObject, string] {
    if (response.$ref === undefined) {
      return [response, `/paths/${escape(template)}/${method}/responses/${status}`];
    }
    const name = response.$ref.replace('#/components/responses/', '');
    const shared = this.document.components?.responses?.[name];
    if (shared === undefined) {
      throw new Error(`${response.$ref} is not in the document`);
    }
    return [shared, `/components/responses/${escape(name)}`];
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

const DOCUMENT_ID = 'meridian-openapi.json';

/** ajv's errors of the last validation, one a line. */
function formatErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 20)
    .map((error) => `  ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('\n');
}

/** A JSON pointer segment (RFC 6901). */
function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
